// @ts-check
/**
 * DOM helpers. Every piece of text reaches the page through `textContent` or
 * an attribute set with `setAttribute`: nothing here parses HTML, so a title
 * like `<img onerror=…>` stays text.
 */

/** @import { Attrs, Child } from './types' */

/**
 * Creates an element. `attrs` keys: `class`, `dataset`, `on<event>` (a
 * listener), booleans (`disabled: true`), everything else as an attribute.
 * Children are nodes, strings (as text), or falsy (skipped); arrays nest.
 * @template {string} K
 * @param {K} tag
 * @param {Attrs} [attrs]
 * @param {...Child} children
 * @returns {K extends keyof HTMLElementTagNameMap ? HTMLElementTagNameMap[K] : HTMLElement}
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') el.className = Array.isArray(value) ? value.filter(Boolean).join(' ') : String(value);
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), /** @type {EventListener} */ (value));
    else if (key === 'value' && 'value' in el) el.value = value;
    else if (value === true) el.setAttribute(key, '');
    else el.setAttribute(key, String(value));
  }
  append(el, children);
  return /** @type {K extends keyof HTMLElementTagNameMap ? HTMLElementTagNameMap[K] : HTMLElement} */ (el);
}

/**
 * @param {Element | DocumentFragment} el
 * @param {readonly Child[]} children
 */
function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false || child === '') continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/**
 * Replaces all children of `el`.
 * @template {Element} E
 * @param {E} el
 * @param {...Child} children
 * @returns {E}
 */
export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

let uid = 0;
/** A fresh id for label/aria wiring. */
export function newId(prefix = 'f') {
  uid += 1;
  return `${prefix}-${uid}`;
}

/**
 * What errorBox() shows: an ApiError, or a message of the page's own with a code.
 * @typedef {{ message: string, code?: string, errors?: ReadonlyArray<import('./graphql-client.js').ResponseError> }} ShownError
 */

/**
 * The box that shows an API error next to the action that failed: the
 * contract code, then the message (and each validation message). Where the
 * code tells the person nothing the message does not (a wrong password),
 * `{ code: false }` shows the message alone.
 * @param {{ code?: boolean }} [options]
 */
export function errorBox({ code: showCode = true } = {}) {
  const box = h('div', { class: 'error-box', role: 'alert', hidden: true });
  return {
    el: box,
    /** @param {unknown} shown an ApiError, or `{ code, message }` of the page's own */
    show(shown) {
      const error = shownError(shown);
      const code = error.code ?? 'ERROR';
      const details = error.errors?.flatMap((e) => e.extensions?.validationErrors ?? []) ?? [];
      replace(
        box,
        showCode ? [h('strong', { class: 'error-code' }, code), ' '] : null,
        h('span', {}, error.message),
        details.length > 1 ? h('ul', {}, details.map((d) => h('li', {}, d))) : null,
      );
      box.hidden = false;
    },
    clear() {
      box.hidden = true;
      box.replaceChildren();
    },
  };
}

/**
 * Runs `action` for a form submit: disables the submit button meanwhile,
 * shows an error in `errors`, and returns whether it succeeded.
 * @param {HTMLElement} form
 * @param {ReturnType<typeof errorBox>} errors
 * @param {() => Promise<unknown>} action
 */
export async function busy(form, errors, action) {
  const controls = [.../** @type {NodeListOf<HTMLButtonElement | HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>} */ (form.querySelectorAll('button, input, select, textarea'))];
  const buttons = controls.filter((b) => !b.disabled);
  errors.clear();
  buttons.forEach((b) => (b.disabled = true));
  form.setAttribute('aria-busy', 'true');
  try {
    await action();
    return true;
  } catch (error) {
    errors.show(error);
    return false;
  } finally {
    buttons.forEach((b) => (b.disabled = false));
    form.removeAttribute('aria-busy');
  }
}

/**
 * Empties `fields` of `form` after a success. Only the form's reset clears
 * the browser's record that a person interacted with a field, so an emptied
 * required field would otherwise match `:user-invalid` at once (Firefox
 * paints it red, as if the person had done something wrong). Every other
 * control keeps its current value.
 * @param {HTMLFormElement} form
 * @param {ReadonlyArray<HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement>} fields
 */
export function clearFields(form, fields) {
  /** @type {Array<[HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement, string, boolean]>} */
  const kept = [];
  for (const el of form.elements) {
    if ((el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement) && !fields.includes(el)) {
      kept.push([el, el.value, el instanceof HTMLInputElement && el.checked]);
    }
  }
  form.reset();
  for (const [el, value, checked] of kept) {
    if (el instanceof HTMLInputElement && (el.type === 'checkbox' || el.type === 'radio')) el.checked = checked;
    else el.value = value;
  }
  for (const el of fields) el.value = '';
}

