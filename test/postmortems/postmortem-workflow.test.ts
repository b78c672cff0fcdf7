import { declareIncident, declareWithPostmortem } from '../support/factories';
import { codeOf, collect, startWithTeam, type TestServer, type TestUser } from '../support/test-server';
import { ADD_ITEM, GET_POSTMORTEM, SET_POSTMORTEM_STATUS, START_POSTMORTEM, UPDATE_ITEM, UPDATE_POSTMORTEM } from './postmortem-helpers';

describe('postmortems: start, sections, action items, workflow', () => {
  let t: TestServer;
  let alice: TestUser;
  let bob: TestUser;
  let viewer: TestUser;

  beforeAll(async () => ({ t, alice, bob, viewer } = await startWithTeam()));
  afterAll(() => t.close());

  it('starts a postmortem pre-filled from the incident and records POSTMORTEM_STARTED on its timeline', async () => {
    const incidentId = await declareIncident(t, alice, { title: 'Login outage', summary: 'Logins failed for EU users.', trigger: 'USER_REPORT' });
    await t.ok(
      `mutation($id: ID!) { updateIncident(id: $id, input: { userVisibleDowntime: true, sloBreached: true }) { id } }`,
      { id: incidentId },
      alice.token,
    );
    const { startPostmortem: pm } = await t.ok(START_POSTMORTEM, { id: incidentId }, alice.token);
    expect(pm.status).toBe('DRAFT');
    expect(pm.incident).toEqual({ id: incidentId, title: 'Login outage' });
    expect(pm.summary).toBe('Logins failed for EU users.');
    expect(pm.impact).toBe('- Users saw downtime.\n- The service missed its SLO.');
    expect(pm.detection).toMatch(/^A user reported the problem; the incident was declared at \d{4}-\d\d-\d\d \d\d:\d\d UTC\.$/);
    expect(pm.rootCauses).toBeNull();
    expect(pm.lessonsLearned).toEqual({ wentWell: [], wentWrong: [], gotLucky: [] });
    expect(pm.triggers).toEqual(['USER_VISIBLE_DOWNTIME', 'SLO_MISSED']);
    expect(pm.authors).toEqual([{ id: alice.id, name: 'Alice' }]);
    expect(pm.timeline.map((e: { kind: string }) => e.kind)).toEqual(['DECLARED', 'POSTMORTEM_STARTED']);

    const { incident } = await t.ok(
      `query($id: ID!) { incident(id: $id) { postmortem { id } timeline { kind body actor { id } } } }`,
      { id: incidentId },
      viewer.token,
    );
    expect(incident.postmortem).toEqual({ id: pm.id });
    expect(incident.timeline.at(-1)).toEqual({ kind: 'POSTMORTEM_STARTED', body: 'Postmortem started by Alice', actor: { id: alice.id } });
  });

  it('leaves impact empty when the incident has no impact flag, and detection says an alert found it', async () => {
    const incidentId = await declareIncident(t, alice, { trigger: 'AUTOMATED_ALERT' });
    const { startPostmortem: pm } = await t.ok(START_POSTMORTEM, { id: incidentId }, alice.token);
    expect(pm.impact).toBeNull();
    expect(pm.summary).toBeNull();
    expect(pm.detection).toMatch(/^An automated alert detected the problem/);
  });

  it('answers CONFLICT to a second start, and lets exactly one of two racing starts win', async () => {
    const { incidentId } = await declareWithPostmortem(t, alice);
    const again = await t.gql(START_POSTMORTEM, { id: incidentId }, bob.token);
    expect(codeOf(again)).toBe('CONFLICT');

    const racing = await declareIncident(t, alice);
    const results = await Promise.all([t.gql(START_POSTMORTEM, { id: racing }, alice.token), t.gql(START_POSTMORTEM, { id: racing }, bob.token)]);
    expect(results.map((r) => (r.errors ? codeOf(r) : 'OK')).sort()).toEqual(['CONFLICT', 'OK']);
    const { incident } = await t.ok(`query($id: ID!) { incident(id: $id) { timeline { kind } } }`, { id: racing }, alice.token);
    expect(incident.timeline.filter((e: { kind: string }) => e.kind === 'POSTMORTEM_STARTED')).toHaveLength(1);
  });

  it('answers NOT_FOUND for an unknown incident or postmortem and BAD_USER_INPUT for a malformed id', async () => {
    expect(codeOf(await t.gql(START_POSTMORTEM, { id: '00000000-0000-4000-8000-000000000000' }, alice.token))).toBe('NOT_FOUND');
    expect(codeOf(await t.gql(START_POSTMORTEM, { id: 'nope' }, alice.token))).toBe('BAD_USER_INPUT');
    expect(codeOf(await t.gql(UPDATE_POSTMORTEM, { id: '00000000-0000-4000-8000-000000000000', input: { summary: 'x' } }, alice.token))).toBe('NOT_FOUND');
    expect((await t.ok(GET_POSTMORTEM, { id: '00000000-0000-4000-8000-000000000000' }, viewer.token)).postmortem).toBeNull();
  });

  it('changes only the fields given (patch semantics), and null or blank clears a section', async () => {
    const { postmortemId } = await declareWithPostmortem(t, alice, { summary: 'Original summary' });
    await t.ok(UPDATE_POSTMORTEM, { id: postmortemId, input: { rootCauses: 'A race in the scheduler', lessonsLearned: { wentWell: ['Fast rollback'] } } }, alice.token);
    const { updatePostmortem: pm } = await t.ok(
      UPDATE_POSTMORTEM,
      { id: postmortemId, input: { resolution: '  Rolled back v42  ', lessonsLearned: { gotLucky: ['Low traffic'] } } },
      bob.token,
    );
    expect(pm.summary).toBe('Original summary');
    expect(pm.rootCauses).toBe('A race in the scheduler');
    expect(pm.resolution).toBe('Rolled back v42');
    expect(pm.lessonsLearned).toEqual({ wentWell: ['Fast rollback'], wentWrong: [], gotLucky: ['Low traffic'] });
    expect(pm.authors.map((a: { name: string }) => a.name)).toEqual(['Alice', 'Bob']);

    const { updatePostmortem: cleared } = await t.ok(
      UPDATE_POSTMORTEM,
      { id: postmortemId, input: { summary: null, rootCauses: '   ', lessonsLearned: { wentWell: null } } },
      alice.token,
    );
    expect(cleared.summary).toBeNull();
    expect(cleared.rootCauses).toBeNull();
    expect(cleared.resolution).toBe('Rolled back v42');
    expect(cleared.lessonsLearned).toEqual({ wentWell: [], wentWrong: [], gotLucky: ['Low traffic'] });

    const { updatePostmortem: emptied } = await t.ok(UPDATE_POSTMORTEM, { id: postmortemId, input: { lessonsLearned: null } }, alice.token);
    expect(emptied.lessonsLearned).toEqual({ wentWell: [], wentWrong: [], gotLucky: [] });
    expect(emptied.resolution).toBe('Rolled back v42');
  });

  it('enforces length limits with errors that name the limit, and writes nothing', async () => {
    const { postmortemId } = await declareWithPostmortem(t, alice);
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ summary: 'x'.repeat(20_001) }, /summary must be at most 20000 characters/],
      [{ rootCauses: 'x'.repeat(20_001) }, /rootCauses must be at most 20000 characters/],
      [{ lessonsLearned: { wentWell: Array.from({ length: 51 }, (_, i) => `lesson ${i}`) } }, /wentWell may hold at most 50 entries/],
      [{ lessonsLearned: { gotLucky: ['y'.repeat(2_001)] } }, /gotLucky entry must be at most 2000 characters/],
      [{ lessonsLearned: { wentWrong: ['fine', '  '] } }, /wentWrong entries must not be blank/],
    ];
    for (const [input, message] of cases) {
      const result = await t.gql(UPDATE_POSTMORTEM, { id: postmortemId, input: { resolution: 'should not be saved', ...input } }, alice.token);
      expect(codeOf(result)).toBe('BAD_USER_INPUT');
      expect(result.errors![0].message).toMatch(message);
    }
    expect((await t.ok(GET_POSTMORTEM, { id: postmortemId }, alice.token)).postmortem.resolution).toBeNull();
  });

  it('adds action items with owner, due date and tracking URL, and validates them', async () => {
    const { postmortemId } = await declareWithPostmortem(t, alice);
    const { addActionItem: item } = await t.ok(
      ADD_ITEM,
      {
        id: postmortemId,
        input: { title: ' Add a canary stage ', kind: 'PREVENT', priority: 'P1', ownerId: bob.id, dueDate: '2026-12-31T00:00:00.000Z', trackingUrl: 'https://tracker.example/T-1' },
      },
      alice.token,
    );
    expect(item).toMatchObject({ title: 'Add a canary stage', kind: 'PREVENT', priority: 'P1', status: 'OPEN', owner: { id: bob.id, name: 'Bob' } });
    expect(item.dueDate).toBe('2026-12-31T00:00:00.000Z');
    expect(item.trackingUrl).toBe('https://tracker.example/T-1');

    const base = { title: 'Alert on queue depth', kind: 'DETECT', priority: 'P2' };
    const bad: Array<[Record<string, unknown>, string, RegExp]> = [
      [{ trackingUrl: 'ftp://tracker.example/T-2' }, 'BAD_USER_INPUT', /trackingUrl must use http or https, not ftp/],
      [{ trackingUrl: 'javascript:alert(1)' }, 'BAD_USER_INPUT', /trackingUrl must use http or https/],
      [{ trackingUrl: 'tracker/T-2' }, 'BAD_USER_INPUT', /trackingUrl must be an absolute http or https URL/],
      [{ ownerId: '00000000-0000-4000-8000-000000000000' }, 'NOT_FOUND', /user 00000000-0000-4000-8000-000000000000 not found/],
      [{ ownerId: 'bob' }, 'BAD_USER_INPUT', /ownerId must be a UUID/],
      [{ title: '   ' }, 'BAD_USER_INPUT', /title must not be blank/],
      [{ title: 't'.repeat(301) }, 'BAD_USER_INPUT', /title must be at most 300 characters/],
    ];
    for (const [input, code, message] of bad) {
      const result = await t.gql(ADD_ITEM, { id: postmortemId, input: { ...base, ...input } }, alice.token);
      expect({ code: codeOf(result), message: result.errors?.[0].message }).toEqual({ code, message: expect.stringMatching(message) });
    }
    const { postmortem } = await t.ok(GET_POSTMORTEM, { id: postmortemId }, viewer.token);
    expect(postmortem.actionItems.map((a: { id: string }) => a.id)).toEqual([item.id]);
  });

  it('updates action items with patch semantics; null clears owner, due date and tracking URL', async () => {
    const { postmortemId } = await declareWithPostmortem(t, alice);
    const { addActionItem: item } = await t.ok(
      ADD_ITEM,
      { id: postmortemId, input: { title: 'Fix retries', kind: 'MITIGATE', priority: 'P0', ownerId: alice.id, dueDate: '2026-12-01T00:00:00.000Z', trackingUrl: 'http://t.example/1' } },
      alice.token,
    );
    const { updateActionItem: moved } = await t.ok(UPDATE_ITEM, { id: item.id, input: { status: 'IN_PROGRESS' } }, bob.token);
    expect(moved).toEqual({ ...item, status: 'IN_PROGRESS' });
    const { updateActionItem: cleared } = await t.ok(
      UPDATE_ITEM,
      { id: item.id, input: { ownerId: null, dueDate: null, trackingUrl: null, title: null, priority: 'P3' } },
      bob.token,
    );
    expect(cleared).toEqual({ ...item, status: 'IN_PROGRESS', priority: 'P3', owner: null, dueDate: null, trackingUrl: null });
    expect(codeOf(await t.gql(UPDATE_ITEM, { id: item.id, input: { trackingUrl: 'file:///etc/passwd' } }, bob.token))).toBe('BAD_USER_INPUT');
    expect(codeOf(await t.gql(UPDATE_ITEM, { id: '00000000-0000-4000-8000-000000000000', input: { status: 'DONE' } }, bob.token))).toBe('NOT_FOUND');
  });

  it('moves DRAFT → IN_REVIEW → DRAFT and refuses to skip review or to stand still', async () => {
    const { postmortemId } = await declareWithPostmortem(t, alice);
    const skip = await t.gql(SET_POSTMORTEM_STATUS, { id: postmortemId, status: 'PUBLISHED' }, alice.token);
    expect(codeOf(skip)).toBe('BAD_USER_INPUT');
    expect(skip.errors![0].message).toBe('a DRAFT postmortem can move to IN_REVIEW, not PUBLISHED');
    expect(codeOf(await t.gql(SET_POSTMORTEM_STATUS, { id: postmortemId, status: 'DRAFT' }, alice.token))).toBe('BAD_USER_INPUT');
    expect((await t.ok(SET_POSTMORTEM_STATUS, { id: postmortemId, status: 'IN_REVIEW' }, alice.token)).setPostmortemStatus.status).toBe('IN_REVIEW');
    expect((await t.ok(SET_POSTMORTEM_STATUS, { id: postmortemId, status: 'DRAFT' }, bob.token)).setPostmortemStatus.status).toBe('DRAFT');
  });

  it('gates publishing on the checklist, listing the open items, then publishes and freezes the sections', async () => {
    const { incidentId, postmortemId } = await declareWithPostmortem(t, alice);
    await t.ok(UPDATE_POSTMORTEM, { id: postmortemId, input: { summary: 'Checkout failed for 20 minutes.' } }, alice.token);
    await t.ok(SET_POSTMORTEM_STATUS, { id: postmortemId, status: 'IN_REVIEW' }, alice.token);

    const refused = await t.gql(SET_POSTMORTEM_STATUS, { id: postmortemId, status: 'PUBLISHED' }, alice.token);
    expect(codeOf(refused)).toBe('BAD_USER_INPUT');
    const openKeys = ['impact', 'root-causes', 'prevent-action-item', 'lessons-learned', 'timeline'];
    expect((refused.errors![0].extensions!.openChecklistItems as Array<{ key: string }>).map((i) => i.key)).toEqual(openKeys);
    expect(refused.errors![0].message).toBe(
      'the postmortem cannot be published while checklist items are open: Impact written; Root causes written; ' +
        'At least one PREVENT action item; Every lessons-learned list filled (what went well, what went wrong, where we got lucky); ' +
        'The timeline holds more than the declaration',
    );
    const { postmortem: before } = await t.ok(GET_POSTMORTEM, { id: postmortemId }, viewer.token);
    expect(before.status).toBe('IN_REVIEW');
    expect(before.checklist.filter((i: { done: boolean }) => !i.done).map((i: { key: string }) => i.key)).toEqual(openKeys);

    await t.ok(
      UPDATE_POSTMORTEM,
      { id: postmortemId, input: { impact: 'Checkout down', rootCauses: 'Pool exhaustion', lessonsLearned: { wentWell: ['a'], wentWrong: ['b'], gotLucky: ['c'] } } },
      alice.token,
    );
    const { addActionItem: unowned } = await t.ok(ADD_ITEM, { id: postmortemId, input: { title: 'Cap the pool', kind: 'PREVENT', priority: 'P1' } }, alice.token);
    await t.ok(
      `mutation($id: ID!) { addTimelineEvent(incidentId: $id, kind: ROLLBACK, body: "Rolled back to v41") { id } }`,
      { id: incidentId },
      alice.token,
    );
    const stillOpen = await t.gql(SET_POSTMORTEM_STATUS, { id: postmortemId, status: 'PUBLISHED' }, alice.token);
    expect((stillOpen.errors![0].extensions!.openChecklistItems as Array<{ key: string }>).map((i) => i.key)).toEqual(['action-item-owners']);

    await t.ok(UPDATE_ITEM, { id: unowned.id, input: { ownerId: bob.id } }, alice.token);
    const { setPostmortemStatus: published } = await t.ok(SET_POSTMORTEM_STATUS, { id: postmortemId, status: 'PUBLISHED' }, alice.token);
    expect(published.status).toBe('PUBLISHED');
    expect(published.publishedAt).not.toBeNull();
    expect(published.checklist.every((i: { done: boolean }) => i.done)).toBe(true);

    const frozen = await t.gql(UPDATE_POSTMORTEM, { id: postmortemId, input: { summary: 'rewritten' } }, alice.token);
    expect(codeOf(frozen)).toBe('CONFLICT');
    expect(frozen.errors![0].message).toMatch(/published: its sections are frozen/);
    expect(codeOf(await t.gql(SET_POSTMORTEM_STATUS, { id: postmortemId, status: 'DRAFT' }, alice.token))).toBe('CONFLICT');
    expect((await t.ok(GET_POSTMORTEM, { id: postmortemId }, viewer.token)).postmortem.summary).toBe('Checkout failed for 20 minutes.');

    // The work outlives the document: action items stay editable.
    await t.ok(UPDATE_ITEM, { id: unowned.id, input: { status: 'DONE' } }, bob.token);
    await t.ok(ADD_ITEM, { id: postmortemId, input: { title: 'Load test the pool', kind: 'DETECT', priority: 'P2', ownerId: bob.id } }, bob.token);
    const { postmortem: after } = await t.ok(GET_POSTMORTEM, { id: postmortemId }, viewer.token);
    expect(after.actionItems.map((a: { title: string; status: string }) => [a.title, a.status])).toEqual([
      ['Cap the pool', 'DONE'],
      ['Load test the pool', 'OPEN'],
    ]);
  });

  it('delivers postmortemUpdated to a subscriber for section, status and action item changes', async () => {
    const { postmortemId } = await declareWithPostmortem(t, alice);
    const { postmortemId: otherId } = await declareWithPostmortem(t, alice);
    const sub = collect(
      t.wsClient(viewer.token),
      `subscription($id: ID!) { postmortemUpdated(id: $id) { id summary status actionItems { title } } }`,
      { id: postmortemId },
    );
    await sub.settle();
    await t.ok(UPDATE_POSTMORTEM, { id: otherId, input: { summary: 'not this one' } }, alice.token);
    await t.ok(UPDATE_POSTMORTEM, { id: postmortemId, input: { summary: 'First draft' } }, alice.token);
    await t.ok(SET_POSTMORTEM_STATUS, { id: postmortemId, status: 'IN_REVIEW' }, alice.token);
    await t.ok(ADD_ITEM, { id: postmortemId, input: { title: 'Add alert', kind: 'DETECT', priority: 'P2' } }, bob.token);
    const events = await sub.next(3);
    expect(events.map((e) => e.data!.postmortemUpdated)).toEqual([
      { id: postmortemId, summary: 'First draft', status: 'DRAFT', actionItems: [] },
      { id: postmortemId, summary: 'First draft', status: 'IN_REVIEW', actionItems: [] },
      { id: postmortemId, summary: 'First draft', status: 'IN_REVIEW', actionItems: [{ title: 'Add alert' }] },
    ]);
    await sub.settle();
    expect(sub.values).toHaveLength(3);
  });

  it('delivers postmortemUpdated once per change of its incident\'s timeline or fields, with the new timeline, triggers and markdown', async () => {
    const { incidentId, postmortemId } = await declareWithPostmortem(t, alice, { title: 'Queue stall' });
    const other = await declareIncident(t, alice);
    const sub = collect(
      t.wsClient(viewer.token),
      `subscription($id: ID!) { postmortemUpdated(id: $id) { id triggers markdown timeline { kind body } } }`,
      { id: postmortemId },
    );
    await sub.settle();
    const note = `mutation($id: ID!, $body: String!) { addTimelineEvent(incidentId: $id, kind: NOTE, body: $body) { id } }`;
    await t.ok(note, { id: other, body: 'not this incident' }, alice.token);
    await t.ok(note, { id: incidentId, body: 'Drained the stuck consumer' }, alice.token);
    const [noted] = await sub.next(1);
    expect(noted.data!.postmortemUpdated.id).toBe(postmortemId);
    expect(noted.data!.postmortemUpdated.timeline).toContainEqual({ kind: 'NOTE', body: 'Drained the stuck consumer' });
    expect(noted.data!.postmortemUpdated.markdown).toContain('Drained the stuck consumer');

    await t.ok(`mutation($id: ID!) { updateIncident(id: $id, input: { dataLoss: true }) { id } }`, { id: incidentId }, alice.token);
    const [flagged] = (await sub.next(2)).slice(1);
    expect(flagged.data!.postmortemUpdated.triggers).toContain('DATA_LOSS');
    // The postmortem's own status change touches the incident too; it still arrives once.
    await t.ok(SET_POSTMORTEM_STATUS, { id: postmortemId, status: 'IN_REVIEW' }, alice.token);
    await sub.next(3);
    await sub.settle(300);
    expect(sub.values).toHaveLength(3);
  });

  it('refuses a postmortemUpdated subscription to an unknown postmortem with NOT_FOUND', async () => {
    const sub = collect(t.wsClient(viewer.token), `subscription($id: ID!) { postmortemUpdated(id: $id) { id } }`, {
      id: '00000000-0000-4000-8000-000000000000',
    });
    const [result] = await sub.next(1);
    expect(result.errors![0]).toMatchObject({ message: 'postmortem 00000000-0000-4000-8000-000000000000 not found', extensions: { code: 'NOT_FOUND' } });
  });
});
