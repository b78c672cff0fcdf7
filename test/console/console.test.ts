import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import zlib from 'node:zlib';
import { buildSchema, parse, validate, type GraphQLSchema } from 'graphql';
import * as graphqlWs from 'graphql-ws';
import WebSocket from 'ws';
import { buildSitrepSchema } from '../../src/server/schema';
import { browserExports, staticImports, VENDOR_PACKAGES } from '../../src/server/vendor';
import { KEPT_HEADINGS } from '../../src/collab/kept-sections';
import { WEBHOOK_EVENT_TYPES } from '../../src/webhooks/webhook.enums';
import { startTestServer, TEST_PASSWORD, type TestServer } from '../support/test-server';

/*
 * The console (src/web/) runs in browsers, which CI does not have; the
 * headless walk-through is test/e2e/console.e2e.ts, run by hand. Here we
 * check over real HTTP what a browser needs from the server, that the page
 * reaches nothing outside it, that every GraphQL operation it sends is valid,
 * and the console's API clients (graphql-ws's own client underneath) against
 * the real server.
 */

const WEB = path.join(__dirname, '../../src/web');

/** The one XML namespace an SVG file must declare: an identifier, never fetched. */
const SVG_NAMESPACE = 'xmlns="http://www.w3.org/2000/svg"';

/**
 * Evaluates one of the console's browser modules that imports nothing but
 * the packages given in `modules` (its exports become the returned object),
 * so that Node runs the same code the browser does.
 */
function loadBrowserModule(file: string, globals: Record<string, unknown> = {}, modules: Record<string, unknown> = {}): Record<string, any> {
  let source = fs.readFileSync(path.join(WEB, file), 'utf8');
  // `import * as Y from 'yjs'` with 'yjs' given in `modules`: the same package, loaded by Node.
  source = source.replace(/^import \* as (\w+) from '([^']+)';$/gm, (line, name: string, specifier: string) => {
    if (!(specifier in modules)) return line;
    globals = { ...globals, [name]: modules[specifier] };
    return '';
  });
  // `import { createClient } from 'graphql-ws'` likewise, name by name.
  source = source.replace(/^import \{([^}]+)\} from '([^']+)';$/gm, (line, names: string, specifier: string) => {
    if (!(specifier in modules)) return line;
    for (const name of names.split(',').map((n) => n.trim()).filter(Boolean)) globals = { ...globals, [name]: (modules[specifier] as Record<string, unknown>)[name] };
    return '';
  });
  if (/^\s*import\s/m.test(source)) throw new Error(`${file} imports other modules; it cannot be loaded here`);
  const names = [...source.matchAll(/^export (?:async )?(?:const|function|class) (\w+)/gm)].map((m) => m[1]);
  const body = `${source.replace(/^export /gm, '')}\nreturn { ${names.join(', ')} };`;
  return new Function(...Object.keys(globals), body)(...Object.values(globals));
}

/** Bare specifiers ('yjs', 'lib0/encoding') resolve through the import map, not against the file. */
const isBare = (ref: string) => !/^(\.{1,2}\/|\/|[a-z]+:)/.test(ref);

