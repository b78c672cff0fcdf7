import * as Y from 'yjs';
import type { Tx } from '../db/unit-of-work';
import type { Incident } from '../incidents/incident.entity';
import { IncidentRole } from '../incidents/roles/incident-role.enum';
import { effectiveRoles, type RoleService } from '../incidents/roles/role.service';
import { TimelineEvent } from '../incidents/timeline/timeline-event.entity';
import { User } from '../users/user.entity';
import { CONTENT, type DocumentStore } from './document-store';
import { renderIncidentDocument } from './incident-document-template';

/**
 * Seeds a new incident's document with the live incident document template,
 * inside the declaration's transaction (IncidentService takes it as its
 * `seedDocument`). Seeding happens here and nowhere else, so
 * reconnects, restarts and other instances can never add a second copy.
 */
export function documentSeeder(store: DocumentStore, roles: RoleService) {
  return async (tx: Tx, incident: Incident): Promise<void> => {
    const holders = effectiveRoles(await roles.current(tx.manager, incident.id));
    const events = await tx.manager.getRepository(TimelineEvent).find({ where: { incidentId: incident.id } });
    const userIds = [...new Set([...holders.map((h) => h.holderId), ...events.flatMap((e) => (e.actorId ? [e.actorId] : []))])];
    const users = await tx.manager.getRepository(User).find({ where: userIds.map((id) => ({ id })) });
    const name = (id: string) => users.find((u) => u.id === id)?.name ?? 'unknown';
    const holder = (role: IncidentRole) => name(holders.find((h) => h.role === role)!.holderId);
    const markdown = renderIncidentDocument({
      title: incident.title,
      summary: incident.summary,
      severity: incident.severity,
      status: incident.status,
      declaredAt: incident.declaredAt,
      commander: holder(IncidentRole.INCIDENT_COMMANDER),
      operationsLead: holder(IncidentRole.OPERATIONS_LEAD),
      planningLead: holder(IncidentRole.PLANNING_LEAD),
      communicationsLead: holder(IncidentRole.COMMUNICATIONS_LEAD),
      timeline: events.map((e) => ({ occurredAt: e.occurredAt, actor: e.actorId ? name(e.actorId) : null, body: e.body })),
    });
    const doc = new Y.Doc();
    doc.getText(CONTENT).insert(0, markdown);
    await store.seed(tx.manager, incident.id, Y.encodeStateAsUpdate(doc));
    doc.destroy();
  };
}
