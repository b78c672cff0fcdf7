import fs from 'node:fs';
import path from 'node:path';
import {
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  Kind,
  parse,
  typeFromAST,
  type DocumentNode,
  type GraphQLInputType,
  type GraphQLSchema,
} from 'graphql';
import { loadConfig } from '../../src/config/config';
import { checkOperationLimits, type OperationFigures } from '../../src/graphql/operation-limits';
import { buildSitrepSchema } from '../../src/server/schema';
import { startTestServer, type TestServer, type TestUser } from '../support/test-server';

const ROOT = path.resolve(__dirname, '../..');

/** Incident ⇄ Postmortem, doubling the selection at each hop; fragments keep the text short. */
function fragmentFanOut(levels: number): string {
  const fragments: string[] = [];
  for (let i = 0; i < levels; i++) {
    fragments.push(
      i % 2 === 0
        ? `fragment F${i} on Incident { id postmortem { ...F${i + 1} } again: postmortem { ...F${i + 1} } }`
        : `fragment F${i} on Postmortem { id incident { ...F${i + 1} } again: incident { ...F${i + 1} } }`,
    );
  }
  fragments.push(`fragment F${levels} on ${levels % 2 === 0 ? 'Incident' : 'Postmortem'} { id }`);
  return `query { incidents(first: 100) { edges { node { ...F0 } } } }\n${fragments.join('\n')}`;
}

const DEPTH_1000 = `query { incidents(first: 1) { edges { node { ${'previousIncident { '.repeat(1000)}id${' }'.repeat(1000)} } } } }`;
const ALIASES_1000 = `query { ${Array.from({ length: 1000 }, (_, i) => `a${i}: incidents(first: 100) { edges { node { document { markdown } timeline { id body } } } }`).join(' ')} }`;
const METRICS_1000 = `query { ${Array.from({ length: 1000 }, (_, i) => `m${i}: incidentMetrics { incidentCount }`).join(' ')} }`;
/** Within depth and aliases, but lists within lists (alerts' labels, postmortems' timelines) add up past the test's maxCost. */
const OVER_COST_SUBSCRIPTION = `subscription { incidentsChanged { incident { timeline { actor { name } } roleHistory { holder { name } assignedBy { name } }
  alerts { labels { name value } annotations { name value } } previousIncident { alerts { labels { name value } } } postmortem { actionItems { owner { name } } authors { name } timeline { actor { name } } } } } }`;

