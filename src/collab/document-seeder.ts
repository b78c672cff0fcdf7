import type { EntityManager } from 'typeorm';
import * as Y from 'yjs';
import type { Tx } from '../db/unit-of-work';
import type { Incident } from '../incidents/incident.entity';
import { IncidentRole } from '../incidents/roles/incident-role.enum';
import { effectiveRoles, type RoleService } from '../incidents/roles/role.service';
import { TimelineEvent } from '../incidents/timeline/timeline-event.entity';
import { User } from '../users/user.entity';
import type { DocumentHistory } from './document-history';
import { CONTENT, type DocumentStore } from './document-store';
import { renderIncidentDocument } from './incident-document-template';
import type { KeptFacts } from './kept-sections';

/** The facts Sitrep keeps in the document, read from the database (names of the role holders included). */
export async function readKeptFacts(manager: EntityManager, roles: RoleService, incident: Incident): Promise<KeptFacts> {
  const holders = effectiveRoles(await roles.current(manager, incident.id));
  const users = await manager.getRepository(User).find({ where: [...new Set(holders.map((h) => h.holderId))].map((id) => ({ id })) });
  const holder = (role: IncidentRole) => users.find((u) => u.id === holders.find((h) => h.role === role)!.holderId)?.name ?? 'unknown';
  return {
    severity: incident.severity,
    status: incident.status,
    declaredAt: incident.declaredAt,
    mitigatedAt: incident.mitigatedAt,
    resolvedAt: incident.resolvedAt,
    commander: holder(IncidentRole.INCIDENT_COMMANDER),
    operationsLead: holder(IncidentRole.OPERATIONS_LEAD),
    planningLead: holder(IncidentRole.PLANNING_LEAD),
    communicationsLead: holder(IncidentRole.COMMUNICATIONS_LEAD),
  };
}

/**
 * Seeds a new incident's document with the live incident document template,
 * inside the declaration's transaction (IncidentService takes it as its
 * `seedDocument`), and keeps it as the first version (DECLARED). Seeding happens here and nowhere else, so
 * reconnects, restarts and other instances can never add a second copy.
 */
export function documentSeeder(store: DocumentStore, roles: RoleService, history: DocumentHistory) {
  return async (tx: Tx, incident: Incident): Promise<void> => {
    const facts = await readKeptFacts(tx.manager, roles, incident);
    const events = await tx.manager.getRepository(TimelineEvent).find({ where: { incidentId: incident.id } });
    const actorIds = [...new Set(events.flatMap((e) => (e.actorId ? [e.actorId] : [])))];
    const actors = actorIds.length ? await tx.manager.getRepository(User).find({ where: actorIds.map((id) => ({ id })) }) : [];
    const name = (id: string) => actors.find((u) => u.id === id)?.name ?? 'unknown';
    const markdown = renderIncidentDocument({
      ...facts,
      title: incident.title,
      summary: incident.summary,
      timeline: events.map((e) => ({ occurredAt: e.occurredAt, actor: e.actorId ? name(e.actorId) : null, body: e.body })),
    });
    const doc = new Y.Doc();
    doc.getText(CONTENT).insert(0, markdown);
    await store.seed(tx.manager, incident.id, Y.encodeStateAsUpdate(doc));
    await history.record(tx.manager, incident.id, doc, 'DECLARED', incident.declaredAt);
    doc.destroy();
  };
}
