// @ts-check
/** @import { ApplyIncident, IncidentDetail, ViewContext } from '../types' */
/** The postmortem side of an incident: what makes one owed, and starting or opening it. */
import { errorBox, errorCode, h, newId, replace } from '../dom.js';
import { FLAGS, POSTMORTEM_TRIGGER_LABELS, postmortemBadge, postmortemStatusBadge } from '../labels.js';
import { INCIDENT, START_POSTMORTEM, UPDATE_INCIDENT } from '../queries.js';

/**
 * The four flags, the computed postmortem triggers, and the way to the
 * postmortem: start it, or open the one there is.
 * @param {ViewContext} ctx
 * @param {string} id the incident's id
 * @param {ApplyIncident} apply
 */
export function postmortemPanel(ctx, id, apply) {
  const errors = errorBox();
  const status = h('div', { class: 'pm-status' });
  const open = h('div', { class: 'pm-open' });
  const start = h('button', { type: 'button', class: 'btn btn-primary' }, 'Start postmortem');
  start.addEventListener('click', async () => {
    errors.clear();
    start.disabled = true;
    try {
      const { startPostmortem } = await ctx.api.request(START_POSTMORTEM, { incidentId: id });
      ctx.navigate(`/postmortems/${encodeURIComponent(startPostmortem.id)}`);
    } catch (error) {
      errors.show(error);
      // Someone else started it meanwhile: the incident now links to theirs.
      if (errorCode(error) === 'CONFLICT') ctx.api.request(INCIDENT, { id }).then((d) => d.incident && apply(d.incident), () => undefined);
    } finally {
      start.disabled = false;
    }
  });
  const switches = FLAGS.map(([name, label, hint]) => {
    const input = h('input', { type: 'checkbox', role: 'switch', name, disabled: ctx.user?.role === 'VIEWER' });
    const hintId = newId('flag');
    input.setAttribute('aria-describedby', hintId);
    const flag = { name, input, pending: false };
    input.addEventListener('change', async () => {
      errors.clear();
      input.disabled = true;
      flag.pending = true;
      try {
        apply((await ctx.api.request(UPDATE_INCIDENT, { id, input: { [name]: input.checked } })).updateIncident);
      } catch (error) {
        input.checked = !input.checked;
        errors.show(error);
      } finally {
        input.disabled = false;
        flag.pending = false;
      }
    });
    input.id = newId('switch');
    // The hint describes the switch but stays out of its name.
    return Object.assign(flag, {
      el: h('div', { class: 'switch' }, input, h('span', { class: 'switch-label' }, h('label', { for: input.id }, label), h('span', { class: 'hint', id: hintId }, hint))),
    });
  });
  return {
    el: h(
      'section',
      { class: 'panel', 'aria-labelledby': 'pm-title' },
      h('h2', { id: 'pm-title' }, 'Postmortem'),
      status,
      open,
      h('fieldset', { class: 'flags' }, h('legend', {}, 'What happened'), switches.map((s) => s.el)),
      errors.el,
    ),
    /** @param {IncidentDetail} incident */
    update(incident) {
      // A switch waiting for its own answer is not overwritten by an older state.
      for (const s of switches) if (!s.pending) s.input.checked = Boolean(incident[s.name]);
      replace(
        status,
        incident.postmortemRequired
          ? [
              h('p', { class: 'pm-required' }, postmortemBadge(incident.postmortemTriggers), ' A blameless postmortem is required because:'),
              h('ul', { class: 'triggers' }, incident.postmortemTriggers.map((t) => h('li', {}, POSTMORTEM_TRIGGER_LABELS[t] ?? t))),
            ]
          : h('p', { class: 'muted' }, 'No postmortem trigger so far.'),
      );
      const pm = incident.postmortem;
      replace(
        open,
        pm
          ? h('p', {}, h('a', { class: 'btn', href: `#/postmortems/${encodeURIComponent(pm.id)}` }, 'Open postmortem'), ' ', postmortemStatusBadge(pm.status))
          : ctx.user?.role === 'VIEWER'
            ? h('p', { class: 'muted small' }, 'No postmortem started yet.')
            : h('p', {}, start, h('span', { class: 'hint' }, ' Pre-filled from this incident; one per incident.')),
      );
    },
  };
}
