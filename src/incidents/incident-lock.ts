import type { EntityManager } from 'typeorm';
import { notFound } from '../common/errors';
import { parseId } from '../common/ids';
import { Incident } from './incident.entity';

/**
 * Loads an incident and locks its row until the transaction ends. Every
 * change to an incident, its roles or its timeline takes this lock first, so
 * concurrent responders are serialised per incident and see each other's work.
 */
export async function lockIncident(manager: EntityManager, id: string): Promise<Incident> {
  const incident = await manager
    .getRepository(Incident)
    .createQueryBuilder('i')
    .setLock('pessimistic_write')
    .where('i.id = :id', { id: parseId(id, 'incident id') })
    .getOne();
  if (!incident) throw notFound('incident', id);
  return incident;
}
