import { createUser, declareWithPostmortem } from '../support/factories';
import { startTestServer, type TestServer, type TestUser } from '../support/test-server';
import { ADD_ITEM, SET_POSTMORTEM_STATUS, UPDATE_POSTMORTEM } from './postmortem-helpers';

/** Sentences that name a known person together with blame language. */
const BLAMING = [
  'Alice Chen caused the outage by pushing an untested config.',
  'Bob should have checked the dashboard before deploying.',
  "It was Carol's fault that the migration ran twice.",
  'The rollback failed because dave@example.test failed to follow the runbook.',
  'Alice made a careless mistake in the load balancer settings.',
  "The outage was caused by Bob Martin's change.",
  'Carol was negligent in reviewing the pull request.',
  '@bmartin forgot to renew the certificate.',
  "Dave's config push broke checkout for every user.",
  'Will Grant ignored the pager for forty minutes.',
];

/** Blameless prose: no person, or a person who is not blamed. */
const BLAMELESS = [
  'The deploy caused a spike in 500s.',
  'A bad config push caused the outage.',
  'Alice Chen rolled back the release at 14:05 UTC.',
  'Bob noticed that the job failed to start and paged the database team.',
  'The cache should have expired after five minutes, but it did not.',
  'Carol found the fault in the disk controller.',
  'The monitoring failed to detect the error rate, so Alice added an alert.',
  'Dave fixed a mistake in the parser.',
  'The root cause was a race condition in the scheduler.',
  'Alice and Bob restored service by rerouting traffic to the secondary region.',
  'We got lucky that Carol was already online when the alert fired.',
  'The migration broke the index, and dave@example.test rebuilt it.',
  "Bob's alert caught the regression before customers noticed.",
  // "Ann" is a user; word boundaries keep her out of "Annotations".
  'Annotations should have been added to the dashboard.',
  // "will" is only Will Grant when capitalised as a name.
  'The retry storm will cause failures if the client library times out.',
  'The administrator account failed to rotate its keys.',
  'We will add a check so that a careless config push cannot reach production.',
];

const FINDINGS = `query($id: ID!) { postmortem(id: $id) { findings { section excerpt reason } } }`;

describe('blameless findings', () => {
  let t: TestServer;
  let writer: TestUser;

  beforeAll(async () => {
    t = await startTestServer();
    writer = await t.createUser('RESPONDER', 'Wren');
    await createUser(t, 'RESPONDER', { name: 'Alice Chen', email: 'alice.chen@example.test' });
    await createUser(t, 'RESPONDER', { name: 'Bob Martin', email: 'bmartin@example.test' });
    await createUser(t, 'RESPONDER', { name: 'Carol Diaz', email: 'carol@example.test' });
    await createUser(t, 'RESPONDER', { name: 'Dave Okafor', email: 'dave@example.test' });
    await createUser(t, 'VIEWER', { name: 'Ann Lee', email: 'ann@example.test' });
    await createUser(t, 'RESPONDER', { name: 'Will Grant', email: 'wgrant@example.test' });
  });
  afterAll(() => t.close());

  /** A new incident's postmortem, with `input` written through updatePostmortem as the writer; returns its id. */
  const writePostmortem = async (input: Record<string, unknown>): Promise<string> => {
    const { postmortemId } = await declareWithPostmortem(t, writer);
    await t.ok(UPDATE_POSTMORTEM, { id: postmortemId, input }, writer.token);
    return postmortemId;
  };

  it('flags every sentence that names a known person with blame language, in the section it is in', async () => {
    const postmortemId = await writePostmortem({
      summary: BLAMING.slice(0, 3).join(' '),
      rootCauses: BLAMING.slice(3, 6).join('\n'),
      resolution: BLAMING[6],
      lessonsLearned: { wentWrong: [BLAMING[7], BLAMING[8]], wentWell: ['Paging worked.'], gotLucky: [BLAMING[9]] },
    });
    const { postmortem } = await t.ok(FINDINGS, { id: postmortemId }, writer.token);
    expect(postmortem.findings.map((f: { section: string; excerpt: string }) => [f.section, f.excerpt])).toEqual([
      ['SUMMARY', BLAMING[0]],
      ['SUMMARY', BLAMING[1]],
      ['SUMMARY', BLAMING[2]],
      ['ROOT_CAUSES', BLAMING[3]],
      ['ROOT_CAUSES', BLAMING[4]],
      ['ROOT_CAUSES', BLAMING[5]],
      ['RESOLUTION', BLAMING[6]],
      ['WENT_WRONG', BLAMING[7]],
      ['WENT_WRONG', BLAMING[8]],
      ['GOT_LUCKY', BLAMING[9]],
    ]);
    expect(postmortem.findings[0].reason).toBe(
      'names Alice Chen together with blame language ("caused"); describe what happened to the system and the process instead',
    );
    expect(postmortem.findings[1].reason).toMatch(/^names Bob Martin together with blame language \("should have"\)/);
    expect(postmortem.findings[3].reason).toMatch(/^names Dave Okafor .*"failed to"/);
    expect(postmortem.findings[7].reason).toMatch(/^names Bob Martin .*"forgot to"/);
  });

  it('finds nothing in blameless prose, even where it names people or uses words like "caused"', async () => {
    const postmortemId = await writePostmortem({
      summary: BLAMELESS.slice(0, 6).join(' '),
      rootCauses: BLAMELESS.slice(6, 12).join('\n'),
      trigger: BLAMELESS[12],
      lessonsLearned: { wentWell: [BLAMELESS[13]], wentWrong: [BLAMELESS[14], BLAMELESS[15]], gotLucky: [BLAMELESS[16]] },
    });
    await t.ok(ADD_ITEM, { id: postmortemId, input: { title: 'Alice Chen to add a canary stage', kind: 'PREVENT', priority: 'P1' } }, writer.token);
    const { postmortem } = await t.ok(FINDINGS, { id: postmortemId }, writer.token);
    expect(postmortem.findings).toEqual([]);
  });

  it('reads action item titles too, and guides without blocking publication', async () => {
    const { incidentId, postmortemId } = await declareWithPostmortem(t, writer);
    await t.ok(
      UPDATE_POSTMORTEM,
      {
        id: postmortemId,
        input: { summary: 'Checkout failed.', impact: 'Checkout down', rootCauses: 'Carol was careless with the rollout.', lessonsLearned: { wentWell: ['a'], wentWrong: ['b'], gotLucky: ['c'] } },
      },
      writer.token,
    );
    await t.ok(
      ADD_ITEM,
      { id: postmortemId, input: { title: "Stop Bob Martin's sloppy deploys", kind: 'PREVENT', priority: 'P2', ownerId: writer.id } },
      writer.token,
    );
    await t.ok(`mutation($id: ID!) { addTimelineEvent(incidentId: $id, kind: NOTE, body: "Paged DBA") { id } }`, { id: incidentId }, writer.token);
    const { postmortem } = await t.ok(FINDINGS, { id: postmortemId }, writer.token);
    expect(postmortem.findings.map((f: { section: string }) => f.section)).toEqual(['ROOT_CAUSES', 'ACTION_ITEMS']);

    await t.ok(SET_POSTMORTEM_STATUS, { id: postmortemId, status: 'IN_REVIEW' }, writer.token);
    const { setPostmortemStatus } = await t.ok(SET_POSTMORTEM_STATUS, { id: postmortemId, status: 'PUBLISHED' }, writer.token);
    expect(setPostmortemStatus.status).toBe('PUBLISHED');
  });
});
