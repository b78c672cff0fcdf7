/**
 * End-to-end check of the web console in a real, headless Chromium.
 *
 * Not part of `npm test` (jest runs *.test.ts only): `npm run test:e2e`
 * runs it, and so does .ci/run after the jest suite. It needs Debian's
 * Chromium (playwright-core, a devDependency, is only the driver and never
 * downloads a browser):
 *
 *   apt-get install -y chromium              # Debian's Chromium at /usr/bin/chromium
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run test:e2e
 *
 * Without SITREP_URL it starts its own server with a fresh database (like the
 * jest tests). To drive a server you started yourself instead:
 *
 *   SITREP_URL=http://127.0.0.1:4700 SITREP_ADMIN_EMAIL=admin@sitrep.local \
 *     SITREP_ADMIN_PASSWORD=admin-pass-123 npx ts-node --transpile-only test/e2e/console.e2e.ts
 *
 * Environment: CHROMIUM (default /usr/bin/chromium), SHOTS_DIR (default
 * /tmp/sitrep-console-shots) for the PNG screenshots, HEADED=1 to watch.
 *
 * What it does, as two people would: an admin signs in, declares an incident
 * while a responder watches the board in a second browser, moves its status
 * with a note, adds a timeline note, toggles a postmortem flag, posts a
 * status update, hands command to the responder (who sees each change arrive
 * live), meets an API error shown next to the form; both type into the live
 * document at once (opposite ends, then the same line), converge on the text
 * GraphQL serves with each caret still after its own typing, undo only their
 * own text, see each other in it, and a paste past the size limit is refused
 * (4413) and the document reloaded; an Alertmanager delivery
 * (with an API token made through GraphQL) opens an incident that the
 * responder acknowledges; the admin resolves the first incident and writes its
 * postmortem (sections, blameless hint, lessons, action items, the server
 * refusing an early publish, review, publish, frozen sections, action items
 * still editable) while the responder follows it live, downloads the
 * Markdown, looks at the postmortems owed and the metrics, and creates and
 * revokes an API token in the admin page (as wide as the users card), changes a user's name and role,
 * meets the last-admin and deactivate-yourself refusals, deactivates a user
 * whose open page is signed out at once and reactivates them; that user
 * changes their password (their other session is signed out) and is locked
 * out after too many failed sign-ins; then the wall mode, a phone-sized
 * board (the top bar fits, keeps the name and shows that its tabs scroll), a hostile title that must stay text, and a viewer who follows the
 * document read-only and leaves it with the page. It fails on any page
 * error, console error, or request that leaves the server's origin.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import 'reflect-metadata';
import { loadConfig } from '../../src/config/config';
import { ADMIN_EMAIL, ADMIN_PASSWORD, startTestServer, type TestServer } from '../support/test-server';
import { launchWatchedBrowser, type Page } from './browser';

const SHOTS = process.env.SHOTS_DIR ?? '/tmp/sitrep-console-shots';
const RESPONDER_PASSWORD = 'responder-pass-123';
/** collab.maxDocumentBytes of the server this script starts. */
const DOCUMENT_LIMIT = 64 * 1024;


/**
 * The live document's CodeMirror editor on a page: its text (the rendered
 * lines; the document here is short enough to be rendered whole) and
 * whether it takes typing.
 */
function editorOf(page: Page) {
  const content = page.locator('.doc-editor .cm-content');
  return {
    click: () => content.click(),
    // Without the other people's caret widgets (their names sit inside the lines).
    text: (): Promise<string> =>
      page.evaluate(() => {
        const root = (globalThis as any).document.querySelector('.doc-editor')?.shadowRoot;
        return [...(root?.querySelectorAll('.cm-line') ?? [])]
          .map((line: any) => {
            const copy = line.cloneNode(true);
            for (const caret of copy.querySelectorAll('.cm-ySelectionCaret')) caret.remove();
            return copy.textContent;
          })
          .join('\n');
      }),
    readOnly: async () => (await content.getAttribute('contenteditable')) !== 'true',
    scrollIntoViewIfNeeded: () => content.scrollIntoViewIfNeeded(),
  };
}

async function gql(base: string, query: string, variables: Record<string, unknown> = {}, token?: string) {
  const response = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: any; errors?: unknown[] };
  if (body.errors?.length) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

/** An Alertmanager webhook delivery (payload version 4) with the given alerts. */
function alertmanagerPayload(
  group: string,
  alerts: Array<{ fingerprint: string; summary: string; generatorURL: string; labels?: Record<string, string> }>,
  startsAt = new Date(Date.now() - 120_000),
) {
  const commonLabels = { alertname: group, service: 'checkout', severity: 'critical' };
  return {
    version: '4',
    groupKey: `{}:{alertname="${group}"}`,
    truncatedAlerts: 0,
    status: 'firing',
    receiver: 'sitrep',
    groupLabels: { alertname: group },
    commonLabels,
    commonAnnotations: {},
    externalURL: 'http://alertmanager.invalid:9093',
    alerts: alerts.map((a) => ({
      status: 'firing',
      labels: { ...commonLabels, ...a.labels },
      annotations: { summary: a.summary },
      startsAt: startsAt.toISOString(),
      endsAt: '0001-01-01T00:00:00Z',
      generatorURL: a.generatorURL,
      fingerprint: a.fingerprint,
    })),
  };
}

async function postAlerts(base: string, token: string, payload: unknown) {
  return fetch(`${base}/webhooks/alertmanager`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(payload),
  });
}

