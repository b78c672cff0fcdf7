// @ts-check
/** @import * as G from '../generated/graphql' */
/** @import { ViewContext } from '../types' */
/** Declaring an incident: the declarer becomes its commander. */
import { announce, busy, checkedValue, errorBox, field, h, newId, replace, select } from '../dom.js';
import { SEVERITIES, SEVERITY_HINTS, TRIGGER_LABELS, labelOptions } from '../labels.js';
import { DECLARE_INCIDENT } from '../queries.js';

/**
 * @param {HTMLElement} main
 * @param {ViewContext} ctx
 */
export function mount(main, ctx) {
  document.title = 'Declare incident · Sitrep';
  const errors = errorBox();
  const title = h('input', { type: 'text', name: 'title', required: true, maxlength: 200, autocomplete: 'off', placeholder: 'e.g. Checkout returns 500 for EU customers' });
  const summary = h('textarea', { name: 'summary', rows: 4, maxlength: 10000, placeholder: 'What is happening, who is affected, what is known so far' });
  const trigger = select('trigger', labelOptions(TRIGGER_LABELS), 'STAFF_IDENTIFIED');
  const severityName = newId('severity');
  const severities = h(
    'fieldset',
    { class: 'severity-choice' },
    h('legend', {}, 'Severity'),
    SEVERITIES.map((s) =>
      h(
        'label',
        { class: `sev-option sev-option-${s.toLowerCase()}` },
        h('input', { type: 'radio', name: severityName, value: s, checked: s === 'SEV2', required: true }),
        h('span', { class: `badge sev sev-${s.toLowerCase()}` }, s),
        h('span', { class: 'sev-hint' }, SEVERITY_HINTS[s]),
      ),
    ),
  );
  const form = h(
    'form',
    { class: 'card declare-form' },
    field('Title', title, 'A short description responders will recognise on the board.'),
    field('Summary (optional)', summary),
    severities,
    field('How was it detected?', trigger),
    h('p', { class: 'hint' }, 'You will be the incident commander and hold every role until you delegate.'),
    errors.el,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn btn-danger' }, 'Declare incident'), h('a', { class: 'btn btn-quiet', href: '#/' }, 'Cancel')),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    /** @type {G.DeclareIncidentMutation['declareIncident'] | undefined} */
    let declared;
    const severity = checkedValue(form, severityName, SEVERITIES) ?? 'SEV2';
    const ok = await busy(form, errors, async () => {
      declared = (
        await ctx.api.request(DECLARE_INCIDENT, {
          input: { title: title.value, summary: summary.value.trim() || null, severity, trigger: trigger.value },
        })
      ).declareIncident;
    });
    if (ok && declared) {
      announce(`${declared.severity} incident declared: ${declared.title}`);
      ctx.navigate(`/incidents/${encodeURIComponent(declared.id)}`);
    }
  });
  replace(
    main,
    h(
      'section',
      { class: 'narrow', 'aria-labelledby': 'declare-title' },
      h('p', { class: 'crumbs' }, h('a', { href: '#/' }, '← Incidents')),
      h('h1', { id: 'declare-title', tabindex: '-1' }, 'Declare an incident'),
      form,
    ),
  );
}
