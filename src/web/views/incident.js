// @ts-check
/** @import * as G from '../generated/graphql' */
/** @import { ApplyIncident, Child, IncidentDetail, ViewContext } from '../types' */
/**
 * One incident, live: header, acknowledgement, status and severity, roles and
 * their history, timeline, status updates, alerts, postmortem flags, triggers
 * and the postmortem itself, and the live document, co-edited in the page.
 * Forms are built once and survive live updates, so typing is never lost
 * when someone else changes the incident.
 */
import { announce, busy, clearFields, errorBox, field, h, replace, select } from '../dom.js';
import { duration, timeEl } from '../time.js';
import {
  SEVERITIES,
  SEVERITY_HINTS,
  STATUSES,
  TRIGGER_LABELS,
  allowedTransitions,
  postmortemBadge,
  severityBadge,
  statusBadge,
  transitionLabel,
} from '../labels.js';
import { INCIDENT, INCIDENT_UPDATED, SET_INCIDENT_STATUS, TIMELINE_EVENT_ADDED, UPDATE_INCIDENT, USERS } from '../queries.js';
import { acknowledgeBox, alertsPanel } from './incident-alerts.js';
import { changesPanel } from './incident-changes.js';
import { incidentContext } from './incident-context.js';
import { documentEditor } from './incident-document.js';
import { postmortemPanel } from './incident-postmortem.js';
import { rolesPanel } from './incident-roles.js';
import { timelinePanel } from './incident-timeline.js';
import { updatesPanel } from './incident-updates.js';

/**
 * @param {HTMLElement} main
 * @param {ViewContext} ctx
 * @param {{ id: string, params?: URLSearchParams }} args
 */
