// @ts-check
/** @import { ConnectionState } from './graphql-client.js' */
/** @import { ViewContext } from './types' */
/**
 * The Sitrep console: session, API clients, the top bar and a hash router.
 * Routes: `#/` board, `#/wall` wall mode, `#/declare`, `#/incidents/<id>`,
 * `#/postmortems` (owed and metrics), `#/postmortems/<id>`, `#/admin`,
 * `#/account` (the signed-in person's own account).
 * Hash routing keeps the server a plain static file server.
 */
import { announce, h, replace } from './dom.js';
import { ApiError, GraphQLWsClient, HttpClient } from './graphql-client.js';
import { ME } from './queries.js';
import { clearSession, getToken, getUser, saveSession, saveUser } from './session.js';
import * as account from './views/account.js';
import * as board from './views/board.js';
import * as admin from './views/admin.js';
import * as declare from './views/declare.js';
import * as incident from './views/incident.js';
import * as login from './views/login.js';
import * as postmortem from './views/postmortem.js';
import * as postmortems from './views/postmortems.js';
import * as wall from './views/wall.js';

// Both are in index.html.
const main = /** @type {HTMLElement} */ (document.getElementById('main'));
const topbar = /** @type {HTMLElement} */ (document.getElementById('topbar'));

const wsUrl = `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/graphql`;

/**
 * The live connection while signed in.
 * @type {GraphQLWsClient | null}
 */
let live = null;

/** @type {ViewContext} */
const ctx = {
  api: new HttpClient({ getToken, onUnauthenticated: () => signOut('Your session has expired. Please sign in again.') }),
  /** Views run signed in; a session found in storage gets its socket on first use. */
  get ws() {
    return live ?? startLive();
  },
  get user() {
    return getUser();
  },
  navigate(path) {
    if (location.hash === `#${path}`) render();
    else location.hash = path;
  },
  signedIn() {
    flash = undefined;
    startLive();
    render();
  },
  /**
   * Keeps this tab signed in with the token changePassword returned: the
   * server ended every older session, so live updates reconnect with it.
   */
  renewSession(token, user) {
    saveSession(token, user);
    startLive();
    renderTopbar(currentRoute().path);
  },
  signOut,
};

/** @type {() => void} */
let cleanup = () => {};
/** @type {() => void} */
let liveState = () => {};
/**
 * Why the user was signed out, shown on the login page until they sign in again.
 * @type {string | undefined}
 */
let flash;

/** Opens a new live connection (at sign-in, or with a renewed token) in place of the old one. */
function startLive() {
  live?.dispose();
  const ws = new GraphQLWsClient({
    url: wsUrl,
    getToken,
    onAuthFailure: () => signOut('Your session has ended: it expired, your password was changed, or an admin deactivated your account. Please sign in again.'),
  });
  live = ws;
  liveState();
  liveState = ws.onState(renderLiveState);
  return ws;
}

/** @param {string} [message] */
function signOut(message) {
  flash = message;
  clearSession();
  liveState();
  liveState = () => {};
  live?.dispose();
  live = null;
  render();
}

/**
 * Splits `#/incidents/42?status=OPEN` into a path and its parameters.
 * @returns {{ path: string, params: URLSearchParams }}
 */
function currentRoute() {
  const raw = location.hash.startsWith('#/') ? location.hash.slice(1) : '/';
  const [path, query = ''] = raw.split('?');
  return { path: path.replace(/\/+$/, '') || '/', params: new URLSearchParams(query) };
}

/**
 * The view of a route, bound to its arguments, or null when there is none.
 * @param {string} path
 * @returns {((main: HTMLElement, params: URLSearchParams) => (() => void) | void) | null}
 */
function resolve(path) {
  if (path === '/' || path === '/incidents') return (el, params) => board.mount(el, ctx, { params });
  if (path === '/wall') return (el) => wall.mount(el, ctx);
  if (path === '/declare') return (el) => declare.mount(el, ctx);
  if (path === '/postmortems') return (el, params) => postmortems.mount(el, ctx, { params });
  if (path === '/admin') return (el) => admin.mount(el, ctx);
  if (path === '/account') return (el) => account.mount(el, ctx);
  const match = /^\/(incidents|postmortems)\/([^/]+)$/.exec(path);
  if (!match) return null;
  const id = decodeURIComponent(match[2]);
  return match[1] === 'incidents' ? (el) => incident.mount(el, ctx, { id }) : (el) => postmortem.mount(el, ctx, { id });
}

