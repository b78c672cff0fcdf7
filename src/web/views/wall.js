// @ts-check
/** @import * as G from '../generated/graphql' */
/** @import { ConnectionState } from '../graphql-client.js' */
/** @import { ViewContext } from '../types' */
/** @typedef {G.WallQuery['open']['edges'][number]['node']} WallOpen */
/** @typedef {G.WallQuery['resolved']['edges'][number]['node']} WallResolved */
/**
 * Wall mode, for the dashboard on the office wall: big, high-contrast, no
 * controls. Open incidents first (most severe, then oldest), then the latest
 * resolved ones. Live through `incidentsChanged`, refetched every minute as
 * well, and loudly marked stale when neither has worked for a while.
 * Escape leaves wall mode.
 */
import { h, replace, shownError } from '../dom.js';
import { clock, duration } from '../time.js';
import { ROLE_LABELS, SEVERITIES, STATUS_LABELS, TRIGGER_LABELS, urgency } from '../labels.js';
import { INCIDENTS_CHANGED, WALL } from '../queries.js';

/** Refetch period, in case an event was missed. @default 60_000 */
const REFRESH_MS = 60_000;
/** After this long without a successful fetch the wall says its data is stale. @default 150_000 */
const STALE_MS = 150_000;
const RECENT_RESOLVED = 6;

/**
 * @param {HTMLElement} main
 * @param {ViewContext} ctx
 */
