// @ts-check
/** @import { ApplyIncident, IncidentDetail, User, ViewContext } from '../types' */
/** The roles panel of an incident: who holds each role, delegation and handover. */
import { busy, clearFields, errorBox, field, h, replace, select } from '../dom.js';
import { timeEl } from '../time.js';
import { ROLES, ROLE_LABELS } from '../labels.js';
import { ASSIGN_ROLE } from '../queries.js';

/**
 * @param {ViewContext} ctx
 * @param {{ id: string, users: Promise<ReadonlyArray<User>>, apply: ApplyIncident }} incidentRef
 */
export function rolesPanel(ctx, { id, users, apply }) {
  const errors = errorBox();
  const list = h('dl', { class: 'roles' });
  const role = select('role', ROLES.map((r) => [r, ROLE_LABELS[r]]), 'INCIDENT_COMMANDER');
  const person = h('select', { name: 'userId', required: true }, h('option', { value: '' }, 'Loading people…'));
  const submit = h('button', { type: 'submit', class: 'btn' }, 'Hand over command');
  const permission = h('p', { class: 'hint' });
  const fields = h('fieldset', { class: 'plain' }, h('legend', { class: 'visually-hidden' }, 'Assign a role'), field('Role', role), field('Person', person), submit);
  const form = h('form', { class: 'assign-form' }, fields, permission, errors.el);
  /** @type {IncidentDetail | null} */
  let current = null;

  role.addEventListener('change', () => {
    submit.textContent = role.value === 'INCIDENT_COMMANDER' ? 'Hand over command' : `Assign ${ROLE_LABELS[role.value]}`;
    markHolder();
  });

  users.then(
    (all) => {
      // Viewers cannot hold a role; the server refuses them.
      const eligible = all.filter((u) => u.role !== 'VIEWER');
      replace(person, h('option', { value: '' }, 'Choose a person…'), eligible.map((u) => h('option', { value: u.id }, `${u.name} (${u.email})`)));
      markHolder();
    },
    (error) => errors.show(error),
  );

  /** Marks who holds the selected role now, so handing it to them again is visibly a no-op. */
  function markHolder() {
    const holder = current?.roles.find((r) => r.role === role.value)?.holder.id;
    for (const option of person.options) {
      if (!option.value) continue;
      option.textContent = option.textContent.replace(/ · holds it$/, '') + (option.value === holder ? ' · holds it' : '');
    }
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!person.value) {
      errors.show({ code: 'BAD_USER_INPUT', message: 'Choose the person who should take the role.' });
      person.focus();
      return;
    }
    const ok = await busy(form, errors, async () => {
      apply((await ctx.api.request(ASSIGN_ROLE, { incidentId: id, role: role.value, userId: person.value })).assignRole);
    });
    if (ok) clearFields(form, [person]);
  });

  const el = h(
    'section',
    { class: 'panel', 'aria-labelledby': 'roles-title' },
    h('h2', { id: 'roles-title' }, 'Roles'),
    list,
    ctx.user?.role === 'VIEWER' ? null : form,
  );

  return {
    el,
    /** @param {IncidentDetail} incident */
    update(incident) {
      current = incident;
      replace(
        list,
        incident.roles.map((r) =>
          h(
            'div',
            { class: ['role', r.role === 'INCIDENT_COMMANDER' && 'role-ic'] },
            h('dt', {}, ROLE_LABELS[r.role]),
            h(
              'dd',
              {},
              h('span', { class: 'holder' }, r.holder.name),
              r.role === 'INCIDENT_COMMANDER'
                ? null
                : r.delegated
                  ? h('span', { class: 'badge delegated' }, 'Delegated')
                  : h('span', { class: 'muted small' }, ' held by the commander'),
              h('span', { class: 'muted small since' }, 'since ', timeEl(r.assignedAt)),
            ),
          ),
        ),
      );
      const me = ctx.user;
      const allowed = me?.role === 'ADMIN' || incident.commander.id === me?.id;
      fields.disabled = !allowed;
      permission.textContent = allowed
        ? 'Handing over command folds the new commander’s delegated roles back into command.'
        : `Only the incident commander (${incident.commander.name}) or an admin can assign roles.`;
      markHolder();
    },
  };
}
