import type { DataSource } from 'typeorm';
import { Incident } from './incident.entity';

/**
 * The incident as a transaction commits it, handed along with the
 * in-process `IncidentTopic.Changed` event that announces it, so that this
 * instance's subscribers execute the event without reading the row back
 * (at 1,000 subscribers that read was most of the time between the commit
 * and the first write). The side channel is a WeakMap keyed by the event's
 * payload object: the payload stays ids only, so the Redis event log and
 * other instances never see it and load the row as before, and an event
 * whose transaction rolls back is never published and simply forgotten.
 *
 * A snapshot is what a `findOne` after the commit returns: a fresh entity
 * with every selected column (not `select: false` ones), null for a nullable
 * column the entity left undefined (an insert does not return them), dates
 * copied. An entity missing a non-nullable column gives no snapshot.
 */
export class CommittedIncidents {
  private readonly snapshots = new WeakMap<object, Incident>();

  constructor(private readonly dataSource: DataSource) {}

  /**
   * Remembers `incident` as the state `payload` announces. Call it where the
   * transaction publishes the event, after its last change to the incident
   * row: what the transaction does to that row later is not in the snapshot.
   */
  attach<P extends object>(payload: P, incident: Incident): P {
    const snapshot = this.copy(incident);
    if (snapshot) this.snapshots.set(payload, snapshot);
    return payload;
  }

  /** The incident `payload` announced as committed, when this instance published it; undefined otherwise. */
  of(payload: object): Incident | undefined {
    return this.snapshots.get(payload);
  }

  private copy(incident: Incident): Incident | undefined {
    const metadata = this.dataSource.getMetadata(Incident);
    const copy = metadata.create() as Record<string, unknown>;
    for (const column of metadata.columns) {
      if (!column.isSelect || column.isVirtual) continue;
      const value: unknown = column.getEntityValue(incident);
      if (value === undefined && !column.isNullable) return undefined;
      copy[column.propertyName] = value === undefined ? null : value instanceof Date ? new Date(value.getTime()) : value;
    }
    return copy as unknown as Incident;
  }
}
