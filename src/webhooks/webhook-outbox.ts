import type { EntityManager } from 'typeorm';
import type { Topic } from '../events/topics';
import type { WebhookEventBody } from './webhook-delivery.entity';
import type { WebhookEventType } from './webhook.enums';

/** Timeline entries that are webhook events of their own. */
const TIMELINE_EVENTS: Record<string, WebhookEventType> = {
  STATUS_CHANGED: 'incident.status_changed',
  ROLE_ASSIGNED: 'incident.role_assigned',
  STATUS_UPDATE: 'status_update.posted',
};

interface PendingEvent {
  type: WebhookEventType;
  incidentId: string;
  detail?: string;
}

/**
 * The outbox of outgoing webhooks: inside the transaction of a change (a
 * UnitOfWork before-commit hook), turns the events the change queued into one
 * delivery row per subscribed, enabled endpoint. A rolled-back change sends
 * nothing; a committed one is delivered even if the process dies next.
 *
 * `incident.declared` for a declaration; `incident.status_changed`,
 * `incident.role_assigned` and `status_update.posted` from their timeline
 * entries; `postmortem.published`; and `incident.updated` for any other change
 * of an incident (one per transaction, and only when no other event of that
 * incident says more).
 */
export class WebhookOutbox {
  constructor(private readonly publicUrl: string) {}

  /** Writes the deliveries; returns true when it wrote any. */
  async write(manager: EntityManager, queued: ReadonlyArray<readonly [Topic, unknown]>): Promise<boolean> {
    const events = await this.eventsOf(manager, queued);
    if (!events.length) return false;
    const endpoints: Array<{ id: string; events: string[] }> = await manager.query(`SELECT id, events FROM webhook_endpoints WHERE enabled ORDER BY created_at`);
    if (!endpoints.length) return false;
    const incidents = new Map<string, WebhookEventBody['data']['incident']>();
    const rows: Array<{ id: string; title: string; severity: string; status: string; commander_id: string | null; commander_name: string | null }> = await manager.query(
      `SELECT i.id, i.title, i.severity, i.status, u.id AS commander_id, u.name AS commander_name
       FROM incidents i LEFT JOIN users u ON u.id = i.commander_id WHERE i.id = ANY($1::uuid[])`,
      [[...new Set(events.map((e) => e.incidentId))]],
    );
    for (const r of rows) {
      incidents.set(r.id, {
        id: r.id,
        title: r.title,
        severity: r.severity,
        status: r.status,
        commander: r.commander_id ? { id: r.commander_id, name: r.commander_name ?? '' } : null,
        url: `${this.publicUrl}/#/incidents/${r.id}`,
      });
    }
    const timestamp = new Date().toISOString();
    const values: unknown[] = [];
    const tuples: string[] = [];
    for (const event of events) {
      const incident = incidents.get(event.incidentId);
      if (!incident) continue;
      const body: WebhookEventBody = { type: event.type, timestamp, data: { incident: event.detail ? { ...incident, detail: event.detail } : incident } };
      for (const endpoint of endpoints) {
        if (endpoint.events.length && !endpoint.events.includes(event.type)) continue;
        values.push(endpoint.id, event.type, JSON.stringify(body));
        const n = values.length;
        tuples.push(`($${n - 2}::uuid, $${n - 1}, $${n}::jsonb)`);
      }
    }
    if (!tuples.length) return false;
    // One statement, in event order: seq (bigserial) follows the VALUES order.
    await manager.query(`INSERT INTO webhook_deliveries (endpoint_id, event_type, body) VALUES ${tuples.join(', ')}`, values);
    return true;
  }

  private async eventsOf(manager: EntityManager, queued: ReadonlyArray<readonly [Topic, unknown]>): Promise<PendingEvent[]> {
    const events: PendingEvent[] = [];
    const updated: string[] = [];
    const timelineIds: string[] = [];
    for (const [topic, payload] of queued) {
      const p = payload as { kind?: string; incidentId: string; eventId?: string; published?: boolean; postmortemId?: string };
      if (topic === 'incident.changed' && p.kind === 'DECLARED') events.push({ type: 'incident.declared', incidentId: p.incidentId });
      else if (topic === 'incident.changed' && !p.postmortemId) updated.push(p.incidentId);
      else if (topic === 'timeline.event-added' && p.eventId) timelineIds.push(p.eventId);
      else if (topic === 'postmortem.changed' && p.published) events.push({ type: 'postmortem.published', incidentId: p.incidentId });
    }
    if (timelineIds.length) {
      const entries: Array<{ id: string; incident_id: string; kind: string; body: string }> = await manager.query(
        `SELECT id, incident_id, kind, body FROM timeline_events WHERE id = ANY($1::uuid[])`,
        [timelineIds],
      );
      // In the order the change recorded them.
      entries.sort((a, b) => timelineIds.indexOf(a.id) - timelineIds.indexOf(b.id));
      for (const e of entries) {
        const type = TIMELINE_EVENTS[e.kind];
        if (type) events.push({ type, incidentId: e.incident_id, detail: e.body.slice(0, 2_000) });
      }
    }
    const said = new Set(events.map((e) => e.incidentId));
    for (const incidentId of new Set(updated)) if (!said.has(incidentId)) events.push({ type: 'incident.updated', incidentId });
    return events;
  }
}
