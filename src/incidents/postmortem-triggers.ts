import type { Incident } from './incident.entity';
import { PostmortemTrigger, type Severity } from './incident.enums';

/**
 * Why a postmortem is owed for `incident`, in the contract's order; empty
 * when none is. `hadIntervention` is true when the timeline holds a rollback
 * or a traffic reroute. Time to resolve runs to `now` while the incident is open.
 */
export function postmortemTriggers(
  incident: Pick<Incident, 'userVisibleDowntime' | 'sloBreached' | 'dataLoss' | 'monitoringFailure' | 'declaredAt' | 'resolvedAt' | 'severity'>,
  hadIntervention: boolean,
  resolutionLimits: Record<Severity, number>,
  now: Date = new Date(),
): PostmortemTrigger[] {
  const triggers: PostmortemTrigger[] = [];
  if (incident.userVisibleDowntime) triggers.push(PostmortemTrigger.USER_VISIBLE_DOWNTIME);
  if (incident.sloBreached) triggers.push(PostmortemTrigger.SLO_MISSED);
  if (incident.dataLoss) triggers.push(PostmortemTrigger.DATA_LOSS);
  if (hadIntervention) triggers.push(PostmortemTrigger.ONCALL_INTERVENTION);
  const end = incident.resolvedAt ?? now;
  const elapsedSeconds = (end.getTime() - incident.declaredAt.getTime()) / 1000;
  if (elapsedSeconds > resolutionLimits[incident.severity]) triggers.push(PostmortemTrigger.RESOLUTION_TIME_EXCEEDED);
  if (incident.monitoringFailure) triggers.push(PostmortemTrigger.MONITORING_FAILURE);
  return triggers;
}
