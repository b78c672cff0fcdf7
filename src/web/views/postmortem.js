// @ts-check
/** @import * as G from '../generated/graphql' */
/** @import { ApplyPostmortem, Postmortem, ViewContext } from '../types' */
/**
 * One postmortem (`#/postmortems/<id>`), live: status and workflow, the
 * publishing checklist, why it is owed, the write-up and lessons learned,
 * action items, the incident timeline in UTC, and the Markdown export.
 */
import { announce, errorBox, h, replace } from '../dom.js';
import { timeEl, utc } from '../time.js';
import { ApiError } from '../graphql-client.js';
import { POSTMORTEM_TRIGGER_LABELS, TIMELINE_LABELS, postmortemStatusBadge, severityBadge, statusBadge } from '../labels.js';
import { POSTMORTEM, POSTMORTEM_MARKDOWN, POSTMORTEM_UPDATED, SET_POSTMORTEM_STATUS, USERS } from '../queries.js';
import { actionItemsPanel } from './postmortem-actions.js';
import { sectionsPanel } from './postmortem-sections.js';

/**
 * The moves the server allows from each status, as buttons: to, label, class.
 * @type {Record<G.PostmortemStatus, ReadonlyArray<readonly [G.PostmortemStatus, string, string]>>}
 */
const MOVES = {
  DRAFT: [['IN_REVIEW', 'Send for review', 'btn-primary']],
  IN_REVIEW: [['DRAFT', 'Back to draft', ''], ['PUBLISHED', 'Publish', 'btn-primary']],
  PUBLISHED: [],
};

/**
 * @param {HTMLElement} main
 * @param {ViewContext} ctx
 * @param {{ id: string }} args
 */
