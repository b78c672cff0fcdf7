import type { Caller } from '../auth/caller';
import { Action, authorize } from '../auth/policy';
import type { Tx, UnitOfWork } from '../db/unit-of-work';
import { IncidentTopic } from '../incidents/incident.topics';
import { lockIncident } from '../incidents/incident-lock';
import type { Incident } from '../incidents/incident.entity';
import { IncidentChangeKind, IncidentStatus, IncidentTrigger } from '../incidents/incident.enums';
import type { IncidentService } from '../incidents/incident.service';
import { TimelineEventKind } from '../incidents/timeline/timeline-event-kind.enum';
import type { TimelineService } from '../incidents/timeline/timeline.service';
import { diffAlerts, earliest, isEmpty, listAlerts, type StoredAlert } from './alert-changes';
import { groupKeyHash, hasFiring, type AlertDelivery, type IncomingAlert } from './alert-delivery';
import { AlertStatus, SOURCE_LABELS, type AlertSource } from './alert-status.enum';
import type { RepeatCheck } from './repeat-check';

/** What a delivery did. */
export interface IntakeResult {
  /** created: opened an incident; updated: changed its alerts; unchanged: a repeat; ignored: nothing open and nothing firing. */
  outcome: 'created' | 'updated' | 'unchanged' | 'ignored';
  incidentId: string | null;
}

interface GroupRow {
  id: string;
  incident_id: string;
  state_hash: string | null;
  truncated_alerts: number;
}

interface StoredAlertRow {
  id: string;
  fingerprint: string;
  status: AlertStatus;
  starts_at: Date;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  summary: string | null;
  generator_url: string | null;
}

/** Claims can lose to a concurrent delivery only a few times in a row; more means a bug. */
const MAX_CLAIM_ATTEMPTS = 5;

/**
 * Alert intake with deduplication, for every sender. One transaction per
 * delivery. One open incident per alert group is guaranteed by the partial
 * unique index `alert_groups_open_key`: concurrent deliveries of a new group
 * race to INSERT the group row, exactly one wins and declares the incident,
 * the others wait for it on the index and then update the winner's group.
 */
export class AlertIntakeService {
  constructor(
    private readonly repeats: RepeatCheck,
    private readonly uow: UnitOfWork,
    private readonly incidents: IncidentService,
    private readonly timeline: TimelineService,
  ) {}

  async ingest(caller: Caller | null, delivery: AlertDelivery): Promise<IntakeResult> {
    const actor = authorize(caller, Action.IngestAlerts);
    const keyHash = groupKeyHash(actor.userId, delivery.groupKey);
    // Alertmanager re-sends every group on each repeat_interval and retries failed sends: most
    // deliveries are repeats, so a repeat costs one indexed read (see RepeatCheck) and no transaction.
    if (delivery.stateHash) {
      const open = await this.repeats.openGroup(delivery.source, keyHash);
      if (open && open.state_hash === delivery.stateHash && open.status !== IncidentStatus.RESOLVED) {
        return { outcome: 'unchanged', incidentId: open.incident_id };
      }
    }
    return this.uow.run((tx) => this.apply(tx, actor, delivery, keyHash));
  }

  /**
   * The sender reports an alert acknowledged (PagerDuty `acknowledge`). People
   * own the incident, so this only notes it on the timeline, once per alert.
   */
  async acknowledgeAtSource(caller: Caller | null, source: AlertSource, groupKey: string, fingerprint: string): Promise<IntakeResult> {
    const actor = authorize(caller, Action.IngestAlerts);
    const keyHash = groupKeyHash(actor.userId, groupKey);
    return this.uow.run(async (tx) => {
      const group = await this.lockOpenGroup(tx, source, keyHash);
      if (!group) return { outcome: 'ignored', incidentId: null };
      const incident = await lockIncident(tx.manager, group.incident_id);
      const acknowledged: Array<{ labels: Record<string, string>; summary: string | null }> = await tx.manager.query(
        // Wrapped in a SELECT: TypeORM answers a bare UPDATE ... RETURNING with [rows, count].
        `WITH acknowledged AS (
           UPDATE alerts SET source_acknowledged_at = now(), updated_at = now()
            WHERE group_id = $1 AND fingerprint = $2 AND source_acknowledged_at IS NULL RETURNING labels, summary)
         SELECT * FROM acknowledged`,
        [group.id, fingerprint],
      );
      if (!acknowledged.length) return { outcome: 'unchanged', incidentId: incident.id };
      await this.timeline.record(tx, {
        incidentId: incident.id,
        kind: TimelineEventKind.ALERT,
        body: `${listAlerts(`acknowledged in ${SOURCE_LABELS[source]}`, [{ ...acknowledged[0], fingerprint }])}. The incident's status and commander are unchanged: a person takes command with acknowledgeIncident`,
        actorId: actor.userId,
      });
      tx.publish(IncidentTopic.Changed, { kind: IncidentChangeKind.UPDATED, incidentId: incident.id });
      return { outcome: 'updated', incidentId: incident.id };
    });
  }

