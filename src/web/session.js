// @ts-check
/** @import { SessionUser } from './types' */
/**
 * The login session, kept in sessionStorage: it lasts as long as the tab and
 * is not shared with other tabs, so a wall dashboard and a personal tab can
 * be signed in as different people.
 */

const TOKEN_KEY = 'sitrep.token';
const USER_KEY = 'sitrep.user';

/** The bearer token, or null when signed out. */
export function getToken() {
  return sessionStorage.getItem(TOKEN_KEY);
}

/**
 * The signed-in user as `login` / `me` returned it, or null.
 * @returns {SessionUser | null}
 */
export function getUser() {
  try {
    return JSON.parse(sessionStorage.getItem(USER_KEY) ?? 'null');
  } catch {
    return null;
  }
}

/**
 * Stores a new session (after `login`).
 * @param {string} token
 * @param {SessionUser} user
 */
export function saveSession(token, user) {
  sessionStorage.setItem(TOKEN_KEY, token);
  sessionStorage.setItem(USER_KEY, JSON.stringify(user));
}

/**
 * Refreshes the stored user (after `me`).
 * @param {SessionUser} user
 */
export function saveUser(user) {
  sessionStorage.setItem(USER_KEY, JSON.stringify(user));
}

/** Forgets the session (logout, expired token). */
export function clearSession() {
  sessionStorage.removeItem(TOKEN_KEY);
  sessionStorage.removeItem(USER_KEY);
}