export function mount(main, ctx, { id }) {
  /** @type {Postmortem | null} */
  let pm = null;
  const readOnly = ctx.user?.role === 'VIEWER';
  const loadErrors = errorBox();
  const users = ctx.api.request(USERS).then((d) => d.users);
  users.catch(() => undefined);
  /** @type {ApplyPostmortem} */
  const apply = (next) => {
    pm = { ...pm, ...next };
    render();
  };
  // Action items come back alone; the checklist they change comes with a reload (or the live event).
  const itemChanged = () => {
    if (ctx.ws?.state !== 'connected') load();
  };

  const header = h('header', { class: 'incident-head' });
  const workflow = workflowPanel(ctx, id, apply);
  const checklist = h('ul', { class: 'checklist' });
  const triggers = h('div');
  const sections = sectionsPanel(ctx, id, apply);
  const actions = actionItemsPanel(ctx, id, users, itemChanged);
  const timeline = h('ol', { class: 'timeline utc' });
  const markdown = markdownPanel(ctx, id);
  const layout = h(
    'div',
    { class: 'incident-layout', hidden: true },
    h('div', { class: 'col-main' }, sections.el, sections.lessons.el, actions.el, markdown.el),
    h(
      'div',
      { class: 'col-side' },
      readOnly ? null : workflow.el,
      h('section', { class: 'panel', 'aria-labelledby': 'checklist-title' }, h('h2', { id: 'checklist-title' }, 'Publishing checklist'), checklist),
      h('section', { class: 'panel', 'aria-labelledby': 'owed-title' }, h('h2', { id: 'owed-title' }, 'Why it is owed'), triggers),
      h('section', { class: 'panel', 'aria-labelledby': 'pm-timeline-title' }, h('h2', { id: 'pm-timeline-title' }, 'Timeline (UTC)'), timeline),
    ),
  );
  replace(
    main,
    h(
      'article',
      { class: 'postmortem', 'aria-labelledby': 'pm-page-title' },
      h('p', { class: 'crumbs' }, h('a', { href: '#/postmortems' }, '← Postmortems')),
      header,
      loadErrors.el,
      layout,
    ),
  );
  replace(header, h('h1', { id: 'pm-page-title', tabindex: '-1' }, 'Loading postmortem…'));

  function render() {
    if (!pm) return;
    const incident = pm.incident;
    document.title = `Postmortem: ${incident.title} · Sitrep`;
    const focusInHeader = header.contains(document.activeElement);
    replace(
      header,
      h('h1', { id: 'pm-page-title', tabindex: '-1' }, 'Postmortem: ', incident.title),
      h('div', { class: 'head-badges' }, postmortemStatusBadge(pm.status), severityBadge(incident.severity), statusBadge(incident.status)),
      h(
        'dl',
        { class: 'facts' },
        h('div', {}, h('dt', {}, 'Incident'), h('dd', {}, h('a', { href: `#/incidents/${encodeURIComponent(incident.id)}` }, incident.title))),
        h('div', {}, h('dt', {}, 'Declared'), h('dd', {}, timeEl(incident.declaredAt))),
        pm.publishedAt ? h('div', {}, h('dt', {}, 'Published'), h('dd', {}, timeEl(pm.publishedAt))) : null,
        h('div', {}, h('dt', {}, 'Last change'), h('dd', {}, timeEl(pm.updatedAt))),
      ),
      pm.status === 'PUBLISHED' ? h('p', { class: 'notice' }, 'Published: the write-up is final and read-only.', readOnly ? '' : ' Action items stay editable.') : null,
    );
    if (focusInHeader) header.querySelector('h1')?.focus({ preventScroll: true });
    layout.hidden = false;
    const open = pm.checklist.filter((i) => !i.done);
    replace(
      checklist,
      pm.checklist.map((i) =>
        h('li', { class: i.done ? 'done' : 'open' }, h('span', { class: 'check', 'aria-hidden': 'true' }, i.done ? '✓' : '○'), h('span', { class: 'visually-hidden' }, i.done ? 'Done: ' : 'Open: '), i.label),
      ),
    );
    replace(
      triggers,
      pm.triggers.length
        ? h('ul', { class: 'triggers' }, pm.triggers.map((t) => h('li', {}, POSTMORTEM_TRIGGER_LABELS[t] ?? t)))
        : h('p', { class: 'muted' }, 'No trigger: this postmortem was written by choice.'),
    );
    replace(
      timeline,
      pm.timeline.map((e) =>
        h(
          'li',
          { class: `tl tl-${e.kind.toLowerCase().replace(/_/g, '-')}` },
          h('div', { class: 'tl-meta' }, h('time', { datetime: e.occurredAt }, utc(e.occurredAt)), h('span', { class: 'tl-kind' }, TIMELINE_LABELS[e.kind] ?? e.kind), e.actor ? h('span', {}, e.actor.name) : null),
          h('p', { class: 'tl-body' }, e.body),
        ),
      ),
    );
    workflow.update(pm, open);
    sections.update(pm);
    actions.update(pm);
    markdown.update();
  }

  async function load() {
    try {
      const data = await ctx.api.request(POSTMORTEM, { id });
      if (!data.postmortem) {
        document.title = 'Postmortem not found · Sitrep';
        replace(header, h('h1', { id: 'pm-page-title', tabindex: '-1' }, 'Postmortem not found'));
        loadErrors.show({ code: 'NOT_FOUND', message: `There is no postmortem with id ${id}.` });
        return;
      }
      loadErrors.clear();
      apply(data.postmortem);
    } catch (error) {
      if (!pm) replace(header, h('h1', { id: 'pm-page-title', tabindex: '-1' }, 'Postmortem'));
      loadErrors.show(error);
    }
  }

  // Subscribe before the first fetch, so that nothing happening in between is lost.
  const stop = ctx.ws.subscribe(POSTMORTEM_UPDATED, { id }, {
    next: (data) => {
      if (!data?.postmortemUpdated || !pm) return;
      const before = pm.status;
      const after = data.postmortemUpdated.status;
      apply(data.postmortemUpdated);
      if (before !== after) announce(`The postmortem is now ${after.toLowerCase().replace('_', ' ')}`);
    },
    error: (error) => loadErrors.show(error),
  });
  const offReconnect = ctx.ws.onReconnect(load);
  load();
  return () => {
    stop();
    offReconnect();
  };
}

/**
 * DRAFT → IN_REVIEW → PUBLISHED, IN_REVIEW → DRAFT; publishing waits for the checklist.
 * @param {ViewContext} ctx
 * @param {string} id
 * @param {ApplyPostmortem} apply
 */
