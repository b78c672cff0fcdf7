// @ts-check
/** @import * as G from '../generated/graphql' */
/** @import { IncidentSummary, ViewContext } from '../types' */
/**
 * The incident board: a filtered, paginated list that stays current through
 * the `incidentsChanged` subscription. Filters live in the URL
 * (`#/?status=INVESTIGATING,IDENTIFIED&severity=SEV1`) so a view can be shared.
 */
import { announce, errorBox, h, newId, replace } from '../dom.js';
import { duration, timeEl } from '../time.js';
import { OPEN_STATUSES, SEVERITIES, STATUSES, STATUS_LABELS, TRIGGER_LABELS, postmortemBadge, severityBadge, statusBadge } from '../labels.js';
import { INCIDENTS, INCIDENTS_CHANGED, INCIDENT_COUNT, UPDATE_CADENCE } from '../queries.js';
import { cadenceBadge } from './update-cadence.js';

const PAGE_SIZE = 25;

/**
 * What the board shows: no status or severity means any.
 * @typedef {{ status: G.IncidentStatus[], severity: G.Severity[] }} Filter
 */

/**
 * @param {URLSearchParams} params
 * @returns {Filter}
 */
function readFilter(params) {
  /** @template {string} T @param {string} name @param {ReadonlyArray<T>} allowed */
  const list = (name, allowed) => {
    const given = (params.get(name) ?? '').split(',');
    return allowed.filter((v) => given.includes(v));
  };
  // No status parameter at all means the default view: what is still open.
  const status = params.has('status') ? list('status', STATUSES) : [...OPEN_STATUSES];
  return { status, severity: list('severity', SEVERITIES) };
}

/** @param {Filter} filter */
function writeFilter(filter) {
  const params = new URLSearchParams();
  params.set('status', filter.status.join(','));
  if (filter.severity.length) params.set('severity', filter.severity.join(','));
  history.replaceState(null, '', `#/?${params.toString().replace(/%2C/g, ',')}`);
}

/**
 * @param {Filter} filter
 * @returns {G.IncidentFilter}
 */
function apiFilter(filter) {
  return {
    ...(filter.status.length ? { status: filter.status } : {}),
    ...(filter.severity.length ? { severity: filter.severity } : {}),
  };
}

/** @param {Filter} filter @param {IncidentSummary} incident */
function matches(filter, incident) {
  return (
    (!filter.status.length || filter.status.includes(incident.status)) &&
    (!filter.severity.length || filter.severity.includes(incident.severity))
  );
}

/** @param {IncidentSummary} a @param {IncidentSummary} b */
function newestFirst(a, b) {
  return new Date(b.declaredAt).getTime() - new Date(a.declaredAt).getTime() || (a.id < b.id ? 1 : -1);
}

/**
 * Age while open; time to resolve once resolved.
 * @param {{ declaredAt: string, resolvedAt: string | null }} incident
 */
function ageText(incident) {
  return incident.resolvedAt ? `took ${duration(incident.declaredAt, incident.resolvedAt)}` : duration(incident.declaredAt);
}

/**
 * @param {HTMLElement} main
 * @param {ViewContext} ctx
 * @param {{ params: URLSearchParams }} args
 */
