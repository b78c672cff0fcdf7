// @ts-check
/**
 * The communications lead's update cadence, as the board and the incident
 * page show it: a countdown to the next status update that is owed, turning
 * into an "overdue" badge when it passes. One page-wide ticker updates every
 * countdown on screen once a second, so views create no timers of their own.
 */
import { h } from '../dom.js';

/** @typedef {{ nextStatusUpdateDue?: string | null, statusUpdateOverdue?: boolean }} Cadence */

/**
 * "12m 05s" until `due`, or how long it is past due.
 * @param {number} ms
 */
function span(ms) {
  const total = Math.max(0, Math.round(Math.abs(ms) / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  if (hours) return `${hours}h ${String(minutes).padStart(2, '0')}m`;
  return `${minutes}m ${String(seconds).padStart(2, '0')}s`;
}

/**
 * Brings one countdown element up to date.
 * @param {HTMLElement} el
 */
function tick(el) {
  const due = el.dataset.due;
  if (!due) return;
  const left = new Date(due).getTime() - Date.now();
  const overdue = left <= 0;
  el.classList.toggle('overdue', overdue);
  el.textContent = overdue ? `Update overdue by ${span(left)}` : `Next update in ${span(left)}`;
  el.title = `The communications lead owes a status update by ${new Date(due).toLocaleString()}`;
}

let ticker = 0;
function startTicker() {
  if (ticker) return;
  ticker = window.setInterval(() => {
    /** @type {NodeListOf<HTMLElement>} */
    const all = document.querySelectorAll('.cadence[data-due]');
    all.forEach(tick);
  }, 1000);
}

/**
 * A countdown badge for an incident's next status update; null when none is owed.
 * @param {Cadence | undefined} cadence
 * @returns {HTMLElement | null}
 */
export function cadenceBadge(cadence) {
  if (!cadence?.nextStatusUpdateDue) return null;
  startTicker();
  const el = h('span', { class: 'badge cadence', dataset: { due: cadence.nextStatusUpdateDue }, role: 'timer' });
  tick(el);
  return el;
}