export function mount(main, ctx, { id, params }) {
  /** @type {IncidentDetail | null} */
  let incident = null;
  const readOnly = ctx.user?.role === 'VIEWER';
  const loadErrors = errorBox();
  const users = ctx.api.request(USERS).then((d) => d.users);
  users.catch(() => undefined);
  /** @type {ApplyIncident} */
  const apply = (next) => {
    incident = { ...incident, ...next };
    render();
    // A change may be a handoff: the role history follows.
    context.refresh();
    // The timeline entries a change records arrive over the socket; without one, fetch them.
    if (ctx.ws?.state !== 'connected') load();
  };
  const reload = () => load();

  const roles = rolesPanel(ctx, { id, users, apply });
  const timeline = timelinePanel(ctx, { id });
  const updates = updatesPanel(ctx, { id, reload });
  const status = statusPanel(ctx, id, apply);
  const severity = severityPanel(ctx, id, apply);
  const postmortem = postmortemPanel(ctx, id, apply);
  const doc = documentEditor(ctx, id);
  // A postmortem links each document version here: `#/incidents/<id>?version=<versionId>`.
  const version = params?.get('version');
  if (version) doc.showVersion(version);
  const edit = editForm(ctx, id, apply);
  const ack = acknowledgeBox(ctx, id, apply);
  const alerts = alertsPanel();
  const changes = changesPanel(ctx, id);
  const context = incidentContext(ctx, id, { onEditors: (editors) => doc.setActiveEditors(editors) });

  const header = h('header', { class: 'incident-head' });
  const layout = h(
    'div',
    { class: 'incident-layout', hidden: true },
    h('div', { class: 'col-main' }, readOnly ? null : status.el, alerts.el, changes.el, timeline.el, updates.el, doc.el),
    h('div', { class: 'col-side' }, roles.el, context.statusPage, context.history, severity.el, postmortem.el),
  );
  replace(
    main,
    h(
      'article',
      { class: 'incident', 'aria-labelledby': 'incident-title' },
      h('p', { class: 'crumbs' }, h('a', { href: '#/' }, '← Incidents')),
      header,
      context.previous,
      ack.el,
      loadErrors.el,
      readOnly ? h('p', { class: 'notice' }, 'You are a viewer: this incident is read-only for you.') : edit.el,
      layout,
    ),
  );
  replace(header, h('h1', { id: 'incident-title', tabindex: '-1' }, 'Loading incident…'));

  function render() {
    if (!incident) return;
    document.title = `${incident.severity} ${incident.title} · Sitrep`;
    const focusInHeader = header.contains(document.activeElement);
    replace(
      header,
      h('h1', { id: 'incident-title', tabindex: '-1' }, incident.title),
      h(
        'div',
        { class: 'head-badges' },
        severityBadge(incident.severity),
        statusBadge(incident.status),
        incident.postmortemRequired ? postmortemBadge(incident.postmortemTriggers) : null,
        !incident.acknowledgedAt ? h('span', { class: 'badge unack' }, 'Unacknowledged') : null,
        context.cadence,
      ),
      incident.summary ? h('p', { class: 'summary' }, incident.summary) : null,
      h(
        'dl',
        { class: 'facts' },
        fact('Commander', incident.commander.name),
        fact('Declared', timeEl(incident.declaredAt), h('span', { class: 'muted' }, ` (${TRIGGER_LABELS[incident.trigger] ?? incident.trigger})`)),
        fact(incident.resolvedAt ? 'Time to resolve' : 'Open for', h('span', { class: 'age', dataset: { declared: incident.declaredAt } }, duration(incident.declaredAt, incident.resolvedAt))),
        incident.acknowledgedAt && incident.alerts.length ? fact('Acknowledged', timeEl(incident.acknowledgedAt), h('span', { class: 'muted' }, ` after ${duration(incident.declaredAt, incident.acknowledgedAt)}`)) : null,
        incident.mitigatedAt ? fact('Mitigated', timeEl(incident.mitigatedAt), h('span', { class: 'muted' }, ` after ${duration(incident.declaredAt, incident.mitigatedAt)}`)) : null,
        incident.resolvedAt ? fact('Resolved', timeEl(incident.resolvedAt)) : null,
      ),
    );
    if (focusInHeader) header.querySelector('h1')?.focus({ preventScroll: true });
    layout.hidden = false;
    edit.update(incident);
    ack.update(incident);
    alerts.update(incident);
    status.update(incident);
    severity.update(incident);
    postmortem.update(incident);
    roles.update(incident);
    updates.update(incident);
  }

  async function load() {
    try {
      const data = await ctx.api.request(INCIDENT, { id });
      if (!data.incident) {
        document.title = 'Incident not found · Sitrep';
        replace(header, h('h1', { id: 'incident-title', tabindex: '-1' }, 'Incident not found'));
        loadErrors.show({ code: 'NOT_FOUND', message: `There is no incident with id ${id}.` });
        return;
      }
      loadErrors.clear();
      const { timeline: events, ...rest } = data.incident;
      incident = rest;
      timeline.reset(events);
      render();
      context.refresh();
      changes.refresh();
    } catch (error) {
      if (!incident) replace(header, h('h1', { id: 'incident-title', tabindex: '-1' }, 'Incident'));
      loadErrors.show(error);
    }
  }

  // Subscribe before the first fetch, so that nothing happening in between is lost.
  const subscriptions = [
    ctx.ws.subscribe(INCIDENT_UPDATED, { id }, {
      next: (data) => {
        if (!data?.incidentUpdated || !incident) return;
        const before = incident;
        const after = data.incidentUpdated;
        apply(after);
        if (before.status !== after.status) announce(`Status is now ${after.status}`);
        if (before.commander.id !== after.commander.id) announce(`${after.commander.name} is now the incident commander`);
      },
      error: (error) => loadErrors.show(error),
    }),
    ctx.ws.subscribe(TIMELINE_EVENT_ADDED, { incidentId: id }, {
      next: (data) => data?.timelineEventAdded && timeline.add([data.timelineEventAdded]),
      error: (error) => loadErrors.show(error),
    }),
  ];
  const offReconnect = ctx.ws.onReconnect(reload);
  const ticker = setInterval(() => {
    const age = header.querySelector('.age');
    if (age && incident && !incident.resolvedAt) age.textContent = duration(incident.declaredAt);
  }, 15_000);
  load();

  return () => {
    subscriptions.forEach((stop) => stop());
    offReconnect();
    clearInterval(ticker);
    context.stop();
    doc.stop();
  };
}

/** @param {string} label @param {...Child} value */
function fact(label, ...value) {
  return h('div', {}, h('dt', {}, label), h('dd', {}, value));
}

