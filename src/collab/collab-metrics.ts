import { Counter, Gauge } from 'prom-client';
import type { Metrics } from '../observability/metrics';

/** Prometheus metrics of the collaboration server, on the server's own registry. */
export class CollabMetrics {
  readonly documentsLoaded: Gauge;
  readonly updatesStored: Counter;
  readonly compactions: Counter;
  readonly closes: Counter<'code'>;
  readonly droppedMessages: Counter<'reason'>;
  readonly refusedUpgrades: Counter;

  constructor(readonly metrics: Metrics) {
    const registers = [metrics.registry];
    this.documentsLoaded = new Gauge({ name: 'sitrep_collab_documents_loaded', help: 'Incident documents held in memory.', registers });
    this.updatesStored = new Counter({ name: 'sitrep_collab_updates_stored_total', help: 'Document updates appended to the update log.', registers });
    this.compactions = new Counter({ name: 'sitrep_collab_compactions_total', help: 'Update log compactions into the snapshot.', registers });
    this.closes = new Counter({
      name: 'sitrep_collab_closes_total',
      help: 'Collaboration sockets closed by the server, by close code.',
      labelNames: ['code'] as const,
      registers,
    });
    this.droppedMessages = new Counter({
      name: 'sitrep_collab_dropped_messages_total',
      help: 'Client messages dropped: read-only edits, oversized or too frequent awareness.',
      labelNames: ['reason'] as const,
      registers,
    });
    this.refusedUpgrades = new Counter({
      name: 'sitrep_collab_refused_upgrades_total',
      help: 'Collaboration upgrades refused with HTTP 401: a bad or missing token already explained with 4401 within the last minute.',
      registers,
    });
  }
}