export function mount(main, ctx) {
  document.title = 'Wall · Sitrep';
  /**
   * @type {{ open: WallOpen[], resolved: WallResolved[], openCount: number, fetchedAt: number | null, error: string | null, live: ConnectionState }}
   */
  const state = { open: [], resolved: [], openCount: 0, fetchedAt: null, error: null, live: ctx.ws.state };
  const now = h('time', { class: 'wall-clock' });
  const summary = h('p', { class: 'wall-summary' });
  const health = h('p', { class: 'wall-health', role: 'status' });
  const board = h('div', { class: 'wall-board' });
  const exit = h('a', { class: 'wall-exit', href: '#/' }, 'Exit wall mode (Esc)');

  replace(
    main,
    h(
      'section',
      { class: 'wall-view', 'aria-labelledby': 'wall-title' },
      exit,
      h('header', { class: 'wall-head' }, h('h1', { id: 'wall-title', tabindex: '-1' }, 'Sitrep'), summary, health, now),
      board,
    ),
  );

  function renderClock() {
    const date = new Date();
    now.dateTime = date.toISOString();
    now.textContent = clock(date);
    renderHealth();
  }

  function renderHealth() {
    const stale = !state.fetchedAt || Date.now() - state.fetchedAt > STALE_MS;
    const problems = [];
    if (state.error) problems.push(`Cannot refresh: ${state.error}`);
    if (state.live !== 'connected') problems.push(state.live === 'failed' ? 'Live updates are off' : 'Live updates reconnecting');
    if (stale && state.fetchedAt) problems.push(`STALE: last data ${clock(new Date(state.fetchedAt))}`);
    health.className = `wall-health ${problems.length ? 'bad' : 'ok'}`;
    health.textContent = problems.length ? problems.join(' · ') : `Live · updated ${state.fetchedAt ? clock(new Date(state.fetchedAt)) : '…'}`;
  }

  function render() {
    const bySeverity = SEVERITIES.map((s) => /** @type {const} */ ([s, state.open.filter((i) => i.severity === s).length])).filter(([, n]) => n);
    replace(
      summary,
      state.openCount
        ? [h('strong', {}, `${state.openCount} open`), ' ', bySeverity.map(([s, n]) => h('span', { class: `badge sev sev-${s.toLowerCase()}` }, `${n} × ${s}`))]
        : state.fetchedAt
          ? h('strong', {}, 'No open incidents')
          : 'Loading…',
    );
    const open = [...state.open].sort(urgency);
    board.classList.toggle('wall-dense', open.length > 6);
    board.classList.toggle('wall-crowded', open.length > 12);
    replace(
      board,
      open.length
        ? h('ol', { class: 'wall-open', 'aria-label': 'Open incidents, most urgent first' }, open.map(card))
        : state.fetchedAt
          ? h('div', { class: 'wall-quiet' }, h('p', { class: 'wall-quiet-big' }, 'All clear'), h('p', {}, 'No open incidents'))
          : null,
      state.openCount > open.length ? h('p', { class: 'wall-more' }, `and ${state.openCount - open.length} more open incidents`) : null,
      state.resolved.length
        ? h(
            'section',
            { class: 'wall-resolved', 'aria-labelledby': 'wall-resolved-title' },
            h('h2', { id: 'wall-resolved-title' }, 'Recently resolved'),
            h(
              'ol',
              {},
              state.resolved.map((i) =>
                h('li', {}, h('span', { class: `badge sev sev-${i.severity.toLowerCase()}` }, i.severity), h('span', { class: 'wall-r-title' }, i.title), h('span', { class: 'wall-r-meta' }, `resolved in ${duration(i.declaredAt, i.resolvedAt)}`)),
              ),
            ),
          )
        : null,
    );
    renderHealth();
  }

  /** @param {WallOpen} incident */
  function card(incident) {
    const delegated = (incident.roles ?? []).filter((r) => r.delegated);
    return h(
      'li',
      { class: `wall-card wall-${incident.severity.toLowerCase()} wall-status-${incident.status.toLowerCase()}` },
      h('div', { class: 'wall-card-top' }, h('span', { class: `badge sev sev-${incident.severity.toLowerCase()}` }, incident.severity), h('span', { class: `badge status status-${incident.status.toLowerCase()}` }, STATUS_LABELS[incident.status]), h('span', { class: 'wall-age', dataset: { declared: incident.declaredAt } }, duration(incident.declaredAt))),
      h('p', { class: 'wall-title' }, incident.title),
      h(
        'p',
        { class: 'wall-meta' },
        h('span', {}, 'IC ', h('strong', {}, incident.commander.name)),
        delegated.map((r) => h('span', {}, `${ROLE_LABELS[r.role].replace(' Lead', '')} `, h('strong', {}, r.holder.name))),
      ),
      h(
        'p',
        { class: 'wall-flags' },
        !incident.acknowledgedAt ? h('span', { class: 'badge unack' }, 'UNACKNOWLEDGED') : null,
        incident.postmortemRequired ? h('span', { class: 'badge pm' }, 'Postmortem required') : null,
        h('span', { class: 'wall-trigger' }, TRIGGER_LABELS[incident.trigger] ?? incident.trigger),
      ),
    );
  }

  let inFlight = false;
  let again = false;
  async function load() {
    if (inFlight) {
      again = true;
      return;
    }
    inFlight = true;
    try {
      const data = await ctx.api.request(WALL, { recent: RECENT_RESOLVED });
      state.open = data.open.edges.map((e) => e.node);
      state.openCount = data.open.totalCount;
      state.resolved = data.resolved.edges.map((e) => e.node);
      state.fetchedAt = Date.now();
      state.error = null;
    } catch (error) {
      state.error = shownError(error).message;
    } finally {
      inFlight = false;
      render();
      if (again) {
        again = false;
        load();
      }
    }
  }

  // A burst of changes (a handover records several) becomes one refetch.
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let debounce;
  const unsubscribe = ctx.ws.subscribe(INCIDENTS_CHANGED, {}, {
    next: () => {
      clearTimeout(debounce);
      debounce = setTimeout(load, 400);
    },
    error: (error) => {
      state.error = error.message;
      renderHealth();
    },
  });
  const offState = ctx.ws.onState((live) => {
    state.live = live;
    renderHealth();
  });
  const offReconnect = ctx.ws.onReconnect(load);
  /** @param {KeyboardEvent} event */
  const onKey = (event) => {
    if (event.key === 'Escape') ctx.navigate('/');
  };
  document.addEventListener('keydown', onKey);
  const refresher = setInterval(load, REFRESH_MS);
  const ticker = setInterval(() => {
    renderClock();
    for (const age of /** @type {NodeListOf<HTMLElement>} */ (board.querySelectorAll('.wall-age'))) age.textContent = duration(age.dataset.declared ?? '');
  }, 1000);
  renderClock();
  render();
  load();

  return () => {
    unsubscribe();
    offState();
    offReconnect();
    clearTimeout(debounce);
    clearInterval(refresher);
    clearInterval(ticker);
    document.removeEventListener('keydown', onKey);
  };
}
