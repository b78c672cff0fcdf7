/**
 * The live document's editor in a real, headless Chromium: CodeMirror 6 with
 * y-codemirror.next, two people's carets with their names, a viewer who
 * cannot type, Sitrep's kept sections marked and rewritten live, and the
 * history panel's diff.
 *
 * Not part of `npm test` (jest runs *.test.ts only; CI has no browser). Run:
 *
 *   apt-get install -y chromium              # Debian's Chromium at /usr/bin/chromium
 *   npm i --no-save playwright-core          # the driver only; never added to package.json
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \
 *     npx ts-node --transpile-only test/e2e/live-document.e2e.ts
 *
 * Environment: CHROMIUM (default /usr/bin/chromium), SHOTS_DIR (default
 * /tmp/sitrep-livedoc-shots), HEADED=1 to watch. It fails on any page error,
 * console error (a CSP refusal is one), or request leaving the server's origin.
 */
import assert from 'node:assert/strict';
import 'reflect-metadata';
import { ADMIN_EMAIL, ADMIN_PASSWORD, startTestServer, TEST_PASSWORD, type TestServer } from '../support/test-server';
import { launchWatchedBrowser, type Page } from './browser';

const SHOTS = process.env.SHOTS_DIR ?? '/tmp/sitrep-livedoc-shots';


async function main(): Promise<void> {
  const t: TestServer = await startTestServer();
  const base = t.url;
  const origin = new URL(base).host;
  const riley = await t.createUser('RESPONDER', 'Riley Responder');
  const vera = await t.createUser('VIEWER', 'Vera Viewer');
  const adminName = t.admin.name;
  const { declareIncident } = await t.ok(
    `mutation($input: DeclareIncidentInput!) { declareIncident(input: $input) { id } }`,
    { input: { title: 'Checkout returns 500', severity: 'SEV1', trigger: 'USER_REPORT' } },
    t.admin.token,
  );
  const id: string = declareIncident.id;
  const markdown = async () => (await t.ok(`query($id: ID!) { incident(id: $id) { document { markdown } } }`, { id }, t.admin.token)).incident.document.markdown as string;

  const { browser, problems, watch, shot } = await launchWatchedBrowser(origin, SHOTS);
  const open = async (email: string, password: string, who: string) => {
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 1000 } })).newPage();
    watch(page, who);
    await page.goto(base);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Incidents', level: 1 }).waitFor();
    await page.goto(`${base}/#/incidents/${id}`);
    await page.locator('.live-doc[data-state="live"]').waitFor({ timeout: 15_000 });
    return page;
  };
  /** Puts the caret at the end of the line holding `text` and types `typed`. */
  const typeAfter = async (page: Page, text: string, typed: string) => {
    await page.locator('.cm-line', { hasText: text }).first().click();
    await page.keyboard.press('End');
    await page.keyboard.type(typed, { delay: 10 });
  };

  try {
    const admin = await open(ADMIN_EMAIL, ADMIN_PASSWORD, 'admin');
    const rileyPage = await open(riley.email, TEST_PASSWORD, 'riley');

    // The editor is CodeMirror, Markdown-highlighted, with Sitrep's two sections marked.
    await admin.locator('.cm-editor .cm-content[contenteditable="true"]').waitFor();
    assert.equal(await admin.locator('.cm-sitrep-kept-head').count(), 2, 'Status and Command Hierarchy are marked as kept by Sitrep');
    assert.ok((await admin.locator('.cm-line', { hasText: 'Current Incident Commander' }).getAttribute('class')).includes('cm-sitrep-kept'));

    // Two people type in different places and see each other's carets, with names.
    await typeAfter(admin, 'What is broken', ' Admin was here.');
    await typeAfter(rileyPage, 'Where responders meet', ' Riley was here.');
    await admin.locator('.cm-ySelectionInfo', { hasText: 'Riley Responder' }).waitFor({ timeout: 10_000 });
    await rileyPage.locator('.cm-ySelectionInfo', { hasText: adminName }).waitFor({ timeout: 10_000 });
    assert.match(await admin.locator('.cm-ySelectionCaret').first().getAttribute('class'), /cm-who-\d/, 'the caret has its owner\'s colour');
    const caretColour = await admin.locator('.cm-ySelectionInfo').first().evaluate((el: any) => (globalThis as any).getComputedStyle(el).backgroundColor);
    assert.notEqual(caretColour, 'rgba(0, 0, 0, 0)', 'the name tag is coloured');
    const deadline = Date.now() + 10_000;
    while (!((await markdown()).includes('Admin was here.') && (await markdown()).includes('Riley was here.'))) {
      assert.ok(Date.now() < deadline, 'both edits reach the server');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    console.log('two editors: both edits stored, each sees the other\'s caret with a name');
    await shot(admin, 'livedoc-01-two-carets');

    // A status change rewrites the kept section in the open editors.
    await t.ok(`mutation($id: ID!) { setIncidentStatus(id: $id, status: MITIGATED, note: "rolled back") { id } }`, { id }, t.admin.token);
    await rileyPage.locator('.cm-line', { hasText: 'Active, SEV1, mitigated.' }).waitFor({ timeout: 10_000 });
    assert.ok((await rileyPage.locator('.cm-content').textContent()).includes('Riley was here.'), 'the person\'s own text is untouched');

    // A viewer follows read-only: typing changes nothing.
    const viewer = await open(vera.email, TEST_PASSWORD, 'vera');
    await viewer.locator('.cm-content[contenteditable="false"]').waitFor();
    const before = await markdown();
    await viewer.locator('.cm-line', { hasText: 'What is broken' }).first().click();
    await viewer.keyboard.type('VIEWER TYPING');
    await viewer.keyboard.press('Enter');
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.ok(!(await viewer.locator('.cm-content').textContent()).includes('VIEWER TYPING'), 'the viewer\'s editor does not take the keys');
    assert.equal(await markdown(), before, 'nothing reached the document');
    console.log('viewer: read-only editor, the typing went nowhere');
    await shot(viewer, 'livedoc-02-viewer');

    // History: the versions, and a diff between the declaration and the mitigation.
    await admin.getByRole('button', { name: 'History' }).click();
    await admin.locator('.doc-versions li').nth(1).waitFor({ timeout: 10_000 });
    const options = await admin.locator('.doc-compare select[name="from"] option').allTextContents();
    assert.ok(options.some((o: string) => o.includes('Declared')) && options.some((o: string) => o.includes('Status changed')), `versions listed: ${options.join(' | ')}`);
    await admin.locator('.doc-compare select[name="from"]').selectOption({ index: 0 });
    await admin.locator('.doc-compare select[name="to"]').selectOption({ index: 1 });
    await admin.locator('.doc-diff ins', { hasText: 'Active, SEV1, mitigated.' }).waitFor();
    await admin.locator('.doc-diff del', { hasText: 'Active, SEV1, investigating.' }).waitFor();
    assert.ok((await admin.locator('.doc-diff ins').allTextContents()).join('').includes('Admin was here.'), 'the people\'s edits since are in the diff too');
    console.log('history: versions listed, the diff shows the status change and the edits');
    await shot(admin, 'livedoc-03-history-diff');

    assert.deepEqual(problems, [], 'no page errors, console errors or external requests');
    console.log('live document e2e: all passed');
  } finally {
    await browser.close();
    await t.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
