import type { IncomingMessage } from 'node:http';

/** Express's compiled `trust proxy` function: is the hop at `address`, `index` hops away, a trusted proxy? */
export type TrustProxyFn = (address: string, index: number) => boolean;

/**
 * The client's address of a request express does not handle (the graphql-ws
 * upgrade), with the same rule as express's `req.ip`: walk X-Forwarded-For
 * from the nearest hop while each hop is a trusted proxy. With TRUST_PROXY
 * off the socket's address is the answer and the header is ignored.
 */
export function clientAddress(req: IncomingMessage, trust: TrustProxyFn): string | undefined {
  const socketAddress = req.socket.remoteAddress;
  if (!socketAddress) return undefined;
  const header = req.headers['x-forwarded-for'];
  const forwarded = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean)
    .reverse();
  const hops = [socketAddress, ...forwarded];
  let i = 0;
  while (i < hops.length - 1 && trust(hops[i], i)) i += 1;
  return hops[i];
}
