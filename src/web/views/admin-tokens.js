// @ts-check
/** @import * as G from '../generated/graphql' */
/** @import { ViewContext } from '../types' */
/**
 * API tokens for integrations (the secret is shown once, at creation) and
 * the setup of Alertmanager and PagerDuty Events v2 senders for this server.
 */
import { announce, busy, errorBox, field, h, newId, replace, select } from '../dom.js';
import { dateEl } from '../time.js';
import { API_TOKENS, CREATE_API_TOKEN, REVOKE_API_TOKEN } from '../queries.js';

/** @type {ReadonlyArray<readonly [G.UserRole, string]>} */
const TOKEN_ROLES = [
  ['RESPONDER', 'Responder'],
  ['VIEWER', 'Viewer'],
  ['ADMIN', 'Admin'],
];

/**
 * The once-only secret, with a copy button and a warning.
 * @param {G.CreateApiTokenMutation['createApiToken']} payload
 * @param {() => void} onDismiss
 */
function secretBox(payload, onDismiss) {
  const input = h('input', { type: 'text', readonly: true, value: payload.token, class: 'secret', 'aria-label': `Secret of ${payload.apiToken.name}`, spellcheck: 'false' });
  const copied = h('span', { class: 'hint', 'aria-live': 'polite' });
  const copy = h('button', { type: 'button', class: 'btn btn-primary' }, 'Copy');
  copy.addEventListener('click', async () => {
    input.select();
    try {
      await navigator.clipboard.writeText(payload.token);
      copied.textContent = 'Copied to the clipboard.';
    } catch {
      // No clipboard access (plain http on another host): the text is selected for Ctrl+C.
      copied.textContent = 'Selected: press Ctrl+C (⌘C) to copy.';
    }
  });
  const done = h('button', { type: 'button', class: 'btn' }, 'I have stored it');
  done.addEventListener('click', onDismiss);
  const box = h(
    'div',
    { class: 'secret-box', role: 'alert' },
    h('p', {}, h('strong', {}, `Token “${payload.apiToken.name}” created. Copy the secret now: it is shown only this once`), ' and cannot be retrieved later. Anyone holding it can act as a ', payload.apiToken.role.toLowerCase(), '.'),
    h('div', { class: 'secret-row' }, input, copy),
    copied,
    h('div', { class: 'actions' }, done),
  );
  setTimeout(() => input.select(), 0);
  return box;
}

