import type { ExecutionArgs, GraphQLError } from 'graphql';
import type { WebSocket } from 'ws';
import { loadConfig } from '../../src/config/config';
import { extraValidationRules, validateWith } from '../../src/graphql/validation-rules';
import { Metrics } from '../../src/observability/metrics';
import { GraphqlWsOperations } from '../../src/server/graphql-ws-operations';
import { buildSitrepSchema } from '../../src/server/schema';

/**
 * graphql-ws operations remember the documents they admitted by their text (shared by every subscriber
 * of the same page, in memory and in the shared executor's grouping); the memory is bounded, and a
 * remembered document is judged like a new one: limits per variables, then validation.
 */
describe('documents admitted over graphql-ws', () => {
  let operations: GraphqlWsOperations;
  const socket = {} as WebSocket; // queries take no subscription slot
  const limits = { ...loadConfig({}).operationLimits, maxCost: 2_000 };

  beforeAll(async () => {
    const schema = await buildSitrepSchema();
    operations = new GraphqlWsOperations({
      schema,
      config: { operationLimits: limits, subscriptionLimits: loadConfig({}).subscriptionLimits },
      validate: validateWith(extraValidationRules({ introspection: false })),
      format: (e: GraphQLError) => e.toJSON(),
      metrics: new Metrics(),
    });
  });

  const admit = (query: string, variables?: Record<string, unknown>) => operations.admit(socket, 'user', '1', { query, variables });
  const documentOf = (query: string) => (admit(query) as ExecutionArgs).document;

  it('hands out one document object for one text, forgets the oldest past 500 texts, and never keeps a text over 16 KiB', () => {
    const first = '{ me { id } }';
    expect(documentOf(first)).toBe(documentOf(first));
    const remembered = documentOf(first);
    for (let i = 0; i < 500; i++) documentOf(`{ me { id } a${i}: me { id } }`);
    expect(documentOf(first)).not.toBe(remembered);
    const long = `{ me { id } ${' '.repeat(16_384)}}`;
    expect(documentOf(long)).not.toBe(documentOf(long));
  });

  it('judges a remembered document by its variables each time: within the cost with first 5, refused with 100', () => {
    const query = `query($n: Int) { incidents(first: $n) { edges { node { timeline { actor { name } } postmortem { incident { timeline { actor { name } } } } } } } }`;
    for (let i = 0; i < 2; i++) {
      expect(Array.isArray(admit(query, { n: 5 }))).toBe(false);
      const refused = admit(query, { n: 100 }) as readonly GraphQLError[];
      expect(refused[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', limit: { name: 'maxCost', max: 2_000 } });
    }
  });

  it('refuses an invalid document each time it comes, and an over-limit one before validating it', () => {
    for (let i = 0; i < 2; i++) {
      expect((admit('{ nope }') as readonly GraphQLError[])[0].message).toMatch(/Cannot query field "nope"/);
      const deep = `{ incidents(first: 1) { edges { node { ${'previousIncident { '.repeat(30)}nope${' }'.repeat(30)} } } } }`;
      expect((admit(deep) as readonly GraphQLError[])[0].extensions).toMatchObject({ limit: { name: 'maxDepth' } });
    }
  });
});
