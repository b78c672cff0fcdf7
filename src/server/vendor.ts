import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import express, { type Router } from 'express';

/**
 * The packages the console loads in the browser, as their authors publish
 * them: ES modules that import each other by bare specifier (`yjs`,
 * `lib0/encoding`), which the import map in src/web/index.html points at
 * `/vendor/<package>/<file inside the package>`. The collaborative editor
 * uses the first four; graphql-ws is the subscriptions client.
 */
export const VENDOR_PACKAGES = ['yjs', 'lib0', 'y-protocols', 'y-websocket', 'graphql-ws'] as const;

/**
 * For packages that are also servers, the only subpaths a browser may load:
 * graphql-ws exports its client under `browser` conditions, and its server
 * adapters (`graphql-ws/use/ws`, …) are not for browsers.
 */
const BROWSER_SUBPATHS: Partial<Record<string, readonly string[]>> = { 'graphql-ws': ['.', './client'] };

/**
 * How long browsers may reuse a vendor file without asking. The URLs carry
 * no version, so this stays at a day rather than "immutable": after an
 * upgrade every browser has the new files within a day, and revalidation
 * (ETag) is cheap meanwhile. @default 86_400_000 // one day
 */
export const VENDOR_MAX_AGE_MS = 86_400_000;

/** The entry of the console's editor bundle (CodeMirror 6 and y-codemirror.next); next to the console in src/ and in dist/. */
export const EDITOR_ENTRY = path.join(__dirname, '../web/editor/live-editor.js');

let editorBundle: Promise<string> | undefined;

/** Runs in a child Node process: esbuild's API refuses to run inside a VM context such as Jest's. */
const BUNDLE_SCRIPT = `
  require('esbuild')
    .build({ entryPoints: [process.argv[1]], bundle: true, format: 'esm', target: 'es2020', minify: true, write: false, external: ['yjs'], logLevel: 'silent', legalComments: 'eof' })
    .then((result) => process.stdout.write(result.outputFiles[0].text), (error) => { console.error(error.message); process.exit(1); });`;

/**
 * The console's editor as one ES module, bundled by esbuild from
 * EDITOR_ENTRY and the installed CodeMirror packages, once per process on
 * first request (no build step: it works the same from a fresh clone and from
 * `dist/`). `yjs` stays an import, resolved by the page's import map, so
 * that the editor and the page share one Yjs.
 */
export function buildEditorBundle(): Promise<string> {
  editorBundle ??= new Promise<string>((resolve, reject) => {
    execFile(
      process.execPath,
      ['-e', BUNDLE_SCRIPT, EDITOR_ENTRY],
      { cwd: path.dirname(require.resolve('esbuild/package.json')), maxBuffer: 64 * 1024 * 1024, timeout: 60_000 },
      (error, stdout, stderr) => (error ? reject(new Error(`bundling the editor failed: ${stderr || error.message}`)) : resolve(stdout)),
    );
  }).catch((error) => {
    editorBundle = undefined;
    throw error;
  });
  return editorBundle;
}

/** Export conditions in the order a browser bundler would pick them. */
const BROWSER_CONDITIONS = ['browser', 'module', 'import', 'default'];

function browserTarget(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (!value || typeof value !== 'object') return undefined;
  for (const condition of BROWSER_CONDITIONS) {
    const target = browserTarget((value as Record<string, unknown>)[condition]);
    if (target) return target;
  }
  return undefined;
}

/** The specifiers of a module's static `import … from` and `export … from` statements. */
export function staticImports(source: string): string[] {
  const specifiers: string[] = [];
  // Without comments: JSDoc examples such as ` * import * as mod1 from './mod1.test.js'` are not imports.
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  for (const m of code.matchAll(/(?:^|[;}\s])(?:import|export)\s*(?:[\w*{}\s,$]+?\s*from\s*)?['"]([^'"\n]+)['"]/g)) specifiers.push(m[1]);
  return specifiers;
}

/**
 * What each import specifier of package `name` resolves to in a browser:
 * `lib0/webcrypto` → `webcrypto.js`, under the browser conditions of its
 * `exports` map. Only specifiers code imports (`.`, `./encoding`), and only
 * ES module targets: keys with an extension are aliases of those or deep
 * imports of sources, and test helpers, CommonJS and type declarations are
 * never needed by a browser.
 */
export function browserExports(name: string): Map<string, string> {
  const pkg = JSON.parse(fs.readFileSync(require.resolve(`${name}/package.json`), 'utf8')) as { exports?: Record<string, unknown> };
  const specifiers = new Map<string, string>();
  const allowed = BROWSER_SUBPATHS[name];
  for (const [subpath, value] of Object.entries(pkg.exports ?? {})) {
    if (/\.[a-z]+$/.test(subpath) || /test/i.test(subpath)) continue;
    if (allowed && !allowed.includes(subpath)) continue;
    const target = browserTarget(value);
    if (target && /\.m?js$/.test(target)) specifiers.set(path.posix.join(name, subpath), path.posix.normalize(target));
  }
  return specifiers;
}

/**
 * The ES module files `name` publishes for browsers, relative to its folder:
 * the targets of browserExports(name) and the modules these import by
 * relative path. Nothing else in the package folder is served.
 */
export function publishedModules(name: string): { root: string; files: Set<string> } {
  const root = path.dirname(require.resolve(`${name}/package.json`));
  const files = new Set(browserExports(name).values());
  // And the modules those import by relative path (lib0/logging.js imports ./logging.common.js).
  const queue = [...files];
  while (queue.length) {
    const file = queue.shift()!;
    for (const specifier of staticImports(fs.readFileSync(path.join(root, file), 'utf8'))) {
      if (!specifier.startsWith('.')) continue;
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier));
      if (target.startsWith('..') || files.has(target) || !fs.existsSync(path.join(root, target))) continue;
      files.add(target);
      queue.push(target);
    }
  }
  return { root, files };
}

/**
 * Express router for `/vendor`: `/vendor/live-editor.js` (buildEditorBundle),
 * and `/vendor/<package>/<file>` for the published ES modules of VENDOR_PACKAGES only (lib0's extensionless specifiers such as
 * `lib0/encoding` resolve to `encoding.js`), with a JavaScript content type
 * and a day of caching; 404 for anything else, no directory listings.
 */
export function vendorRouter(): Router {
  const router = express.Router();
  router.get('/live-editor.js', (req, res, next) => {
    buildEditorBundle().then((code) => {
      res.set('cache-control', `public, max-age=${VENDOR_MAX_AGE_MS / 1000}`).type('text/javascript').send(code);
    }, next);
  });
  for (const name of VENDOR_PACKAGES) {
    const { root, files } = publishedModules(name);
    const serve = express.static(root, { index: false, extensions: ['js'], redirect: false, dotfiles: 'deny', maxAge: VENDOR_MAX_AGE_MS, fallthrough: false });
    router.use(`/${name}`, (req, res, next) => {
      // req.path is the raw (undecoded) path: `..` or `%2e%2e` never equals an allowed file name.
      const file = req.path.replace(/^\/+/, '');
      if (!files.has(file) && !files.has(`${file}.js`)) {
        res.status(404).type('text/plain').send('Not found');
        return;
      }
      serve(req, res, next);
    });
  }
  router.use((_req, res) => {
    res.status(404).type('text/plain').send('Not found');
  });
  return router;
}