  private async apply(tx: Tx, actor: Caller, delivery: AlertDelivery, keyHash: string): Promise<IntakeResult> {
    for (let attempt = 0; attempt < MAX_CLAIM_ATTEMPTS; attempt++) {
      const group = await this.lockOpenGroup(tx, delivery.source, keyHash);
      let previous: Incident | null = null;
      if (group) {
        const incident = await lockIncident(tx.manager, group.incident_id);
        if (incident.status !== IncidentStatus.RESOLVED || !hasFiring(delivery)) {
          return this.update(tx, actor, group, incident, delivery);
        }
        // The group fires again after people resolved its incident: that is a new incident.
        await tx.manager.query(`UPDATE alert_groups SET open = false, updated_at = now() WHERE id = $1`, [group.id]);
        previous = incident;
      }
      if (!hasFiring(delivery)) return { outcome: 'ignored', incidentId: null };
      const claimed: Array<{ id: string }> = await tx.manager.query(
        `INSERT INTO alert_groups (source, key_hash, group_key, previous_incident_id, state_hash, truncated_alerts)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (source, key_hash) WHERE open DO NOTHING RETURNING id`,
        [delivery.source, keyHash, delivery.groupKey, previous?.id ?? null, delivery.stateHash, delivery.truncatedAlerts],
      );
      // Lost the race: the winner has committed (ON CONFLICT waited for it); its group is read next pass.
      if (claimed.length) return this.open(tx, actor, claimed[0].id, delivery, previous);
    }
    throw new Error(`alert group ${delivery.source}/${keyHash} stayed contended after ${MAX_CLAIM_ATTEMPTS} attempts`);
  }

  private async lockOpenGroup(tx: Tx, source: AlertSource, keyHash: string): Promise<GroupRow | null> {
    const rows: GroupRow[] = await tx.manager.query(
      `SELECT id, incident_id, state_hash, truncated_alerts FROM alert_groups
        WHERE source = $1 AND key_hash = $2 AND open FOR UPDATE`,
      [source, keyHash],
    );
    return rows[0] ?? null;
  }

  private async open(tx: Tx, actor: Caller, groupId: string, delivery: AlertDelivery, previous: Incident | null): Promise<IntakeResult> {
    const sender = SOURCE_LABELS[delivery.source];
    const again = previous ? `, firing again after incident "${previous.title}" (${previous.id}) was resolved` : '';
    const incident = await this.incidents.declareIn(
      tx,
      { title: delivery.title, summary: delivery.summary, severity: delivery.severity, trigger: IncidentTrigger.AUTOMATED_ALERT },
      actor.userId,
      `Opened by an alert from ${sender}${again}; the integration holds command until a person acknowledges`,
      false,
    );
    await tx.manager.query(`UPDATE alert_groups SET incident_id = $2 WHERE id = $1`, [groupId, incident.id]);
    await this.insertAlerts(tx, groupId, incident.id, delivery.alerts);
    const firing = delivery.alerts.filter((a) => a.status === AlertStatus.FIRING);
    await this.note(tx, actor, incident.id, listAlerts('firing', firing), earliest(firing.map((a) => a.startsAt), incident.declaredAt));
    if (delivery.truncatedAlerts > 0) await this.noteTruncated(tx, actor, incident.id, delivery);
    // declareIn has queued DECLARED; subscribers load the incident after commit, alerts included.
    return { outcome: 'created', incidentId: incident.id };
  }

