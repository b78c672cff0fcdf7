import { badInput } from '../common/errors';
import { LIMITS } from '../common/limits';
import type { SeverityName } from '../config/config';
import { stateHashOf, uniqueByFingerprint, type AlertDelivery, type IncomingAlert } from './alert-delivery';
import { AlertSource, AlertStatus } from './alert-status.enum';
import { PayloadCheck } from './payload-check';
import { severityFor } from './severity';

/** How Sitrep maps labels to an incident severity (from the configuration). */
export interface SeverityMapping {
  alertSeverityMap: Record<string, SeverityName>;
  alertSeverityLabel: string;
}

const STATUSES = ['firing', 'resolved'] as const;

function clip(text: string | undefined, max: number): string | null {
  const trimmed = text?.trim();
  if (!trimmed) return null;
  return trimmed.length > max ? `${trimmed.slice(0, max - 1)}…` : trimmed;
}

/** The two senders of Alertmanager's webhook shape: Alertmanager itself ("4") and Grafana Alerting ("1"). */
const DIALECTS = {
  alertmanager: { source: AlertSource.Alertmanager, version: '4', name: 'Alertmanager' },
  grafana: { source: AlertSource.Grafana, version: '1', name: 'Grafana' },
} as const;

/** The links Grafana adds to each alert, kept as annotations when set (they name the alert, not its value). */
const GRAFANA_LINKS = ['silenceURL', 'dashboardURL', 'panelURL'] as const;

/**
 * True for a Grafana Alerting webhook body (`"version": "1"` with Grafana's
 * `orgId`), so that a Grafana contact point pointed at the Alertmanager
 * endpoint is read as Grafana.
 */
export function isGrafanaPayload(body: unknown): boolean {
  return typeof body === 'object' && body !== null && (body as Record<string, unknown>).version === '1' && 'orgId' in body;
}

/**
 * Reads the body of Alertmanager's webhook notifier (notify/webhook: a
 * `Message` of `version` "4", `groupKey`, `truncatedAlerts` and the template
 * `Data`: receiver, status, alerts, groupLabels, commonLabels,
 * commonAnnotations, externalURL). Unknown fields are ignored; firing alerts
 * carry Go's zero time in `endsAt`, read as "no end". Throws BAD_USER_INPUT
 * listing every problem.
 *
 * `grafana` reads Grafana Alerting's webhook contact point instead: the same
 * message with `version` "1" and Grafana's own fields (`orgId`, `state`,
 * `title`, `message`; per alert `values`, `silenceURL`, `dashboardURL`,
 * `panelURL`). Its links become annotations; `values` (which change with every
 * evaluation) and the templated `title`/`message` are not stored, so that a
 * repeat stays a repeat.
 */
export function parseAlertmanagerPayload(body: unknown, mapping: SeverityMapping, dialect: keyof typeof DIALECTS = 'alertmanager'): AlertDelivery {
  const { source, version, name } = DIALECTS[dialect];
  const check = new PayloadCheck();
  if (!check.isObject(body)) throw badInput(`the body must be a JSON object: the ${name} webhook payload`, { errors: ['body must be an object'] });
  if (body.version === undefined) check.fail(`version is required (${name} sends "${version}")`);
  else if (body.version !== version) check.fail(`version must be "${version}" (the ${name} webhook payload version this endpoint reads), got ${JSON.stringify(body.version)}`);
  if (dialect === 'grafana') {
    if (body.orgId !== undefined && (typeof body.orgId !== 'number' || !Number.isInteger(body.orgId))) check.fail('orgId must be an integer');
    check.string(body.state, 'state');
    check.string(body.title, 'title');
    check.string(body.message, 'message');
  }
  const groupKey = check.string(body.groupKey, 'groupKey', { required: true, max: 10_000 });
  check.oneOf(body.status, 'status', STATUSES);
  check.string(body.receiver, 'receiver');
  check.string(body.externalURL, 'externalURL');
  check.stringMap(body.groupLabels, 'groupLabels');
  const commonLabels = check.stringMap(body.commonLabels, 'commonLabels');
  const commonAnnotations = check.stringMap(body.commonAnnotations, 'commonAnnotations');
  const truncatedAlerts = check.nonNegativeInteger(body.truncatedAlerts, 'truncatedAlerts');

  const alerts: IncomingAlert[] = [];
  if (!Array.isArray(body.alerts)) check.fail(body.alerts === undefined ? 'alerts is required' : 'alerts must be an array');
  else if (body.alerts.length === 0) check.fail('alerts must not be empty');
  else {
    body.alerts.forEach((raw: unknown, i: number) => {
      const at = `alerts[${i}]`;
      if (!check.isObject(raw)) return check.fail(`${at} must be an object`);
      const status = check.oneOf(raw.status, `${at}.status`, STATUSES);
      const labels = check.stringMap(raw.labels, `${at}.labels`, { required: true });
      const annotations = { ...check.stringMap(raw.annotations, `${at}.annotations`) };
      const startsAt = check.timestamp(raw.startsAt, `${at}.startsAt`, { required: true });
      const endsAt = check.timestamp(raw.endsAt, `${at}.endsAt`, { zeroIsNull: true });
      const generatorURL = check.string(raw.generatorURL, `${at}.generatorURL`, { max: 2_000 });
      const fingerprint = check.string(raw.fingerprint, `${at}.fingerprint`, { required: true, max: 200 });
      if (dialect === 'grafana') {
        for (const link of GRAFANA_LINKS) {
          const url = check.string(raw[link], `${at}.${link}`, { max: 2_000 });
          if (url) annotations[link] = url;
        }
        if (raw.values !== undefined && raw.values !== null && !check.isObject(raw.values)) check.fail(`${at}.values must be an object`);
      }
      if (!status || !startsAt || !fingerprint) return;
      alerts.push({
        fingerprint,
        status: status === 'firing' ? AlertStatus.FIRING : AlertStatus.RESOLVED,
        labels,
        annotations,
        summary: clip(annotations.summary ?? annotations.description, LIMITS.title),
        startsAt,
        endsAt: status === 'resolved' ? endsAt : null,
        generatorURL: generatorURL || null,
      });
    });
  }
  if (check.problems.length || !groupKey) {
    throw badInput(`invalid ${name} payload: ${check.problems.join('; ')}`, { errors: check.problems });
  }

  const unique = uniqueByFingerprint(alerts);
  const firing = unique.filter((a) => a.status === AlertStatus.FIRING);
  const lead = firing[0] ?? unique[0];
  const title = clip(commonAnnotations.summary, LIMITS.title) ?? clip(commonLabels.alertname ?? lead.labels.alertname, LIMITS.title) ?? lead.summary ?? `Alert from ${name}`;
  const description = commonAnnotations.description ?? (unique.length === 1 ? lead.annotations.description : undefined);
  return {
    source,
    groupKey,
    alerts: unique,
    truncatedAlerts,
    title,
    summary: clip(description, LIMITS.summary),
    severity: severityFor((firing.length ? firing : unique).map((a) => a.labels[mapping.alertSeverityLabel]), mapping.alertSeverityMap),
    stateHash: stateHashOf(unique, truncatedAlerts),
  };
}
