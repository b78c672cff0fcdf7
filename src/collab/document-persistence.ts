import * as Y from 'yjs';
import type { CollabConfig } from '../config/config';
import type { Logger } from '../observability/logger';
import type { CollabMetrics } from './collab-metrics';
import type { DocumentStore } from './document-store';

const RETRY_FLUSH_MS = 1_000;

/**
 * Stores one loaded document's edits: appends them to the update log in
 * batches (at most `flushIntervalMs` after the first one waits), each batch
 * merged into one row (Y.mergeUpdates), one flush at a time, and compacts the
 * log in the background once it passes `compactAfterUpdates` rows. One row
 * per flush rather than per keystroke: at 200 edits a second the log would
 * otherwise need compacting (reading and rewriting the whole document) every
 * few seconds.
 */
export class DocumentPersistence {
  private pending: Uint8Array[] = [];
  /** People whose edits are in `pending`. */
  private editors = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private compacting: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly incidentId: string,
    private readonly store: DocumentStore,
    private readonly config: CollabConfig,
    private readonly metrics: CollabMetrics,
    private readonly log: Logger,
    /** Rows in the log when the document was loaded. */
    private logLength: number,
    /** Called after a batch holding people's edits is stored (a version may be due). */
    private readonly onEditsStored: () => void = () => undefined,
  ) {}

  /** Queues an update (made by `editorIds`, when people made it); the batch is appended within `flushIntervalMs`. */
  add(update: Uint8Array, editorIds: readonly string[]): void {
    this.pending.push(update);
    for (const id of editorIds) this.editors.add(id);
    this.schedule(this.config.flushIntervalMs);
  }

  /** True when nothing waits to be stored. */
  get isClean(): boolean {
    return this.pending.length === 0;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer ??= setTimeout(() => void this.flush().catch(() => undefined), ms);
  }

  /**
   * Appends every pending update. Flushes run one after another; a failed
   * batch goes back to the front and is retried a second later.
   */
  flush(): Promise<void> {
    const run = this.flushing.then(async () => {
      clearTimeout(this.timer);
      this.timer = undefined;
      let edited = false;
      while (this.pending.length > 0) {
        const batch = this.pending;
        const editors = [...this.editors];
        this.pending = [];
        this.editors = new Set();
        try {
          await this.store.append(this.incidentId, batch.length > 1 ? [Y.mergeUpdates(batch)] : batch, editors);
          edited ||= editors.length > 0;
        } catch (error) {
          this.pending = batch.concat(this.pending);
          for (const id of editors) this.editors.add(id);
          this.log.error({ err: error, incidentId: this.incidentId, updates: batch.length }, 'appending document updates failed');
          this.schedule(RETRY_FLUSH_MS);
          throw error;
        }
        this.metrics.updatesStored.inc(batch.length);
        this.logLength += 1;
      }
      if (this.logLength >= this.config.compactAfterUpdates) this.compactInBackground();
      if (edited) this.onEditsStored();
    });
    this.flushing = run.catch(() => undefined);
    return run;
  }

  private compactInBackground(): void {
    this.compacting ??= this.store
      .compact(this.incidentId)
      .then((folded) => {
        if (folded === null) return;
        this.logLength = Math.max(0, this.logLength - folded);
        this.metrics.compactions.inc();
      })
      .catch((error) => this.log.error({ err: error, incidentId: this.incidentId }, 'compacting the document failed'))
      .finally(() => {
        this.compacting = undefined;
      });
  }

  /** Stores everything pending and waits for a running compaction. */
  async close(): Promise<void> {
    try {
      await this.flush();
    } finally {
      await this.compacting;
    }
  }

  /** Cancels the timers (the document is being freed). */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }
}
