import type { SeverityName } from '../config/config';
import { Severity } from '../incidents/incident.enums';

/** What an alert maps to when its severity label is absent or unmapped. */
export const DEFAULT_ALERT_SEVERITY = Severity.SEV3;

const ORDER: Severity[] = [Severity.SEV1, Severity.SEV2, Severity.SEV3, Severity.SEV4];

/**
 * The incident severity for a set of label values (ALERT_SEVERITY_MAP): the
 * most severe mapped value wins, so one critical alert in a group of warnings
 * opens a SEV1.
 */
export function severityFor(values: Array<string | undefined>, map: Record<string, SeverityName>): Severity {
  // Configuration spells severities as the enum's values (pinned by test/accounts/config.unit.test.ts).
  const mapped = values
    .map((v) => (v === undefined ? undefined : (map[v.trim().toLowerCase()] as Severity | undefined)))
    .filter((s): s is Severity => !!s);
  if (!mapped.length) return DEFAULT_ALERT_SEVERITY;
  return ORDER[Math.min(...mapped.map((s) => ORDER.indexOf(s)))];
}