/**
 * Correcting the title and summary as understanding improves; folded away until needed.
 * @param {ViewContext} ctx
 * @param {string} id
 * @param {ApplyIncident} apply
 */
function editForm(ctx, id, apply) {
  const errors = errorBox();
  const title = h('input', { type: 'text', name: 'title', required: true, maxlength: 200 });
  const summary = h('textarea', { name: 'summary', rows: 3, maxlength: 10000 });
  const form = h('form', { class: 'edit-form' }, field('Title', title), field('Summary', summary), errors.el, h('button', { type: 'submit', class: 'btn' }, 'Save'));
  const el = h('details', { class: 'edit-box' }, h('summary', {}, 'Edit title and summary'), form);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const ok = await busy(form, errors, async () => {
      apply((await ctx.api.request(UPDATE_INCIDENT, { id, input: { title: title.value, summary: summary.value } })).updateIncident);
    });
    if (ok) el.open = false;
  });
  return {
    el,
    /** @param {IncidentDetail} incident */
    update(incident) {
      // Someone else's edit must not overwrite what this person is typing.
      if (el.open) return;
      title.value = incident.title;
      summary.value = incident.summary ?? '';
    },
  };
}

/**
 * Moving the status, with an optional note recorded in the timeline.
 * @param {ViewContext} ctx
 * @param {string} id
 * @param {ApplyIncident} apply
 */
function statusPanel(ctx, id, apply) {
  const errors = errorBox();
  const next = /** @type {HTMLSelectElement & { value: G.IncidentStatus }} */ (h('select', { name: 'status' }));
  const note = h('input', { type: 'text', name: 'note', maxlength: 2000, placeholder: 'e.g. Rolled back deploy 2024.11.3' });
  const current = h('span');
  const form = h(
    'form',
    { class: 'status-form' },
    h('p', { class: 'current' }, 'Now: ', current),
    h('div', { class: 'row' }, field('Move to', next), field('Note (optional)', note)),
    errors.el,
    h('button', { type: 'submit', class: 'btn btn-primary' }, 'Change status'),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const ok = await busy(form, errors, async () => {
      apply((await ctx.api.request(SET_INCIDENT_STATUS, { id, status: next.value, note: note.value.trim() || null })).setIncidentStatus);
    });
    if (ok) {
      clearFields(form, [note]);
      announce('Status changed');
    }
  });
  return {
    el: h('section', { class: 'panel', 'aria-labelledby': 'status-title' }, h('h2', { id: 'status-title' }, 'Status'), form),
    /** @param {IncidentDetail} incident */
    update(incident) {
      replace(current, statusBadge(incident.status));
      const chosen = next.value;
      const options = allowedTransitions(incident.status);
      replace(next, options.map((s) => h('option', { value: s }, transitionLabel(incident.status, s))));
      // Keep the person's choice if it is still a legal move; otherwise suggest the next step.
      const forward = STATUSES[STATUSES.indexOf(incident.status) + 1];
      next.value = options.includes(chosen) ? chosen : options.includes(forward) ? forward : options[0];
    },
  };
}

/**
 * Raising or lowering the severity (recorded in the timeline by the server).
 * @param {ViewContext} ctx
 * @param {string} id
 * @param {ApplyIncident} apply
 */
function severityPanel(ctx, id, apply) {
  const errors = errorBox();
  const choice = select('severity', SEVERITIES.map((s) => /** @type {const} */ ([s, `${s} · ${SEVERITY_HINTS[s].split(':')[0]}`])));
  const form = h('form', { class: 'inline-form' }, field('New severity', choice), h('button', { type: 'submit', class: 'btn' }, 'Change'), errors.el);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    await busy(form, errors, async () => {
      apply((await ctx.api.request(UPDATE_INCIDENT, { id, input: { severity: choice.value } })).updateIncident);
    });
  });
  const hint = h('p', { class: 'hint' });
  return {
    el: h('section', { class: 'panel', 'aria-labelledby': 'severity-title' }, h('h2', { id: 'severity-title' }, 'Severity'), hint, ctx.user?.role === 'VIEWER' ? null : form),
    /** @param {IncidentDetail} incident */
    update(incident) {
      hint.textContent = SEVERITY_HINTS[incident.severity];
      if (!form.contains(document.activeElement)) choice.value = incident.severity;
    },
  };
}
