// @ts-check
/** @import * as G from '../generated/graphql' */
/** @import { ViewContext } from '../types' */
/**
 * The sign-in page: email and password through the `login` mutation. Past
 * the server's limit of failed logins it says how long to wait, counting down.
 */
import { busy, errorBox, field, h, lockout, replace, retryAfterSeconds } from '../dom.js';
import { LOGIN } from '../queries.js';
import { saveSession } from '../session.js';

/**
 * @param {HTMLElement} main
 * @param {ViewContext} ctx
 * @param {{ message?: string }} options why the user is here (an expired session)
 */
export function mount(main, ctx, { message } = {}) {
  // "Invalid email or password" says it all: the contract code (UNAUTHENTICATED) is for programs.
  const errors = errorBox({ code: false });
  const wait = h('p', { class: 'error-box lockout', hidden: true });
  let endLockout = () => {};
  const email = h('input', { type: 'email', name: 'email', autocomplete: 'username', required: true, autocapitalize: 'off', spellcheck: 'false' });
  const password = h('input', { type: 'password', name: 'password', autocomplete: 'current-password', required: true });
  const form = h(
    'form',
    { class: 'card login-form', novalidate: false },
    field('Email', email),
    field('Password', password),
    errors.el,
    wait,
    h('button', { type: 'submit', class: 'btn btn-primary btn-block' }, 'Sign in'),
  );
  const submit = /** @type {HTMLButtonElement} */ (form.querySelector('button[type="submit"]'));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    /** @type {G.LoginMutation['login'] | undefined} */
    let session;
    /** @type {unknown} */
    let failure;
    endLockout();
    wait.hidden = true;
    const ok = await busy(form, errors, async () => {
      try {
        session = (await ctx.api.request(LOGIN, { email: email.value.trim(), password: password.value })).login;
      } catch (error) {
        failure = error;
        throw error;
      }
    });
    if (ok && session) {
      saveSession(session.token, session.user);
      ctx.signedIn();
      return;
    }
    const seconds = retryAfterSeconds(failure);
    if (seconds) {
      // The countdown says it all; the server's 'in 899 seconds' would go stale beside it.
      errors.clear();
      endLockout = lockout(wait, submit, seconds, 'Too many failed sign-ins for this account or from this address');
    }
    password.select();
  });
  replace(
    main,
    h(
      'section',
      { class: 'login', 'aria-labelledby': 'login-title' },
      h('div', { class: 'login-brand' }, h('span', { class: 'brand-mark', 'aria-hidden': 'true' }), 'Sitrep'),
      h('h1', { id: 'login-title', tabindex: '-1' }, 'Sign in to the incident console'),
      message ? h('p', { class: 'notice', role: 'status' }, message) : null,
      form,
    ),
  );
  queueMicrotask(() => email.focus());
  return () => endLockout();
}
