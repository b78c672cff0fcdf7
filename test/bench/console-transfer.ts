import 'reflect-metadata';
import http from 'node:http';
import path from 'node:path';
import { staticImports } from '../../src/server/vendor';
import { startTestServer, type TestServer } from '../support/test-server';

/**
 * `npm run bench:console-transfer`: what the console's first load costs on
 * the wire. Crawls the page as a browser does (index.html, its stylesheet,
 * icon and module script, every static import, bare ones through the page's
 * import map into /vendor) and fetches each file twice: with
 * `accept-encoding: gzip` and without. Prints bytes on the wire per kind of
 * file and in total. Starts its own server (DATABASE_URL, as the tests), or
 * measures SITREP_URL.
 */

interface Fetched {
  status: number;
  encoding: string;
  wire: number;
  body: string;
}

/** GET with the raw bytes counted as they arrive (fetch would decompress them). */
function get(url: URL, gzip: boolean): Promise<Fetched> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers: gzip ? { 'accept-encoding': 'gzip' } : { 'accept-encoding': 'identity' } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const raw = Buffer.concat(chunks);
          const encoding = String(res.headers['content-encoding'] ?? 'identity');
          const body = encoding === 'gzip' ? require('node:zlib').gunzipSync(raw).toString('utf8') : raw.toString('utf8');
          resolve({ status: res.statusCode ?? 0, encoding, wire: raw.length, body });
        });
      })
      .on('error', reject);
  });
}

const isBare = (ref: string) => !/^(\.{1,2}\/|\/|[a-z]+:)/.test(ref);

async function crawl(base: string): Promise<string[]> {
  const page = (await get(new URL('/', base), false)).body;
  const imports = JSON.parse(/<script type="importmap">([\s\S]*?)<\/script>/.exec(page)![1]).imports as Record<string, string>;
  const resolve = (specifier: string, parent: URL): URL => {
    if (!isBare(specifier)) return new URL(specifier, parent);
    if (imports[specifier]) return new URL(imports[specifier], base);
    const prefix = Object.keys(imports)
      .filter((key) => key.endsWith('/') && specifier.startsWith(key))
      .sort((a, b) => b.length - a.length)[0];
    return new URL(imports[prefix] + specifier.slice(prefix.length), base);
  };
  const seen = new Set<string>(['/']);
  const queue = [...page.matchAll(/\s(?:src|href)="([^"#][^"]*)"/g)].map((m) => new URL(m[1], base));
  while (queue.length) {
    const url = queue.shift()!;
    if (seen.has(url.pathname)) continue;
    seen.add(url.pathname);
    if (!url.pathname.endsWith('.js') && !url.pathname.endsWith('.mjs') && !url.pathname.includes('/vendor/')) continue;
    const { body } = await get(url, false);
    queue.push(...staticImports(body).map((specifier) => resolve(specifier, url)));
  }
  return [...seen];
}

async function main(): Promise<void> {
  let server: TestServer | undefined;
  const base = process.env.SITREP_URL ?? (server = await startTestServer()).url;
  try {
    const paths = await crawl(base);
    const rows = new Map<string, { files: number; identity: number; gzip: number; gzipped: number }>();
    for (const pathname of paths) {
      const url = new URL(pathname, base);
      const [plain, zipped] = await Promise.all([get(url, false), get(url, true)]);
      if (plain.status !== 200 || zipped.body !== plain.body) throw new Error(`${pathname}: ${plain.status}, or the gzip body differs`);
      const kind = pathname.startsWith('/vendor/') ? 'vendor modules' : pathname === '/' ? 'index.html' : `console ${path.extname(pathname) || 'page'}`;
      const row = rows.get(kind) ?? { files: 0, identity: 0, gzip: 0, gzipped: 0 };
      row.files += 1;
      row.identity += plain.wire;
      row.gzip += zipped.wire;
      row.gzipped += zipped.encoding === 'gzip' ? 1 : 0;
      rows.set(kind, row);
    }
    const total = { files: 0, identity: 0, gzip: 0, gzipped: 0 };
    for (const row of rows.values()) for (const key of Object.keys(total) as Array<keyof typeof total>) total[key] += row[key];
    const kb = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
    console.table(
      Object.fromEntries(
        [...rows, ['total', total] as const].map(([kind, r]) => [
          kind,
          { files: r.files, 'gzip-encoded': r.gzipped, identity: kb(r.identity), 'accept-encoding: gzip': kb(r.gzip), saved: `${(100 * (1 - r.gzip / r.identity)).toFixed(0)}%` },
        ]),
      ),
    );
  } finally {
    await server?.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
