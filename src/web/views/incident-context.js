// @ts-check
/** @import * as G from '../generated/graphql' */
/** @import { ViewContext } from '../types' */
/**
 * What the server knows about an incident beyond the contract: the incident
 * a re-firing alert group had before, who has the live document open, and
 * the record of every handoff. Fetched with the incident, after each change,
 * and every 20 seconds (editors come and go without an incident event).
 */
import { h, replace } from '../dom.js';
import { timeEl } from '../time.js';
import { ROLE_LABELS, statusBadge } from '../labels.js';
import { INCIDENT_CONTEXT, SET_ON_STATUS_PAGE } from '../queries.js';
import { cadenceBadge } from './update-cadence.js';

const REFRESH_MS = 20_000;

/**
 * @param {ViewContext} ctx
 * @param {string} id
 * @param {{ onEditors?: (editors: Array<{ id: string, name: string }>) => void }} [options] who is in the live document, for a view that shows it itself
 */
export function incidentContext(ctx, id, { onEditors } = {}) {
  const previous = h('p', { class: 'notice previous', hidden: true });
  const cadence = h('span', { class: 'cadence-slot' });
  const publicCheckbox = h('input', { type: 'checkbox', id: `on-status-page-${id}` });
  const publicHint = h('p', { class: 'hint' });
  const statusPage = h(
    'section',
    { class: 'panel status-page-panel', hidden: true, 'aria-label': 'Public status page' },
    h('label', { class: 'status-page-toggle', for: `on-status-page-${id}` }, publicCheckbox, 'Show on the public status page'),
    publicHint,
  );
  publicCheckbox.addEventListener('change', async () => {
    publicCheckbox.disabled = true;
    try {
      const { updateIncident } = await ctx.api.request(SET_ON_STATUS_PAGE, { id, on: publicCheckbox.checked });
      publicCheckbox.checked = updateIncident.onStatusPage;
    } catch (error) {
      publicCheckbox.checked = !publicCheckbox.checked;
      publicHint.textContent = error instanceof Error ? error.message : String(error);
      return;
    } finally {
      publicCheckbox.disabled = false;
    }
    describePublic(publicCheckbox.checked);
  });
  /** @param {boolean} on */
  function describePublic(on) {
    publicHint.textContent = on
      ? 'Customers see its title and its External status updates at /status; nothing else.'
      : 'Only people signed in to Sitrep see it. Shown publicly: the title and External updates.';
  }
  const editors = h('p', { class: 'editors muted small', hidden: true });
  const history = h('ol', { class: 'stints' });
  const historyCount = h('span', { class: 'muted small' });
  const historyEl = h(
    'details',
    { class: 'panel role-history' },
    h('summary', {}, h('h2', { class: 'inline-h2' }, 'Role history '), historyCount),
    h('p', { class: 'hint' }, 'Every assignment and handoff, oldest first.'),
    history,
  );
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;
  let generation = 0;

  /** @param {NonNullable<G.IncidentContextQuery['incident']>} incident */
  function render(incident) {
    replace(cadence, cadenceBadge(incident));
    // Shown to everyone; the server decides who may change it (commander, communications lead, admin).
    statusPage.hidden = false;
    publicCheckbox.checked = incident.onStatusPage;
    publicCheckbox.disabled = ctx.user?.role === 'VIEWER';
    describePublic(incident.onStatusPage);
    const p = incident.previousIncident;
    previous.hidden = !p;
    if (p) {
      replace(previous, 'This alert group fired before: ', h('a', { href: `#/incidents/${encodeURIComponent(p.id)}` }, p.title), ' ', statusBadge(p.status), ' declared ', timeEl(p.declaredAt), '.');
    }
    if (onEditors) onEditors(incident.activeEditors);
    editors.hidden = Boolean(onEditors) || incident.activeEditors.length === 0;
    editors.textContent = `In the live document now: ${incident.activeEditors.map((u) => u.name).join(', ')}`;
    historyCount.textContent = `(${incident.roleHistory.length})`;
    replace(
      history,
      incident.roleHistory.map((s) =>
        h(
          'li',
          { class: ['stint', s.relievedAt ? 'relieved' : 'current-stint'] },
          h('div', {}, h('span', { class: 'holder' }, s.holder.name), ' · ', ROLE_LABELS[s.role] ?? s.role),
          h(
            'div',
            { class: 'muted small' },
            s.relievedAt ? [timeEl(s.assignedAt), ' to ', timeEl(s.relievedAt)] : [h('strong', { class: 'now' }, 'Now'), ', since ', timeEl(s.assignedAt)],
            s.assignedBy ? ` · by ${s.assignedBy.name}` : '',
          ),
        ),
      ),
    );
  }

  async function refresh() {
    const mine = ++generation;
    clearTimeout(timer);
    try {
      const { incident } = await ctx.api.request(INCIDENT_CONTEXT, { id });
      if (mine === generation && incident) render(incident);
    } catch {
      // Secondary information: the next refresh tries again.
    } finally {
      if (mine === generation) timer = setTimeout(refresh, REFRESH_MS);
    }
  }

  return {
    previous,
    cadence,
    statusPage,
    editors,
    history: historyEl,
    refresh,
    stop() {
      generation += 1;
      clearTimeout(timer);
    },
  };
}
