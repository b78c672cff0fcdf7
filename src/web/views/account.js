// @ts-check
/** @import * as G from '../generated/graphql' */
/** @import { ViewContext } from '../types' */
/**
 * `#/account`: the signed-in person's own account, reached from their name
 * in the top bar: who they are to Sitrep, and changing their password
 * (`changePassword`), which signs out every other session they have.
 */
import { announce, busy, errorBox, field, h, lockout, replace, retryAfterSeconds, shownError } from '../dom.js';
import { CHANGE_PASSWORD } from '../queries.js';

/** The server's rule for passwords (createUser and changePassword). */
const PASSWORD_MIN = 8;
const PASSWORD_MAX = 200;

/** @type {Record<G.UserRole, string>} */
const ROLE_TEXT = {
  ADMIN: 'Admin: works incidents and manages users and API tokens.',
  RESPONDER: 'Responder: declares and works incidents, writes postmortems.',
  VIEWER: 'Viewer: follows incidents and postmortems read-only.',
};

/**
 * @param {HTMLElement} main
 * @param {ViewContext} ctx
 */
export function mount(main, ctx) {
  document.title = 'My account · Sitrep';
  const user = ctx.user;
  const password = passwordPanel(ctx);
  replace(
    main,
    h(
      'section',
      { class: 'narrow', 'aria-labelledby': 'account-title' },
      h('h1', { id: 'account-title', tabindex: '-1' }, 'My account'),
      h(
        'section',
        { class: 'panel', 'aria-labelledby': 'profile-title' },
        h('h2', { id: 'profile-title' }, 'Profile'),
        h(
          'dl',
          { class: 'profile' },
          h('dt', {}, 'Name'),
          h('dd', {}, user?.name ?? ''),
          h('dt', {}, 'Email'),
          h('dd', { class: 'email' }, user?.email ?? ''),
          h('dt', {}, 'Role'),
          h('dd', {}, h('span', { class: 'who-role' }, user?.role ?? ''), ' ', h('span', { class: 'hint' }, user ? ROLE_TEXT[user.role] : '')),
        ),
        h('p', { class: 'hint' }, user?.role === 'ADMIN' ? 'Names and roles are changed under Admin → Users.' : 'An admin changes names and roles; ask one if yours is wrong.'),
      ),
      password.el,
    ),
  );
  return password.cleanup;
}

/** @param {ViewContext} ctx */
function passwordPanel(ctx) {
  const errors = errorBox();
  const wait = h('p', { class: 'error-box lockout', hidden: true });
  const done = h('p', { class: 'notice success', role: 'status', hidden: true });
  let endLockout = () => {};
  const current = h('input', { type: 'password', name: 'currentPassword', autocomplete: 'current-password', required: true });
  const next = h('input', { type: 'password', name: 'newPassword', autocomplete: 'new-password', required: true, minlength: PASSWORD_MIN, maxlength: PASSWORD_MAX });
  const again = h('input', { type: 'password', name: 'repeatPassword', autocomplete: 'new-password', required: true, minlength: PASSWORD_MIN, maxlength: PASSWORD_MAX });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, 'Change password');
  const form = h(
    'form',
    { class: 'change-password' },
    field('Current password', current),
    field('New password', next, `${PASSWORD_MIN} to ${PASSWORD_MAX} characters, different from the current one.`),
    field('New password again', again, 'Type it once more, so that a typo does not lock you out.'),
    errors.el,
    wait,
    h('div', { class: 'actions' }, submit),
  );
  const againHint = /** @type {HTMLElement} */ (form.querySelector(`#${again.id}-hint`));
  // The browser refuses to submit while the two differ, and says why at the field.
  const checkMatch = () => {
    const differs = again.value !== '' && again.value !== next.value;
    again.setCustomValidity(differs ? 'The two new passwords differ.' : '');
    againHint.textContent = differs ? 'Does not match the new password yet.' : 'Type it once more, so that a typo does not lock you out.';
    againHint.classList.toggle('field-problem', differs);
  };
  next.addEventListener('input', checkMatch);
  again.addEventListener('input', checkMatch);

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    endLockout();
    wait.hidden = true;
    done.hidden = true;
    /** @type {G.ChangePasswordMutation['changePassword'] | undefined} */
    let payload;
    /** @type {unknown} */
    let failure;
    const ok = await busy(form, errors, async () => {
      try {
        payload = (await ctx.api.request(CHANGE_PASSWORD, { currentPassword: current.value, newPassword: next.value })).changePassword;
      } catch (error) {
        failure = error;
        throw error;
      }
    });
    if (ok && payload) {
      // The old token no longer works anywhere: this tab carries on with the new one.
      ctx.renewSession(payload.token, payload.user);
      form.reset();
      checkMatch();
      replace(done, h('strong', {}, 'Password changed.'), ' You stay signed in here; every other session of yours (other browsers, tabs and devices) was signed out.');
      done.hidden = false;
      announce('Password changed; your other sessions were signed out');
      return;
    }
    const seconds = retryAfterSeconds(failure);
    if (seconds) {
      // The countdown says it all; the server's 'in 899 seconds' would go stale beside it.
      errors.clear();
      endLockout = lockout(wait, submit, seconds, 'Too many failed password checks for this account or from this address');
    }
    const refusal = shownError(failure);
    if (refusal.code === 'BAD_USER_INPUT' && /currentPassword/.test(refusal.message)) current.select();
  });

  return {
    el: h(
      'section',
      { class: 'panel', 'aria-labelledby': 'password-title' },
      h('h2', { id: 'password-title' }, 'Change password'),
      h('p', { class: 'hint intro' }, 'Changing it signs you out everywhere else: other browsers, tabs and devices need the new password.'),
      done,
      form,
    ),
    cleanup: () => endLockout(),
  };
}
