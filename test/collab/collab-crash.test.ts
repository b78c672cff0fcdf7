import { startChildServer, type ChildServer } from '../support/child-server';
import { connectEditor, converged, waitFor, type Editor } from '../support/collab-clients';
import { createTestDatabase } from '../support/test-db';
import { okAt } from '../support/test-server';

const JWT_SECRET = 'crash-test-secret-that-is-long-enough-0123456789';
const ADMIN = { email: 'admin@crash.test', password: 'admin-password-123' };

describe('live incident document when the server is killed', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let server: ChildServer | undefined;
  const editors: Editor[] = [];
  const start = (port = 0) =>
    startChildServer({
      DATABASE_URL: db.url,
      PORT: String(port),
      JWT_SECRET,
      BOOTSTRAP_ADMIN_EMAIL: ADMIN.email,
      BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password,
    });

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    editors.forEach((e) => e.destroy());
    if (server && server.process.exitCode === null) {
      server.process.kill('SIGTERM');
      await server.exited;
    }
    await db.drop();
  });

  it('loses nothing any client typed across a SIGKILL and restart, once the clients reconnect and converge', async () => {
    server = await start();
    const port = server.port;
    const { login } = await okAt(server.url, `mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }`, { e: ADMIN.email, p: ADMIN.password });
    const { declareIncident } = await okAt(
      server.url,
      `mutation($input: DeclareIncidentInput!) { declareIncident(input: $input) { id } }`,
      { input: { title: 'Kill -9 drill', severity: 'SEV1', trigger: 'STAFF_IDENTIFIED' } },
      login.token,
    );
    const id = declareIncident.id as string;
    for (let i = 0; i < 5; i++) editors.push(connectEditor(server.url, id, login.token));
    await Promise.all(editors.map((e) => e.synced()));

    // Each client types whole lines at line starts, so no line can be split by another's insert.
    const typed: string[] = [];
    let typing = true;
    const typists = editors.map(async (e, c) => {
      for (let k = 0; typing; k++) {
        const text = e.text.toString();
        const starts = [0, ...[...text.matchAll(/\n/g)].map((m) => m.index! + 1)];
        const line = `typed by ${c} #${k}\n`;
        e.text.insert(starts[Math.floor(Math.random() * starts.length)], line);
        typed.push(line);
        await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 10));
      }
    });
    await new Promise((resolve) => setTimeout(resolve, 600));
    server.process.kill('SIGKILL');
    await server.exited;
    await new Promise((resolve) => setTimeout(resolve, 400));
    server = await start(port);
    await new Promise((resolve) => setTimeout(resolve, 600));
    typing = false;
    await Promise.all(typists);

    await waitFor(() => editors.every((e) => e.provider.synced), 15_000, 'clients never resynced');
    const text = await converged(editors);
    const missing = typed.filter((line) => !text.includes(line));
    expect(missing).toEqual([]);
    expect(text.split('# Kill -9 drill').length - 1).toBe(1);

    // And it is all in PostgreSQL: stop gracefully, start again, read it back.
    await new Promise((resolve) => setTimeout(resolve, 400));
    editors.splice(0).forEach((e) => e.destroy());
    server.process.kill('SIGTERM');
    await server.exited;
    server = await start();
    const { incident } = await okAt(server.url, `query($id: ID!) { incident(id: $id) { document { markdown } } }`, { id }, login.token);
    expect(incident.document.markdown).toBe(text);
    expect(typed.length).toBeGreaterThan(100);
    // Three server processes start here (each a child process); a busy CI machine needs the room.
  }, 120_000);
});