/** @param {ViewContext} ctx */
export function tokensPanel(ctx) {
  const errors = errorBox();
  const listErrors = errorBox();
  const body = h('tbody');
  const secret = h('div');
  const name = h('input', { type: 'text', name: 'name', required: true, maxlength: 200, autocomplete: 'off', placeholder: 'e.g. alertmanager-prod' });
  const role = select('role', TOKEN_ROLES, 'RESPONDER');
  const showRevoked = h('input', { type: 'checkbox', id: newId('revoked') });
  const form = h(
    'form',
    { class: 'create-token' },
    h('h3', {}, 'Create a token'),
    h('div', { class: 'row' }, field('Name', name, 'What uses it, so that you know what breaks when you revoke it.'), field('Role', role, 'Alert senders need Responder; read-only dashboards Viewer.')),
    errors.el,
    h('button', { type: 'submit', class: 'btn btn-primary' }, 'Create token'),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    /** @type {G.CreateApiTokenMutation['createApiToken'] | undefined} */
    let payload;
    const ok = await busy(form, errors, async () => {
      payload = (await ctx.api.request(CREATE_API_TOKEN, { name: name.value, role: role.value })).createApiToken;
    });
    if (ok && payload) {
      form.reset();
      replace(secret, secretBox(payload, () => {
        replace(secret);
        name.focus();
      }));
      secret.querySelector('input')?.focus();
      load();
    }
  });
  showRevoked.addEventListener('change', () => load());

  /**
   * Revoking takes two clicks: the second, on "Revoke now", confirms.
   * @param {G.ApiTokensQuery['apiTokens'][number]} token
   */
  function revokeCell(token) {
    const cell = h('td', { class: 'revoke-cell' });
    const cellErrors = errorBox();
    const start = h('button', { type: 'button', class: 'btn btn-small' }, 'Revoke…');
    const ask = () => {
      const yes = h('button', { type: 'button', class: 'btn btn-small btn-danger' }, 'Revoke now');
      const no = h('button', { type: 'button', class: 'btn btn-small btn-quiet' }, 'Cancel');
      no.addEventListener('click', () => {
        replace(cell, start);
        start.focus();
      });
      yes.addEventListener('click', async () => {
        yes.disabled = true;
        no.disabled = true;
        try {
          await ctx.api.request(REVOKE_API_TOKEN, { id: token.id });
          announce(`Token ${token.name} revoked`);
          load();
        } catch (error) {
          cellErrors.show(error);
          yes.disabled = false;
          no.disabled = false;
        }
      });
      replace(cell, h('span', { class: 'confirm-text' }, `Revoke “${token.name}”? Senders using it are refused at once.`), ' ', yes, no, cellErrors.el);
      no.focus();
    };
    start.addEventListener('click', ask);
    return replace(cell, start);
  }

  async function load() {
    try {
      const { apiTokens } = await ctx.api.request(API_TOKENS, { includeRevoked: showRevoked.checked });
      listErrors.clear();
      replace(
        body,
        apiTokens.length
          ? apiTokens.map((t) =>
              h(
                'tr',
                { class: t.revokedAt ? 'revoked' : undefined },
                h('td', {}, t.name),
                h('td', {}, h('span', { class: 'who-role' }, t.role)),
                h('td', {}, dateEl(t.createdAt)),
                t.revokedAt ? h('td', {}, h('span', { class: 'muted' }, 'Revoked '), dateEl(t.revokedAt)) : revokeCell(t),
              ),
            )
          : h('tr', {}, h('td', { colspan: 4, class: 'muted' }, 'No tokens yet.')),
      );
    } catch (error) {
      listErrors.show(error);
    }
  }
  load();
  return {
    el: h(
      'section',
      { class: 'panel', 'aria-labelledby': 'tokens-title' },
      h('h2', { id: 'tokens-title' }, 'API tokens'),
      h('p', { class: 'hint' }, 'For integrations: send as Authorization: Bearer <token>. Alert senders need RESPONDER.'),
      secret,
      listErrors.el,
      h('label', { class: 'chip', for: showRevoked.id }, showRevoked, 'Show revoked tokens'),
      h(
        'div',
        { class: 'table-wrap' },
        h('table', { class: 'plain-table' }, h('thead', {}, h('tr', {}, ['Name', 'Role', 'Created'].map((c) => h('th', { scope: 'col' }, c)), h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Revocation')))), body),
      ),
      form,
    ),
  };
}

/** Where alert senders post, for this server's own address. */
export function integrationsPanel() {
  const origin = location.origin;
  const alertmanager = [
    '# alertmanager.yml',
    'receivers:',
    '  - name: sitrep',
    '    webhook_configs:',
    `      - url: ${origin}/webhooks/alertmanager`,
    '        send_resolved: true',
    '        http_config:',
    '          authorization:',
    '            type: Bearer',
    '            credentials: <API token with role RESPONDER>',
    'route:',
    '  receiver: sitrep',
  ].join('\n');
  return h(
    'section',
    { class: 'panel', 'aria-labelledby': 'integrations-title' },
    h('h2', { id: 'integrations-title' }, 'Alert integrations'),
    h('p', {}, 'Create a RESPONDER token above for each sender. Firing alerts open an incident (one per alert group); nobody commands it until a person acknowledges it.'),
    h('h3', {}, 'Prometheus Alertmanager'),
    h('p', { class: 'hint' }, 'A webhook receiver; Alertmanager sends payload version 4.'),
    h('pre', { class: 'config', tabindex: '0' }, h('code', {}, alertmanager)),
    h('h3', {}, 'PagerDuty Events API v2'),
    h('p', {}, 'Point any PagerDuty Events v2 sender at this URL, with the token as the ', h('code', {}, 'routing_key'), ':'),
    h('pre', { class: 'config', tabindex: '0' }, h('code', {}, `${origin}/webhooks/pagerduty/v2/enqueue`)),
    h('p', { class: 'hint' }, h('code', {}, 'trigger'), ' opens or joins an incident; ', h('code', {}, 'acknowledge'), ' is noted on the timeline; ', h('code', {}, 'resolve'), ' marks the alert resolved (people resolve the incident).'),
  );
}