export function mount(main, ctx, { params }) {
  document.title = 'Incidents · Sitrep';
  /** @type {{ filter: Filter, rows: IncidentSummary[], endCursor: string | null, hasNextPage: boolean, totalCount: number, loading: boolean }} */
  const state = { filter: readFilter(params), rows: [], endCursor: null, hasNextPage: false, totalCount: 0, loading: true };
  /** When each open incident's next status update is owed (beyond the contract: absent on a server without it). */
  const cadence = new Map();
  const errors = errorBox();
  const count = h('p', { class: 'count', 'aria-live': 'polite' });
  const tableWrap = h('div', { class: 'table-wrap' });
  const more = h('button', { type: 'button', class: 'btn', hidden: true, onclick: () => load({ append: true }) }, 'Load more');
  const flashIds = new Set();
  let generation = 0;

  /** @param {'status' | 'severity'} group @param {string} value @param {string} label */
  const checkbox = (group, value, label) => {
    /** @type {ReadonlyArray<string>} */
    const chosen = state.filter[group];
    const input = h('input', { type: 'checkbox', name: group, value, checked: chosen.includes(value) });
    input.addEventListener('change', () => {
      const checked = [...filterForm.querySelectorAll('input')].filter((i) => i.name === group && i.checked).map((i) => i.value);
      if (group === 'status') state.filter.status = STATUSES.filter((s) => checked.includes(s));
      else state.filter.severity = SEVERITIES.filter((s) => checked.includes(s));
      writeFilter(state.filter);
      load();
    });
    return h('label', { class: 'chip' }, input, label);
  };
  /** @param {string} label @param {ReadonlyArray<G.IncidentStatus>} status */
  const preset = (label, status) =>
    h('button', { type: 'button', class: 'btn btn-small', onclick: () => {
      state.filter.status = [...status];
      /** @type {ReadonlyArray<string>} */
      const values = status;
      filterForm.querySelectorAll('input').forEach((i) => i.name === 'status' && (i.checked = values.includes(i.value)));
      writeFilter(state.filter);
      load();
    } }, label);
  const filterForm = h(
    'form',
    { class: 'filters', 'aria-label': 'Filter incidents', onsubmit: (e) => e.preventDefault() },
    h('fieldset', {}, h('legend', {}, 'Status'), STATUSES.map((s) => checkbox('status', s, STATUS_LABELS[s])), preset('Open only', OPEN_STATUSES), preset('All', [])),
    h('fieldset', {}, h('legend', {}, 'Severity'), SEVERITIES.map((s) => checkbox('severity', s, s))),
  );

  // On a phone the filters fold away behind a summary of what they select.
  const filterSummary = h('span', { class: 'filter-summary' });
  const wide = matchMedia('(min-width: 761px)');
  const filterBox = h('details', { class: 'filter-box', open: wide.matches }, h('summary', {}, 'Filters: ', filterSummary), filterForm);
  // Wide screens hide the summary, so the filters must not stay folded there.
  const unfold = () => wide.matches && (filterBox.open = true);
  wide.addEventListener('change', unfold);
  const describeFilter = () => {
    const { status, severity } = state.filter;
    const statusText = !status.length || status.length === STATUSES.length ? 'any status' : status.every((x) => OPEN_STATUSES.includes(x)) && status.length === OPEN_STATUSES.length ? 'open' : status.map((x) => STATUS_LABELS[x]).join(', ');
    filterSummary.textContent = `${statusText}, ${severity.length ? severity.join(', ') : 'any severity'}`;
  };

  replace(
    main,
    h(
      'section',
      { class: 'board', 'aria-labelledby': 'board-title' },
      h(
        'div',
        { class: 'page-head' },
        h('h1', { id: 'board-title', tabindex: '-1' }, 'Incidents'),
        ctx.user?.role !== 'VIEWER' ? h('a', { class: 'btn btn-primary', href: '#/declare' }, 'Declare incident') : null,
      ),
      filterBox,
      errors.el,
      count,
      tableWrap,
      h('div', { class: 'more' }, more),
    ),
  );

  function render() {
    describeFilter();
    const focusedId = document.activeElement?.closest('tr')?.dataset.id;
    count.textContent = state.loading && !state.rows.length ? 'Loading…' : `${state.totalCount} incident${state.totalCount === 1 ? '' : 's'}`;
    more.hidden = !state.hasNextPage;
    if (!state.loading && !state.rows.length) {
      replace(tableWrap, h('p', { class: 'empty' }, state.filter.status.every((s) => OPEN_STATUSES.includes(s)) && state.filter.status.length ? 'No open incidents match. All quiet.' : 'No incidents match these filters.'));
      return;
    }
    const captionId = newId('caption');
    replace(
      tableWrap,
      h(
        'table',
        { class: 'incidents', 'aria-describedby': captionId },
        h('caption', { id: captionId, class: 'visually-hidden' }, 'Incidents, newest first'),
        h('thead', {}, h('tr', {}, ['Severity', 'Incident', 'Status', 'Next update', 'Commander', 'Declared', 'Age'].map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', {}, state.rows.map(row)),
      ),
    );
    if (focusedId) tableWrap.querySelector(`tr[data-id="${CSS.escape(focusedId)}"]`)?.querySelector('a')?.focus();
  }

  /** @param {IncidentSummary} incident */
  function row(incident) {
    return h(
      'tr',
      { dataset: { id: incident.id }, class: [flashIds.has(incident.id) && 'flash', incident.status === 'RESOLVED' && 'resolved'] },
      h('td', { 'data-label': 'Severity' }, severityBadge(incident.severity)),
      h(
        'td',
        { 'data-label': 'Incident', class: 'title-cell' },
        h('a', { href: `#/incidents/${encodeURIComponent(incident.id)}` }, incident.title),
        h('span', { class: 'markers' },
          incident.postmortemRequired ? postmortemBadge(incident.postmortemTriggers) : null,
          !incident.acknowledgedAt ? h('span', { class: 'badge unack', title: 'Opened by an alert; nobody has taken command yet' }, 'Unacknowledged') : null,
          h('span', { class: 'trigger' }, TRIGGER_LABELS[incident.trigger] ?? incident.trigger)),
      ),
      h('td', { 'data-label': 'Status' }, statusBadge(incident.status)),
      h('td', { 'data-label': 'Next update' }, incident.status === 'RESOLVED' ? null : cadenceBadge(cadence.get(incident.id))),
      h('td', { 'data-label': 'Commander' }, incident.commander.name),
      h('td', { 'data-label': 'Declared' }, timeEl(incident.declaredAt)),
      h('td', { 'data-label': 'Age', class: 'age', dataset: { declared: incident.declaredAt, resolved: incident.resolvedAt ?? '' } }, ageText(incident)),
    );
  }

  async function load({ append = false } = {}) {
    const mine = ++generation;
    state.loading = true;
    errors.clear();
    if (!append) render();
    try {
      // A reload keeps as many rows as were on screen (up to a server page).
      const first = append ? PAGE_SIZE : Math.min(100, Math.max(PAGE_SIZE, state.rows.length));
      const { incidents } = await ctx.api.request(INCIDENTS, { filter: apiFilter(state.filter), first, after: append ? state.endCursor : null });
      if (mine !== generation) return;
      const nodes = incidents.edges.map((e) => e.node);
      state.rows = append ? [...state.rows, ...nodes.filter((n) => !state.rows.some((r) => r.id === n.id))] : nodes;
      state.endCursor = incidents.pageInfo.endCursor;
      state.hasNextPage = incidents.pageInfo.hasNextPage;
      state.totalCount = incidents.totalCount;
    } catch (error) {
      if (mine === generation) errors.show(error);
    } finally {
      if (mine === generation) {
        state.loading = false;
        render();
      }
    }
  }

  /** The countdowns; secondary, so a failure leaves the column empty until the next change. */
  async function refreshCadence() {
    try {
      const { incidents } = await ctx.api.request(UPDATE_CADENCE, {});
      cadence.clear();
      for (const { node } of incidents.edges) cadence.set(node.id, node);
      render();
    } catch {
      // Retried on the next change.
    }
  }

  async function refreshCount() {
    try {
      const { incidents } = await ctx.api.request(INCIDENT_COUNT, { filter: apiFilter(state.filter) });
      state.totalCount = incidents.totalCount;
      render();
    } catch {
      // The count catches up on the next change or reload.
    }
  }

  /** @param {G.IncidentsChangedSubscription['incidentsChanged']} change */
  function onChange({ kind, incident }) {
    const index = state.rows.findIndex((r) => r.id === incident.id);
    if (matches(state.filter, incident)) {
      const last = state.rows.at(-1);
      if (index >= 0) state.rows[index] = incident;
      // Beyond the loaded page it will turn up with "Load more".
      else if (!state.hasNextPage || !last || newestFirst(incident, last) <= 0) state.rows = [...state.rows, incident].sort(newestFirst);
      flashIds.add(incident.id);
      setTimeout(() => flashIds.delete(incident.id), 2500);
    } else if (index >= 0) {
      state.rows.splice(index, 1);
    }
    if (kind === 'DECLARED') announce(`New ${incident.severity} incident declared: ${incident.title}`);
    render();
    refreshCount();
    refreshCadence();
  }

  const unsubscribe = ctx.ws.subscribe(INCIDENTS_CHANGED, {}, {
    next: (data) => data?.incidentsChanged && onChange(data.incidentsChanged),
    error: (error) => errors.show(error),
  });
  // Changes made while the socket was down were missed: start over.
  const offReconnect = ctx.ws.onReconnect(() => {
    load();
    refreshCadence();
  });
  const ticker = setInterval(() => {
    for (const cell of /** @type {NodeListOf<HTMLElement>} */ (tableWrap.querySelectorAll('td.age'))) {
      cell.textContent = ageText({ declaredAt: cell.dataset.declared ?? '', resolvedAt: cell.dataset.resolved || null });
    }
  }, 15_000);
  load();
  refreshCadence();

  return () => {
    generation += 1;
    unsubscribe();
    offReconnect();
    clearInterval(ticker);
    wide.removeEventListener('change', unfold);
  };
}
