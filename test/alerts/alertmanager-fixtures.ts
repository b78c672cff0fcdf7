/**
 * Builds webhook bodies the way Alertmanager's own source does:
 * notify/webhook/webhook.go sends `Message{*template.Data, Version: "4",
 * GroupKey, TruncatedAlerts}`; template.Data holds receiver, status, alerts,
 * groupLabels, commonLabels, commonAnnotations and externalURL, and each
 * template.Alert has status, labels, annotations, startsAt, endsAt,
 * generatorURL and fingerprint. Firing alerts carry Go's zero time in endsAt
 * (types.Alerts hides an end that has not been reached); fingerprints are
 * model.LabelSet.Fingerprint(): FNV-1a 64 over the sorted labels, as %016x.
 */

export const GO_ZERO_TIME = '0001-01-01T00:00:00Z';

export interface AmAlert {
  status: 'firing' | 'resolved';
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL: string;
  fingerprint: string;
}

/** model.LabelSet.Fingerprint() of prometheus/common. */
export function fingerprintOf(labels: Record<string, string>): string {
  const offset = 14695981039346656037n;
  const prime = 1099511628211n;
  const mask = (1n << 64n) - 1n;
  let hash = offset;
  const add = (bytes: Buffer) => {
    for (const b of bytes) hash = ((hash ^ BigInt(b)) * prime) & mask;
  };
  for (const name of Object.keys(labels).sort()) {
    add(Buffer.from(name));
    add(Buffer.from([0xff]));
    add(Buffer.from(labels[name]));
    add(Buffer.from([0xff]));
  }
  return hash.toString(16).padStart(16, '0');
}

/** Go's time.Time JSON: RFC 3339 with nanoseconds. */
export function goTime(date: Date): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000000Z');
}

/** One alert as template.Alert marshals it. */
export function amAlert(
  labels: Record<string, string>,
  options: { status?: 'firing' | 'resolved'; annotations?: Record<string, string>; startsAt?: Date; endsAt?: Date } = {},
): AmAlert {
  const status = options.status ?? 'firing';
  const startsAt = options.startsAt ?? new Date(Date.now() - 60_000);
  return {
    status,
    labels,
    annotations: options.annotations ?? {},
    startsAt: goTime(startsAt),
    endsAt: status === 'resolved' ? goTime(options.endsAt ?? new Date()) : GO_ZERO_TIME,
    generatorURL: `http://prometheus.example:9090/graph?g0.expr=${encodeURIComponent(`up{job="${labels.job ?? 'api'}"} == 0`)}&g0.tab=1`,
    fingerprint: fingerprintOf(labels),
  };
}

function common(maps: Array<Record<string, string>>): Record<string, string> {
  if (!maps.length) return {};
  const [first, ...rest] = maps;
  return Object.fromEntries(Object.entries(first).filter(([k, v]) => rest.every((m) => m[k] === v)));
}

/**
 * A whole notification. `groupBy` are the route's group_by labels; the
 * groupKey is dispatch's `routeKey + ":" + groupLabels`. Status is "firing"
 * while any alert fires, as template.Data computes it.
 */
export function amNotification(
  alerts: AmAlert[],
  options: { groupBy?: string[]; receiver?: string; truncatedAlerts?: number; route?: string } = {},
) {
  const groupBy = options.groupBy ?? ['alertname'];
  const commonLabels = common(alerts.map((a) => a.labels));
  const groupLabels = Object.fromEntries(groupBy.filter((l) => l in commonLabels).map((l) => [l, commonLabels[l]]));
  const groupLabelText = Object.entries(groupLabels)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(', ');
  return {
    receiver: options.receiver ?? 'sitrep',
    status: alerts.some((a) => a.status === 'firing') ? 'firing' : 'resolved',
    alerts,
    groupLabels,
    commonLabels,
    commonAnnotations: common(alerts.map((a) => a.annotations)),
    externalURL: 'http://alertmanager.example:9093',
    version: '4',
    groupKey: `${options.route ?? '{}/{team="payments"}'}:{${groupLabelText}}`,
    truncatedAlerts: options.truncatedAlerts ?? 0,
  };
}

/** POSTs a body as Alertmanager does (application/json, bearer token from http_config). */
export async function postAlertmanager(baseUrl: string, token: string | undefined, body: unknown) {
  const response = await fetch(`${baseUrl}/webhooks/alertmanager`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'user-agent': 'Alertmanager/0.28.1', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as any };
}

/** POSTs a PagerDuty Events API v2 event. */
export async function postPagerDuty(baseUrl: string, body: unknown) {
  const response = await fetch(`${baseUrl}/webhooks/pagerduty/v2/enqueue`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as any };
}

export const CREATE_TOKEN = `mutation($name: String!, $role: UserRole!) {
  createApiToken(name: $name, role: $role) { token apiToken { id name role createdAt } }
}`;

export const INCIDENT = `query($id: ID!) { incident(id: $id) {
  id title summary severity status trigger declaredAt acknowledgedAt
  commander { id name isIntegration }
  previousIncident { id }
  alerts { id fingerprint status summary labels { name value } startsAt endsAt generatorURL }
  timeline { kind body actor { id } }
} }`;
