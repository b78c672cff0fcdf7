import { ApolloClient, ApolloLink, HttpLink, InMemoryCache, gql } from '@apollo/client';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { getMainDefinition } from '@apollo/client/utilities';
import { cacheExchange, Client as UrqlClient, fetchExchange, subscriptionExchange } from '@urql/core';
import { createClient as createWsClient, type Client as WsClient } from 'graphql-ws';
import { firstValueFrom, take, toArray } from 'rxjs';
import WebSocket from 'ws';
import { startTestServer, type TestServer } from '../support/test-server';

const ME = `query Me { me { id email } }`;
const DECLARE = `mutation Declare($input: DeclareIncidentInput!) { declareIncident(input: $input) { id title } }`;
const CHANGED = `subscription Changed { incidentsChanged { kind incident { id title } } }`;
const input = (title: string) => ({ input: { title, severity: 'SEV3', trigger: 'USER_REPORT' } });

describe('third-party GraphQL clients with their default settings', () => {
  let t: TestServer;
  const sockets: WsClient[] = [];
  /** The HTTP methods the clients used, seen through the fetch they were given. */
  const methods: string[] = [];
  const recordingFetch: typeof fetch = (url, init) => {
    methods.push(init?.method ?? 'GET');
    return fetch(url, init);
  };
  /** A graphql-ws client, and a promise that the server has acknowledged its connection. */
  const wsClient = () => {
    const client = createWsClient({ url: t.wsUrl, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${t.admin.token}` } });
    sockets.push(client);
    const connected = new Promise<void>((resolve) => client.on('connected', () => resolve()));
    return Object.assign(client, { connected });
  };
  /** The server subscribes after the connection ack; give it a moment on a busy machine. */
  const settle = async (ws: { connected: Promise<void> }) => {
    await ws.connected;
    await new Promise((resolve) => setTimeout(resolve, 500));
  };

  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => {
    await Promise.all(sockets.map((s) => s.dispose()));
    await t.close();
  });
  beforeEach(() => {
    methods.length = 0;
  });

  it('urql 6 (queries over GET by default) queries, mutates and subscribes', async () => {
    const ws = wsClient();
    const client = new UrqlClient({
      url: `${t.url}/graphql`,
      fetch: recordingFetch,
      fetchOptions: { headers: { authorization: `Bearer ${t.admin.token}` } },
      exchanges: [
        cacheExchange,
        fetchExchange,
        subscriptionExchange({
          forwardSubscription: (request) => ({
            subscribe: (sink) => ({ unsubscribe: ws.subscribe({ ...request, query: request.query ?? '' }, sink) }),
          }),
        }),
      ],
    });
    const me = await client.query(ME, {}).toPromise();
    expect(me.error).toBeUndefined();
    expect(me.data.me.email).toBe(t.admin.email);
    expect(methods).toEqual(['GET']);

    const seen: string[] = [];
    const { unsubscribe } = client.subscription(CHANGED, {}).subscribe((result) => {
      if (result.data) seen.push(result.data.incidentsChanged.incident.title);
    });
    await settle(ws);
    const declared = await client.mutation(DECLARE, input('urql incident')).toPromise();
    expect(declared.error).toBeUndefined();
    expect(declared.data.declareIncident.title).toBe('urql incident');
    // Mutations always go as POST.
    expect(methods).toEqual(['GET', 'POST']);
    const deadline = Date.now() + 10_000;
    while (!seen.includes('urql incident') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    unsubscribe();
    expect(seen).toContain('urql incident');
  });

  it('Apollo Client 4 queries, mutates and subscribes', async () => {
    const ws = wsClient();
    const http = new HttpLink({ uri: `${t.url}/graphql`, fetch: recordingFetch, headers: { authorization: `Bearer ${t.admin.token}` } });
    const link = ApolloLink.split(
      ({ query }) => {
        const definition = getMainDefinition(query);
        return definition.kind === 'OperationDefinition' && definition.operation === 'subscription';
      },
      new GraphQLWsLink(ws),
      http,
    );
    const client = new ApolloClient({ link, cache: new InMemoryCache() });
    const me = await client.query({ query: gql(ME) });
    expect((me.data as any).me.email).toBe(t.admin.email);

    const changes = firstValueFrom(client.subscribe({ query: gql(CHANGED) }).pipe(take(1), toArray()));
    await settle(ws);
    const declared = await client.mutate({ mutation: gql(DECLARE), variables: input('Apollo incident') });
    expect((declared.data as any).declareIncident.title).toBe('Apollo incident');
    const [first] = await changes;
    expect((first.data as any).incidentsChanged.incident.title).toBe('Apollo incident');
    expect(methods).toEqual(['POST', 'POST']);
    client.stop();
  });
});
