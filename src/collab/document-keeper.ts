import type { DataSource } from 'typeorm';
import * as Y from 'yjs';
import type { CommittedEvent } from '../db/unit-of-work';
import { IncidentTopic } from '../incidents/incident.topics';
import { Incident } from '../incidents/incident.entity';
import type { Logger } from '../observability/logger';
import type { RoleService } from '../incidents/roles/role.service';
import { TimelineEventKind } from '../incidents/timeline/timeline-event-kind.enum';
import { REMOTE } from './collab-document';
import type { CollabServer } from './collab-server';
import { lockDocument, type DocumentHistory } from './document-history';
import { readKeptFacts } from './document-seeder';
import { CONTENT, type DocumentStore } from './document-store';
import { applyKeptSections } from './kept-sections';

/** The origin of Sitrep's own edits (the kept sections): stored and relayed, but nobody's edit, and no editor's undo. */
export const SITREP = Symbol('Sitrep');

/**
 * Timeline kinds that change what the kept sections say, most telling first:
 * each also keeps a version of the document, with the kind as its reason.
 */
export const KEEPING_KINDS: readonly TimelineEventKind[] = [
  TimelineEventKind.STATUS_CHANGED,
  TimelineEventKind.ROLE_ASSIGNED,
  TimelineEventKind.SEVERITY_CHANGED,
];

/**
 * Keeps the document's Sitrep-owned sections (Status, Command Hierarchy) true.
 * Runs in the instance that committed the change, after the commit (register
 * `afterCommit` with `UnitOfWork.onCommitted`), so a change is applied once
 * however many instances there are; under the document's advisory lock, so
 * that changes apply one at a time whichever instance commits them. The edit
 * is a Yjs transaction with the SITREP origin touching only the sections'
 * bodies, made in the loaded document when this instance holds it (its
 * editors see it at once; other instances get it over the relay), else in the
 * stored one, appended to the log and relayed. Rewriting sections that
 * already say the right thing changes nothing, so a repeat is harmless.
 */
export class DocumentKeeper {
  constructor(
    private readonly deps: {
      dataSource: DataSource;
      roles: RoleService;
      store: DocumentStore;
      history: DocumentHistory;
      collab: CollabServer;
      log: Logger;
    },
  ) {}

  /** After a commit: rewrites the sections of each incident whose status, severity or roles changed, and keeps a version. */
  readonly afterCommit = async (events: readonly CommittedEvent[]): Promise<void> => {
    const eventIds = events.flatMap((e) => (e.topic === IncidentTopic.TimelineEventAdded ? [(e.payload as { eventId: string }).eventId] : []));
    if (eventIds.length === 0) return;
    try {
      const rows: Array<{ incident_id: string; kind: TimelineEventKind }> = await this.deps.dataSource.query(
        `SELECT incident_id, kind FROM timeline_events WHERE id = ANY($1::uuid[]) AND kind = ANY($2::text[])`,
        [eventIds, KEEPING_KINDS],
      );
      const reasons = new Map<string, TimelineEventKind>();
      for (const kind of KEEPING_KINDS) for (const row of rows) if (row.kind === kind && !reasons.has(row.incident_id)) reasons.set(row.incident_id, kind);
      for (const [incidentId, reason] of reasons) await this.keep(incidentId, reason);
    } catch (error) {
      // The change itself is committed; the sections catch up at the next change.
      this.deps.log.error({ err: error }, 'keeping the live documents’ Sitrep sections failed');
    }
  };

  /** Rewrites an incident's kept sections from the database, and keeps a version with `reason` when given. */
  async keep(incidentId: string, reason?: string): Promise<void> {
    const { dataSource, roles, store, history, collab } = this.deps;
    await dataSource.transaction(async (manager) => {
      await lockDocument(manager, incidentId);
      const incident = await manager.getRepository(Incident).findOne({ where: { id: incidentId } });
      if (!incident) return;
      const facts = await readKeptFacts(manager, roles, incident);
      // Everything on this transaction's one connection: a keeper never waits for a second one while holding the first.
      const stored = await store.load(incidentId, undefined, manager);
      try {
        const live = collab.registry.get(incidentId);
        const doc = live?.doc ?? stored.doc;
        if (live) {
          // The diff below must see every edit this instance has accepted.
          live.applyPending();
          // What another instance stored that has not reached this copy yet: the diff must see today's sections.
          const missing = Y.encodeStateAsUpdate(stored.doc, Y.encodeStateVector(live.doc));
          Y.applyUpdate(live.doc, missing, REMOTE);
        }
        const updates: Uint8Array[] = [];
        const collect = (update: Uint8Array, origin: unknown) => {
          if (origin === SITREP) updates.push(update);
        };
        doc.on('update', collect);
        try {
          doc.transact(() => applyKeptSections(doc.getText(CONTENT), facts), SITREP);
        } finally {
          doc.off('update', collect);
        }
        if (updates.length > 0) {
          const update = updates.length === 1 ? updates[0] : Y.mergeUpdates(updates);
          // Stored before the lock is let go, so that the next change (on any instance) reads it. A loaded
          // document also stores and relays it itself (a second copy of an update changes nothing).
          await store.append(incidentId, [update], [], manager);
          if (!live) collab.relayUpdate(incidentId, update);
        }
        if (reason) await history.record(manager, incidentId, doc, reason);
      } finally {
        stored.doc.destroy();
      }
    });
  }
}