function relativeRefs(file: string, text: string): string[] {
  const refs: string[] = [];
  if (file.endsWith('.html')) for (const m of text.matchAll(/\s(?:src|href)="([^"#][^"]*)"/g)) refs.push(m[1]);
  if (file.endsWith('.js')) {
    // Static imports and re-exports at the start of a line; the console uses no dynamic import().
    for (const m of text.matchAll(/^import\s+(?:[^'";]*?\sfrom\s*)?['"]([^'"]+)['"]/gm)) refs.push(m[1]);
    for (const m of text.matchAll(/^export\s+[^'";]*?\sfrom\s*['"]([^'"]+)['"]/gm)) refs.push(m[1]);
  }
  if (file.endsWith('.css')) for (const m of text.matchAll(/url\(\s*["']?([^"')]+)["']?\s*\)/g)) refs.push(m[1]);
  return refs.filter((r) => !r.startsWith('data:') && !(file.endsWith('.js') && isBare(r))).map((r) => path.posix.normalize(path.posix.join(path.posix.dirname(file), r)));
}

const EXPECTED_TYPES: Record<string, RegExp> = {
  '.html': /^text\/html/,
  '.js': /^(text|application)\/javascript/,
  '.css': /^text\/css/,
  '.svg': /^image\/svg\+xml/,
};

describe('web console', () => {
  let t: TestServer;
  /** Every file the page loads, by path, as served. */
  const served = new Map<string, { status: number; type: string; text: string }>();

  beforeAll(async () => {
    t = await startTestServer();
    // Crawl from / the way a browser would: the page, its script and stylesheet, their imports.
    const queue = ['index.html'];
    while (queue.length) {
      const file = queue.shift()!;
      if (served.has(file)) continue;
      const response = await fetch(`${t.url}/${file === 'index.html' ? '' : file}`);
      const text = await response.text();
      served.set(file, { status: response.status, type: response.headers.get('content-type') ?? '', text });
      queue.push(...relativeRefs(file, text));
    }
  });
  afterAll(() => t.close());

  it('serves the console page at / with its module script, stylesheet and a content security policy', async () => {
    const page = served.get('index.html')!;
    expect(page.status).toBe(200);
    expect(page.type).toMatch(/^text\/html/);
    expect(page.text).toContain('<html lang="en">');
    expect(page.text).toContain('<script type="module" src="app.js"></script>');
    expect(page.text).toContain('<link rel="stylesheet" href="styles.css">');
    expect(page.text).toMatch(/http-equiv="Content-Security-Policy" content="default-src 'self';[^"]*connect-src 'self'/);
  });

  it('serves every file the page loads, with the content type a browser needs for it', () => {
    expect([...served.keys()].sort()).toEqual(
      expect.arrayContaining([
        'app.js', 'dom.js', 'favicon.svg', 'graphql-client.js', 'queries.js', 'styles.css', 'views/board.js', 'views/incident.js', 'views/wall.js',
        'views/postmortem.js', 'views/postmortems.js', 'views/admin.js',
      ]),
    );
    for (const [file, { status, type }] of served) {
      expect({ file, status }).toEqual({ file, status: 200 });
      // Browsers refuse to run a module script served with any other type.
      expect({ file, type }).toEqual({ file, type: expect.stringMatching(EXPECTED_TYPES[path.extname(file)]) });
    }
  });

  it('serves every file under src/web that exists, so nothing the page needs is missing from the crawl', () => {
    // Type declarations (the generated GraphQL types) are for tsc, never loaded by the page; the editor's
    // bundle is built from src/web/editor/ and served as /vendor/live-editor.js.
    const onDisk = fs.readdirSync(WEB, { recursive: true, encoding: 'utf8' }).filter((f) => fs.statSync(path.join(WEB, f)).isFile() && !f.endsWith('.d.ts'));
    const fromDisk = onDisk.map((f) => f.split(path.sep).join('/')).filter((f) => !f.startsWith('editor/'));
    expect([...served.keys()].filter((f) => !f.startsWith('vendor/')).sort()).toEqual(fromDisk.sort());
    expect(served.has('vendor/live-editor.js')).toBe(true);
  });

  it('contains no URL outside the server: no CDN, no web fonts, no protocol-relative links', () => {
    for (const [file, { text }] of served) {
      const stripped = text.split(SVG_NAMESPACE).join('');
      expect({ file, external: stripped.match(/https?:\/\/[^\s"'`)]*/g) ?? [] }).toEqual({ file, external: [] });
      expect({ file, protocolRelative: stripped.match(/(?:src|href)=["']\/\/|url\(\s*["']?\/\//g) ?? [] }).toEqual({ file, protocolRelative: [] });
      // CSS @import (in JavaScript, `@import` is a JSDoc tag for types, which browsers never see).
      if (!file.endsWith('.js')) expect({ file, imports: stripped.match(/@import/g) ?? [] }).toEqual({ file, imports: [] });
    }
  });

  it('never turns text into HTML: no innerHTML, outerHTML, insertAdjacentHTML or document.write', () => {
    for (const [file, { text }] of served) {
      if (!file.endsWith('.js')) continue;
      expect({ file, sinks: text.match(/\b(innerHTML|outerHTML|insertAdjacentHTML|document\.write)\b/g) ?? [] }).toEqual({ file, sinks: [] });
    }
  });

  it('type-checks every script (`npm run typecheck` runs tsconfig.web.json): `// @ts-check` first, no `any` in its JSDoc', () => {
    for (const [file, { text }] of served) {
      // vendor/live-editor.js is the editor bundle (CodeMirror, minified); its source src/web/editor/ is checked by tsc.
      if (!file.endsWith('.js') || file.startsWith('vendor/')) continue;
      expect({ file, checked: text.startsWith('// @ts-check\n') }).toEqual({ file, checked: true });
      const jsdocTypes = [...text.matchAll(/@(?:type|param|returns|typedef|template)\s*\{([^}]*(?:\{[^}]*\}[^}]*)*)\}/g)].map((m) => m[1]);
      expect({ file, any: jsdocTypes.filter((type) => /\bany\b/.test(type)) }).toEqual({ file, any: [] });
      expect({ file, suppressed: text.match(/@ts-(?:ignore|nocheck|expect-error)/g) ?? [] }).toEqual({ file, suppressed: [] });
    }
  });

  describe('the collaborative editor\'s modules: /vendor and the import map', () => {
    const page = () => served.get('index.html')!.text;
    const importMapText = () => /<script type="importmap">([\s\S]*?)<\/script>/.exec(page())![1];
    const importMap = () => JSON.parse(importMapText()).imports as Record<string, string>;

    /** What a browser does with a specifier under this page's import map (exact key, else longest prefix key). */
    function resolveSpecifier(specifier: string, parent: URL): URL {
      if (!isBare(specifier)) return new URL(specifier, parent);
      const imports = importMap();
      if (imports[specifier]) return new URL(imports[specifier], t.url);
      const prefix = Object.keys(imports)
        .filter((key) => key.endsWith('/') && specifier.startsWith(key))
        .sort((a, b) => b.length - a.length)[0];
      if (!prefix) throw new Error(`bare import '${specifier}' in ${parent.pathname} is not in the import map`);
      return new URL(imports[prefix] + specifier.slice(prefix.length), t.url);
    }

    /** Every module the page loads, by URL path: from app.js, through the console's views into the vendor files. */
    const graph = new Map<string, { status: number; type: string; cache: string; imports: string[] }>();
    beforeAll(async () => {
      const queue = [new URL('/app.js', t.url)];
      while (queue.length) {
        const url = queue.shift()!;
        if (graph.has(url.pathname)) continue;
        const response = await fetch(url);
        const text = await response.text();
        const imports = staticImports(text);
        graph.set(url.pathname, { status: response.status, type: response.headers.get('content-type') ?? '', cache: response.headers.get('cache-control') ?? '', imports });
        if (response.ok) queue.push(...imports.map((specifier) => resolveSpecifier(specifier, url)));
      }
    });

    /** GET with the path sent exactly as written (fetch would normalise `..` away). */
    function rawGet(pathname: string): Promise<{ status: number; body: string }> {
      return new Promise((resolve, reject) => {
        http
          .get({ host: '127.0.0.1', port: new URL(t.url).port, path: pathname }, (res) => {
            let body = '';
            res.on('data', (chunk) => (body += chunk));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
          })
          .on('error', reject);
      });
    }

    it('maps yjs, lib0/, y-protocols/, y-websocket and graphql-ws to /vendor in an import map before the console\'s module script', () => {
      expect(Object.keys(importMap())).toEqual(expect.arrayContaining(['graphql-ws', 'lib0/', 'y-protocols/', 'y-websocket', 'yjs']));
      for (const target of Object.values(importMap())) expect(target).toMatch(/^\/vendor\//);
      expect(page().indexOf('type="importmap"')).toBeLessThan(page().indexOf('<script type="module"'));
    });

    it('maps each exact specifier to the file its package exports for browsers', () => {
      const exported = new Map(VENDOR_PACKAGES.flatMap((name) => [...browserExports(name)].map(([specifier, file]) => [specifier, `/vendor/${name}/${file}`] as const)));
      for (const [specifier, target] of Object.entries(importMap())) {
        if (!specifier.endsWith('/')) expect({ specifier, target }).toEqual({ specifier, target: exported.get(specifier) });
      }
    });

    it('installs the vendor packages in production: they are dependencies, not devDependencies', () => {
      const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, '../../package.json'), 'utf8'));
      for (const name of VENDOR_PACKAGES) expect({ name, dependency: name in manifest.dependencies }).toEqual({ name, dependency: true });
    });

    it('allows the import map by its sha256 hash in the CSP, and no other inline script', () => {
      // After editing the map, put this hash in the CSP of src/web/index.html.
      const hash = createHash('sha256').update(importMapText(), 'utf8').digest('base64');
      const csp = /http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(page())![1];
      const scriptSrc = csp.split(';').map((d) => d.trim()).find((d) => d.startsWith('script-src '));
      expect(scriptSrc).toBe(`script-src 'self' 'sha256-${hash}'`);
      expect(csp).not.toContain('unsafe-inline');
      expect(page().match(/<script\b/g)).toHaveLength(2);
    });

    it('resolves every import of the console, bare ones through the import map, to a module served with a JavaScript type', () => {
      const paths = [...graph.keys()];
      expect(paths).toEqual(
        expect.arrayContaining([
          '/views/incident-document.js', '/vendor/live-editor.js', '/vendor/yjs/dist/yjs.mjs', '/vendor/y-websocket/src/y-websocket.js',
          '/vendor/y-protocols/awareness', '/vendor/y-protocols/sync', '/vendor/lib0/encoding.js', '/vendor/lib0/logging.common.js',
          '/vendor/graphql-ws/dist/client.js',
        ]),
      );
      for (const [pathname, { status, type }] of graph) {
        expect({ pathname, status }).toEqual({ pathname, status: 200 });
        expect({ pathname, type }).toEqual({ pathname, type: expect.stringMatching(/^(text|application)\/javascript/) });
      }
    });

    it('loads no module twice under two URLs (lib0/map and ./map.js would be two instances of one module)', () => {
      const twice = [...graph.keys()].filter((pathname) => graph.has(`${pathname}.js`));
      // An entry is missing from the import map: add `"lib0/<name>": "/vendor/lib0/<name>.js"` for each of these.
      expect(twice).toEqual([]);
    });

    it('loads every module from this server: no import leaves the origin', () => {
      for (const [pathname, { imports }] of graph) {
        for (const specifier of imports) expect({ pathname, specifier, origin: resolveSpecifier(specifier, new URL(pathname, t.url)).origin }).toEqual({ pathname, specifier, origin: new URL(t.url).origin });
      }
    });

    it('lets browsers cache the vendor modules for a day', () => {
      for (const [pathname, { cache }] of graph) if (pathname.startsWith('/vendor/')) expect({ pathname, cache }).toEqual({ pathname, cache: 'public, max-age=86400' });
    });

    /** The yjs module as installed (its package exports map hides dist/ from require.resolve). */
    const yjsModule = () => fs.readFileSync(path.join(path.dirname(require.resolve('yjs/package.json')), 'dist/yjs.mjs'));

    /** GET with the given accept-encoding, the body as it crossed the wire (fetch would decompress it). */
    function wireGet(pathname: string, acceptEncoding: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; raw: Buffer }> {
      return new Promise((resolve, reject) => {
        http
          .get({ host: '127.0.0.1', port: new URL(t.url).port, path: pathname, headers: { 'accept-encoding': acceptEncoding } }, (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (chunk: Buffer) => chunks.push(chunk));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, raw: Buffer.concat(chunks) }));
          })
          .on('error', reject);
      });
    }

    it('sends a vendor module gzip-compressed to a client that accepts gzip, and the body unzips to the file', async () => {
      const file = yjsModule();
      const { status, headers, raw } = await wireGet('/vendor/yjs/dist/yjs.mjs', 'gzip');
      expect(status).toBe(200);
      expect(headers['content-encoding']).toBe('gzip');
      expect(headers.vary).toMatch(/accept-encoding/i);
      expect(headers['content-type']).toMatch(/javascript/);
      expect(headers['cache-control']).toBe('public, max-age=86400');
      expect(zlib.gunzipSync(raw).equals(file)).toBe(true);
      expect(raw.length).toBeLessThan(file.length / 2);
    });

    it('sends the console\'s own modules compressed, and everything as is to a client that accepts no encoding', async () => {
      const zipped = await wireGet('/views/incident.js', 'gzip');
      expect(zipped.headers['content-encoding']).toBe('gzip');
      expect(zlib.gunzipSync(zipped.raw).toString('utf8')).toBe(fs.readFileSync(path.join(WEB, 'views/incident.js'), 'utf8'));
      const plain = await wireGet('/vendor/yjs/dist/yjs.mjs', 'identity');
      expect(plain.headers['content-encoding']).toBeUndefined();
      expect(plain.raw.equals(yjsModule())).toBe(true);
    });

    it('compresses GraphQL answers too, which still parse as the same JSON', async () => {
      const query = JSON.stringify({ query: '{ __schema { types { name description } } }' });
      const response = await new Promise<{ headers: http.IncomingHttpHeaders; raw: Buffer }>((resolve, reject) => {
        const req = http.request(
          { host: '127.0.0.1', port: new URL(t.url).port, path: '/graphql', method: 'POST', headers: { 'content-type': 'application/json', 'accept-encoding': 'gzip', authorization: `Bearer ${t.admin.token}` } },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (chunk: Buffer) => chunks.push(chunk));
            res.on('end', () => resolve({ headers: res.headers, raw: Buffer.concat(chunks) }));
          },
        );
        req.on('error', reject);
        req.end(query);
      });
      expect(response.headers['content-encoding']).toBe('gzip');
      const body = JSON.parse(zlib.gunzipSync(response.raw).toString('utf8'));
      expect(body.data.__schema.types.map((type: { name: string }) => type.name)).toContain('Incident');
    });

    it.each([
      '/vendor/../package.json',
      '/vendor/lib0/../../package.json',
      '/vendor/lib0/%2e%2e/%2e%2e/package.json',
      '/vendor/lib0/..%2f..%2fpackage.json',
      '/vendor/express/index.js',
      '/vendor/yjs/../express/index.js',
      '/vendor/lib0/package.json',
      '/vendor/lib0/',
      '/vendor/lib0',
      '/vendor/',
      '/vendor/lib0/dist/encoding.cjs',
      '/vendor/lib0/encoding.d.ts',
      '/vendor/lib0/array.test.js',
      '/vendor/lib0/bin/gendocs.js',
      '/vendor/yjs/src/index.js',
      '/vendor/yjs/dist/yjs.cjs',
      '/vendor/y-websocket/src/server.js',
      '/vendor/graphql-ws/dist/use/ws.js',
      '/vendor/graphql-ws/dist/server-zBhvXJ_Z.js',
      '/vendor/graphql-ws/dist/client.cjs',
    ])('refuses %s: only the published browser ES modules of the vendor packages are served', async (pathname) => {
      const { status, body } = await rawGet(pathname);
      expect(status).toBe(404);
      expect(body).not.toMatch(/"dependencies"|module\.exports|exports\.|<ul|Index of/);
    });
  });

  describe('the live document editor bundle (CodeMirror 6 + y-codemirror.next)', () => {
    it('is one ES module whose only import is yjs (the page\'s Yjs, through the import map)', async () => {
      const response = await fetch(`${t.url}/vendor/live-editor.js`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/javascript/);
      expect(response.headers.get('cache-control')).toBe('public, max-age=86400');
      const code = await response.text();
      expect(new Set(staticImports(code))).toEqual(new Set(['yjs']));
      expect(code).toMatch(/export\s*\{[^}]*\bcreateLiveEditor\b/);
      expect(code).toMatch(/export\s*\{[^}]*\bdiffLines\b/);
    });

    it('marks the same sections the server keeps', () => {
      const source = fs.readFileSync(path.join(__dirname, '../../src/web/editor/live-editor.js'), 'utf8');
      const headings = JSON.parse(/KEPT_HEADINGS = (\[[^\]]*\])/.exec(source)![1].replace(/'/g, '"'));
      expect(headings).toEqual(Object.values(KEPT_HEADINGS));
    });
  });

  it('offers exactly the webhook event types the server accepts', () => {
    const source = fs.readFileSync(path.join(WEB, 'views/admin-webhooks.js'), 'utf8');
    const list = /const EVENT_TYPES = \[([\s\S]*?)\n\];/.exec(source)![1];
    expect([...list.matchAll(/\['([^']+)', '[^']+'\]/g)].map((m) => m[1])).toEqual([...WEBHOOK_EVENT_TYPES]);
  });

  describe('GraphQL operations in queries.js', () => {
    const operations = Object.entries(loadBrowserModule('queries.js')) as Array<[string, string]>;
    let contract: GraphQLSchema;
    let actual: GraphQLSchema;

    beforeAll(async () => {
      contract = buildSchema(fs.readFileSync(path.join(__dirname, '../../schema/contract.graphql'), 'utf8'));
      actual = await buildSitrepSchema();
    });

    /**
     * The operations that use what this server offers beyond the public
     * contract (checklist, findings, metrics, token revocation, handoff
     * history, …). Every other operation must stay within the contract, so
     * that the console works against any server that implements it.
     */
    const BEYOND_CONTRACT = [
      'ADMIN_USERS', 'API_TOKENS', 'CHANGE_PASSWORD', 'DEACTIVATED_USERS', 'DOCUMENT_VERSIONS', 'INCIDENT_CHANGES', 'INCIDENT_CONTEXT', 'INCIDENT_METRICS', 'POSTMORTEM', 'POSTMORTEMS_OWED',
      'POSTMORTEM_UPDATED', 'REVOKE_API_TOKEN', 'SET_ON_STATUS_PAGE', 'SET_POSTMORTEM_STATUS', 'UPDATE_CADENCE', 'UPDATE_POSTMORTEM', 'UPDATE_USER',
      'WEBHOOK_ENDPOINTS', 'CREATE_WEBHOOK_ENDPOINT', 'DELETE_WEBHOOK_ENDPOINT', 'WEBHOOK_DELIVERIES',
    ];

    it('covers every call the console makes', () => {
      expect(operations.map(([name]) => name).sort()).toEqual(
        [
          'ACKNOWLEDGE_INCIDENT', 'ADD_ACTION_ITEM', 'ADD_TIMELINE_EVENT', 'ASSIGN_ROLE', 'CREATE_API_TOKEN', 'CREATE_USER', 'DECLARE_INCIDENT',
          'INCIDENT', 'INCIDENTS', 'INCIDENTS_CHANGED', 'INCIDENT_COUNT', 'INCIDENT_UPDATED', 'LOGIN', 'ME', 'POSTMORTEM_MARKDOWN',
          'POST_STATUS_UPDATE', 'SET_INCIDENT_STATUS', 'START_POSTMORTEM', 'TIMELINE_EVENT_ADDED', 'UPDATE_ACTION_ITEM', 'UPDATE_INCIDENT',
          'USERS', 'WALL', ...BEYOND_CONTRACT,
        ].sort(),
      );
    });

    it('are valid against the public contract, except the few that use this server\'s additions', () => {
      for (const [name, query] of operations) {
        if (BEYOND_CONTRACT.includes(name)) continue;
        expect({ name, errors: validate(contract, parse(query)).map((e) => e.message) }).toEqual({ name, errors: [] });
      }
    });

    it('lists as beyond the contract only operations that really need more than the contract', () => {
      for (const name of BEYOND_CONTRACT) {
        const query = operations.find(([n]) => n === name)![1];
        expect({ name, beyond: validate(contract, parse(query)).length > 0 }).toEqual({ name, beyond: true });
      }
    });

    it('are all valid against the schema this server builds', () => {
      for (const [name, query] of operations) {
        expect({ name, errors: validate(actual, parse(query)).map((e) => e.message) }).toEqual({ name, errors: [] });
      }
    });
  });

  describe('the console\'s API clients against the real server', () => {
    // The browser module as it is, with graphql-ws's client (the CommonJS build of what /vendor serves) and `ws` as its WebSocket.
    const { HttpClient, GraphQLWsClient, backoffDelay } = loadBrowserModule('graphql-client.js', { WebSocket }, { 'graphql-ws': graphqlWs });
    const queries = loadBrowserModule('queries.js');
    const clients: Array<{ dispose(): void }> = [];
    const wsClient = (token: string | null, onAuthFailure = () => {}) => {
      const client = new GraphQLWsClient({ url: t.wsUrl, getToken: () => token, onAuthFailure });
      clients.push(client);
      return client;
    };
    afterAll(() => clients.forEach((c) => c.dispose()));

    const declare = (title: string) =>
      t.ok(`mutation($i: DeclareIncidentInput!) { declareIncident(input: $i) { id } }`, { i: { title, severity: 'SEV2', trigger: 'USER_REPORT' } }, t.admin.token);

    function nextValue<T>(subscribe: (sink: { next: (v: T) => void; error: (e: unknown) => void }) => void, timeoutMs = 5000): Promise<T> {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no value in time')), timeoutMs);
        subscribe({
          next: (value) => {
            clearTimeout(timer);
            resolve(value);
          },
          error: (error) => {
            clearTimeout(timer);
            reject(error);
          },
        });
      });
    }

    async function waitFor(condition: () => boolean, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (!condition()) {
        if (Date.now() > deadline) throw new Error('condition not met in time');
        await new Promise((r) => setTimeout(r, 20));
      }
    }

    it('reports the contract code and message of a refused mutation', async () => {
      const api = new HttpClient({ url: `${t.url}/graphql`, getToken: () => t.admin.token });
      await expect(api.request(queries.DECLARE_INCIDENT, { input: { title: '   ', severity: 'SEV1', trigger: 'USER_REPORT' } })).rejects.toMatchObject({
        code: 'BAD_USER_INPUT',
        message: expect.stringContaining('title must not be blank'),
      });
    });

    it('tells the app when a request carrying a token is refused as unauthenticated', async () => {
      let expired = 0;
      const api = new HttpClient({ url: `${t.url}/graphql`, getToken: () => 'not-a-valid-token', onUnauthenticated: () => (expired += 1) });
      await expect(api.request(queries.ME)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
      expect(expired).toBe(1);
    });

    it('acknowledges the connection, subscribes, and delivers incidentsChanged for a declaration', async () => {
      const client = wsClient(t.admin.token);
      const states: string[] = [];
      client.onState((s: string) => states.push(s));
      const declared = nextValue<any>((sink) => client.subscribe(queries.INCIDENTS_CHANGED, {}, sink));
      await waitFor(() => client.state === 'connected');
      const { declareIncident } = await declare('Live through the console client');
      const value = await declared;
      expect(value.incidentsChanged).toMatchObject({ kind: 'DECLARED', incident: { id: declareIncident.id, title: 'Live through the console client' } });
      expect(states).toEqual(['idle', 'connecting', 'connected']);
    });

    it('reconnects after the connection drops, subscribes again and says it reconnected', async () => {
      const client = wsClient(t.admin.token);
      const values: any[] = [];
      let reconnects = 0;
      client.onReconnect(() => (reconnects += 1));
      client.subscribe(queries.INCIDENTS_CHANGED, {}, { next: (v: any) => values.push(v) });
      await waitFor(() => client.state === 'connected');
      // An abrupt drop (1006), as when a laptop sleeps or a proxy restarts.
      client.socket.terminate();
      await waitFor(() => client.state === 'reconnecting');
      await waitFor(() => client.state === 'connected', 10_000);
      expect(reconnects).toBe(1);
      const { declareIncident } = await declare('After the reconnect');
      await waitFor(() => values.some((v) => v.incidentsChanged.incident.id === declareIncident.id));
    });

    it('stops and reports an auth failure when the server refuses the token, without retrying', async () => {
      let failures = 0;
      const client = wsClient('not-a-valid-token', () => (failures += 1));
      const outcome = nextValue((sink) => client.subscribe(queries.INCIDENTS_CHANGED, {}, sink));
      await expect(outcome).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
      expect(failures).toBe(1);
      expect(client.state).toBe('failed');
      expect(client.socket).toBeNull();
    });

    describe('the account operations', () => {
      const { retryAfterSeconds, waitLabel } = loadBrowserModule('dom.js');
      const api = (token: string | null) => new HttpClient({ url: `${t.url}/graphql`, getToken: () => token });

      it('changes the password: the returned token works, the old one is refused, a wrong current password is BAD_USER_INPUT', async () => {
        const user = await t.createUser('RESPONDER');
        await expect(api(user.token).request(queries.CHANGE_PASSWORD, { currentPassword: 'not-my-password', newPassword: 'a-new-password-1' })).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
        const { changePassword } = await api(user.token).request(queries.CHANGE_PASSWORD, { currentPassword: TEST_PASSWORD, newPassword: 'a-new-password-1' });
        expect(changePassword.user).toMatchObject({ id: user.id, email: user.email });
        expect((await api(changePassword.token).request(queries.ME)).me.id).toBe(user.id);
        await expect(api(user.token).request(queries.ME)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
      });

      it('renames, changes the role, deactivates (listed in deactivatedUsers, signed out) and reactivates a person', async () => {
        const user = await t.createUser('VIEWER');
        const admin = api(t.admin.token);
        const { updateUser } = await admin.request(queries.UPDATE_USER, { id: user.id, input: { name: 'Renamed Person', role: 'RESPONDER' } });
        expect(updateUser).toMatchObject({ name: 'Renamed Person', role: 'RESPONDER', deactivatedAt: null });
        await admin.request(queries.UPDATE_USER, { id: user.id, input: { deactivated: true } });
        expect((await admin.request(queries.DEACTIVATED_USERS)).deactivatedUsers.map((u: { id: string }) => u.id)).toContain(user.id);
        expect((await admin.request(queries.ADMIN_USERS)).users.map((u: { id: string }) => u.id)).not.toContain(user.id);
        await expect(api(user.token).request(queries.ME)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
        await admin.request(queries.UPDATE_USER, { id: user.id, input: { deactivated: false } });
        expect((await admin.request(queries.DEACTIVATED_USERS)).deactivatedUsers.map((u: { id: string }) => u.id)).not.toContain(user.id);
      });

      it('reports the server\'s refusals with their codes: the last active admin (CONFLICT), deactivating yourself (BAD_USER_INPUT)', async () => {
        const admin = api(t.admin.token);
        await expect(admin.request(queries.UPDATE_USER, { id: t.admin.id, input: { role: 'VIEWER' } })).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('last active admin') });
        await expect(admin.request(queries.UPDATE_USER, { id: t.admin.id, input: { deactivated: true } })).rejects.toMatchObject({ code: 'BAD_USER_INPUT', message: expect.stringContaining('yourself') });
      });

      it('reads how long to wait from the login lockout, for the login form\'s countdown', async () => {
        const user = await t.createUser('VIEWER');
        let refusal: any;
        for (let attempt = 0; attempt < 10 && !refusal; attempt += 1) {
          try {
            await api(null).request(queries.LOGIN, { email: user.email, password: 'wrong-password' });
          } catch (error: any) {
            if (error.code === 'FORBIDDEN') refusal = error;
          }
        }
        expect(refusal).toBeDefined();
        const seconds = retryAfterSeconds(refusal);
        expect(seconds).toBeGreaterThan(0);
        expect(seconds).toBeLessThanOrEqual(15 * 60);
        expect(retryAfterSeconds({ code: 'BAD_USER_INPUT', errors: [] })).toBeNull();
        expect([waitLabel(1), waitLabel(45), waitLabel(245), waitLabel(3720)]).toEqual(['1 second', '45 seconds', '4 min 05 s', '1 h 02 min']);
      });
    });

    it('backs off exponentially with jitter up to 30 seconds', () => {
      for (let attempt = 0; attempt < 10; attempt += 1) {
        const ceiling = Math.min(30_000, 1000 * 2 ** attempt);
        const delay = backoffDelay(attempt);
        expect(delay).toBeGreaterThanOrEqual(ceiling / 2);
        expect(delay).toBeLessThanOrEqual(ceiling);
      }
    });
  });
});