function workflowPanel(ctx, id, apply) {
  const errors = errorBox();
  const buttons = h('div', { class: 'actions' });
  const why = h('div', { class: 'hint publish-why', id: 'publish-why' });
  const el = h('section', { class: 'panel', 'aria-labelledby': 'workflow-title' }, h('h2', { id: 'workflow-title' }, 'Status'), buttons, why, errors.el);

  /** @type {[Postmortem, Postmortem['checklist'], string] | null} */
  let shown = null;
  /** @param {G.PostmortemStatus} status @param {HTMLButtonElement} button */
  async function move(status, button) {
    errors.clear();
    button.disabled = true;
    try {
      apply((await ctx.api.request(SET_POSTMORTEM_STATUS, { id, status })).setPostmortemStatus);
      announce(status === 'PUBLISHED' ? 'Postmortem published' : 'Postmortem status changed');
    } catch (error) {
      // The server's refusal (e.g. BAD_USER_INPUT listing open checklist items) is shown as it came.
      errors.show(error);
      // The buttons as the last known state allows them.
      if (shown) update(shown[0], shown[1]);
    }
  }

  /** @param {Postmortem} pm @param {Postmortem['checklist']} open the checklist items still open */
  function update(pm, open) {
    // A refusal is about the state it was made in: once the status or checklist moves on, it is stale.
    const state = `${pm.status} ${open.map((i) => i.key).join(',')}`;
    if (shown && state !== shown[2]) errors.clear();
    shown = [pm, open, state];
    const blocked = open.length > 0;
    replace(
      buttons,
      MOVES[pm.status].map(([status, label, cls]) => {
        const publish = status === 'PUBLISHED';
        const button = h('button', { type: 'button', class: ['btn', cls], 'aria-describedby': publish ? 'publish-why' : undefined }, label);
        // Disabled rather than hidden, so that the reason below is found next to it.
        if (publish && blocked) button.disabled = true;
        button.addEventListener('click', () => move(status, button));
        return button;
      }),
    );
    if (pm.status === 'PUBLISHED') {
      replace(why, 'Published. Publication is final.');
    } else if (blocked) {
      replace(why, `Publishing needs every checklist item; ${open.length} still open:`, h('ul', {}, open.map((i) => h('li', {}, i.label))));
    } else {
      replace(why, pm.status === 'DRAFT' ? 'The checklist is complete. Send it for review, then publish.' : 'The checklist is complete: ready to publish.');
    }
  }
  return { el, update };
}

/**
 * The Markdown export: shown on request and downloadable as a .md file, built in the browser.
 * @param {ViewContext} ctx
 * @param {string} id
 */
function markdownPanel(ctx, id) {
  const errors = errorBox();
  const pre = h('pre', { class: 'markdown-source', id: 'markdown-source', tabindex: '0', 'aria-label': 'Markdown export', hidden: true });
  const show = h('button', { type: 'button', class: 'btn', 'aria-controls': 'markdown-source', 'aria-expanded': 'false' }, 'Show Markdown');
  const download = h('button', { type: 'button', class: 'btn' }, 'Download .md');
  /** @type {string | null} */
  let url = null;
  let stale = true;

  async function fetchMarkdown() {
    const { postmortem } = await ctx.api.request(POSTMORTEM_MARKDOWN, { id });
    if (!postmortem) throw new ApiError(`There is no postmortem with id ${id}.`, 'NOT_FOUND');
    stale = false;
    return postmortem;
  }
  show.addEventListener('click', async () => {
    errors.clear();
    if (!pre.hidden && !stale) {
      pre.hidden = true;
      show.textContent = 'Show Markdown';
      show.setAttribute('aria-expanded', 'false');
      return;
    }
    try {
      pre.textContent = (await fetchMarkdown()).markdown;
      pre.hidden = false;
      show.textContent = 'Hide Markdown';
      show.setAttribute('aria-expanded', 'true');
    } catch (error) {
      errors.show(error);
    }
  });
  download.addEventListener('click', async () => {
    errors.clear();
    try {
      const postmortem = await fetchMarkdown();
      if (url) URL.revokeObjectURL(url);
      url = URL.createObjectURL(new Blob([postmortem.markdown], { type: 'text/markdown;charset=utf-8' }));
      const slug = postmortem.incident.title.toLowerCase().replace(/[^a-z0-9]+/g, '-').slice(0, 60).replace(/^-+|-+$/g, '') || 'incident';
      // A temporary link: the file is made here, nothing leaves the server's origin.
      const a = h('a', { href: url, download: `postmortem-${slug}.md`, hidden: true });
      document.body.append(a);
      a.click();
      a.remove();
      announce('Markdown downloaded');
    } catch (error) {
      errors.show(error);
    }
  });
  return {
    el: h(
      'section',
      { class: 'panel', 'aria-labelledby': 'md-title' },
      h('h2', { id: 'md-title' }, 'Markdown export'),
      h('p', { class: 'hint' }, 'In the shape of the SRE book’s example postmortem, with the live incident document as supporting information.'),
      h('div', { class: 'actions' }, show, download),
      errors.el,
      pre,
    ),
    update() {
      // A change makes the shown Markdown stale: refresh it if it is open.
      stale = true;
      if (!pre.hidden) fetchMarkdown().then((p) => (pre.textContent = p.markdown), () => undefined);
    },
  };
}
