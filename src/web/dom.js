/**
 * DOM helpers. Every piece of text reaches the page through `textContent` or
 * an attribute set with `setAttribute`: nothing here parses HTML, so a title
 * like `<img onerror=…>` stays text.
 */

/**
 * Creates an element. `attrs` keys: `class`, `dataset`, `on<event>` (a
 * listener), booleans (`disabled: true`), everything else as an attribute.
 * Children are nodes, strings (as text), or falsy (skipped); arrays nest.
 * @param {string} tag
 * @param {Record<string, any>} [attrs]
 * @param {...any} children
 * @returns {HTMLElement}
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') el.className = Array.isArray(value) ? value.filter(Boolean).join(' ') : value;
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key === 'value' && 'value' in el) el.value = value;
    else if (value === true) el.setAttribute(key, '');
    else el.setAttribute(key, String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false || child === '') continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces all children of `el`. */
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

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const timeOnly = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });

/** `<time>` with a local date and the UTC instant in its tooltip. */
export function timeEl(iso, { relative = false } = {}) {
  if (!iso) return h('span', { class: 'muted' }, '—');
  const date = new Date(iso);
  return h('time', { datetime: iso, title: date.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC') }, relative ? ago(iso) : dateTime.format(date));
}

const dateOnlyFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

/** `<time>` with the local date only (for tables), the UTC instant in its tooltip. */
export function dateEl(iso) {
  const el = timeEl(iso);
  if (iso) el.textContent = dateOnlyFormat.format(new Date(iso));
  return el;
}

/** Local clock time with seconds, e.g. for "last updated". */
export function clock(date = new Date()) {
  return timeOnly.format(date);
}

/** Elapsed time since `iso` (until `untilIso` when given), e.g. "2h 05m", "3d 4h", "45s". */
export function duration(iso, untilIso) {
  const ms = Math.max(0, (untilIso ? new Date(untilIso) : new Date()).getTime() - new Date(iso).getTime());
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  const hrs = Math.floor(m / 60);
  if (hrs < 24) return `${hrs}h ${String(m % 60).padStart(2, '0')}m`;
  return `${Math.floor(hrs / 24)}d ${hrs % 24}h`;
}

/** "5m ago" style relative time. */
export function ago(iso) {
  return `${duration(iso)} ago`;
}

/**
 * The box that shows an API error next to the action that failed: the
 * contract code, then the message (and each validation message).
 */
export function errorBox() {
  const box = h('div', { class: 'error-box', role: 'alert', hidden: true });
  return {
    el: box,
    /** @param {unknown} error */
    show(error) {
      const code = error?.code ?? 'ERROR';
      const details = error?.errors?.flatMap((e) => e.extensions?.validationErrors ?? []) ?? [];
      replace(
        box,
        h('strong', { class: 'error-code' }, code),
        ' ',
        h('span', {}, error?.message ?? String(error)),
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
 */
export async function busy(form, errors, action) {
  const buttons = [...form.querySelectorAll('button, input, select, textarea')].filter((b) => !b.disabled);
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

/** A labelled form field: returns the wrapper; the control gets an id and aria wiring. */
export function field(label, control, hint) {
  control.id ||= newId();
  const hintEl = hint ? h('p', { class: 'hint', id: `${control.id}-hint` }, hint) : null;
  if (hintEl) control.setAttribute('aria-describedby', hintEl.id);
  return h('div', { class: 'field' }, h('label', { for: control.id }, label), control, hintEl);
}

/** `<select>` from [value, label] pairs. */
export function select(name, options, selected) {
  return h(
    'select',
    { name },
    options.map(([value, label]) => h('option', { value, selected: value === selected }, label)),
  );
}

/** Announces `text` to screen readers through the page's polite live region. */
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
export function retryAfterSeconds(error) {
  if (error?.code !== 'FORBIDDEN') return null;
  const seconds = error.errors?.find((e) => Number.isFinite(e.extensions?.retryAfterSeconds))?.extensions.retryAfterSeconds;
  return seconds === undefined ? null : Math.max(1, Math.ceil(seconds));
}

/** A wait in words: "45 seconds", "4 min 05 s", "1 h 02 min". */
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