/**
 * Whatever an action threw, as errorBox() shows it.
 * @param {unknown} error
 * @returns {ShownError}
 */
export function shownError(error) {
  if (typeof error === 'object' && error !== null && 'message' in error && typeof error.message === 'string') return /** @type {ShownError} */ (error);
  return { message: String(error) };
}

/**
 * The contract code of whatever an action threw (`CONFLICT`), if it has one.
 * @param {unknown} error
 */
export function errorCode(error) {
  return shownError(error).code;
}

/**
 * A labelled form field: returns the wrapper; the control gets an id and aria wiring.
 * @param {string} label
 * @param {HTMLElement} control
 * @param {string} [hint]
 */
export function field(label, control, hint) {
  control.id ||= newId();
  const hintEl = hint ? h('p', { class: 'hint', id: `${control.id}-hint` }, hint) : null;
  if (hintEl) control.setAttribute('aria-describedby', hintEl.id);
  return h('div', { class: 'field' }, h('label', { for: control.id }, label), control, hintEl);
}

/**
 * `<select>` from [value, label] pairs; its `value` is typed as one of the
 * values (an enum of the schema, say), which is all it can be chosen as.
 * @template {string} T
 * @param {string} name
 * @param {ReadonlyArray<readonly [T, string]>} options
 * @param {NoInfer<T>} [selected]
 * @returns {HTMLSelectElement & { value: T }}
 */
export function select(name, options, selected) {
  return /** @type {HTMLSelectElement & { value: T }} */ (h(
    'select',
    { name },
    options.map(([value, label]) => h('option', { value, selected: value === selected }, label)),
  ));
}

/**
 * The value of the checked radio button named `name` inside `root`, when it
 * is one of `values` (so typed as one of them), else undefined.
 * @template {string} T
 * @param {ParentNode} root
 * @param {string} name
 * @param {ReadonlyArray<T>} values
 * @returns {T | undefined}
 */
export function checkedValue(root, name, values) {
  /** @type {HTMLInputElement | null} */
  const checked = root.querySelector(`input[name="${CSS.escape(name)}"]:checked`);
  return values.find((value) => value === checked?.value);
}

/**
 * Announces `text` to screen readers through the page's polite live region.
 * @param {string} text
 */
export function announce(text) {
  const region = document.getElementById('announcer');
  if (!region) return;
  region.textContent = '';
  // A fresh text node after a tick, so that the same message twice is read twice.
  setTimeout(() => (region.textContent = text), 50);
}

/**
 * How long the server asks to wait before trying again (FORBIDDEN after too
 * many failed logins or password checks, `extensions.retryAfterSeconds`), or
 * null when the error is not such a lockout.
 */
/**
 * @param {unknown} thrown
 * @returns {number | null}
 */
export function retryAfterSeconds(thrown) {
  const error = shownError(thrown);
  if (error.code !== 'FORBIDDEN') return null;
  const seconds = error.errors?.map((e) => e.extensions?.retryAfterSeconds).find((s) => typeof s === 'number' && Number.isFinite(s));
  return seconds === undefined ? null : Math.max(1, Math.ceil(seconds));
}

/**
 * A wait in words: "45 seconds", "4 min 05 s", "1 h 02 min".
 * @param {number} seconds
 */
export function waitLabel(seconds) {
  const s = Math.max(0, Math.ceil(seconds));
  if (s < 60) return `${s} second${s === 1 ? '' : 's'}`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

/**
 * A lockout notice under a form, in place of the server's error: FORBIDDEN,
 * what happened, and "try again in 4 min 05 s", counting down each second
 * while `button` stays disabled, then enabling it again. The notice is no
 * live region (it would be read every second): the wait is announced once.
 * Returns a function that ends it early (when the page goes away).
 * @param {HTMLElement} notice where the countdown is shown
 * @param {HTMLButtonElement} button the submit button, disabled meanwhile
 * @param {number} seconds from retryAfterSeconds()
 * @param {string} what what is locked, e.g. "Too many failed sign-ins"
 */
export function lockout(notice, button, seconds, what) {
  const until = Date.now() + seconds * 1000;
  const tick = () => {
    const left = (until - Date.now()) / 1000;
    if (left <= 0) {
      stop();
      notice.hidden = true;
      notice.replaceChildren();
      announce('You can try again now');
      return;
    }
    button.disabled = true;
    replace(notice, h('strong', { class: 'error-code' }, 'FORBIDDEN'), ' ', h('strong', {}, `${what}.`), ' Try again in ', h('span', { class: 'countdown' }, waitLabel(left)), '.');
  };
  const timer = setInterval(tick, 1000);
  notice.hidden = false;
  tick();
  announce(`${what}. Try again in ${waitLabel(seconds)}.`);
  function stop() {
    clearInterval(timer);
    button.disabled = false;
  }
  return stop;
}
