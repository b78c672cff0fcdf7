// @ts-check
/** @import * as G from '../generated/graphql' */
/** @import { ViewContext } from '../types' */
/**
 * "What changed just before this broke": the changes (deploys, config pushes)
 * reported by PagerDuty Change Events from CHANGE_WINDOW before the
 * declaration until the resolution, newest first.
 */
import { h, replace } from '../dom.js';
import { timeEl } from '../time.js';
import { webUrl } from '../labels.js';
import { INCIDENT_CHANGES } from '../queries.js';

/**
 * The incident's recent changes; hidden when there are none. `refresh` loads them.
 * @param {Pick<ViewContext, 'api'>} ctx
 * @param {string} id
 */
export function changesPanel(ctx, id) {
  const list = h('ul', { class: 'alerts changes' });
  const count = h('span', { class: 'muted small' });
  const el = h('section', { class: 'panel', 'aria-labelledby': 'changes-title', hidden: true }, h('h2', { id: 'changes-title' }, 'Recent changes ', count), list);
  return {
    el,
    async refresh() {
      try {
        const { incident } = await ctx.api.request(INCIDENT_CHANGES, { id });
        if (incident) update(incident);
      } catch {
        // Secondary information: shown on the next visit.
      }
    },
  };

  /** @param {NonNullable<G.IncidentChangesQuery['incident']>} incident */
  function update(incident) {
    const changes = incident.recentChanges;
    el.hidden = changes.length === 0;
    count.textContent = `(${changes.length})`;
    replace(
      list,
      changes.map((c) =>
        h(
          'li',
          { class: 'alert change' },
          h(
            'div',
            { class: 'tl-meta' },
            timeEl(c.occurredAt),
            c.source ? h('span', { class: 'muted' }, c.source) : null,
            // Only http(s) becomes a link.
            ...c.links.map((link) => {
              const href = webUrl(link);
              return href ? h('a', { href, rel: 'noopener noreferrer', target: '_blank' }, 'Details') : null;
            }),
          ),
          h('p', { class: 'alert-summary' }, c.summary),
        ),
      ),
    );
  }
}
