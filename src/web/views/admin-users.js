// @ts-check
/** @import * as G from '../generated/graphql' */
/** @import { ViewContext } from '../types' */
/**
 * The people of this Sitrep, for admins: adding them, renaming them and
 * changing their role, deactivating them (which ends their sessions at once)
 * and reactivating them. The server holds the rules (always one active
 * admin, nobody deactivates themself); its refusals appear next to the
 * action that met them.
 */
import { announce, busy, errorBox, field, h, replace, select } from '../dom.js';
import { dateEl } from '../time.js';
import { ADMIN_USERS, CREATE_USER, DEACTIVATED_USERS, UPDATE_USER } from '../queries.js';

/** @type {ReadonlyArray<readonly [G.UserRole, string]>} */
const ROLE_CHOICES = [
  ['RESPONDER', 'Responder'],
  ['VIEWER', 'Viewer'],
  ['ADMIN', 'Admin'],
];

const COLUMNS = ['Name', 'Email', 'Role', 'Since'];

/** @param {ViewContext} ctx */
export function usersPanel(ctx) {
  const errors = errorBox();
  const listErrors = errorBox();
  const body = h('tbody');
  const gone = h('tbody');
  const goneSection = h(
    'section',
    { class: 'deactivated', 'aria-labelledby': 'deactivated-title', hidden: true },
    h('h3', { id: 'deactivated-title' }, 'Deactivated'),
    h('p', { class: 'hint' }, 'They cannot sign in; their names stay in timelines and role history.'),
    h(
      'div',
      { class: 'table-wrap' },
      h('table', { class: 'plain-table users-table' }, h('thead', {}, h('tr', {}, ['Name', 'Email', 'Role', 'Deactivated'].map((c) => h('th', { scope: 'col' }, c)), h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Actions')))), gone),
    ),
  );
  const name = h('input', { type: 'text', name: 'name', required: true, maxlength: 200, autocomplete: 'off' });
  const email = h('input', { type: 'email', name: 'email', required: true, autocomplete: 'off', autocapitalize: 'off', spellcheck: 'false' });
  const password = h('input', { type: 'password', name: 'password', required: true, minlength: 8, autocomplete: 'new-password' });
  const role = select('role', ROLE_CHOICES, 'RESPONDER');
  const form = h(
    'form',
    { class: 'create-user' },
    h('h3', {}, 'Add a person'),
    h('div', { class: 'row' }, field('Name', name), field('Email', email)),
    h('div', { class: 'row' }, field('Initial password', password, 'At least 8 characters; tell them to keep it safe.'), field('Role', role, 'Responders declare and work incidents; viewers read; admins also manage users and tokens.')),
    errors.el,
    h('button', { type: 'submit', class: 'btn btn-primary' }, 'Create user'),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    /** @type {G.CreateUserMutation['createUser'] | undefined} */
    let created;
    const ok = await busy(form, errors, async () => {
      created = (await ctx.api.request(CREATE_USER, { input: { name: name.value, email: email.value, password: password.value, role: role.value } })).createUser;
    });
    if (ok && created) {
      announce(`${created.name} can now sign in as ${created.role.toLowerCase()}`);
      form.reset();
      load();
    }
  });

  /**
   * A row that shows a person, and becomes their edit form or a confirmation on demand.
   * @param {G.AdminUsersQuery['users'][number]} user
   */
  function activeRow(user) {
    const row = h('tr', { dataset: { userId: user.id } });
    const you = user.id === ctx.user?.id;
    /** The person as a row; returns its buttons, to put focus back on one. */
    const show = () => {
      const edit = h('button', { type: 'button', class: 'btn btn-small' }, 'Edit…');
      const deactivate = h('button', { type: 'button', class: 'btn btn-small' }, 'Deactivate…');
      edit.addEventListener('click', () => editing());
      deactivate.addEventListener('click', () => confirming());
      replace(
        row,
        h('td', {}, user.name, you ? h('span', { class: 'badge you' }, 'You') : null, user.isIntegration ? h('span', { class: 'badge integration' }, 'Integration') : null),
        h('td', { class: 'email' }, user.email),
        h('td', {}, h('span', { class: 'who-role' }, user.role)),
        h('td', {}, dateEl(user.createdAt)),
        h('td', { class: 'user-actions' }, user.isIntegration ? h('span', { class: 'hint' }, 'See API tokens') : h('div', { class: 'actions' }, edit, deactivate)),
      );
      return { edit, deactivate };
    };
    const editing = () => {
      const rowErrors = errorBox();
      const newName = h('input', { type: 'text', name: 'name', required: true, maxlength: 200, autocomplete: 'off', value: user.name, 'aria-label': `Name of ${user.name}` });
      const newRole = select('role', ROLE_CHOICES, user.role);
      newRole.setAttribute('aria-label', `Role of ${user.name}`);
      const cancel = h('button', { type: 'button', class: 'btn btn-small btn-quiet' }, 'Cancel');
      const editForm = h(
        'form',
        { class: 'edit-user' },
        h('div', { class: 'row' }, newName, newRole),
        h('p', { class: 'hint' }, 'A new role applies to their next request; their open live documents reconnect with it.'),
        rowErrors.el,
        h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn btn-small btn-primary' }, 'Save'), cancel),
      );
      cancel.addEventListener('click', () => show().edit.focus());
      editForm.addEventListener('submit', async (event) => {
        event.preventDefault();
        /** @type {G.UpdateUserInput} */
        const input = {};
        if (newName.value.trim() !== user.name) input.name = newName.value;
        if (newRole.value !== user.role) input.role = newRole.value;
        /** @type {{ name: string, role: G.UserRole } | undefined} */
        let updated;
        const ok = await busy(editForm, rowErrors, async () => {
          updated = Object.keys(input).length ? (await ctx.api.request(UPDATE_USER, { id: user.id, input })).updateUser : user;
        });
        if (ok && updated) {
          announce(`${updated.name} saved: ${updated.role.toLowerCase()}`);
          load();
        }
      });
      replace(row, h('td', { colspan: COLUMNS.length + 1, class: 'editing' }, h('p', { class: 'confirm-text' }, `Editing ${user.email}`), editForm));
      newName.focus();
    };
    const confirming = () => {
      const rowErrors = errorBox();
      const yes = h('button', { type: 'button', class: 'btn btn-small btn-danger' }, 'Deactivate now');
      const no = h('button', { type: 'button', class: 'btn btn-small btn-quiet' }, 'Cancel');
      no.addEventListener('click', () => show().deactivate.focus());
      yes.addEventListener('click', async () => {
        yes.disabled = no.disabled = true;
        try {
          await ctx.api.request(UPDATE_USER, { id: user.id, input: { deactivated: true } });
          announce(`${user.name} deactivated and signed out`);
          load();
        } catch (error) {
          rowErrors.show(error);
          yes.disabled = no.disabled = false;
        }
      });
      replace(
        row,
        h(
          'td',
          { colspan: COLUMNS.length + 1, class: 'confirming' },
          h('p', { class: 'confirm-text' }, h('strong', {}, `Deactivate ${user.name} (${user.email})?`), ' They are signed out at once everywhere: their requests are refused and their open pages and live documents disconnect. They can no longer sign in until reactivated.'),
          h('div', { class: 'actions' }, yes, no),
          rowErrors.el,
        ),
      );
      no.focus();
    };
    show();
    return row;
  }

  /**
   * A deactivated person, with Reactivate… (a confirmation again: it lets them sign in).
   * @param {G.DeactivatedUsersQuery['deactivatedUsers'][number]} user
   */
  function deactivatedRow(user) {
    const row = h('tr', { class: 'revoked', dataset: { userId: user.id } });
    const cell = h('td', { class: 'user-actions' });
    const rowErrors = errorBox();
    const start = h('button', { type: 'button', class: 'btn btn-small' }, 'Reactivate…');
    start.addEventListener('click', () => {
      const yes = h('button', { type: 'button', class: 'btn btn-small btn-primary' }, 'Reactivate now');
      const no = h('button', { type: 'button', class: 'btn btn-small btn-quiet' }, 'Cancel');
      no.addEventListener('click', () => {
        replace(cell, start);
        start.focus();
      });
      yes.addEventListener('click', async () => {
        yes.disabled = no.disabled = true;
        try {
          await ctx.api.request(UPDATE_USER, { id: user.id, input: { deactivated: false } });
          announce(`${user.name} reactivated`);
          load();
        } catch (error) {
          rowErrors.show(error);
          yes.disabled = no.disabled = false;
        }
      });
      replace(cell, h('span', { class: 'confirm-text' }, `Reactivate ${user.name}? They can sign in again with their password, as ${user.role.toLowerCase()}.`), h('div', { class: 'actions' }, yes, no), rowErrors.el);
      no.focus();
    });
    replace(cell, start);
    return replace(
      row,
      h('td', {}, user.name),
      h('td', { class: 'email' }, user.email),
      h('td', {}, h('span', { class: 'who-role' }, user.role)),
      h('td', {}, dateEl(user.deactivatedAt)),
      cell,
    );
  }

  async function load() {
    try {
      const [{ users }, { deactivatedUsers }] = await Promise.all([ctx.api.request(ADMIN_USERS), ctx.api.request(DEACTIVATED_USERS)]);
      listErrors.clear();
      replace(
        body,
        [...users]
          .sort((a, b) => Number(a.isIntegration) - Number(b.isIntegration) || a.name.localeCompare(b.name))
          .map(activeRow),
      );
      replace(gone, deactivatedUsers.map(deactivatedRow));
      goneSection.hidden = deactivatedUsers.length === 0;
    } catch (error) {
      listErrors.show(error);
    }
  }
  load();
  return h(
    'section',
    { class: 'panel users-panel', 'aria-labelledby': 'users-title' },
    h('h2', { id: 'users-title' }, 'Users'),
    listErrors.el,
    h(
      'div',
      { class: 'table-wrap' },
      h('table', { class: 'plain-table users-table' }, h('thead', {}, h('tr', {}, COLUMNS.map((c) => h('th', { scope: 'col' }, c)), h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Actions')))), body),
    ),
    goneSection,
    form,
  );
}