async function main(): Promise<void> {
  let server: TestServer | undefined;
  let base = process.env.SITREP_URL;
  let adminEmail = process.env.SITREP_ADMIN_EMAIL ?? 'admin@sitrep.local';
  let adminPassword = process.env.SITREP_ADMIN_PASSWORD ?? 'admin-pass-123';
  if (!base) {
    // A small document limit, so that the editor's "too large" state can be reached by a paste.
    server = await startTestServer({ collab: { ...loadConfig({}).collab, maxDocumentBytes: DOCUMENT_LIMIT } });
    base = server.url;
    adminEmail = ADMIN_EMAIL;
    adminPassword = ADMIN_PASSWORD;
  }
  const origin = new URL(base).host;
  const adminToken = (await gql(base, `mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }`, { e: adminEmail, p: adminPassword })).login.token;
  const responderEmail = `riley-${Date.now()}@example.test`;
  await gql(
    base,
    `mutation($i: CreateUserInput!) { createUser(input: $i) { id } }`,
    { i: { email: responderEmail, name: 'Riley Responder', password: RESPONDER_PASSWORD, role: 'RESPONDER' } },
    adminToken,
  );

  const run = Date.now() % 100_000;

  const { browser, problems, watch, shot } = await launchWatchedBrowser(origin, SHOTS);
  const signIn = async (page: Page, email: string, password: string) => {
    await page.goto(base!);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Incidents', level: 1 }).waitFor();
  };

  try {
    const admin = await (await browser.newContext({ viewport: { width: 1440, height: 1000 }, acceptDownloads: true })).newPage();
    const riley = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    watch(admin, 'admin');
    watch(riley, 'riley');

    // Sign-in: a wrong password is an error next to the form, then the right one gets in.
    await admin.goto(base);
    await shot(admin, '01-login');
    await admin.getByLabel('Email').fill(adminEmail);
    await admin.getByLabel('Password').fill('wrong-password');
    await admin.getByRole('button', { name: 'Sign in' }).click();
    const loginError = admin.locator('.error-box', { hasText: 'Invalid email or password' });
    await loginError.waitFor();
    assert.ok(!(await loginError.innerText()).includes('UNAUTHENTICATED'), 'a wrong password reads as a sentence, without the contract code');
    await shot(admin, '02-login-error');
    await signIn(admin, adminEmail, adminPassword);
    assert.ok(await admin.evaluate(() => (globalThis as any).sessionStorage.getItem('sitrep.token')), 'the token is kept in sessionStorage');

    await signIn(riley, responderEmail, RESPONDER_PASSWORD);
    await riley.locator('#live-state.live-ok').waitFor();

    // Declare; the responder's board shows it without a reload.
    const title = `Checkout returns 500 for EU customers ${Date.now()}`;
    await admin.getByRole('link', { name: 'Declare incident' }).first().click();
    await admin.getByLabel('Title').fill(title);
    await admin.getByLabel('Summary (optional)').fill('Error rate on /checkout at 35% since 14:02 UTC. EU region only.');
    await admin.locator('label.sev-option', { hasText: 'SEV1' }).click();
    await admin.getByLabel('How was it detected?').selectOption('USER_REPORT');
    await shot(admin, '03-declare');
    await admin.getByRole('button', { name: 'Declare incident' }).click();
    await admin.getByRole('heading', { name: title, level: 1 }).waitFor();
    await riley.getByRole('link', { name: title }).waitFor({ timeout: 5000 });
    console.log('live: the declaration reached the second browser');
    await shot(riley, '04-board-live-declared');

    await riley.getByRole('link', { name: title }).click();
    await riley.getByRole('heading', { name: title, level: 1 }).waitFor();
    await riley.locator('#live-state.live-ok').waitFor();

    // Sharpen the title as understanding improves; the responder sees it change.
    await admin.getByText('Edit title and summary').click();
    await admin.getByLabel('Title', { exact: true }).fill(`${title} (payment gateway)`);
    await admin.getByRole('button', { name: 'Save' }).click();
    await riley.getByRole('heading', { name: `${title} (payment gateway)`, level: 1 }).waitFor({ timeout: 5000 });

    // Status with a note.
    await admin.getByLabel('Move to').selectOption('IDENTIFIED');
    await admin.getByLabel('Note (optional)').fill('Bad config push to the EU payment gateway');
    await admin.getByRole('button', { name: 'Change status' }).click();
    await admin.locator('.head-badges .status-identified').waitFor();
    await riley.locator('.head-badges .status-identified').waitFor({ timeout: 5000 });
    await riley.locator('.tl-body', { hasText: 'Bad config push to the EU payment gateway' }).waitFor({ timeout: 5000 });
    console.log('live: the status change and its timeline entry reached the second browser');

    // A timeline note, and an API error next to the form for a blank one.
    await admin.getByLabel('Text').fill('   ');
    await admin.getByRole('button', { name: 'Add to timeline' }).click();
    const timelineError = admin.locator('.timeline-form .error-box');
    await timelineError.waitFor();
    assert.match(await timelineError.innerText(), /BAD_USER_INPUT[\s\S]*must not be empty/);
    await shot(admin, '05-timeline-error');
    await admin.getByLabel('Text').fill('Rolled back gateway config to v41');
    await admin.getByLabel('Entry').selectOption('ROLLBACK');
    await admin.getByRole('button', { name: 'Add to timeline' }).click();
    await riley.locator('.tl-body', { hasText: 'Rolled back gateway config to v41' }).waitFor({ timeout: 5000 });
    assert.equal(await timelineError.isHidden(), true, 'a success clears the error');

    // A flag: the postmortem becomes required (the rollback already made it so).
    await admin.getByRole('switch', { name: /User-visible downtime/ }).check();
    await admin.locator('.triggers li', { hasText: 'User-visible downtime' }).waitFor();
    await riley.locator('.triggers li', { hasText: 'User-visible downtime' }).waitFor({ timeout: 5000 });

    // The responder is not the communications lead: the form says so and is disabled.
    assert.equal(await riley.getByRole('button', { name: 'Post internal update' }).isDisabled(), true);

    await admin.getByLabel('Message').fill('We are rolling back a configuration change. Next update 14:45 UTC.');
    await admin.getByRole('button', { name: 'Post internal update' }).click();
    await riley.locator('.updates .tl-body', { hasText: 'Next update 14:45 UTC' }).waitFor({ timeout: 5000 });
    await admin.waitForFunction(() => (globalThis as any).document.querySelector('.update-form textarea').value === '');
    assert.equal(await admin.getByLabel('Message').evaluate((el: any) => el.matches(':user-invalid')), false, 'the emptied message box is not marked invalid');

    // Hand over command.
    await admin.getByLabel('Role', { exact: true }).selectOption('INCIDENT_COMMANDER');
    await admin.getByLabel('Person', { exact: true }).selectOption({ label: `Riley Responder (${responderEmail})` });
    await admin.getByRole('button', { name: 'Hand over command' }).click();
    await riley.locator('.facts', { hasText: 'Riley Responder' }).waitFor({ timeout: 5000 });
    await riley.locator('.tl-body', { hasText: 'Command handed over' }).waitFor({ timeout: 5000 });
    assert.equal(await riley.getByRole('button', { name: 'Hand over command' }).isEnabled(), true, 'the new commander may assign roles');
    console.log('live: the handover reached the new commander');
    await shot(admin, '06-incident-admin');
    await shot(riley, '07-incident-riley-commander');
    const incidentUrl = admin.url();

    // The live document, co-edited: both type at once, at opposite ends, and converge on the same text.
    const incidentId = decodeURIComponent(incidentUrl.split('/').pop()!);
    const adminDoc = editorOf(admin);
    const rileyDoc = editorOf(riley);
    await admin.locator('.live-doc[data-state="live"]').waitFor({ timeout: 5000 });
    await riley.locator('.live-doc[data-state="live"]').waitFor({ timeout: 5000 });
    for (const [page, other] of [[admin, 'Riley Responder'], [riley, 'Administrator']] as const) {
      await page.locator('.presence .presence-person', { hasText: other }).waitFor({ timeout: 5000 });
    }
    assert.match(await adminDoc.text(), /Command Hierarchy/, 'the seeded document is shown');
    assert.equal(await adminDoc.readOnly(), false, 'responders and admins may edit');
    const atEnd = '\nAdmin: rolled back the EU gateway config, watching the error ratio.';
    const atStart = 'Riley: customers confirm checkout works again. ';
    await adminDoc.click();
    await admin.keyboard.press('Control+End');
    await rileyDoc.click();
    await riley.keyboard.press('Control+Home');
    await Promise.all([admin.keyboard.type(atEnd, { delay: 15 }), riley.keyboard.type(atStart, { delay: 15 })]);
    const converged = async () => {
      const deadline = Date.now() + 5000;
      for (;;) {
        const [a, r] = [await adminDoc.text(), await rileyDoc.text()];
        if (a === r && a.includes(atEnd) && a.includes(atStart)) return a;
        if (Date.now() > deadline) throw new Error(`the documents did not converge:\n--- admin\n${a}\n--- riley\n${r}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    const text = await converged();
    // Each person's caret followed their own typing while the other's text arrived: both runs are whole.
    assert.ok(text.startsWith(atStart), 'the responder typed at the start');
    assert.ok(text.trimEnd().endsWith(atEnd.trim()), 'the admin typed at the end');
    const stored = (await gql(base, `query($id: ID!) { incident(id: $id) { document { markdown } } }`, { id: incidentId }, adminToken)).incident.document.markdown;
    assert.equal(stored, text, 'GraphQL serves the text both browsers show');
    // Concurrent edits in the same line: each caret stays where its person is typing.
    for (const [page, at] of [[admin, atStart.length + 20], [riley, atStart.length + 10]] as const) {
      await editorOf(page).click();
      await page.keyboard.press('Control+Home');
      for (let i = 0; i < at; i += 1) await page.keyboard.press('ArrowRight');
    }
    await Promise.all([admin.keyboard.type('[A]', { delay: 20 }), riley.keyboard.type('[R]', { delay: 20 })]);
    const sameLine = await converged();
    // Whole runs: each caret stayed after its own typing while the other's arrived.
    assert.ok(sameLine.includes('[A]') && sameLine.includes('[R]'), `both bracketed runs are whole: ${sameLine.slice(0, 120)}`);
    // Undo takes back this person's own typing only.
    await riley.keyboard.press('Control+z');
    const undone = await converged().catch(() => '');
    assert.ok(!(await rileyDoc.text()).includes('[R]') && (await rileyDoc.text()).includes('[A]'), `undo removed only the responder's run: ${undone.slice(0, 120)}`);
    await shot(admin, '06a-document-coedit-admin');
    await rileyDoc.scrollIntoViewIfNeeded();
    await shot(riley, '06b-document-coedit-riley', false);
    await admin.getByRole('button', { name: 'Show preview' }).click();
    await admin.locator('.doc-preview h4', { hasText: 'Summary' }).waitFor();
    // The template's command hierarchy is a list inside a list, and is shown as one.
    await admin.locator('.doc-preview li > ul > li', { hasText: 'Communications lead' }).waitFor();
    await admin.locator('.doc-preview').scrollIntoViewIfNeeded();
    await shot(admin, '06c-document-preview', false);
    await admin.getByRole('button', { name: 'Edit text' }).click();
    console.log('document: two browsers typed at once and converged on the text GraphQL serves');

    // Past the size limit the server closes the socket (4413): the page says why and offers a fresh copy.
    if (server) {
      const before = await rileyDoc.text();
      await adminDoc.click();
      await admin.keyboard.press('Control+End');
      await admin.keyboard.insertText(`\n${'Pasted log line that makes the document too large.\n'.repeat(Math.ceil(DOCUMENT_LIMIT / 40))}`);
      const closed = admin.locator('.doc-closed');
      await closed.waitFor({ timeout: 5000 });
      assert.match(await closed.innerText(), /4413[\s\S]*size limit/);
      assert.equal(await adminDoc.readOnly(), true, 'a closed document cannot be edited');
      await admin.locator('.live-doc[data-state="closed"] .doc-state', { hasText: 'Closed' }).waitFor();
      await closed.scrollIntoViewIfNeeded();
      await shot(admin, '06d-document-too-large', false);
      assert.equal(await rileyDoc.text(), before, 'the refused paste reached nobody');
      await admin.getByRole('button', { name: 'Reload the document' }).click();
      await admin.locator('.live-doc[data-state="live"]').waitFor({ timeout: 5000 });
      assert.equal(await adminDoc.text(), before, 'the reloaded document is the stored one');
      assert.equal(await closed.isHidden(), true);
      console.log('document: a paste past the size limit was refused (4413) and the document reloaded');
    }

    // Alert intake: an API token made through GraphQL, an Alertmanager delivery, and a person acknowledging.
    const alertToken = (
      await gql(base, `mutation($n: String!) { createApiToken(name: $n, role: RESPONDER) { token } }`, { n: `alertmanager-e2e-${run}` }, adminToken)
    ).createApiToken.token;
    const group = `CheckoutErrorRate${run}`;
    const delivered = await postAlerts(
      base,
      alertToken,
      alertmanagerPayload(group, [
        { fingerprint: `fp-a-${run}`, summary: 'Checkout 5xx ratio above 5% for 5 minutes', generatorURL: 'http://prometheus.invalid:9090/graph?g0.expr=checkout_5xx', labels: { instance: 'checkout-1' } },
        { fingerprint: `fp-b-${run}`, summary: 'Checkout 5xx ratio above 5% on a second instance', generatorURL: 'javascript:alert(1)', labels: { instance: 'checkout-2' } },
      ]),
    );
    assert.equal(delivered.status, 200, `Alertmanager delivery: ${delivered.status} ${await delivered.clone().text()}`);
    const alertIncidentId = ((await delivered.json()) as { incidentId: string }).incidentId;
    const alertTitle = (await gql(base, `query($id: ID!) { incident(id: $id) { title } }`, { id: alertIncidentId }, adminToken)).incident.title;
    await riley.getByRole('link', { name: 'Incidents', exact: true }).click();
    const alertRow = riley.locator('tr', { has: riley.getByRole('link', { name: alertTitle }) });
    await alertRow.locator('.badge.unack').waitFor({ timeout: 5000 });
    await alertRow.getByRole('link', { name: alertTitle }).click();
    await riley.getByRole('heading', { name: alertTitle, level: 1 }).waitFor();
    await riley.locator('.alerts .alert').nth(1).waitFor();
    assert.equal(await riley.locator('.alerts a', { hasText: 'Source' }).count(), 1, 'only the http(s) generatorURL becomes a link');
    assert.equal(await riley.locator('.alerts a[href^="javascript"]').count(), 0);
    await riley.locator('.alerts .label', { hasText: 'instance=checkout-2' }).waitFor();
    await shot(riley, '13-alert-incident-unacknowledged');
    await riley.getByRole('button', { name: 'Acknowledge / take command' }).click();
    await riley.locator('.facts', { hasText: 'Acknowledged' }).waitFor({ timeout: 5000 });
    assert.equal(await riley.locator('.ack-box').isHidden(), true, 'the call to acknowledge goes away');
    await riley.locator('.facts div', { hasText: 'Commander' }).filter({ hasText: 'Riley Responder' }).waitFor();
    await riley.locator('.head-badges .badge.unack').waitFor({ state: 'detached' });
    await riley.locator('.role-history summary').click();
    await riley.locator('.role-history .stint.current-stint', { hasText: 'Riley Responder' }).waitFor();
    await shot(riley, '14-alert-incident-acknowledged');
    console.log('alerts: the responder acknowledged the alert-opened incident');

    // The group fires again after people resolved its incident: a new incident that links the previous one.
    await gql(base, `mutation($id: ID!) { setIncidentStatus(id: $id, status: RESOLVED, note: "Error ratio back to normal") { id } }`, { id: alertIncidentId }, adminToken);
    const refired = await postAlerts(
      base,
      alertToken,
      alertmanagerPayload(group, [{ fingerprint: `fp-a-${run}`, summary: 'Checkout 5xx ratio above 5% for 5 minutes', generatorURL: 'https://prometheus.invalid/graph', labels: { instance: 'checkout-1' } }], new Date()),
    );
    assert.equal(refired.status, 200, `re-fired delivery: ${refired.status}`);
    const refiredId = ((await refired.json()) as { incidentId: string }).incidentId;
    assert.notEqual(refiredId, alertIncidentId, 'firing again after resolution opens a new incident');
    // Someone in its live document (a bare collaboration socket is enough to count as an editor).
    const { default: WebSocket } = await import('ws');
    const editor = new WebSocket(`${base.replace(/^http/, 'ws')}/collab/${refiredId}?token=${encodeURIComponent(adminToken)}`);
    await new Promise((resolve, reject) => editor.once('open', resolve).once('error', reject));
    await riley.goto(`${base}/#/incidents/${refiredId}`);
    await riley.locator('.previous', { hasText: 'This alert group fired before' }).getByRole('link', { name: alertTitle }).waitFor();
    await riley.locator('.editors', { hasText: 'Administrator' }).waitFor({ timeout: 5000 });
    await riley.getByRole('button', { name: 'Acknowledge / take command' }).waitFor();
    await shot(riley, '14b-refired-incident');
    editor.close();

    // The postmortem of the first incident: resolve, start, write; the responder follows live.
    await admin.goto(incidentUrl);
    await admin.getByRole('heading', { name: `${title} (payment gateway)`, level: 1 }).waitFor();
    await admin.getByLabel('Move to').selectOption('RESOLVED');
    await admin.getByRole('button', { name: 'Change status' }).click();
    await admin.locator('.head-badges .status-resolved').waitFor();
    await admin.getByRole('button', { name: 'Start postmortem' }).click();
    await admin.getByRole('heading', { name: /^Postmortem: / }).waitFor();
    assert.match(admin.url(), /#\/postmortems\/[^/]+$/);
    const postmortemUrl = admin.url();
    await admin.locator('.checklist li').first().waitFor();
    await riley.goto(incidentUrl);
    await riley.getByRole('link', { name: 'Open postmortem' }).click();
    await riley.getByRole('heading', { name: /^Postmortem: / }).waitFor();

    await admin.getByLabel('Root causes', { exact: true }).fill('A configuration push without a canary. Riley Responder should have checked the gateway config.');
    await admin.getByLabel('Trigger', { exact: true }).fill('Config push 2026.11.3 to the EU payment gateway.');
    await admin.getByRole('button', { name: 'Save sections' }).click();
    await admin.locator('.findings', { hasText: 'Riley Responder should have checked' }).waitFor({ timeout: 5000 });
    await riley.waitForFunction(() => (globalThis as any).document.querySelector('textarea[name="trigger"]')?.value.includes('Config push 2026.11.3'), undefined, { timeout: 5000 });
    console.log('live: the section edit reached the second browser');
    // Blameless rewrite: the hint goes away.
    await admin.getByLabel('Root causes', { exact: true }).fill('A configuration push reached every EU gateway at once: the pipeline had no canary stage for gateway config.');
    await admin.getByRole('button', { name: 'Save sections' }).click();
    await admin.locator('.findings').waitFor({ state: 'detached', timeout: 5000 });

    // Review with open items: Publish is disabled and says why; forced, the server refuses.
    await admin.getByRole('button', { name: 'Send for review' }).click();
    await admin.locator('.head-badges .pm-status-in-review').waitFor();
    const publish = admin.getByRole('button', { name: 'Publish' });
    assert.equal(await publish.isDisabled(), true, 'publishing waits for the checklist');
    await admin.locator('.publish-why', { hasText: 'At least one PREVENT action item' }).waitFor();
    // Enable and click in one step: a live re-render between the two would put a fresh, disabled button in its place.
    await publish.evaluate((b: any) => {
      b.disabled = false;
      b.click();
    });
    const refusal = admin.locator('.panel', { has: admin.getByRole('heading', { name: 'Status' }) }).locator('.error-box');
    await refusal.waitFor();
    assert.match(await refusal.innerText(), /BAD_USER_INPUT[\s\S]*checklist items are open/);
    await shot(admin, '15-postmortem-refused');

    // Lessons learned, three lists.
    for (const [list, entries] of [
      ['What went well', ['The rollback took four minutes']],
      ['What went wrong', ['No canary for gateway config', 'The alert fired 20 minutes late']],
      ['Where we got lucky', ['It happened outside the EU peak']],
    ] as const) {
      const group = admin.getByRole('group', { name: list });
      for (const entry of entries) {
        await group.getByRole('button', { name: 'Add an entry' }).click();
        await group.getByRole('textbox').last().fill(entry);
      }
    }
    await admin.getByRole('button', { name: 'Save lessons' }).click();
    await admin.locator('.checklist li.done', { hasText: 'lessons-learned list' }).waitFor({ timeout: 5000 });

    // Action items: a PREVENT item owned by the responder, a DETECT item, then an edit.
    const addForm = admin.locator('form.add-action-item');
    await addForm.getByLabel('Title').fill('Canary stage for payment gateway config');
    await addForm.getByLabel('Kind').selectOption('PREVENT');
    await addForm.getByLabel('Priority').selectOption('P0');
    await addForm.getByLabel('Owner').selectOption({ label: 'Riley Responder' });
    await addForm.getByLabel('Due (UTC)').fill('2026-12-15');
    await addForm.getByLabel('Tracking URL (optional)').fill('https://tracker.invalid/PAY-101');
    await addForm.getByRole('button', { name: 'Add action item' }).click();
    await admin.locator('form.action-item').first().waitFor();
    await addForm.getByLabel('Title').fill('Page on gateway 5xx within 2 minutes');
    await addForm.getByLabel('Kind').selectOption('DETECT');
    await addForm.getByLabel('Owner').selectOption({ label: 'Riley Responder' });
    await addForm.getByRole('button', { name: 'Add action item' }).click();
    await admin.locator('form.action-item').nth(1).waitFor();
    const firstItem = admin.locator('form.action-item').first();
    await firstItem.getByLabel('Status').selectOption('IN_PROGRESS');
    await firstItem.getByRole('button', { name: 'Save item' }).click();
    await riley.waitForFunction(() => (globalThis as any).document.querySelector('form.action-item select[name="status"]')?.value === 'IN_PROGRESS', undefined, { timeout: 5000 });
    await admin.locator('.checklist li.open').waitFor({ state: 'detached', timeout: 5000 });
    assert.equal(await publish.isEnabled(), true, 'the checklist is complete');
    await shot(admin, '16-postmortem-ready');

    // Publish: sections freeze, action items stay editable.
    await publish.click();
    await admin.locator('.head-badges .pm-status-published').waitFor();
    await riley.locator('.head-badges .pm-status-published').waitFor({ timeout: 5000 });
    assert.equal(await admin.getByLabel('Root causes', { exact: true }).getAttribute('readonly'), '', 'sections are read-only once published');
    assert.equal(await admin.getByRole('button', { name: 'Save sections' }).isHidden(), true);
    await firstItem.getByLabel('Status').selectOption('DONE');
    await firstItem.getByRole('button', { name: 'Save item' }).click();
    await admin.locator('form.action-item.done').first().waitFor({ timeout: 5000 });
    await shot(admin, '17-postmortem-published');
    await shot(riley, '18-postmortem-riley-live');

    // The Markdown export: shown, and downloaded as a file made in the browser.
    await admin.getByRole('button', { name: 'Show Markdown' }).click();
    await admin.locator('.markdown-source', { hasText: 'Canary stage for payment gateway config' }).waitFor();
    await admin.locator('.markdown-source').scrollIntoViewIfNeeded();
    await shot(admin, '17b-markdown', false);
    const [download] = await Promise.all([admin.waitForEvent('download'), admin.getByRole('button', { name: 'Download .md' }).click()]);
    assert.match(download.suggestedFilename(), /^postmortem-checkout-returns-500.*\.md$/);
    const markdown = fs.readFileSync(await download.path(), 'utf8');
    assert.match(markdown, /no canary stage for gateway config/);
    assert.match(markdown, /Canary stage for payment gateway config/);
    fs.writeFileSync(path.join(SHOTS, download.suggestedFilename()), markdown);
    console.log(`markdown: downloaded ${download.suggestedFilename()} (${markdown.length} characters)`);

    // Postmortems owed and the metrics: an incident resolved with a trigger and no postmortem.
    const owedTitle = `Stale CDN cache served old prices (#${run})`;
    const owedId = (await gql(base, `mutation($i: DeclareIncidentInput!) { declareIncident(input: $i) { id } }`, { i: { title: owedTitle, severity: 'SEV2', trigger: 'USER_REPORT' } }, adminToken)).declareIncident.id;
    await gql(base, `mutation($id: ID!) { updateIncident(id: $id, input: { userVisibleDowntime: true }) { id } }`, { id: owedId }, adminToken);
    await gql(base, `mutation($id: ID!) { setIncidentStatus(id: $id, status: RESOLVED, note: "Purged the cache") { id } }`, { id: owedId }, adminToken);
    await admin.getByRole('link', { name: 'Postmortems', exact: true }).click();
    await admin.getByRole('heading', { name: 'Postmortems', level: 1 }).waitFor();
    const owedRow = admin.locator('table.owed tr', { hasText: owedTitle });
    await owedRow.waitFor();
    await owedRow.getByText('User-visible downtime').waitFor();
    assert.equal(await admin.locator('table.owed tr', { hasText: `${title} (payment gateway)` }).count(), 0, 'a published postmortem is no longer owed');
    await admin.locator('.metrics-table').waitFor();
    await admin.getByRole('link', { name: 'Last 7 days' }).click();
    await admin.getByRole('heading', { name: 'Response metrics, last 7 days' }).waitFor();
    await admin.locator('.metrics-table').waitFor();
    await shot(admin, '19-postmortems-owed-metrics');
    await owedRow.getByRole('link', { name: owedTitle }).click();
    await admin.getByRole('heading', { name: owedTitle, level: 1 }).waitFor();

    // Admin: a token made and revoked in the page; the revoked token is refused at once.
    assert.equal(await riley.getByRole('link', { name: 'Admin' }).count(), 0, 'the admin page is not offered to others');
    await riley.goto(`${base}/#/admin`);
    await riley.getByRole('heading', { name: 'Admins only' }).waitFor();
    await admin.getByRole('link', { name: 'Admin', exact: true }).click();
    await admin.getByRole('heading', { name: 'Admin', level: 1 }).waitFor();
    const tokenName = `grafana-e2e-${run}`;
    const tokenForm = admin.locator('form.create-token');
    await tokenForm.getByLabel('Name').fill(tokenName);
    await tokenForm.getByRole('button', { name: 'Create token' }).click();
    const secret = await admin.locator('.secret-box input.secret').inputValue();
    assert.match(secret, /^sitrep_/);
    await admin.locator('.secret-box', { hasText: 'shown only this once' }).waitFor();
    await admin.locator('.config', { hasText: '/webhooks/alertmanager' }).waitFor();
    await shot(admin, '20-admin-token-created');
    assert.equal((await postAlerts(base, secret, alertmanagerPayload(`Grafana${run}`, [{ fingerprint: `fp-g-${run}`, summary: 'Dashboards slow', generatorURL: '' }]))).status, 200);
    await admin.getByRole('button', { name: 'I have stored it' }).click();
    assert.equal(await admin.locator('.secret-box').count(), 0, 'the secret is gone for good');
    const tokenRow = admin.locator('tr', { hasText: tokenName });
    await tokenRow.getByRole('button', { name: 'Revoke…' }).click();
    await tokenRow.getByRole('button', { name: 'Cancel' }).click();
    await tokenRow.getByRole('button', { name: 'Revoke…' }).click();
    await tokenRow.getByRole('button', { name: 'Revoke now' }).click();
    await tokenRow.waitFor({ state: 'detached' });
    assert.equal((await postAlerts(base, secret, alertmanagerPayload(`Grafana${run}`, [{ fingerprint: `fp-g-${run}`, summary: 'Dashboards slow', generatorURL: '' }]))).status, 401, 'a revoked token is refused');
    await admin.getByLabel('Show revoked tokens').check();
    await admin.locator('tr.revoked', { hasText: tokenName }).waitFor();
    const userForm = admin.locator('form.create-user');
    await userForm.getByLabel('Name').fill('Pat Planner');
    await userForm.getByLabel('Email').fill(`pat-${run}@example.test`);
    await userForm.getByLabel('Initial password').fill('planner-pass-123');
    await userForm.getByLabel('Role').selectOption('VIEWER');
    await userForm.getByRole('button', { name: 'Create user' }).click();
    await admin.locator('table tr', { hasText: `pat-${run}@example.test` }).waitFor();
    await shot(admin, '21-admin');
    const usersBox = await admin.locator('.users-panel').boundingBox();
    const tokensBox = await admin.locator('section[aria-labelledby="tokens-title"]').boundingBox();
    assert.ok(usersBox && tokensBox && Math.abs(tokensBox.width - usersBox.width) < 2, 'the API tokens card is as wide as the users card');
    console.log('admin: token created, used, revoked and refused; user created');

    // Admin → Webhooks: an endpoint for two event types; its secret once; listed with its events; deleted.
    const hookForm = admin.locator('form', { has: admin.getByRole('button', { name: 'Add endpoint' }) });
    await hookForm.getByLabel('URL').fill(`http://127.0.0.1:9/e2e-${run}`);
    await hookForm.getByLabel('Incident declared').check();
    await hookForm.getByLabel('Postmortem published').check();
    await hookForm.getByRole('button', { name: 'Add endpoint' }).click();
    assert.match(await admin.locator('.secret-box input.secret').inputValue(), /^whsec_/);
    const hook = admin.locator('li.webhook', { hasText: `e2e-${run}` });
    await hook.locator('.endpoint-events', { hasText: 'Incident declared, Postmortem published' }).waitFor();
    await shot(admin, '21b-admin-webhook');
    await hook.getByRole('button', { name: 'Delete' }).click();
    await hook.waitFor({ state: 'detached' });
    console.log('admin: webhook endpoint added for two event types, listed, deleted');

    // Accounts: Pat (a viewer) signs in; the admin makes Pat a responder, meets the server's refusals
    // on their own row, deactivates Pat (whose open page is signed out at once), and reactivates Pat.
    const patEmail = `pat-${run}@example.test`;
    const pat = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    watch(pat, 'pat');
    await signIn(pat, patEmail, 'planner-pass-123');
    await pat.locator('#live-state.live-ok').waitFor();
    const patRow = admin.locator('table.users-table tr', { hasText: patEmail });
    await patRow.getByRole('button', { name: 'Edit…' }).click();
    await patRow.getByLabel('Name of Pat Planner').fill('Pat Planner-Ortiz');
    await patRow.getByLabel('Role of Pat Planner').selectOption('RESPONDER');
    await shot(admin, '22-admin-edit-user');
    await patRow.getByRole('button', { name: 'Save' }).click();
    await admin.locator('table.users-table tr', { hasText: 'Pat Planner-Ortiz' }).locator('.who-role', { hasText: 'RESPONDER' }).waitFor();
    const adminRow = admin.locator('table.users-table tr', { hasText: adminEmail });
    await adminRow.getByRole('button', { name: 'Edit…' }).click();
    await adminRow.getByRole('combobox').selectOption('VIEWER');
    await adminRow.getByRole('button', { name: 'Save' }).click();
    await adminRow.locator('.error-box', { hasText: 'CONFLICT' }).waitFor();
    await adminRow.locator('.error-box', { hasText: 'last active admin' }).waitFor();
    await shot(admin, '23-admin-last-admin-conflict', false);
    await adminRow.getByRole('button', { name: 'Cancel' }).click();
    await adminRow.getByRole('button', { name: 'Deactivate…' }).click();
    await adminRow.getByRole('button', { name: 'Deactivate now' }).click();
    await adminRow.locator('.error-box', { hasText: 'BAD_USER_INPUT' }).waitFor();
    await adminRow.getByRole('button', { name: 'Cancel' }).click();
    await patRow.getByRole('button', { name: 'Deactivate…' }).click();
    await patRow.getByText('signed out at once').waitFor();
    await shot(admin, '24-admin-deactivate-confirm', false);
    await patRow.getByRole('button', { name: 'Deactivate now' }).click();
    const patGone = admin.locator('section.deactivated tr', { hasText: patEmail });
    await patGone.waitFor();
    await pat.getByRole('button', { name: 'Sign in' }).waitFor({ timeout: 5000 });
    await pat.locator('.notice', { hasText: 'deactivated your account' }).waitFor();
    assert.equal(await pat.evaluate(() => (globalThis as any).sessionStorage.getItem('sitrep.token')), null, 'the deactivated session is forgotten');
    await shot(pat, '25-deactivated-signed-out');
    await shot(admin, '26-admin-deactivated-list');
    await patGone.getByRole('button', { name: 'Reactivate…' }).click();
    await patGone.getByRole('button', { name: 'Reactivate now' }).click();
    await patGone.waitFor({ state: 'detached' });
    await admin.locator('section.deactivated').waitFor({ state: 'hidden' });
    await patRow.waitFor();
    console.log('admin: role changed, refusals shown, user deactivated (signed out at once) and reactivated');

    // My account: Pat changes their password; another tab of Pat's is signed out, this one stays.
    await signIn(pat, patEmail, 'planner-pass-123');
    const patOther = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    watch(patOther, 'pat, second browser');
    await signIn(patOther, patEmail, 'planner-pass-123');
    await patOther.locator('#live-state.live-ok').waitFor();
    await pat.getByRole('link', { name: /Pat Planner-Ortiz/ }).click();
    await pat.getByRole('heading', { name: 'My account', level: 1 }).waitFor();
    await pat.getByLabel('Current password').fill('not-the-password');
    await pat.getByLabel('New password', { exact: true }).fill('planner-pass-456');
    await pat.getByLabel('New password again').fill('planner-pass-45');
    await pat.getByText('Does not match the new password yet.').waitFor();
    await pat.getByLabel('New password again').fill('planner-pass-456');
    await pat.getByRole('button', { name: 'Change password' }).click();
    await pat.locator('.error-box', { hasText: 'BAD_USER_INPUT' }).waitFor();
    await shot(pat, '27-account-wrong-password');
    await pat.getByLabel('Current password').fill('planner-pass-123');
    await pat.getByRole('button', { name: 'Change password' }).click();
    await pat.locator('.notice.success', { hasText: 'Password changed' }).waitFor();
    await shot(pat, '28-account-password-changed');
    await patOther.getByRole('button', { name: 'Sign in' }).waitFor({ timeout: 5000 });
    await patOther.locator('.notice', { hasText: 'your password was changed' }).waitFor();
    // This tab carries on with the new token, live updates included.
    await pat.getByRole('link', { name: 'Incidents', exact: true }).click();
    await pat.locator('#live-state.live-ok').waitFor();
    assert.equal(await pat.getByRole('button', { name: 'Log out' }).count(), 1, 'still signed in');
    await signIn(patOther, patEmail, 'planner-pass-456');
    console.log('account: password changed, the other session signed out, this one kept');

    // Too many failed sign-ins: the login form says how long to wait and keeps the button disabled.
    await patOther.getByRole('button', { name: 'Log out' }).click();
    for (let attempt = 0; attempt < 10; attempt += 1) {
      await patOther.getByLabel('Email').fill(patEmail);
      await patOther.getByLabel('Password').fill('wrong-password');
      await patOther.getByRole('button', { name: 'Sign in' }).click();
      await patOther.locator('.error-box:not([hidden])').waitFor();
      if (await patOther.locator('.error-box', { hasText: 'FORBIDDEN' }).count()) break;
    }
    await patOther.locator('.error-box.lockout', { hasText: /FORBIDDEN Too many failed sign-ins.*Try again in \d+ min \d+ s/ }).waitFor();
    assert.equal(await patOther.locator('.error-box:visible').count(), 1, 'the countdown replaces the server\'s message');
    assert.equal(await patOther.getByRole('button', { name: 'Sign in' }).isDisabled(), true, 'no sign-in during the lockout');
    await shot(patOther, '29-login-locked-out');
    await pat.context().close();
    await patOther.context().close();
    console.log('login: lockout with the time to wait');

    // More incidents for the board and the wall, including a hostile title.
    const hostile = `<img src=x onerror="window.__xss=1"> & "quotes"`;
    const resolvedId = (await gql(base, `mutation($i: DeclareIncidentInput!) { declareIncident(input: $i) { id } }`, { i: { title: 'Stale CDN cache on docs site', severity: 'SEV3', trigger: 'USER_REPORT' } }, adminToken)).declareIncident.id;
    await gql(base, `mutation($id: ID!) { setIncidentStatus(id: $id, status: RESOLVED, note: "Purged") { id } }`, { id: resolvedId }, adminToken);
    for (const [t, severity, trigger] of [
      ['Search latency p99 above 2s', 'SEV2', 'AUTOMATED_ALERT'],
      [hostile, 'SEV3', 'STAFF_IDENTIFIED'],
      ['Delayed email notifications', 'SEV4', 'USER_REPORT'],
    ]) {
      await gql(base, `mutation($i: DeclareIncidentInput!) { declareIncident(input: $i) { id } }`, { i: { title: t, severity, trigger } }, adminToken);
    }
    await admin.getByRole('link', { name: 'Incidents', exact: true }).click();
    await admin.getByRole('link', { name: hostile }).first().waitFor();
    assert.equal(await admin.evaluate(() => (globalThis as any).__xss), undefined, 'titles are text, never HTML');
    assert.equal(await admin.locator('main img').count(), 0);
    await shot(admin, '08-board');

    // Filters: only SEV1.
    await admin.locator('label.chip', { hasText: 'SEV1' }).click();
    await admin.waitForFunction(() => !(globalThis as any).document.querySelector('main table')?.innerText.includes('SEV2'));
    assert.match(admin.url(), /severity=SEV1/);
    await admin.locator('label.chip', { hasText: 'SEV1' }).click();

    // Wall mode on a 1080p screen; a new incident shows up by itself.
    const wall = await (await browser.newContext({ viewport: { width: 1920, height: 1080 } })).newPage();
    watch(wall, 'wall');
    await signIn(wall, adminEmail, adminPassword);
    await wall.goto(`${base}/#/wall`);
    await wall.locator('.wall-card').first().waitFor();
    // Unique, so that runs against a long-lived server do not see an earlier run's card.
    const wallTitle = `Login page down in APAC (#${Date.now() % 10_000})`;
    await gql(base, `mutation($i: DeclareIncidentInput!) { declareIncident(input: $i) { id } }`, { i: { title: wallTitle, severity: 'SEV1', trigger: 'USER_REPORT' } }, adminToken);
    await wall.locator('.wall-title', { hasText: wallTitle }).waitFor({ timeout: 5000 });
    assert.equal(await wall.locator('.topbar').isVisible(), false, 'wall mode has no controls');
    await shot(wall, '09-wall');
    await wall.keyboard.press('Escape');
    await wall.getByRole('heading', { name: 'Incidents', level: 1 }).waitFor();

    // Phone-sized board and incident.
    const phone = await (await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 })).newPage();
    watch(phone, 'phone');
    await signIn(phone, responderEmail, RESPONDER_PASSWORD);
    await phone.getByRole('link', { name: alertTitle }).waitFor();
    await shot(phone, '10-phone-board', false);
    // The top bar on a phone: nothing wider than the screen, the name shown, and tabs that say they scroll.
    assert.ok(await phone.evaluate(() => (globalThis as any).document.documentElement.scrollWidth <= 390), 'no sideways scrolling of the page');
    assert.ok((await phone.locator('.who-name').boundingBox())?.width > 40, "the person's name is shown");
    const phoneNav = phone.locator('.topbar nav');
    assert.match((await phoneNav.getAttribute('class')) ?? '', /scroll-more-end/, 'the tabs fade out where more of them are');
    await phoneNav.evaluate((el: any) => el.scrollTo({ left: el.scrollWidth }));
    await phone.locator('.topbar nav.scroll-more-start:not(.scroll-more-end)').waitFor();
    const navBox = await phoneNav.boundingBox();
    const lastTab = await phone.getByRole('link', { name: 'Wall mode' }).boundingBox();
    assert.ok(navBox && lastTab && lastTab.x + lastTab.width <= navBox.x + navBox.width + 1, 'the last tab scrolls fully into view');
    await shot(phone, '10a-phone-tabs-scrolled', false);
    await phoneNav.evaluate((el: any) => el.scrollTo({ left: 0 }));
    await phone.getByRole('link', { name: alertTitle }).click();
    await phone.getByRole('heading', { name: alertTitle, level: 1 }).waitFor();
    await shot(phone, '11-phone-incident', false);
    await phone.locator('.live-doc[data-state="live"]').waitFor({ timeout: 5000 });
    await phone.locator('.live-doc').scrollIntoViewIfNeeded();
    await shot(phone, '11a-phone-document', false);
    await phone.goto(postmortemUrl);
    await phone.getByRole('heading', { name: /^Postmortem: / }).waitFor();
    await phone.locator('form.action-item').first().waitFor();
    await shot(phone, '11b-phone-postmortem', false);
    await phone.goto(`${base}/#/postmortems`);
    await phone.locator('.metrics-table').waitFor();
    await phone.locator('table.owed').waitFor();
    await shot(phone, '11c-phone-postmortems');
    await phone.getByRole('link', { name: /my account/ }).click();
    await phone.getByRole('heading', { name: 'My account', level: 1 }).waitFor();
    await shot(phone, '11d-phone-account');

    // A viewer, in the dark theme: everything visible, nothing to change.
    const viewerEmail = `vera-${Date.now()}@example.test`;
    await gql(base, `mutation($i: CreateUserInput!) { createUser(input: $i) { id } }`, { i: { email: viewerEmail, name: 'Vera Viewer', password: RESPONDER_PASSWORD, role: 'VIEWER' } }, adminToken);
    const viewer = await (await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: 'dark' })).newPage();
    watch(viewer, 'viewer');
    await signIn(viewer, viewerEmail, RESPONDER_PASSWORD);
    assert.equal(await viewer.getByRole('link', { name: 'Declare incident' }).count(), 0, 'viewers are not offered declaring');
    await viewer.getByRole('link', { name: alertTitle }).click();
    await viewer.getByRole('heading', { name: alertTitle, level: 1 }).waitFor();
    await viewer.getByText('You are a viewer').first().waitFor();
    assert.equal(await viewer.locator('main form').count(), 0, 'viewers get no forms');
    await shot(viewer, '12-viewer-dark');
    // The co-edited document: the viewer follows it, cannot type into it, and is seen in it.
    await riley.goto(incidentUrl);
    await riley.locator('.live-doc[data-state="live"]').waitFor({ timeout: 5000 });
    await viewer.goto(incidentUrl);
    const viewerDoc = editorOf(viewer);
    await viewer.locator('.live-doc[data-state="live"]').waitFor({ timeout: 5000 });
    assert.equal(await viewerDoc.text(), await rileyDoc.text(), 'the viewer sees the same text');
    assert.equal(await viewerDoc.readOnly(), true, 'the document is read-only for viewers');
    await viewer.locator('.live-doc', { hasText: 'You are a viewer: you follow the document' }).waitFor();
    await viewerDoc.click();
    await viewer.keyboard.type('viewer was here');
    assert.ok(!(await viewerDoc.text()).includes('viewer was here'), 'typing does nothing');
    await riley.locator('.presence .presence-person', { hasText: 'Vera Viewer' }).waitFor({ timeout: 5000 });
    await rileyDoc.click();
    await riley.keyboard.press('Control+End');
    await riley.keyboard.type('\nRiley: read by a viewer.', { delay: 10 });
    await viewer.locator('.doc-editor .cm-line', { hasText: 'read by a viewer' }).waitFor({ timeout: 5000 });
    await viewerDoc.scrollIntoViewIfNeeded();
    await shot(viewer, '12a-viewer-document-dark', false);
    // Leaving the page leaves the document: the others see the viewer go.
    await viewer.getByRole('link', { name: 'Incidents', exact: true }).click();
    await riley.locator('.presence .presence-person', { hasText: 'Vera Viewer' }).waitFor({ state: 'detached', timeout: 5000 });
    await viewer.goto(postmortemUrl);
    await viewer.getByRole('heading', { name: /^Postmortem: / }).waitFor();
    await viewer.locator('form.action-item').first().waitFor();
    assert.equal(await viewer.locator('main button:visible', { hasText: /Save|Add|Publish|Send for review/ }).count(), 0, 'viewers get nothing to save');
    assert.equal(await viewer.locator('main form.add-action-item').count(), 0);
    await shot(viewer, '12b-viewer-postmortem-dark');

    // Logout forgets the token.
    await admin.getByRole('button', { name: 'Log out' }).click();
    await admin.getByRole('button', { name: 'Sign in' }).waitFor();
    assert.equal(await admin.evaluate(() => (globalThis as any).sessionStorage.getItem('sitrep.token')), null);

    assert.deepEqual(problems, [], 'no page errors, console errors or external requests');
    console.log('console e2e: all checks passed');
  } finally {
    await browser.close();
    await server?.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
