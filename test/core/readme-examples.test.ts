import fs from 'node:fs';
import path from 'node:path';
import { buildSchema, isEnumType, isInputObjectType, parse, validate, type GraphQLNamedType, type GraphQLSchema } from 'graphql';
import { MANUAL_TIMELINE_KINDS } from '../../src/incidents/timeline/timeline-event-kind.enum';
import { ADMIN_EMAIL, ADMIN_PASSWORD, collect, startTestServer, type TestServer } from '../support/test-server';

const ROOT = path.resolve(__dirname, '../..');
const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const schema = buildSchema(fs.readFileSync(path.join(ROOT, 'schema/schema.graphql'), 'utf8'));

/** Every operation in the README's ```graphql blocks, in order: one per line, or one per multi-line block part. */
function examples(): string[] {
  const blocks = [...readme.matchAll(/```graphql\n([\s\S]*?)```/g)].map((m) => m[1]);
  const operations: string[] = [];
  for (const block of blocks) {
    // A block holds one-line operations and multi-line ones whose inner lines are indented.
    const parts = block.split(/\n(?=(?:query|mutation|subscription)\b|\{)/).map((p) => p.trim()).filter(Boolean);
    operations.push(...parts);
  }
  return operations;
}

/** `"<incident id>"` and the like: values from earlier steps of the walkthrough. */
const PLACEHOLDER = /"<([a-z ]+)>"/g;

/** Which earlier result fills which placeholder. */
const CAPTURES: Record<string, (data: any) => [string, string]> = {
  createUser: (d) => ['user id', d.createUser.id],
  declareIncident: (d) => ['incident id', d.declareIncident.id],
  createApiToken: (d) => ['api token id', d.createApiToken.apiToken.id],
  startPostmortem: (d) => ['postmortem id', d.startPostmortem.id],
  addActionItem: (d) => ['action item id', d.addActionItem.id],
  createWebhookEndpoint: (d) => ['webhook endpoint id', d.createWebhookEndpoint.endpoint.id],
};

/** The enums an argument or input field takes, i.e. the values people type. */
function typedEnums(s: GraphQLSchema): Map<string, string[]> {
  const found = new Map<string, string[]>();
  const visit = (type: GraphQLNamedType, seen = new Set<string>()) => {
    if (seen.has(type.name)) return;
    seen.add(type.name);
    if (isEnumType(type)) found.set(type.name, type.getValues().map((v) => v.name));
    if (isInputObjectType(type)) for (const field of Object.values(type.getFields())) visit(namedType(field.type), seen);
  };
  const namedType = (t: any): GraphQLNamedType => (t.ofType ? namedType(t.ofType) : t);
  for (const root of [s.getQueryType(), s.getMutationType(), s.getSubscriptionType()]) {
    for (const field of Object.values(root?.getFields() ?? {})) for (const arg of field.args) visit(namedType(arg.type));
  }
  return found;
}

/** The "Values you type" table: enum name → the values in its row. */
function valuesTable(): Map<string, string[]> {
  const section = readme.slice(readme.indexOf('### Values you type'));
  const rows = new Map<string, string[]>();
  for (const line of section.split('\n').slice(1)) {
    if (line.startsWith('#')) break;
    const cells = line.split('|').map((c) => c.trim());
    const name = /^`(\w+)`$/.exec(cells[1] ?? '')?.[1];
    if (name) rows.set(name, [...cells[2].matchAll(/`(\w+)`/g)].map((m) => m[1]));
  }
  return rows;
}

describe('the README', () => {
  const operations = examples();

  it('has GraphQL examples to check', () => {
    expect(operations.length).toBeGreaterThan(20);
  });

  it.each(operations.map((op) => [op.split('\n')[0].slice(0, 80), op]))('example is valid against the schema: %s', (_title, op) => {
    const errors = validate(schema, parse(op.replace(PLACEHOLDER, '"00000000-0000-4000-8000-000000000000"')));
    expect(errors.map((e) => e.message)).toEqual([]);
  });

  it('lists every enum value people type, as the schema has them', () => {
    const table = valuesTable();
    const expected = typedEnums(schema);
    expect([...table.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [name, values] of expected) {
      // Only some timeline kinds are typed by people; the rest are Sitrep's own records.
      const typed = name === 'TimelineEventKind' ? values.filter((v) => MANUAL_TIMELINE_KINDS.has(v as never)) : values;
      expect({ name, values: [...table.get(name)!].sort() }).toEqual({ name, values: [...typed].sort() });
    }
  });

  describe('walkthrough, run in order against a live server', () => {
    let t: TestServer;
    beforeAll(async () => {
      t = await startTestServer();
    });
    afterAll(async () => {
      await t.close();
    });

    it('runs every GraphQL example in order without an error', async () => {
      const values = new Map<string, string>([['password', ADMIN_PASSWORD]]);
      let token: string | undefined;
      const subscriptions: Array<{ op: string; sub: ReturnType<typeof collect> }> = [];
      for (const example of operations) {
        if (/\b\w*[iI]d: "…"/.test(example)) {
          throw new Error(`an id in a README example is "…"; write a placeholder from an earlier step, such as "<incident id>":\n${example}`);
        }
        // The README's first admin is the default one; the test server's has its own address.
        const op = example.replaceAll('admin@sitrep.local', ADMIN_EMAIL).replace(PLACEHOLDER, (_m, name: string) => {
          const value = values.get(name);
          if (value === undefined) throw new Error(`"<${name}>" in the README has no earlier step that gives it (known: ${[...values.keys()].join(', ')}):\n${example}`);
          return JSON.stringify(value);
        });
        if (op.startsWith('subscription')) {
          // Kept open: the later steps are what a dashboard would see.
          const sub = collect(t.wsClient(token), op);
          subscriptions.push({ op, sub });
          await sub.settle(300);
          continue;
        }
        const result = await t.gql(op, undefined, token);
        if (result.errors?.length) throw new Error(`README example failed:\n${op}\n→ ${JSON.stringify(result.errors)}`);
        if (result.data?.login) token = result.data.login.token;
        for (const [field, capture] of Object.entries(CAPTURES)) {
          if (result.data?.[field]) values.set(...capture(result.data));
        }
      }
      for (const { op, sub } of subscriptions) {
        if (sub.error) throw new Error(`README subscription failed:\n${op}\n→ ${JSON.stringify(sub.error)}`);
        expect({ op, delivered: (await sub.next(1)).length }).toEqual({ op, delivered: 1 });
        expect(sub.values.filter((v) => v.errors)).toEqual([]);
      }
      expect(values.has('postmortem id')).toBe(true);
    });
  });
});
