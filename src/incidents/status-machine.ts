import { badInput } from '../common/errors';
import type { Incident } from './incident.entity';
import { IncidentStatus } from './incident.enums';

/**
 * Checks a status move and applies it with its timestamps.
 *
 * INVESTIGATING → IDENTIFIED → MITIGATED → RESOLVED. While open, a status may
 * move forward (skipping steps) or step back; a resolved incident may only be
 * reopened to INVESTIGATING. `mitigatedAt` is set by the first mitigation
 * (or a jump straight to RESOLVED) and kept; `resolvedAt` is set on resolve
 * and cleared on reopen.
 */
export function applyStatus(incident: Incident, next: IncidentStatus, at: Date): void {
  const current = incident.status;
  if (current === next) throw badInput(`the incident is already ${next}`);
  if (current === IncidentStatus.RESOLVED && next !== IncidentStatus.INVESTIGATING) {
    throw badInput(`a RESOLVED incident can only be reopened to INVESTIGATING, not moved to ${next}`);
  }
  incident.status = next;
  if ((next === IncidentStatus.MITIGATED || next === IncidentStatus.RESOLVED) && !incident.mitigatedAt) {
    incident.mitigatedAt = at;
  }
  incident.resolvedAt = next === IncidentStatus.RESOLVED ? at : null;
}
