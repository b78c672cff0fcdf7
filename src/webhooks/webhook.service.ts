import crypto from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { Caller } from '../auth/caller';
import { Action, authorize } from '../auth/policy';
import { badInput, conflict, notFound } from '../common/errors';
import { parseId } from '../common/ids';
import { WebhookDelivery } from './webhook-delivery.entity';
import { WebhookEndpoint } from './webhook-endpoint.entity';
import { parseWebhookUrl, privateNetworkRefusal } from './webhook-destination';
import { WEBHOOK_EVENT_TYPES, WebhookFormat } from './webhook.enums';

/** Endpoints at most. @default 50 */
export const MAX_WEBHOOK_ENDPOINTS = 50;
/** The largest page of the delivery log. @default 200 */
export const MAX_DELIVERIES_PAGE = 200;

/** ADMIN management of outgoing webhook endpoints and their delivery log. */
export class WebhookService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly denyPrivateNetworks: boolean,
  ) {}

  async list(caller: Caller | null): Promise<WebhookEndpoint[]> {
    authorize(caller, Action.ManageWebhooks);
    return this.dataSource.getRepository(WebhookEndpoint).find({ order: { createdAt: 'ASC' } });
  }

  /** Creates an endpoint with a fresh `whsec_` secret, returned once. An empty or absent `events` means all. */
  async create(caller: Caller | null, rawUrl: string, format: WebhookFormat, events: string[] | null | undefined): Promise<{ secret: string; endpoint: WebhookEndpoint }> {
    authorize(caller, Action.ManageWebhooks);
    const url = parseWebhookUrl(rawUrl.trim());
    const wanted = [...new Set(events ?? [])];
    const unknown = wanted.filter((e) => !(WEBHOOK_EVENT_TYPES as readonly string[]).includes(e));
    if (unknown.length) throw badInput(`unknown event types: ${unknown.join(', ')}; known: ${WEBHOOK_EVENT_TYPES.join(', ')}`);
    const refused = await privateNetworkRefusal(url, this.denyPrivateNetworks);
    if (refused) throw badInput(refused);
    const secret = `whsec_${crypto.randomBytes(32).toString('base64')}`;
    return this.dataSource.transaction(async (manager) => {
      // Serialises concurrent creations, so that the count holds.
      await manager.query(`LOCK TABLE webhook_endpoints IN SHARE ROW EXCLUSIVE MODE`);
      const [{ n }] = await manager.query(`SELECT count(*)::int AS n FROM webhook_endpoints`);
      if (n >= MAX_WEBHOOK_ENDPOINTS) throw conflict(`at most ${MAX_WEBHOOK_ENDPOINTS} webhook endpoints; delete one first`);
      const repo = manager.getRepository(WebhookEndpoint);
      const endpoint = await repo.save(repo.create({ url: url.toString(), format, events: wanted, secret, enabled: true, failingSince: null, disabledReason: null }));
      return { secret, endpoint };
    });
  }

  /** Deletes an endpoint and its delivery log; false when there was none. */
  async delete(caller: Caller | null, id: string): Promise<boolean> {
    authorize(caller, Action.ManageWebhooks);
    const result = await this.dataSource.getRepository(WebhookEndpoint).delete({ id: parseId(id, 'webhook endpoint id') });
    return (result.affected ?? 0) > 0;
  }

  /** The endpoint's deliveries, newest first. */
  async deliveries(caller: Caller | null, endpointId: string, first: number): Promise<WebhookDelivery[]> {
    authorize(caller, Action.ManageWebhooks);
    if (!Number.isInteger(first) || first < 1 || first > MAX_DELIVERIES_PAGE) throw badInput(`first must be between 1 and ${MAX_DELIVERIES_PAGE}`);
    const id = parseId(endpointId, 'webhook endpoint id');
    if (!(await this.dataSource.getRepository(WebhookEndpoint).exists({ where: { id } }))) throw notFound('webhook endpoint', id);
    return this.dataSource.getRepository(WebhookDelivery).createQueryBuilder('d').where('d.endpoint_id = :id', { id }).orderBy('d.seq', 'DESC').limit(first).getMany();
  }
}
