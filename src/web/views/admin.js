/**
 * `#/admin` (admins only; the server refuses everyone else as well): people
 * and their roles, API tokens for integrations, and how to point Alertmanager
 * and PagerDuty-compatible senders at this server.
 */
import { announce, busy, dateEl, errorBox, field, h, replace, select } from '../dom.js';
import { ADMIN_USERS, CREATE_USER } from '../queries.js';
import { integrationsPanel, tokensPanel } from './admin-tokens.js';

const ROLE_CHOICES = [
  ['RESPONDER', 'Responder'],
  ['VIEWER', 'Viewer'],
  ['ADMIN', 'Admin'],
];

/**
 * @param {HTMLElement} main
 * @param {any} ctx
 */
export function mount(main, ctx) {
  document.title = 'Admin · Sitrep';
  if (ctx.user?.role !== 'ADMIN') {
    replace(
      main,
      h('section', { class: 'narrow' }, h('h1', { tabindex: '-1' }, 'Admins only'), h('p', {}, 'This page manages users and API tokens; ask an admin.'), h('p', {}, h('a', { href: '#/' }, 'Back to the incident board'))),
    );
    return;
  }
  const tokens = tokensPanel(ctx);
  replace(
    main,
    h(
      'section',
      { 'aria-labelledby': 'admin-title' },
      h('h1', { id: 'admin-title', tabindex: '-1' }, 'Admin'),
      h('div', { class: 'admin-layout' }, usersPanel(ctx), tokens.el),
      integrationsPanel(),
    ),
  );
}

function usersPanel(ctx) {
  const errors = errorBox();
  const listErrors = errorBox();
  const body = h('tbody');
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
    let created;
    const ok = await busy(form, errors, async () => {
      created = (await ctx.api.request(CREATE_USER, { input: { name: name.value, email: email.value, password: password.value, role: role.value } })).createUser;
    });
    if (ok) {
      announce(`${created.name} can now sign in as ${created.role.toLowerCase()}`);
      form.reset();
      load();
    }
  });

  async function load() {
    try {
      const { users } = await ctx.api.request(ADMIN_USERS);
      listErrors.clear();
      replace(
        body,
        [...users]
          .sort((a, b) => Number(a.isIntegration) - Number(b.isIntegration) || a.name.localeCompare(b.name))
          .map((u) =>
            h(
              'tr',
              {},
              h('td', {}, u.name, u.isIntegration ? h('span', { class: 'badge integration' }, 'Integration') : null),
              h('td', { class: 'email' }, u.email),
              h('td', {}, h('span', { class: 'who-role' }, u.role)),
              h('td', {}, dateEl(u.createdAt)),
            ),
          ),
      );
    } catch (error) {
      listErrors.show(error);
    }
  }
  load();
  return h(
    'section',
    { class: 'panel', 'aria-labelledby': 'users-title' },
    h('h2', { id: 'users-title' }, 'Users'),
    listErrors.el,
    h(
      'div',
      { class: 'table-wrap' },
      h('table', { class: 'plain-table' }, h('thead', {}, h('tr', {}, ['Name', 'Email', 'Role', 'Since'].map((c) => h('th', { scope: 'col' }, c)))), body),
    ),
    form,
  );
}
