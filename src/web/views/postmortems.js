// @ts-check
/** @import * as G from '../generated/graphql' */
/** @import { ViewContext } from '../types' */
/**
 * `#/postmortems`: response metrics for a chosen window (last 7, 30 or 90
 * days, kept in the URL) and the postmortems still owed, longest owed first,
 * each with why it is owed and a way to its incident and postmortem.
 */
import { errorBox, h, replace } from '../dom.js';
import { duration, timeEl } from '../time.js';
import { POSTMORTEM_TRIGGER_LABELS, SEVERITIES, postmortemStatusBadge, severityBadge } from '../labels.js';
import { INCIDENT_METRICS, POSTMORTEMS_OWED } from '../queries.js';

const WINDOWS = [7, 30, 90];

/**
 * Seconds as "2h 05m" (null: no incident reached that point).
 * @param {number | null | undefined} value
 */
function seconds(value) {
  if (value === null || value === undefined) return h('span', { class: 'muted' }, '—');
  return duration(new Date(0).toISOString(), new Date(value * 1000).toISOString());
}

/**
 * @param {HTMLElement} main
 * @param {ViewContext} ctx
 * @param {{ params: URLSearchParams }} args
 */
export function mount(main, ctx, { params }) {
  document.title = 'Postmortems · Sitrep';
  const days = WINDOWS.includes(Number(params.get('days'))) ? Number(params.get('days')) : 30;
  const metricsErrors = errorBox();
  const owedErrors = errorBox();
  const metrics = h('div', { class: 'metrics', 'aria-live': 'polite' }, h('p', { class: 'muted' }, 'Loading…'));
  const owed = h('div', { class: 'table-wrap' }, h('p', { class: 'muted' }, 'Loading…'));
  const windowNav = h(
    'div',
    { class: 'segmented', role: 'group', 'aria-label': 'Window' },
    WINDOWS.map((d) => h('a', { class: 'btn btn-small', href: `#/postmortems?days=${d}`, 'aria-current': d === days ? 'true' : undefined }, `Last ${d} days`)),
  );
  replace(
    main,
    h(
      'section',
      { 'aria-labelledby': 'pms-title' },
      h('div', { class: 'page-head' }, h('h1', { id: 'pms-title', tabindex: '-1' }, 'Postmortems')),
      h(
        'section',
        { class: 'panel', 'aria-labelledby': 'metrics-title' },
        h('div', { class: 'page-head' }, h('h2', { id: 'metrics-title' }, `Response metrics, last ${days} days`), windowNav),
        metricsErrors.el,
        metrics,
      ),
      h(
        'section',
        { class: 'panel', 'aria-labelledby': 'owed-list-title' },
        h('h2', { id: 'owed-list-title' }, 'Postmortems owed'),
        h('p', { class: 'hint' }, 'Resolved incidents that need a blameless postmortem and have none published, longest owed first.'),
        owedErrors.el,
        owed,
      ),
    ),
  );

  /** @param {Omit<G.IncidentMetricsQuery['incidentMetrics']['bySeverity'][number], 'severity'>} m */
  const figures = (m) => [
    m.incidentCount,
    seconds(m.timeToMitigate.meanSeconds),
    seconds(m.timeToMitigate.p90Seconds),
    seconds(m.timeToResolve.meanSeconds),
    seconds(m.timeToResolve.p90Seconds),
    m.openActionItems,
    m.postmortemsOwed,
  ];

  async function loadMetrics() {
    const to = new Date();
    const from = new Date(to.getTime() - days * 86_400_000);
    try {
      const { incidentMetrics: m } = await ctx.api.request(INCIDENT_METRICS, { from: from.toISOString(), to: to.toISOString(), severity: [...SEVERITIES] });
      const head = ['Severity', 'Incidents', 'Mitigate: mean', 'Mitigate: p90', 'Resolve: mean', 'Resolve: p90', 'Open action items', 'Postmortems owed'];
      replace(
        metrics,
        h(
          'dl',
          { class: 'kpis' },
          [
            ['Incidents', m.incidentCount],
            ['Mean time to mitigate', seconds(m.timeToMitigate.meanSeconds)],
            ['Mean time to resolve', seconds(m.timeToResolve.meanSeconds)],
            ['Open action items', m.openActionItems],
            ['Postmortems owed', m.postmortemsOwed],
          ].map(([label, value]) => h('div', { class: 'kpi' }, h('dt', {}, label), h('dd', {}, value))),
        ),
        h(
          'div',
          { class: 'table-wrap' },
          h(
            'table',
            { class: 'plain-table metrics-table' },
            h('caption', { class: 'visually-hidden' }, `Response metrics per severity, incidents declared in the last ${days} days`),
            h('thead', {}, h('tr', {}, head.map((c) => h('th', { scope: 'col' }, c)))),
            h(
              'tbody',
              {},
              m.bySeverity.map((s) => h('tr', {}, h('th', { scope: 'row' }, severityBadge(s.severity)), figures(s).map((v) => h('td', {}, v)))),
              h('tr', { class: 'total' }, h('th', { scope: 'row' }, 'All'), figures(m).map((v) => h('td', {}, v))),
            ),
          ),
        ),
        h('p', { class: 'hint' }, 'Over incidents declared from ', timeEl(m.from ?? from.toISOString()), ' to now. p90 is the time 90% of incidents stayed under.'),
      );
    } catch (error) {
      replace(metrics);
      metricsErrors.show(error);
    }
  }

  async function loadOwed() {
    try {
      const { postmortemsOwed } = await ctx.api.request(POSTMORTEMS_OWED);
      if (!postmortemsOwed.length) {
        replace(owed, h('p', { class: 'empty' }, 'No postmortem is owed. Well done.'));
        return;
      }
      replace(
        owed,
        h(
          'table',
          { class: 'plain-table owed' },
          h('caption', { class: 'visually-hidden' }, 'Postmortems owed, longest owed first'),
          h('thead', {}, h('tr', {}, ['Severity', 'Incident', 'Why', 'Resolved', 'Postmortem'].map((c) => h('th', { scope: 'col' }, c)))),
          h(
            'tbody',
            {},
            postmortemsOwed.map((i) =>
              h(
                'tr',
                {},
                h('td', { 'data-label': 'Severity' }, severityBadge(i.severity)),
                h('td', { 'data-label': 'Incident', class: 'title-cell' }, h('a', { href: `#/incidents/${encodeURIComponent(i.id)}` }, i.title)),
                h('td', { 'data-label': 'Why' }, h('ul', { class: 'triggers compact' }, i.postmortemTriggers.map((t) => h('li', {}, POSTMORTEM_TRIGGER_LABELS[t] ?? t)))),
                h('td', { 'data-label': 'Resolved' }, timeEl(i.resolvedAt), i.resolvedAt ? h('span', { class: 'muted small' }, ` (${duration(i.resolvedAt)} ago)`) : null),
                h(
                  'td',
                  { 'data-label': 'Postmortem' },
                  i.postmortem
                    ? [h('a', { href: `#/postmortems/${encodeURIComponent(i.postmortem.id)}` }, 'Open'), ' ', postmortemStatusBadge(i.postmortem.status)]
                    : h('a', { href: `#/incidents/${encodeURIComponent(i.id)}` }, 'Not started: start it from the incident'),
                ),
              ),
            ),
          ),
        ),
      );
    } catch (error) {
      replace(owed);
      owedErrors.show(error);
    }
  }

  loadMetrics();
  loadOwed();
}
