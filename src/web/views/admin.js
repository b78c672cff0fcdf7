// @ts-check
/** @import { ViewContext } from '../types' */
/**
 * `#/admin` (admins only; the server refuses everyone else as well): people
 * and their roles, API tokens for integrations, and how to point Alertmanager
 * and PagerDuty-compatible senders at this server.
 */
import { h, replace } from '../dom.js';
import { integrationsPanel, tokensPanel } from './admin-tokens.js';
import { usersPanel } from './admin-users.js';
import { webhooksPanel } from './admin-webhooks.js';

/**
 * @param {HTMLElement} main
 * @param {ViewContext} ctx
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
      webhooksPanel(ctx),
    ),
  );
}