function render() {
  cleanup();
  cleanup = () => {};
  const route = currentRoute();
  const wallMode = route.path === '/wall' && Boolean(getToken());
  document.body.classList.toggle('wall', wallMode);
  if (!getToken()) {
    topbar.hidden = true;
    document.title = 'Sign in · Sitrep';
    cleanup = login.mount(main, ctx, { message: flash }) ?? cleanup;
    return;
  }
  // Views subscribe at once; a session found in storage gets its socket here.
  if (!live) startLive();
  topbar.hidden = wallMode;
  renderTopbar(route.path);
  const view = resolve(route.path);
  if (!view) {
    document.title = 'Not found · Sitrep';
    replace(main, h('h1', { tabindex: '-1' }, 'Page not found'), h('p', {}, h('a', { href: '#/' }, 'Back to the incident board')));
  } else {
    cleanup = view(main, route.params) ?? cleanup;
  }
  // Move focus to the new page's heading so that screen readers announce it.
  main.querySelector('h1')?.focus({ preventScroll: true });
}

/** @param {string} path */
function renderTopbar(path) {
  const user = getUser();
  /** @param {string} href @param {string} label @param {boolean} active */
  const link = (href, label, active) => h('a', { href, 'aria-current': active ? 'page' : undefined }, label);
  replace(
    topbar,
    h('a', { class: 'brand', href: '#/' }, h('span', { class: 'brand-mark', 'aria-hidden': 'true' }), 'Sitrep'),
    h(
      'nav',
      { 'aria-label': 'Main' },
      link('#/', 'Incidents', path === '/' || path.startsWith('/incidents')),
      user?.role !== 'VIEWER' ? link('#/declare', 'Declare incident', path === '/declare') : null,
      link('#/postmortems', 'Postmortems', path.startsWith('/postmortems')),
      user?.role === 'ADMIN' ? link('#/admin', 'Admin', path === '/admin') : null,
      link('#/wall', 'Wall mode', false),
    ),
    h('span', { class: 'live', id: 'live-state', role: 'status' }),
    h(
      'span',
      { class: 'who' },
      h(
        'a',
        { class: 'who-link', href: '#/account', title: 'My account', 'aria-current': path === '/account' ? 'page' : undefined },
        h('span', { class: 'who-name' }, user?.name ?? ''),
        h('span', { class: 'who-role' }, user?.role ?? ''),
        h('span', { class: 'visually-hidden' }, ' (my account)'),
      ),
      h('button', { type: 'button', class: 'btn btn-quiet', onclick: () => { announce('Signed out'); signOut(); } }, 'Log out'),
    ),
  );
  renderLiveState(live?.state ?? 'idle');
  const nav = topbar.querySelector('nav');
  if (nav) {
    nav.addEventListener('scroll', () => scrollHints(nav), { passive: true });
    // On a phone the tabs scroll sideways: the current one is in view, and a fade says there are more.
    nav.querySelector('[aria-current="page"]')?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
    scrollHints(nav);
  }
}

/**
 * Marks the ends of a sideways-scrolling element that have more content
 * behind them (`scroll-more-start`, `scroll-more-end`; styles.css fades them).
 * @param {HTMLElement} el
 */
function scrollHints(el) {
  el.classList.toggle('scroll-more-start', el.scrollLeft > 1);
  el.classList.toggle('scroll-more-end', el.scrollLeft + el.clientWidth < el.scrollWidth - 1);
}

/** @type {Record<ConnectionState, [string, string]>} */
const LIVE_LABELS = {
  idle: ['', ''],
  connecting: ['Connecting…', 'live-pending'],
  connected: ['Live', 'live-ok'],
  reconnecting: ['Reconnecting…', 'live-bad'],
  failed: ['Live updates off', 'live-bad'],
};

/** @param {ConnectionState} state */
function renderLiveState(state) {
  const el = document.getElementById('live-state');
  if (!el) return;
  const [label, cls] = LIVE_LABELS[state] ?? LIVE_LABELS.idle;
  el.className = `live ${cls}`;
  el.textContent = label;
  el.title = state === 'connected' ? 'Receiving live updates' : label;
}

async function start() {
  if (getToken()) {
    try {
      const { me } = await ctx.api.request(ME);
      if (!me) {
        clearSession();
      } else {
        saveUser(me);
        startLive();
      }
    } catch (error) {
      // UNAUTHENTICATED already signed out; a network failure keeps the session for a retry.
      if (!(error instanceof ApiError && error.code === 'UNAUTHENTICATED') && getToken()) startLive();
    }
  }
  // The skip link moves focus without touching the hash, which is the route.
  document.querySelector('.skip-link')?.addEventListener('click', (event) => {
    event.preventDefault();
    main.focus();
  });
  window.addEventListener('resize', () => {
    const nav = topbar.querySelector('nav');
    if (nav) scrollHints(nav);
  });
  window.addEventListener('hashchange', () => {
    // In-page anchors such as the skip link are not routes.
    if (location.hash.startsWith('#/') || location.hash === '') render();
  });
  render();
}

start();