describe('operation limits, checked before execution', () => {
  let t: TestServer;
  let viewer: TestUser;
  const limits = loadConfig({}).operationLimits;

  beforeAll(async () => {
    t = await startTestServer({ operationLimits: { ...limits, maxCost: 2_000 } });
    viewer = await t.createUser('VIEWER');
    // The principal is cached from here on: what follows measures the operations alone.
    await t.ok('{ __typename }', {}, viewer.token);
  }, 180_000);
  afterAll(() => t.close());

  async function refusedOverHttp(query: string, limit: string) {
    const before = await t.metric('sitrep_db_queries_total');
    const started = Date.now();
    const response = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${viewer.token}` },
      body: JSON.stringify({ query }),
    });
    const elapsed = Date.now() - started;
    const body = (await response.json()) as { data?: unknown; errors: Array<{ extensions: { code: string; limit: { name: string; max: number; actual: number } } }> };
    // A request error: 200 for application/json, as GraphQL over HTTP has it (graphql-over-http.ts).
    expect(response.status).toBe(200);
    expect(body.data).toBeUndefined();
    expect(body.errors).toHaveLength(1);
    const { code, limit: breach } = body.errors[0].extensions;
    expect(code).toBe('BAD_USER_INPUT');
    expect(breach.name).toBe(limit);
    expect(breach.actual).toBeGreaterThan(0);
    expect(breach.actual).toBeGreaterThanOrEqual(breach.max);
    expect(elapsed).toBeLessThan(1000);
    expect((await t.metric('sitrep_db_queries_total')) - before).toBe(0);
    // And the server keeps answering.
    expect(await t.ok('{ __typename }', {}, viewer.token)).toEqual({ __typename: 'Query' });
    return breach;
  }

  it('refuses the 20-level fragment fan-out by its depth, within a second, with no SQL', async () => {
    const breach = await refusedOverHttp(fragmentFanOut(20), 'maxDepth');
    expect(breach).toEqual({ name: 'maxDepth', max: limits.maxDepth, actual: 24 });
  });

  it('answers a client that accepts application/graphql-response+json with 400', async () => {
    const response = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', authorization: `Bearer ${viewer.token}` },
      body: JSON.stringify({ query: DEPTH_1000 }),
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/^application\/graphql-response\+json/);
    expect(((await response.json()) as { errors: Array<{ extensions: { limit: { name: string } } }> }).errors[0].extensions.limit.name).toBe('maxDepth');
  });

  it('refuses a depth-1,000 query', async () => {
    const breach = await refusedOverHttp(DEPTH_1000, 'maxDepth');
    expect(breach.actual).toBe(1004);
  });

  it('refuses 1,000 aliases, and 1,000 aliases of incidentMetrics, by their length before reading them whole', async () => {
    expect(await refusedOverHttp(ALIASES_1000, 'maxTokens')).toEqual({ name: 'maxTokens', max: limits.maxTokens, actual: limits.maxTokens + 1 });
    expect((await refusedOverHttp(METRICS_1000, 'maxTokens')).max).toBe(limits.maxTokens);
  });

  it('refuses more aliases than maxAliases', async () => {
    const query = `query { ${Array.from({ length: 100 }, (_, i) => `m${i}: incidentMetrics { incidentCount }`).join(' ')} }`;
    expect(await refusedOverHttp(query, 'maxAliases')).toEqual({ name: 'maxAliases', max: limits.maxAliases, actual: 100 });
  });

  it('refuses an operation over the estimated cost, counting lists by `first`', async () => {
    const wide = `{ incidents(first: 100) { edges { node { timeline { actor { name } } postmortem { incident { timeline { actor { name } } } } } } } }`;
    const breach = await refusedOverHttp(wide, 'maxCost');
    expect(breach).toEqual({ name: 'maxCost', max: 2_000, actual: 8601 });
    // The same selection on a page of 5 passes.
    await t.ok(wide.replace('first: 100', 'first: 5'), {}, viewer.token);
  });

  it('counts `first` given as a variable', async () => {
    const query = `query($n: Int) { incidents(first: $n) { edges { node { timeline { actor { name } } postmortem { incident { timeline { actor { name } } } } } } } }`;
    expect((await t.gql(query, { n: 5 }, viewer.token)).errors).toBeUndefined();
    const refused = await t.gql(query, { n: 100 }, viewer.token);
    expect(refused.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect((refused.errors?.[0].extensions?.limit as { name: string }).name).toBe('maxCost');
  });

  it('refuses too many root fields, counted through fragments', async () => {
    const schema = await buildSitrepSchema();
    const query = parse(`{ ...R } fragment R on Query { me { id } users { id } incidents { totalCount } postmortemsOwed { id } deactivatedUsers { id } }`);
    expect(checkOperationLimits(schema, query, { ...limits, maxRootFields: 4 })).toEqual({ name: 'maxRootFields', max: 4, actual: 5 });
    expect(checkOperationLimits(schema, query, { ...limits, maxRootFields: 5 })).toBeNull();
  });

  it('refuses an over-cost subscription over graphql-ws within a second, with no SQL, and the socket stays usable', async () => {
    const client = t.wsClient(viewer.token);
    // The first operation opens and authenticates the socket; it is then measured alone.
    expect((await client.iterate({ query: '{ __typename }' }).next()).value).toEqual({ data: { __typename: 'Query' } });
    const before = await t.metric('sitrep_db_queries_total');
    const started = Date.now();
    const error = await new Promise<any>((resolve) => {
      client.subscribe({ query: OVER_COST_SUBSCRIPTION }, { next: () => resolve(new Error('delivered')), error: resolve, complete: () => resolve(new Error('completed')) });
    });
    expect(Date.now() - started).toBeLessThan(1000);
    expect(error[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(error[0].extensions.limit.name).toBe('maxCost');
    expect(error[0].extensions.limit.actual).toBeGreaterThan(2_000);
    expect((await t.metric('sitrep_db_queries_total')) - before).toBe(0);
    expect((await client.iterate({ query: '{ __typename }' }).next()).value).toEqual({ data: { __typename: 'Query' } });
  });

  it('refuses a too-deep subscription over graphql-ws', async () => {
    const client = t.wsClient(viewer.token);
    const error = await new Promise<any>((resolve) => {
      client.subscribe({ query: `subscription { incidentsChanged { incident { ${'previousIncident { '.repeat(30)}id${' }'.repeat(30)} } } }` }, { next: () => resolve(null), error: resolve, complete: () => resolve(null) });
    });
    expect(error[0].extensions.limit).toEqual({ name: 'maxDepth', max: limits.maxDepth, actual: 33 });
  });
});

/**
 * Values for an operation's variables, as large as the console sends: 100 for
 * a page size (the most a page holds), a placeholder of the right type for the rest.
 */
function sampleVariables(schema: GraphQLSchema, document: DocumentNode): Record<string, unknown> {
  const sample = (type: GraphQLInputType): unknown => {
    if (isNonNullType(type)) return sample(type.ofType);
    if (isListType(type)) return [sample(type.ofType)];
    if (isEnumType(type)) return type.getValues()[0].value;
    if (isInputObjectType(type)) {
      return Object.fromEntries(Object.values(type.getFields()).filter((f) => isNonNullType(f.type)).map((f) => [f.name, sample(f.type)]));
    }
    return ({ Int: 100, Float: 1, Boolean: true, DateTime: '2026-01-01T00:00:00Z', ID: '00000000-0000-4000-8000-000000000000' } as Record<string, unknown>)[type.name] ?? 'x';
  };
  const variables: Record<string, unknown> = {};
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    for (const v of definition.variableDefinitions ?? []) {
      variables[v.variable.name.value] = sample(typeFromAST(schema, v.type as never) as GraphQLInputType);
    }
  }
  return variables;
}

/** Every operation in the README's ```graphql blocks (as test/core/readme-examples.test.ts reads them). */
function readmeOperations(): string[] {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const operations: string[] = [];
  for (const [, block] of readme.matchAll(/```graphql\n([\s\S]*?)```/g)) {
    const parts = block.split(/\n(?=(?:query|mutation|subscription)\b|\{)/).map((p) => p.trim()).filter(Boolean);
    operations.push(...parts.map((p) => p.replace(/"…"/g, '"00000000-0000-4000-8000-000000000000"')));
  }
  return operations;
}

/**
 * Every operation the console sends: the string constants of src/web that
 * start an operation. queries.js (no imports) is evaluated so that its
 * shared selections are filled in; elsewhere, literal operations are read as written.
 */
function consoleOperations(): Array<[string, string]> {
  const web = path.join(ROOT, 'src/web');
  const files = fs.readdirSync(web, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.js') && !f.startsWith('vendor'));
  const found: Array<[string, string]> = [];
  for (const file of files) {
    const source = fs.readFileSync(path.join(web, file), 'utf8');
    if (!/^\s*import\s/m.test(source) && /^export const \w+ = `/m.test(source)) {
      const names = [...source.matchAll(/^export const (\w+) = `/gm)].map((m) => m[1]);
      const values = new Function(`${source.replace(/^export /gm, '')}\nreturn { ${names.join(', ')} };`)() as Record<string, string>;
      for (const [name, value] of Object.entries(values)) {
        if (/^\s*(query|mutation|subscription)\b/.test(value)) found.push([`${file} ${name}`, value]);
      }
    } else {
      for (const [, literal] of source.matchAll(/`(\s*(?:query|mutation|subscription)\b[^`$]*\{[^`$]*)`/g)) found.push([`${file} literal`, literal]);
    }
  }
  return found;
}

describe("the README's and the console's operations pass the default limits with room", () => {
  const limits = loadConfig({}).operationLimits;
  const operations = [...readmeOperations().map((op) => [`README ${op.split('\n')[0].slice(0, 60)}`, op]), ...consoleOperations()];

  it('finds the operations', () => {
    expect(operations.length).toBeGreaterThan(40);
  });

  it.each(operations)('%s is within half of every limit', async (_name, operation) => {
    const schema = await buildSitrepSchema();
    const figures: Partial<OperationFigures> = {};
    // Half the token limit too: parsing stops past it.
    const document = parse(operation, { maxTokens: limits.maxTokens / 2 });
    const variables = sampleVariables(schema, document);
    expect(checkOperationLimits(schema, document, limits, variables, undefined, figures)).toBeNull();
    expect(figures.depth).toBeLessThanOrEqual(limits.maxDepth / 2);
    expect(figures.aliases).toBeLessThanOrEqual(limits.maxAliases / 2);
    expect(figures.rootFields).toBeLessThanOrEqual(limits.maxRootFields / 2);
    expect(figures.cost).toBeLessThanOrEqual(limits.maxCost / 2);
  });
});
