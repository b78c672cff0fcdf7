import { registerEnumType } from 'type-graphql';

/** The incident command system's roles. The commander holds every role not delegated. */
export enum IncidentRole {
  INCIDENT_COMMANDER = 'INCIDENT_COMMANDER',
  COMMUNICATIONS_LEAD = 'COMMUNICATIONS_LEAD',
  OPERATIONS_LEAD = 'OPERATIONS_LEAD',
  PLANNING_LEAD = 'PLANNING_LEAD',
}

/** In the order the contract and the incident document list them. */
export const ALL_INCIDENT_ROLES: readonly IncidentRole[] = [
  IncidentRole.INCIDENT_COMMANDER,
  IncidentRole.COMMUNICATIONS_LEAD,
  IncidentRole.OPERATIONS_LEAD,
  IncidentRole.PLANNING_LEAD,
];

/** Human names, for the timeline and documents. */
export const ROLE_LABELS: Record<IncidentRole, string> = {
  INCIDENT_COMMANDER: 'Incident Commander',
  COMMUNICATIONS_LEAD: 'Communications Lead',
  OPERATIONS_LEAD: 'Operations Lead',
  PLANNING_LEAD: 'Planning Lead',
};

registerEnumType(IncidentRole, {
  name: 'IncidentRole',
  description: 'The incident command system. The declarer is the commander and holds every role not delegated.',
});