  private async update(tx: Tx, actor: Caller, group: GroupRow, incident: Incident, delivery: AlertDelivery): Promise<IntakeResult> {
    const stored: StoredAlert[] = (
      await tx.manager.query(`SELECT id, fingerprint, status, starts_at, labels, annotations, summary, generator_url FROM alerts WHERE group_id = $1`, [
        group.id,
      ])
    ).map((r: StoredAlertRow) => ({
      id: r.id,
      fingerprint: r.fingerprint,
      status: r.status,
      startsAt: r.starts_at,
      labels: r.labels,
      annotations: r.annotations,
      summary: r.summary,
      generatorURL: r.generator_url,
    }));
    const changes = diffAlerts(stored, delivery.alerts);
    const truncationChanged = delivery.truncatedAlerts > 0 && delivery.truncatedAlerts !== group.truncated_alerts;
    if (group.state_hash !== delivery.stateHash || group.truncated_alerts !== delivery.truncatedAlerts) {
      // Remembered even when nothing else changed, so that the next repeat takes the one-read path.
      await tx.manager.query(`UPDATE alert_groups SET state_hash = $2, truncated_alerts = $3, updated_at = now() WHERE id = $1`, [
        group.id,
        delivery.stateHash,
        delivery.truncatedAlerts,
      ]);
    }
    if (isEmpty(changes) && !truncationChanged) return { outcome: 'unchanged', incidentId: incident.id };

    const now = new Date();
    if (changes.added.length) {
      await this.insertAlerts(tx, group.id, incident.id, changes.added);
      const firing = changes.added.filter((a) => a.status === AlertStatus.FIRING);
      const resolved = changes.added.filter((a) => a.status === AlertStatus.RESOLVED);
      if (firing.length) await this.note(tx, actor, incident.id, `New: ${listAlerts('firing', firing)}`, earliest(firing.map((a) => a.startsAt), now));
      if (resolved.length) await this.note(tx, actor, incident.id, `New: ${listAlerts('already resolved', resolved)}`, now);
    }
    for (const { id, alert } of changes.refired) {
      await tx.manager.query(`UPDATE alerts SET status = 'FIRING', starts_at = $2, ends_at = NULL, updated_at = now() WHERE id = $1`, [id, alert.startsAt]);
    }
    if (changes.refired.length) {
      const alerts = changes.refired.map((c) => c.alert);
      await this.note(tx, actor, incident.id, listAlerts('firing again', alerts), earliest(alerts.map((a) => a.startsAt), now));
    }
    for (const { id, alert } of changes.resolved) {
      await tx.manager.query(`UPDATE alerts SET status = 'RESOLVED', ends_at = $2, updated_at = now() WHERE id = $1`, [id, alert.endsAt ?? now]);
    }
    if (changes.resolved.length) {
      const alerts = changes.resolved.map((c) => c.alert);
      await this.note(tx, actor, incident.id, listAlerts('resolved', alerts), earliest(alerts.map((a) => a.endsAt ?? now), now));
      const [{ firing, total }] = await tx.manager.query(
        `SELECT count(*) FILTER (WHERE status = 'FIRING')::int AS firing, count(*)::int AS total FROM alerts WHERE group_id = $1`,
        [group.id],
      );
      if (firing === 0) {
        const stillOpen = incident.status !== IncidentStatus.RESOLVED ? '; the incident stays open until a person resolves it' : '';
        const all = total === 1 ? 'The only alert of the group is resolved' : `All ${total} alerts of the group are resolved`;
        await this.note(tx, actor, incident.id, `${all}${stillOpen}`, now);
      }
    }
    if (changes.described.length) await this.describe(tx, changes.described);
    if (truncationChanged) await this.noteTruncated(tx, actor, incident.id, delivery);
    tx.publish(IncidentTopic.Changed, { kind: IncidentChangeKind.UPDATED, incidentId: incident.id });
    return { outcome: 'updated', incidentId: incident.id };
  }

  private async insertAlerts(tx: Tx, groupId: string, incidentId: string, alerts: IncomingAlert[]): Promise<void> {
    if (!alerts.length) return;
    // One statement for the whole batch: a group can carry hundreds of alerts.
    await tx.manager.query(
      `INSERT INTO alerts (group_id, incident_id, fingerprint, status, summary, labels, annotations, starts_at, ends_at, generator_url)
       SELECT $1, $2, a.fingerprint, a.status, a.summary, a.labels, a.annotations, a.starts_at, a.ends_at, a.generator_url
         FROM jsonb_to_recordset($3::jsonb) AS a(fingerprint text, status text, summary text, labels jsonb, annotations jsonb,
                                                 starts_at timestamptz, ends_at timestamptz, generator_url text)`,
      [
        groupId,
        incidentId,
        JSON.stringify(
          alerts.map((a) => ({
            fingerprint: a.fingerprint,
            status: a.status,
            summary: a.summary,
            labels: a.labels,
            annotations: a.annotations,
            starts_at: a.startsAt.toISOString(),
            ends_at: a.status === AlertStatus.RESOLVED ? (a.endsAt ?? new Date()).toISOString() : null,
            generator_url: a.generatorURL,
          })),
        ),
      ],
    );
  }

  /**
   * New labels, annotations, summary or generatorURL of known alerts, in one
   * statement. Not noted on the timeline: they describe the alert, they are
   * not something that happened; subscribers see them through IncidentChanged.
   */
  private async describe(tx: Tx, described: Array<{ id: string; alert: IncomingAlert }>): Promise<void> {
    await tx.manager.query(
      `UPDATE alerts SET labels = d.labels, annotations = d.annotations, summary = d.summary, generator_url = d.generator_url, updated_at = now()
         FROM jsonb_to_recordset($1::jsonb) AS d(id uuid, labels jsonb, annotations jsonb, summary text, generator_url text)
        WHERE alerts.id = d.id`,
      [
        JSON.stringify(
          described.map(({ id, alert }) => ({ id, labels: alert.labels, annotations: alert.annotations, summary: alert.summary, generator_url: alert.generatorURL })),
        ),
      ],
    );
  }

  private note(tx: Tx, actor: Caller, incidentId: string, body: string, occurredAt: Date) {
    return this.timeline.record(tx, { incidentId, kind: TimelineEventKind.ALERT, body, actorId: actor.userId, occurredAt });
  }

  private noteTruncated(tx: Tx, actor: Caller, incidentId: string, delivery: AlertDelivery) {
    const n = delivery.truncatedAlerts;
    const body = `${SOURCE_LABELS[delivery.source]} left ${n} more alert${n === 1 ? '' : 's'} of this group out of the notification (max_alerts); they are not listed here`;
    return this.note(tx, actor, incidentId, body, new Date());
  }
}
