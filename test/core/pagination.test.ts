import { startWithTeam, type TestServer, type TestUser } from '../support/test-server';
import { declareIncident, setIncidentStatus } from '../support/factories';
import { codes, declare, sql } from './core-ops';

const PAGE = `query($first: Int, $after: String, $filter: IncidentFilter) {
  incidents(first: $first, after: $after, filter: $filter) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node { id title severity status declaredAt } }
  }
}`;

const SEVERITIES = ['SEV1', 'SEV2', 'SEV3', 'SEV4'];
const TOTAL = 110;

describe('incidents connection', () => {
  let t: TestServer;
  let alice: TestUser;
  /** Every incident as declared: id, severity and status after the setup. */
  const all: Array<{ id: string; severity: string; status: string }> = [];

  beforeAll(async () => {
    ({ t, alice } = await startWithTeam());
    for (let batch = 0; batch < TOTAL / 10; batch++) {
      const declared = await Promise.all(
        Array.from({ length: 10 }, async (_, i) => {
          const severity = SEVERITIES[(batch * 10 + i) % 4];
          return { id: await declareIncident(t, alice, { title: `Paged ${batch * 10 + i}`, severity }), severity, status: 'INVESTIGATING' };
        }),
      );
      all.push(...declared);
    }
    // Every third incident is mitigated, every fifth resolved.
    await Promise.all(
      all.map(async (incident, i) => {
        const status = i % 5 === 0 ? 'RESOLVED' : i % 3 === 0 ? 'MITIGATED' : null;
        if (!status) return;
        await setIncidentStatus(t, alice, incident.id, status);
        incident.status = status;
      }),
    );
  }, 60_000);
  afterAll(() => t.close());

  const page = async (variables: Record<string, unknown>) => (await t.ok(PAGE, variables, alice.token)).incidents;

  /** Walks every page of a query with `first` per page. */
  async function walk(first: number, filter?: Record<string, unknown>) {
    const nodes: any[] = [];
    let after: string | null = null;
    for (let pages = 0; pages < 100; pages++) {
      const result: any = await page({ first, after, filter });
      nodes.push(...result.edges.map((e: any) => e.node));
      if (!result.pageInfo.hasNextPage) return nodes;
      expect(result.pageInfo.endCursor).toBe(result.edges.at(-1).cursor);
      after = result.pageInfo.endCursor;
    }
    throw new Error('pagination did not end');
  }

  const newestFirst = (nodes: any[]) =>
    [...nodes].sort((a, b) => Date.parse(b.declaredAt) - Date.parse(a.declaredAt) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));

  it('lists newest first', async () => {
    const latest = [];
    for (const title of ['older', 'newer', 'newest']) {
      latest.push(await declare(t, alice, { title }));
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const { edges } = await page({ first: 3 });
    expect(edges.map((e: any) => e.node.title)).toEqual(['newest', 'newer', 'older']);
    all.push(...latest.map((d) => ({ id: d.id, severity: d.severity, status: d.status })));
  });

  it('walks every incident exactly once with cursors, in newest-first order', async () => {
    const nodes = await walk(7);
    expect(nodes).toHaveLength(all.length);
    expect(new Set(nodes.map((n) => n.id))).toEqual(new Set(all.map((i) => i.id)));
    expect(nodes.map((n) => n.id)).toEqual(newestFirst(nodes).map((n) => n.id));
  });

  it('counts every matching incident in totalCount, on every page', async () => {
    const first = await page({ first: 5 });
    expect(first.totalCount).toBe(all.length);
    const second = await page({ first: 5, after: first.pageInfo.endCursor });
    expect(second.totalCount).toBe(all.length);
  });

  it.each([
    [{ status: ['RESOLVED'] }],
    [{ status: ['MITIGATED', 'INVESTIGATING'] }],
    [{ severity: ['SEV1'] }],
    [{ severity: ['SEV2', 'SEV4'], status: ['MITIGATED'] }],
  ])('filters by %j, with totalCount and cursors respecting the filter', async (filter) => {
    const expected = all.filter(
      (i) => (!('status' in filter) || filter.status!.includes(i.status)) && (!('severity' in filter) || (filter as any).severity.includes(i.severity)),
    );
    expect(expected.length).toBeGreaterThan(0);
    const nodes = await walk(4, filter);
    expect(new Set(nodes.map((n) => n.id))).toEqual(new Set(expected.map((i) => i.id)));
    expect(nodes).toHaveLength(expected.length);
    expect((await page({ first: 1, filter })).totalCount).toBe(expected.length);
  });

  it('caps first at 100', async () => {
    const result = await page({ first: 1000 });
    expect(result.edges).toHaveLength(100);
    expect(result.pageInfo.hasNextPage).toBe(true);
    expect(result.totalCount).toBe(all.length);
  });

  it('defaults first to 20', async () => {
    const result = await page({});
    expect(result.edges).toHaveLength(20);
    expect(result.pageInfo.hasNextPage).toBe(true);
  });

  it('reports no next page on the last page', async () => {
    const result = await page({ first: all.length });
    expect(result.edges).toHaveLength(100);
    const rest = await page({ first: 100, after: result.pageInfo.endCursor });
    expect(rest.edges).toHaveLength(all.length - 100);
    expect(rest.pageInfo.hasNextPage).toBe(false);
  });

  // Runs last: it rewrites every declaredAt. PostgreSQL keeps microseconds, JavaScript dates only milliseconds,
  // so rows declared by SQL (imports, now() defaults) share a millisecond and must still page correctly.
  it('pages through incidents declared within the same millisecond, microseconds apart', async () => {
    await sql(t, `UPDATE incidents SET declared_at = timestamptz '2026-01-01 00:00:00.123+00' + (random() * interval '0.0009 seconds')`);
    const nodes = await walk(7);
    expect(new Set(nodes.map((n) => n.id)).size).toBe(all.length);
    expect(nodes).toHaveLength(all.length);
  });

  it('answers BAD_USER_INPUT for a negative first', async () => {
    const result = await t.gql(PAGE, { first: -1 }, alice.token);
    expect(codes(result)).toEqual(['BAD_USER_INPUT']);
    expect(result.errors![0].message).toMatch(/first/);
  });

  it('returns an empty page for first: 0, still counting', async () => {
    const result = await page({ first: 0 });
    expect(result.edges).toEqual([]);
    expect(result.pageInfo.endCursor).toBeNull();
    expect(result.totalCount).toBe(all.length);
  });
});
