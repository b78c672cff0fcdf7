import { parseSeverityMap, ConfigError, loadConfig } from '../../src/config/config';
import { diffAlerts } from '../../src/alerts/alert-changes';
import { stateHashOf, type IncomingAlert } from '../../src/alerts/alert-delivery';
import { AlertStatus } from '../../src/alerts/alert-status.enum';
import { severityFor } from '../../src/alerts/severity';
import { Severity } from '../../src/incidents/incident.enums';

const alert = (fingerprint: string, status: AlertStatus, startsAt = new Date('2026-01-01T00:00:00Z')): IncomingAlert => ({
  fingerprint,
  status,
  labels: { alertname: fingerprint },
  annotations: {},
  summary: null,
  startsAt,
  endsAt: status === AlertStatus.RESOLVED ? new Date('2026-01-01T01:00:00Z') : null,
  generatorURL: null,
});

describe('alert dedup rules', () => {
  it('sorts a delivery into added, resolved and re-fired alerts, ignoring stale re-deliveries', () => {
    const t0 = new Date('2026-01-01T00:00:00Z');
    const details = (fingerprint: string) => ({ labels: { alertname: fingerprint }, annotations: {}, summary: null, generatorURL: null });
    const stored = [
      { id: '1', fingerprint: 'a', status: AlertStatus.FIRING, startsAt: t0, ...details('a') },
      { id: '2', fingerprint: 'b', status: AlertStatus.FIRING, startsAt: t0, ...details('b') },
      { id: '3', fingerprint: 'c', status: AlertStatus.RESOLVED, startsAt: t0, ...details('c') },
      { id: '4', fingerprint: 'd', status: AlertStatus.RESOLVED, startsAt: t0, ...details('d') },
    ];
    const changes = diffAlerts(stored, [
      alert('a', AlertStatus.FIRING),
      alert('b', AlertStatus.RESOLVED),
      alert('c', AlertStatus.FIRING, new Date('2026-01-01T02:00:00Z')),
      alert('d', AlertStatus.FIRING, t0),
      alert('e', AlertStatus.FIRING),
    ]);
    expect(changes.added.map((a) => a.fingerprint)).toEqual(['e']);
    expect(changes.resolved.map((c) => c.id)).toEqual(['2']);
    expect(changes.refired.map((c) => c.id)).toEqual(['3']);
    expect(changes.described).toEqual([]);
  });

  it('finds changed labels, annotations, summary and generatorURL, but not from a stale or detail-less delivery', () => {
    const t0 = new Date('2026-01-01T00:00:00Z');
    const known = { id: '1', fingerprint: 'a', status: AlertStatus.FIRING, startsAt: t0, labels: { alertname: 'a', zone: 'x' }, annotations: { summary: 's' }, summary: 's', generatorURL: 'u' };
    const same = { ...alert('a', AlertStatus.FIRING, t0), labels: { zone: 'x', alertname: 'a' }, annotations: { summary: 's' }, summary: 's', generatorURL: 'u' };
    expect(diffAlerts([known], [same]).described).toEqual([]);
    for (const changed of <IncomingAlert[]>[
      { ...same, labels: { alertname: 'a', zone: 'y' } },
      { ...same, labels: { alertname: 'a' } },
      { ...same, annotations: { summary: 's', runbook_url: 'r' } },
      { ...same, summary: 't' },
      { ...same, generatorURL: 'v' },
    ]) {
      expect(diffAlerts([known], [changed]).described).toEqual([{ id: '1', alert: changed }]);
    }
    expect(diffAlerts([known], [{ ...same, summary: 't', startsAt: new Date(t0.getTime() - 1) }]).described).toEqual([]);
    expect(diffAlerts([known], [{ ...same, labels: {}, annotations: {}, summary: null, withoutDetails: true }]).described).toEqual([]);
  });

  it('hashes the state a repeat shares, whatever the order of alerts or label keys, and counts changed details as a change', () => {
    const a = { ...alert('a', AlertStatus.FIRING), labels: { alertname: 'a', zone: 'x' } };
    const b = alert('b', AlertStatus.FIRING);
    expect(stateHashOf([a, b], 0)).toBe(stateHashOf([b, { ...a, labels: { zone: 'x', alertname: 'a' } }], 0));
    expect(stateHashOf([a, b], 0)).not.toBe(stateHashOf([a, { ...b, labels: { other: 'x' } }], 0));
    expect(stateHashOf([a, b], 0)).not.toBe(stateHashOf([a, { ...b, annotations: { summary: 'x' } }], 0));
    expect(stateHashOf([a, b], 0)).not.toBe(stateHashOf([a, { ...b, summary: 'x' }], 0));
    expect(stateHashOf([a, b], 0)).not.toBe(stateHashOf([a, { ...b, generatorURL: 'http://x' }], 0));
    expect(stateHashOf([a, b], 0)).not.toBe(stateHashOf([a, b], 1));
    expect(stateHashOf([a, b], 0)).not.toBe(stateHashOf([a, alert('b', AlertStatus.RESOLVED)], 0));
  });

  it('maps the most severe label value, and SEV3 when nothing maps', () => {
    const map = { critical: Severity.SEV1, page: Severity.SEV2, warning: Severity.SEV3 };
    expect(severityFor(['warning', 'CRITICAL', undefined], map)).toBe(Severity.SEV1);
    expect(severityFor(['warning', 'page'], map)).toBe(Severity.SEV2);
    expect(severityFor(['none', undefined], map)).toBe(Severity.SEV3);
  });

  it('reads ALERT_SEVERITY_MAP and rejects a malformed one with the variable named', () => {
    expect(parseSeverityMap('ALERT_SEVERITY_MAP', 'Critical=SEV1, page=SEV2')).toEqual({ critical: 'SEV1', page: 'SEV2' });
    expect(() => parseSeverityMap('ALERT_SEVERITY_MAP', 'critical=SEV0')).toThrow(ConfigError);
    expect(() => loadConfig({ ALERT_SEVERITY_MAP: 'critical' })).toThrow(/ALERT_SEVERITY_MAP/);
    expect(loadConfig({}).alertSeverityMap).toEqual({ critical: 'SEV1', page: 'SEV2', error: 'SEV2', warning: 'SEV3', info: 'SEV4' });
  });
});
