// @ts-check
/** @import { ApplyIncident, IncidentDetail, ViewContext } from '../types' */
/**
 * Alert intake on an incident: taking command of an incident an alert opened,
 * and the alerts grouped into it (labels, times, a link to their source).
 */
import { announce, busy, errorBox, h, replace } from '../dom.js';
import { timeEl } from '../time.js';
import { webUrl } from '../labels.js';
import { ACKNOWLEDGE_INCIDENT } from '../queries.js';

/**
 * The call to take command, shown while nobody has acknowledged the incident.
 * @param {ViewContext} ctx
 * @param {string} id
 * @param {ApplyIncident} apply
 */
export function acknowledgeBox(ctx, id, apply) {
  const errors = errorBox();
  const button = h('button', { type: 'submit', class: 'btn btn-danger' }, 'Acknowledge / take command');
  const viewer = ctx.user?.role === 'VIEWER';
  const form = h(
    viewer ? 'div' : 'form',
    { class: 'ack-form' },
    h(
      'div',
      { class: 'ack-text' },
      h('strong', {}, 'Nobody has taken command yet.'),
      ' An alert opened this incident. Acknowledging makes you the incident commander and tells the team someone is on it.',
    ),
    viewer ? h('p', { class: 'hint' }, 'A responder or an admin can acknowledge it.') : button,
    errors.el,
  );
  const el = h('section', { class: 'ack-box', 'aria-label': 'Acknowledge', hidden: true }, form);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const ok = await busy(form, errors, async () => {
      apply((await ctx.api.request(ACKNOWLEDGE_INCIDENT, { id })).acknowledgeIncident);
    });
    if (ok) announce('You acknowledged the incident and are now its commander');
  });
  return {
    el,
    /** @param {IncidentDetail} incident */
    update(incident) {
      el.hidden = Boolean(incident.acknowledgedAt);
    },
  };
}

/** @param {ReadonlyArray<{ name: string, value: string }>} labels */
function labelList(labels) {
  return h(
    'ul',
    { class: 'labels' },
    labels.map((l) => h('li', { class: 'label' }, h('span', { class: 'label-name' }, l.name), '=', h('span', { class: 'label-value' }, l.value))),
  );
}

/** The alerts grouped into the incident, firing first. */
export function alertsPanel() {
  const list = h('ul', { class: 'alerts' });
  const count = h('span', { class: 'muted small' });
  const el = h('section', { class: 'panel', 'aria-labelledby': 'alerts-title', hidden: true }, h('h2', { id: 'alerts-title' }, 'Alerts ', count), list);
  return {
    el,
    /** @param {IncidentDetail} incident */
    update(incident) {
      const alerts = [...(incident.alerts ?? [])].sort(
        (a, b) => (a.status === 'FIRING' ? 0 : 1) - (b.status === 'FIRING' ? 0 : 1) || new Date(b.startsAt).getTime() - new Date(a.startsAt).getTime(),
      );
      el.hidden = alerts.length === 0;
      const firing = alerts.filter((a) => a.status === 'FIRING').length;
      count.textContent = `(${firing} firing, ${alerts.length - firing} resolved)`;
      replace(
        list,
        alerts.map((a) => {
          const name = a.labels.find((l) => l.name === 'alertname')?.value;
          const source = webUrl(a.generatorURL);
          return h(
            'li',
            { class: `alert alert-${a.status.toLowerCase()}` },
            h(
              'div',
              { class: 'tl-meta' },
              h('span', { class: `badge alert-status-${a.status.toLowerCase()}` }, a.status === 'FIRING' ? 'Firing' : 'Resolved'),
              h('span', {}, 'since ', timeEl(a.startsAt)),
              a.endsAt ? h('span', {}, 'ended ', timeEl(a.endsAt)) : null,
              // Only http(s) becomes a link: a javascript: or data: URL from a sender stays text.
              source
                ? h('a', { href: source, rel: 'noopener noreferrer', target: '_blank' }, 'Source')
                : a.generatorURL
                  ? h('span', { class: 'muted' }, a.generatorURL)
                  : null,
            ),
            h('p', { class: 'alert-summary' }, a.summary ?? name ?? a.fingerprint),
            a.labels.length ? labelList(a.labels) : null,
            h('p', { class: 'muted small' }, 'Fingerprint ', h('code', {}, a.fingerprint)),
          );
        }),
      );
    },
  };
}
