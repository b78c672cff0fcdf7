import { createHash } from 'node:crypto';
import type { PublicIncident, StatusSnapshot } from './status-page.service';

/** Atlassian Statuspage's overall indicator. */
export type Indicator = 'none' | 'minor' | 'major' | 'critical';

const IMPACT: Record<string, Indicator> = { SEV1: 'critical', SEV2: 'major', SEV3: 'minor', SEV4: 'minor' };
const RANK: Record<Indicator, number> = { none: 0, minor: 1, major: 2, critical: 3 };
const DESCRIPTION: Record<Indicator, string> = {
  none: 'All Systems Operational',
  minor: 'Minor Service Outage',
  major: 'Partial System Outage',
  critical: 'Major Service Outage',
};
/** Sitrep's incident status → Statuspage's incident status. */
const STATUS: Record<string, string> = {
  INVESTIGATING: 'investigating',
  IDENTIFIED: 'identified',
  MITIGATED: 'monitoring',
  RESOLVED: 'resolved',
};

/** Where the page lives and what it is called, for the `page` object and links. */
export interface PageInfo {
  name: string;
  /** Absolute base URL of Sitrep, without a trailing slash. */
  baseUrl: string;
}

/** The overall state: the worst severity among the open public incidents. */
export function overallStatus(snapshot: StatusSnapshot): { indicator: Indicator; description: string } {
  const indicator = snapshot.open.reduce<Indicator>((worst, i) => {
    const impact = IMPACT[i.severity] ?? 'minor';
    return RANK[impact] > RANK[worst] ? impact : worst;
  }, 'none');
  return { indicator, description: DESCRIPTION[indicator] };
}

/** The latest moment anything public changed. */
export function lastChange(snapshot: StatusSnapshot): Date {
  const times = [...snapshot.open, ...snapshot.resolved].map(incidentUpdatedAt);
  return times.length ? new Date(Math.max(...times.map((t) => t.getTime()))) : snapshot.readAt;
}

/** When the incident last changed as the public sees it: itself or its newest external update. */
export function incidentUpdatedAt(incident: PublicIncident): Date {
  const newest = incident.updates[0]?.postedAt;
  return newest && newest > incident.updatedAt ? newest : incident.updatedAt;
}

/** A stable page id in Statuspage's style, derived from the page's name and address. */
function pageId(info: PageInfo): string {
  return createHash('sha256').update(`${info.baseUrl}\n${info.name}`).digest('hex').slice(0, 12);
}

function page(snapshot: StatusSnapshot, info: PageInfo) {
  return {
    id: pageId(info),
    name: info.name,
    url: `${info.baseUrl}/status`,
    time_zone: 'Etc/UTC',
    updated_at: lastChange(snapshot).toISOString(),
  };
}

function incident(i: PublicIncident, info: PageInfo) {
  const updatedAt = incidentUpdatedAt(i).toISOString();
  return {
    id: i.id,
    name: i.title,
    status: STATUS[i.status] ?? 'investigating',
    created_at: i.declaredAt.toISOString(),
    updated_at: updatedAt,
    monitoring_at: i.mitigatedAt?.toISOString() ?? null,
    resolved_at: i.resolvedAt?.toISOString() ?? null,
    impact: IMPACT[i.severity] ?? 'minor',
    shortlink: `${info.baseUrl}/status#incident-${i.id}`,
    started_at: i.declaredAt.toISOString(),
    page_id: pageId(info),
    incident_updates: i.updates.map((u) => ({
      id: u.id,
      status: STATUS[u.status] ?? 'investigating',
      body: u.body,
      incident_id: i.id,
      created_at: u.postedAt.toISOString(),
      updated_at: u.postedAt.toISOString(),
      display_at: u.postedAt.toISOString(),
      affected_components: [],
      deliver_notifications: true,
    })),
    components: [],
  };
}

/** `/api/v2/status.json` */
export function statusJson(snapshot: StatusSnapshot, info: PageInfo) {
  return { page: page(snapshot, info), status: overallStatus(snapshot) };
}

/** `/api/v2/summary.json` */
export function summaryJson(snapshot: StatusSnapshot, info: PageInfo) {
  return {
    page: page(snapshot, info),
    components: [],
    incidents: snapshot.open.map((i) => incident(i, info)),
    scheduled_maintenances: [],
    status: overallStatus(snapshot),
  };
}

/** `/api/v2/incidents.json`: open ones and those resolved in the last 14 days, at most 50. */
export function incidentsJson(snapshot: StatusSnapshot, info: PageInfo) {
  return { page: page(snapshot, info), incidents: [...snapshot.open, ...snapshot.resolved].slice(0, 50).map((i) => incident(i, info)) };
}

/** `/api/v2/incidents/unresolved.json` */
export function unresolvedJson(snapshot: StatusSnapshot, info: PageInfo) {
  return { page: page(snapshot, info), incidents: snapshot.open.map((i) => incident(i, info)) };
}
