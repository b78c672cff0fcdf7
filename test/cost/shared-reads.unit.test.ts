import type { GraphQLRequestContextResponseForOperation, GraphQLRequestContextWillSendResponse, GraphQLRequestListener } from '@apollo/server';
import { buildSchema, parse, type OperationDefinitionNode } from 'graphql';
import type { GraphQLContext } from '../../src/graphql/context';
import { SharedReads } from '../../src/graphql/shared-reads';

const schema = buildSchema(`type Query { board: Int }`);
const BOARD = parse(`{ board }`);

/** One request through the plugin's two hooks, as Apollo calls them. */
async function request(reads: SharedReads, userId = 'u1', role = 'VIEWER') {
  const listener = (await reads.plugin().requestDidStart!({} as never)) as GraphQLRequestListener<GraphQLContext>;
  const context = { caller: { userId, role } } as unknown as GraphQLContext;
  const answer = listener.responseForOperation!({
    operation: BOARD.definitions[0] as OperationDefinitionNode,
    document: BOARD,
    operationName: null,
    request: { variables: {} },
    queryHash: 'board',
    contextValue: context,
  } as unknown as GraphQLRequestContextResponseForOperation<GraphQLContext>);
  return {
    /** The shared answer's data, or 'execute' when this request must run it itself. */
    answer: answer.then((r) => (r && r.body.kind === 'single' ? r.body.singleResult.data : 'execute')),
    /** This request executed and answers `data`. */
    finish: (data: Record<string, unknown>) =>
      listener.willSendResponse!({ response: { body: { kind: 'single', singleResult: { data } } }, errors: undefined } as unknown as GraphQLRequestContextWillSendResponse<GraphQLContext>),
  };
}

describe('SharedReads around an invalidation', () => {
  it('answers those already waiting from the flight in progress, but keeps nothing and lets no newcomer join it', async () => {
    const reads = new SharedReads({
      schema,
      fields: new Map([['Query.board', 'role' as const]]),
      scopeOf: (c) => (c.caller ? { userId: c.caller.userId, scope: c.caller.role } : null),
      options: { maxEntries: 10, maxBytes: 10_000, maxAgeMs: 60_000 },
    });
    const a = await request(reads);
    expect(await a.answer).toBe('execute');
    const b = await request(reads, 'u2');
    reads.invalidate(); // a commit: a's execution may have read the state before it
    const c = await request(reads);
    expect(await c.answer).toBe('execute');
    await a.finish({ board: 1 });
    expect(await b.answer).toEqual({ board: 1 });
    const d = await request(reads);
    await c.finish({ board: 2 });
    expect(await d.answer).toEqual({ board: 2 });
    expect(await (await request(reads)).answer).toEqual({ board: 2 });
    expect(reads.size.entries).toBe(1);
  });

  it('keeps the results of each role apart', async () => {
    const reads = new SharedReads({
      schema,
      fields: new Map([['Query.board', 'role' as const]]),
      scopeOf: (c) => (c.caller ? { userId: c.caller.userId, scope: c.caller.role } : null),
      options: { maxEntries: 10, maxBytes: 10_000, maxAgeMs: 60_000 },
    });
    const viewer = await request(reads, 'v', 'VIEWER');
    expect(await viewer.answer).toBe('execute');
    await viewer.finish({ board: 'for viewers' });
    expect(await (await request(reads, 'a', 'ADMIN')).answer).toBe('execute');
    expect(await (await request(reads, 'w', 'VIEWER')).answer).toEqual({ board: 'for viewers' });
  });
});
