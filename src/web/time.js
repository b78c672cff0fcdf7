// @ts-check
/**
 * Times as the console shows them: local dates and clock times with the UTC
 * instant in the tooltip, elapsed durations ("2h 05m") and "5m ago".
 */
import { h } from './dom.js';

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const timeOnly = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });

/**
 * An instant in UTC, to the second: "2026-11-26 14:02:07 UTC".
 * @param {string} iso
 */
export function utc(iso) {
  return new Date(iso).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
}

/**
 * `<time>` with a local date and the UTC instant in its tooltip.
 * @param {string | null | undefined} iso
 * @param {{ relative?: boolean }} [options]
 * @returns {HTMLElement}
 */
export function timeEl(iso, { relative = false } = {}) {
  if (!iso) return h('span', { class: 'muted' }, '—');
  const date = new Date(iso);
  return h('time', { datetime: iso, title: utc(iso) }, relative ? ago(iso) : dateTime.format(date));
}

const dateOnlyFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

/**
 * `<time>` with the local date only (for tables), the UTC instant in its tooltip.
 * @param {string | null | undefined} iso
 */
export function dateEl(iso) {
  const el = timeEl(iso);
  if (iso) el.textContent = dateOnlyFormat.format(new Date(iso));
  return el;
}

/** Local clock time with seconds, e.g. for "last updated". */
export function clock(date = new Date()) {
  return timeOnly.format(date);
}

/**
 * Elapsed time since `iso` (until `untilIso` when given), e.g. "2h 05m", "3d 4h", "45s".
 * @param {string} iso
 * @param {string | null} [untilIso]
 */
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

/**
 * "5m ago" style relative time.
 * @param {string} iso
 */
export function ago(iso) {
  return `${duration(iso)} ago`;
}
