import type { Caller } from '../auth/caller';
import type { Services } from '../server/services';
import type { Loaders } from './loaders';

/** What every resolver receives: who is calling, the services, and this request's loaders. */
export interface GraphQLContext {
  caller: Caller | null;
  services: Services;
  /** Replaced before each subscription event, so events never share a cache. */
  loaders: Loaders;
  /** The client's address (X-Forwarded-For honoured only as TRUST_PROXY allows), for login limits. */
  clientIp?: string;
}
