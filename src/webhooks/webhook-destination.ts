import dns from 'node:dns/promises';
import net from 'node:net';
import { badInput } from '../common/errors';

/** The longest endpoint URL. @default 2_000 */
export const MAX_WEBHOOK_URL_LENGTH = 2_000;

/** Loopback, private, shared, link-local and unique-local ranges: refused with WEBHOOK_DENY_PRIVATE_NETWORKS. */
const PRIVATE = new net.BlockList();
for (const [address, prefix] of [['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12], ['192.168.0.0', 16]] as const) {
  PRIVATE.addSubnet(address, prefix, 'ipv4');
}
for (const [address, prefix] of [['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10]] as const) PRIVATE.addSubnet(address, prefix, 'ipv6');

function isPrivate(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return PRIVATE.check(mapped[1], 'ipv4');
  return PRIVATE.check(address, net.isIPv6(address) ? 'ipv6' : 'ipv4');
}

/** Checks an endpoint URL's shape (BAD_USER_INPUT); returns it normalised. */
export function parseWebhookUrl(raw: string): URL {
  if (raw.length > MAX_WEBHOOK_URL_LENGTH) throw badInput(`url must be at most ${MAX_WEBHOOK_URL_LENGTH} characters`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw badInput('url must be an absolute http(s) URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw badInput('url must be an http(s) URL');
  if (url.username || url.password) throw badInput('url must not carry credentials; the payload is signed instead');
  return url;
}

/**
 * With `denyPrivate`, refuses a host that is, or resolves to, a loopback or
 * private address (checked when the endpoint is created and before every
 * attempt, since DNS answers change). Returns the reason, or null when allowed.
 */
export async function privateNetworkRefusal(url: URL, denyPrivate: boolean): Promise<string | null> {
  if (!denyPrivate) return null;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: string[];
  try {
    addresses = net.isIP(host) ? [host] : (await dns.lookup(host, { all: true, verbatim: true })).map((a) => a.address);
  } catch {
    return `${host} does not resolve`;
  }
  const refused = addresses.find(isPrivate);
  return refused ? `${host} is on a private network (${refused}) and WEBHOOK_DENY_PRIVATE_NETWORKS is on` : null;
}
