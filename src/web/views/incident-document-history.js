// @ts-check
/** @import { ViewContext } from '../types' */
/** @import { DocumentVersionsQuery } from '../generated/graphql' */
/**
 * The live document's history: the versions Sitrep kept (at declaration,
 * every status, severity and command change, and periodically while people
 * edit), who edited since the version before, and a line diff between any
 * two of them or between one and the document as it is now.
 */
import { diffLines } from '../vendor/live-editor.js';
import { h, newId, replace } from '../dom.js';
import { timeEl } from '../time.js';
import { DOCUMENT_VERSIONS } from '../queries.js';

/**
 * What each reason means to a reader.
 * @type {Record<string, string>}
 */
const REASONS = {
  DECLARED: 'Declared',
  STATUS_CHANGED: 'Status changed',
  SEVERITY_CHANGED: 'Severity changed',
  ROLE_ASSIGNED: 'Command or role changed',
  PERIODIC: 'While editing',
};

const NOW = 'now';

/**
 * @param {ViewContext} ctx
 * @param {string} incidentId
 * @param {() => string} currentText the live document's text now
 */
export function documentHistory(ctx, incidentId, currentText) {
  const panelId = newId('history');
  const toggle = h('button', { type: 'button', class: 'btn btn-small', 'aria-controls': panelId, 'aria-expanded': 'false' }, 'History');
  const fromId = newId('from');
  const toId = newId('to');
  const from = h('select', { id: fromId, name: 'from' });
  const to = h('select', { id: toId, name: 'to' });
  const list = h('ol', { class: 'doc-versions', 'aria-label': 'Versions, oldest first' });
  const diff = h('pre', { class: 'doc-diff', tabindex: '0', 'aria-label': 'Changes between the two versions' });
  const status = h('p', { class: 'hint', role: 'status' });
  const el = h(
    'div',
    { class: 'doc-history', id: panelId, hidden: true },
    h('h3', {}, 'Document history'),
    status,
    list,
    h('div', { class: 'doc-compare' }, h('label', { for: fromId }, 'Compare'), from, h('label', { for: toId }, 'with'), to),
    diff,
  );

  /** @typedef {NonNullable<DocumentVersionsQuery['incident']>['documentVersions'][number]} Version */
  /** @type {ReadonlyArray<Version>} */
  let versions = [];

  /** @param {string} value a version id, or NOW */
  function textOf(value) {
    if (value === NOW) return currentText();
    return versions.find((v) => v.id === value)?.markdown ?? '';
  }

  function renderDiff() {
    const parts = diffLines(textOf(from.value), textOf(to.value));
    const changed = parts.some((/** @type {{ added?: boolean, removed?: boolean }} */ p) => p.added || p.removed);
    replace(
      diff,
      changed
        ? parts.map((/** @type {{ value: string, added?: boolean, removed?: boolean }} */ p) => (p.added ? h('ins', {}, p.value) : p.removed ? h('del', {}, p.value) : h('span', { class: 'same' }, p.value)))
        : h('span', { class: 'muted' }, 'No differences.'),
    );
  }

  /** @param {Version} v */
  function label(v) {
    return `${new Date(v.takenAt).toISOString().slice(0, 16).replace('T', ' ')} UTC · ${REASONS[v.reason] ?? v.reason}`;
  }

  /** @param {string | undefined} selected */
  function renderList(selected) {
    /**
     * @param {HTMLSelectElement} select
     * @param {string} value
     */
    const options = (select, value) => {
      replace(
        select,
        versions.map((v) => h('option', { value: v.id }, label(v))),
        h('option', { value: NOW }, 'Now (live)'),
      );
      select.value = value;
    };
    const last = versions.length - 1;
    const toValue = selected && versions.some((v) => v.id === selected) ? selected : NOW;
    const toIndex = toValue === NOW ? versions.length : versions.findIndex((v) => v.id === toValue);
    options(to, toValue);
    options(from, versions[Math.max(0, Math.min(toIndex - 1, last))]?.id ?? NOW);
    replace(
      list,
      versions.map((v) =>
        h(
          'li',
          { class: v.id === selected ? 'current' : undefined, dataset: { versionId: v.id } },
          timeEl(v.takenAt),
          ' ',
          h('strong', {}, REASONS[v.reason] ?? v.reason),
          v.editors.length ? h('span', { class: 'muted' }, ` · edited by ${v.editors.map((e) => e.name).join(', ')}`) : null,
          ' ',
          h('button', { type: 'button', class: 'btn btn-small btn-link', onclick: () => show(v.id) }, 'Compare with the one before'),
        ),
      ),
    );
    renderDiff();
  }

  /** @param {string} versionId */
  function show(versionId) {
    renderList(versionId);
  }

  /** @param {string | undefined} selected */
  async function load(selected) {
    status.textContent = 'Loading the versions…';
    try {
      const { incident } = await ctx.api.request(DOCUMENT_VERSIONS, { id: incidentId });
      versions = incident?.documentVersions ?? [];
      status.textContent = versions.length ? `${versions.length} version${versions.length === 1 ? '' : 's'} kept.` : 'No versions kept yet.';
      renderList(selected);
    } catch (error) {
      status.textContent = `The history could not be loaded: ${error instanceof Error ? error.message : String(error)}`;
    }
  }

  /**
   * @param {boolean} open
   * @param {string} [selected]
   */
  function setOpen(open, selected) {
    el.hidden = !open;
    toggle.setAttribute('aria-expanded', String(open));
    toggle.textContent = open ? 'Hide history' : 'History';
    if (open) void load(selected);
  }

  toggle.addEventListener('click', () => setOpen(el.hidden));
  from.addEventListener('change', renderDiff);
  to.addEventListener('change', renderDiff);

  return {
    el,
    toggle,
    /**
     * Opens the panel comparing `versionId` with the version before it.
     * @param {string} versionId
     */
    open(versionId) {
      setOpen(true, versionId);
    },
  };
}
