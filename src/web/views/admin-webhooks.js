// @ts-check
/** @import * as G from '../generated/graphql' */
/** @import { ViewContext } from '../types' */
/**
 * Admin → Webhooks: outgoing webhook endpoints (Standard Webhooks or a Slack
 * incoming webhook), the signing secret shown once, and each endpoint's
 * delivery log.
 */
import { busy, errorBox, field, h, replace, select } from '../dom.js';
import { dateEl } from '../time.js';
import { CREATE_WEBHOOK_ENDPOINT, DELETE_WEBHOOK_ENDPOINT, WEBHOOK_DELIVERIES, WEBHOOK_ENDPOINTS } from '../queries.js';

/** @type {ReadonlyArray<readonly [G.WebhookFormat, string]>} */
const FORMATS = [
  ['STANDARD', 'Standard Webhooks (signed JSON)'],
  ['SLACK', 'Slack / Mattermost / Rocket.Chat'],
];

/**
 * The event types an endpoint may ask for (the server's WEBHOOK_EVENT_TYPES;
 * test/console/console.test.ts keeps the two lists equal). None ticked: all.
 */
const EVENT_TYPES = [
  ['incident.declared', 'Incident declared'],
  ['incident.updated', 'Incident updated'],
  ['incident.status_changed', 'Status changed'],
  ['incident.role_assigned', 'Role assigned'],
  ['status_update.posted', 'Status update posted'],
  ['postmortem.published', 'Postmortem published'],
];

/** @param {ViewContext} ctx */
export function webhooksPanel(ctx) {
  const errors = errorBox();
  const listErrors = errorBox();
  const list = h('div', { class: 'webhook-list' });
  const secret = h('div');
  const url = h('input', { type: 'url', name: 'url', required: true, maxlength: 2000, autocomplete: 'off', placeholder: 'your endpoint, or a Slack incoming-webhook URL' });
  const format = select('format', FORMATS, 'STANDARD');
  const events = h(
    'fieldset',
    { class: 'event-types' },
    h('legend', {}, 'Events (none ticked: every event)'),
    EVENT_TYPES.map(([value, label]) => h('label', { class: 'chip' }, h('input', { type: 'checkbox', name: 'events', value }), label)),
  );
  const form = h(
    'form',
    { class: 'create-token' },
    h('h3', {}, 'Add an endpoint'),
    h('div', { class: 'row' }, field('URL', url, 'Where Sitrep POSTs each event.'), field('Format', format, 'How each body is shaped.')),
    events,
    errors.el,
    h('button', { type: 'submit', class: 'btn btn-primary' }, 'Add endpoint'),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    /** @type {G.CreateWebhookEndpointMutation['createWebhookEndpoint'] | undefined} */
    let payload;
    const ok = await busy(form, errors, async () => {
      const wanted = [...events.querySelectorAll('input:checked')].map((input) => /** @type {HTMLInputElement} */ (input).value);
      payload = (await ctx.api.request(CREATE_WEBHOOK_ENDPOINT, { url: url.value, format: format.value, events: wanted })).createWebhookEndpoint;
    });
    if (ok && payload) {
      form.reset();
      replace(
        secret,
        h(
          'div',
          { class: 'secret-box', role: 'alert' },
          h('p', {}, h('strong', {}, 'Signing secret, shown only this once: '), 'receivers verify the webhook-signature header with it.'),
          h('input', { type: 'text', readonly: true, value: payload.secret, class: 'secret', 'aria-label': 'Signing secret', spellcheck: 'false' }),
        ),
      );
      load();
    }
  });

  /** @param {G.WebhookEndpointsQuery['webhookEndpoints'][number]} endpoint */
  function endpointItem(endpoint) {
    const log = h('div', { class: 'delivery-log' });
    const show = h('button', { type: 'button', class: 'btn' }, 'Delivery log');
    const remove = h('button', { type: 'button', class: 'btn btn-danger' }, 'Delete');
    show.addEventListener('click', async () => {
      try {
        const { webhookDeliveries } = await ctx.api.request(WEBHOOK_DELIVERIES, { endpointId: endpoint.id });
        replace(
          log,
          webhookDeliveries.length
            ? h(
                'table',
                { class: 'table' },
                h('thead', {}, h('tr', {}, ['Event', 'Status', 'Attempts', 'Last answer', 'Created'].map((c) => h('th', { scope: 'col' }, c)))),
                h(
                  'tbody',
                  {},
                  webhookDeliveries.map((d) =>
                    h('tr', {}, h('td', {}, d.eventType), h('td', {}, d.status), h('td', {}, String(d.attempts)), h('td', {}, d.lastError ?? (d.lastStatusCode ? `HTTP ${d.lastStatusCode}` : '—')), h('td', {}, dateEl(d.createdAt))),
                  ),
                ),
              )
            : h('p', { class: 'muted' }, 'Nothing sent yet.'),
        );
      } catch (error) {
        listErrors.show(error);
      }
    });
    remove.addEventListener('click', async () => {
      await busy(remove, listErrors, async () => {
        await ctx.api.request(DELETE_WEBHOOK_ENDPOINT, { id: endpoint.id });
      });
      load();
    });
    return h(
      'li',
      { class: 'webhook' },
      h('div', {}, h('code', {}, endpoint.url), ' ', h('span', { class: 'badge' }, endpoint.format), ' ', endpoint.enabled ? null : h('strong', {}, 'Disabled: it failed for 24 hours; delete and add it again')),
      h('div', { class: 'muted endpoint-events' }, endpoint.events.length ? endpoint.events.map((e) => EVENT_TYPES.find(([value]) => value === e)?.[1] ?? e).join(', ') : 'Every event'),
      h('div', { class: 'actions' }, show, remove),
      log,
    );
  }

  async function load() {
    try {
      const { webhookEndpoints } = await ctx.api.request(WEBHOOK_ENDPOINTS);
      listErrors.clear();
      replace(list, webhookEndpoints.length ? h('ul', { class: 'plain' }, webhookEndpoints.map(endpointItem)) : h('p', { class: 'muted' }, 'No endpoints yet.'));
    } catch (error) {
      listErrors.show(error);
    }
  }
  load();

  return h('section', { class: 'panel', 'aria-labelledby': 'webhooks-title' }, h('h2', { id: 'webhooks-title' }, 'Webhooks'), secret, list, listErrors.el, form);
}
