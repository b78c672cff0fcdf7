import { declareIncident } from '../support/factories';
import { startWithTeam, type TestServer, type TestUser } from '../support/test-server';
import { ADD_ITEM, START_POSTMORTEM, UPDATE_POSTMORTEM } from './postmortem-helpers';

const MARKDOWN = `query($id: ID!) { postmortem(id: $id) { markdown timeline { kind } incident { id declaredAt } } }`;

/** Cells of a GitHub-flavoured Markdown table row: split on pipes that are not escaped. */
function cells(row: string): string[] {
  return row.replace(/^\|\s*/, '').replace(/\s*\|$/, '').split(/\s*(?<!\\)\|\s*/);
}

describe('postmortem Markdown', () => {
  let t: TestServer;
  let alice: TestUser;
  let bob: TestUser;
  let postmortemId: string;
  let incidentId: string;

  beforeAll(async () => {
    ({ t, alice, bob } = await startWithTeam());
    incidentId = await declareIncident(t, alice, { title: 'Checkout | payments 500s', severity: 'SEV1', summary: 'Payments failed.' });
    await t.ok(
      `mutation($id: ID!, $at: DateTime) { addTimelineEvent(incidentId: $id, kind: ROLLBACK, body: "Rolled back to v41", occurredAt: $at) { id } }`,
      { id: incidentId, at: new Date(Date.now() + 1000).toISOString() },
      bob.token,
    );
    await t.ok(`mutation($id: ID!) { setIncidentStatus(id: $id, status: RESOLVED, note: "Error rate normal") { id } }`, { id: incidentId }, alice.token);
    const { startPostmortem } = await t.ok(START_POSTMORTEM, { id: incidentId }, alice.token);
    postmortemId = startPostmortem.id;
    await t.ok(
      UPDATE_POSTMORTEM,
      {
        id: postmortemId,
        input: {
          impact: 'All card payments failed for 12 minutes.',
          rootCauses: 'A connection pool limit of 10 under a retry storm.',
          trigger: 'Release v42 doubled the retry rate.',
          resolution: 'Rolled back to v41.',
          lessonsLearned: { wentWell: ['Rollback was fast\nand safe'], wentWrong: ['No canary'], gotLucky: ['Low traffic at night'] },
        },
      },
      bob.token,
    );
    await t.ok(
      ADD_ITEM,
      {
        id: postmortemId,
        input: {
          title: 'Fix retries | backoff\nand jitter',
          kind: 'PREVENT',
          priority: 'P0',
          ownerId: alice.id,
          trackingUrl: 'https://tracker.example/T-1?q=a|b',
        },
      },
      alice.token,
    );
    await t.ok(ADD_ITEM, { id: postmortemId, input: { title: 'Page on pool <saturation> & waits', kind: 'DETECT', priority: 'P2' } }, alice.token);
  });
  afterAll(() => t.close());

  it('has the title, date, authors and status of the SRE book example, and the sections in its order', async () => {
    const { postmortem } = await t.ok(MARKDOWN, { id: postmortemId }, bob.token);
    const lines: string[] = postmortem.markdown.split('\n');
    expect(lines[0]).toBe(`# Checkout | payments 500s Postmortem (incident #${incidentId.slice(0, 8)})`);
    expect(lines).toContain(`**Date**: ${postmortem.incident.declaredAt.slice(0, 10)}  `);
    expect(lines).toContain('**Authors**: Alice, Bob  ');
    expect(lines).toContain('**Status**: Draft, action items in progress (0 of 2 done)  ');
    expect(lines).toContain('**Why a postmortem is owed**: on-call intervention (rollback or traffic reroute)');
    expect(lines.filter((l) => l.startsWith('#')).slice(1)).toEqual([
      '## Summary',
      '## Impact',
      '## Root Causes',
      '## Trigger',
      '## Resolution',
      '## Detection',
      '## Action Items',
      '## Lessons Learned',
      '### What went well',
      '### What went wrong',
      '### Where we got lucky',
      '## Timeline (UTC)',
      '## Supporting information',
      // Every incident has a live document, seeded at declaration; quoted as the resolution left it, with its versions linked.
      '### Live incident document (as at resolution)',
      '### Document history',
    ]);
    const after = (heading: string) => lines[lines.indexOf(heading) + 2];
    expect(after('## Summary')).toBe('Payments failed.');
    expect(after('## Root Causes')).toBe('A connection pool limit of 10 under a retry storm.');
    expect(after('## Detection')).toMatch(/^A user reported the problem/);
    expect(postmortem.markdown).toContain('### What went well\n\n- Rollback was fast\n  and safe\n');
  });

  it('renders the action items as a six-column table whose cells escape pipes, newlines and HTML', async () => {
    const { postmortem } = await t.ok(MARKDOWN, { id: postmortemId }, bob.token);
    const lines: string[] = postmortem.markdown.split('\n');
    const header = lines.indexOf('| Action Item | Type | Owner | Priority | Status | Tracking |');
    expect(header).toBeGreaterThan(lines.indexOf('## Action Items'));
    expect(lines[header + 1]).toBe('| --- | --- | --- | --- | --- | --- |');
    const rows = [lines[header + 2], lines[header + 3]].map(cells);
    expect(lines[header + 4]).toBe('');
    expect(rows).toEqual([
      ['Fix retries \\| backoff<br>and jitter', 'prevent', 'Alice', 'P0', 'OPEN', '<https://tracker.example/T-1?q=a\\|b>'],
      ['Page on pool &lt;saturation&gt; &amp; waits', 'detect', '—', 'P2', 'OPEN', '—'],
    ]);
  });

  it('lists the timeline oldest first with UTC times, and supporting information about the incident', async () => {
    const { postmortem } = await t.ok(MARKDOWN, { id: postmortemId }, bob.token);
    const md: string = postmortem.markdown;
    const timeline = md.slice(md.indexOf('## Timeline (UTC)'), md.indexOf('## Supporting information')).split('\n').filter((l) => l.startsWith('- '));
    expect(timeline.map((l) => /^- \*\*\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\*\* ([A-Z_]+): /.exec(l)?.[1])).toEqual(
      postmortem.timeline.map((e: { kind: string }) => e.kind),
    );
    expect(timeline).toContainEqual(expect.stringMatching(/ ROLLBACK: Rolled back to v41 \(Bob\)$/));
    const supporting = md.slice(md.indexOf('## Supporting information'));
    expect(supporting).toContain(`- Incident #${incidentId.slice(0, 8)}: Checkout | payments 500s (SEV1, RESOLVED)`);
    expect(supporting).toContain('- Incident commander: Alice');
    expect(supporting).toMatch(/- Resolved: \d{4}-\d\d-\d\d \d\d:\d\d:\d\d/);
  });

  it('includes the live incident document, quoted, when there is one, and leaves it out when there is none', async () => {
    // Stand-ins for the collaboration server's documents, which services.ts wires as the document text source.
    const original = t.server.services.documentText;
    const supporting = async () => {
      const { postmortem } = await t.ok(MARKDOWN, { id: postmortemId }, bob.token);
      return postmortem.markdown.slice(postmortem.markdown.indexOf('## Supporting information')) as string;
    };
    try {
      t.server.services.documentText = { markdown: async (id) => (id === incidentId ? '# Live state\n\nPool at 10/10' : null), versions: async () => [] };
      expect(await supporting()).toContain('### Live incident document (as at resolution)\n\n> # Live state\n>\n> Pool at 10/10\n');
      t.server.services.documentText = { markdown: async () => null, versions: async () => [] };
      expect(await supporting()).not.toContain('Live incident document');
    } finally {
      t.server.services.documentText = original;
    }
  });

  it('says which sections are not written yet', async () => {
    const id = await declareIncident(t, alice, { title: 'Empty one' });
    const { startPostmortem } = await t.ok(`mutation($id: ID!) { startPostmortem(incidentId: $id) { markdown } }`, { id }, alice.token);
    expect(startPostmortem.markdown).toContain('## Root Causes\n\n_Not written yet._\n');
    expect(startPostmortem.markdown).toContain('## Action Items\n\n_None recorded._\n');
    expect(startPostmortem.markdown).toContain('**Status**: Draft, no action items');
  });
});
