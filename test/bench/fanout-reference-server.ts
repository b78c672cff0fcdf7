import { EventEmitter, on } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildSchema, graphql } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { installHeapProbe } from '../support/heap-probe';

/**
 * The fan-out reference: a bare graphql-js + graphql-ws server with an
 * in-memory bus and no database, no auth, no limits. It serves the part of
 * Sitrep's schema the fan-out bench uses (`updateIncident`,
 * `incidentsChanged`), executing each event once per subscription as
 * graphql-js does. Prints `{"port":<port>}` once it listens. Benchmarks may
 * turn on the heap probe (test/support/heap-probe.ts).
 */
installHeapProbe();
const schema = buildSchema(`
  type Incident { id: ID! title: String! status: String! severity: String! }
  type IncidentChange { kind: String! incident: Incident! }
  input UpdateIncidentInput { title: String }
  type Query { incident(id: ID!): Incident }
  type Mutation { declareIncident(title: String!): Incident! updateIncident(id: ID!, input: UpdateIncidentInput!): Incident! }
  type Subscription { incidentsChanged: IncidentChange! }
`);

const incidents = new Map<string, { id: string; title: string; status: string; severity: string }>();
const bus = new EventEmitter();
bus.setMaxListeners(0);
let next = 0;

const root = {
  incident: ({ id }: { id: string }) => incidents.get(id) ?? null,
  declareIncident: ({ title }: { title: string }) => {
    const incident = { id: String(++next), title, status: 'INVESTIGATING', severity: 'SEV2' };
    incidents.set(incident.id, incident);
    bus.emit('changed', { kind: 'DECLARED', incidentId: incident.id });
    return incident;
  },
  updateIncident: ({ id, input }: { id: string; input: { title?: string } }) => {
    const incident = incidents.get(id);
    if (!incident) throw new Error('not found');
    if (input.title) incident.title = input.title;
    bus.emit('changed', { kind: 'UPDATED', incidentId: id });
    return incident;
  },
};

const subscriptionRoot = {
  incidentsChanged: {
    subscribe: async function* () {
      for await (const [event] of on(bus, 'changed')) yield event;
    },
    resolve: (event: { kind: string; incidentId: string }) => ({ kind: event.kind, incident: incidents.get(event.incidentId) }),
  },
};
Object.assign(schema.getSubscriptionType()!.getFields().incidentsChanged, subscriptionRoot.incidentsChanged);

const server = http.createServer(async (req, res) => {
  // For the bench, to wait until every subscription listens: the subscriptions listening now.
  if (req.method === 'GET' && req.url === '/subscribers') return void res.end(String(bus.listenerCount('changed')));
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const { query, variables } = JSON.parse(Buffer.concat(chunks).toString() || '{}');
  const result = await graphql({ schema, source: query, variableValues: variables, rootValue: root });
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify(result));
});
const wss = new WebSocketServer({ server, path: '/graphql' });
useServer({ schema, roots: { query: root, mutation: root } }, wss);
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
});
process.on('SIGTERM', () => process.exit(0));
