// @ts-check
'use strict';
/**
 * Builds `dist/` from the TypeScript sources: `tsc -p tsconfig.build.json`
 * (incremental), the web console's files copied next to the compiled server,
 * and compiled files whose source is gone removed. Plain JavaScript with no
 * dependencies, so that it runs before anything is compiled.
 *
 *   node scripts/build.js             build (what `npm run build` runs)
 *   node scripts/build.js --if-stale  build only when dist/ is missing or older than the sources
 */
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const DIST = path.join(ROOT, 'dist');
/** Written last by a successful build; its time is the build's. */
const STAMP = path.join(DIST, '.build-complete');
/** Everything the build reads: a change to any of them makes dist/ stale. */
const INPUTS = ['src', 'ormconfig.ts', 'tsconfig.json', 'tsconfig.build.json', 'scripts/build.js'];

/** @param {...unknown} parts */
function say(...parts) {
  process.stderr.write(`[sitrep build] ${parts.join(' ')}\n`);
}

/** @param {string} file @returns {number} newest modification time under `file` (0 when absent) */
function newest(file) {
  let stat;
  try {
    stat = fs.statSync(file);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  // A directory's own time changes when a file in it is deleted or renamed.
  let time = stat.mtimeMs;
  for (const entry of fs.readdirSync(file)) time = Math.max(time, newest(path.join(file, entry)));
  return time;
}

/** Why dist/ must be (re)built, or undefined when it is up to date. */
function staleness() {
  if (!fs.existsSync(path.join(ROOT, 'src'))) return undefined; // an image with dist/ only
  if (!fs.existsSync(STAMP)) return 'dist/ has not been built yet';
  const built = fs.statSync(STAMP).mtimeMs;
  const changed = INPUTS.find((input) => newest(path.join(ROOT, input)) > built);
  return changed && `${changed} changed since the last build`;
}

/** Removes compiled files (dist/src/**.js, .d.ts, .map) whose .ts source no longer exists. */
function prune(dir = path.join(DIST, 'src')) {
  if (!fs.existsSync(dir)) return;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (path.relative(DIST, file) === path.join('src', 'web')) continue;
      prune(file);
      if (fs.readdirSync(file).length === 0) fs.rmdirSync(file);
      continue;
    }
    const source = path.join(ROOT, path.relative(DIST, file)).replace(/\.(js|d\.ts|js\.map)$/, '.ts');
    if (!fs.existsSync(source)) fs.rmSync(file);
  }
}

/** Runs the TypeScript compiler with a line every few seconds, since tsc itself is silent until done. */
function compile() {
  let tsc;
  try {
    tsc = require.resolve('typescript/bin/tsc', { paths: [ROOT] });
  } catch {
    say('TypeScript is not installed (it is a dev dependency): run `npm ci` without --omit=dev, or use a built dist/.');
    process.exit(1);
  }
  const started = Date.now();
  say('compiling TypeScript (tsc -p tsconfig.build.json); the first build takes up to a minute…');
  const ticker = setInterval(() => say(`…still compiling (${Math.round((Date.now() - started) / 1000)} s)`), 5000);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--incremental', '--tsBuildInfoFile', 'dist/.tsbuildinfo'], {
      cwd: ROOT,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    // Ctrl-C during the build reaches tsc through the process group; this process just stops waiting.
    child.once('exit', (code, signal) => {
      clearInterval(ticker);
      if (code !== 0) {
        say(signal ? `tsc stopped by ${signal}` : 'tsc found errors (above); dist/ was not updated');
        process.exit(code ?? 1);
      }
      say(`compiled in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      resolve(undefined);
    });
  });
}

/**
 * Builds dist/ (when `onlyIfStale`, only if it is missing or older than the
 * sources). Resolves once dist/src/main.js is ready to run.
 * @param {{ onlyIfStale?: boolean }} [options]
 */
async function build({ onlyIfStale = false } = {}) {
  const reason = staleness() ?? (onlyIfStale ? undefined : 'npm run build');
  if (!reason) return;
  say(`building dist/ (${reason})`);
  fs.mkdirSync(DIST, { recursive: true });
  fs.rmSync(STAMP, { force: true });
  // tsc trusts its build info: with compiled files deleted by hand it would emit nothing.
  if (!fs.existsSync(path.join(DIST, 'src', 'main.js'))) fs.rmSync(path.join(DIST, '.tsbuildinfo'), { force: true });
  await compile();
  prune();
  say('copying the web console (src/web → dist/src/web)');
  fs.rmSync(path.join(DIST, 'src', 'web'), { recursive: true, force: true });
  fs.cpSync(path.join(ROOT, 'src', 'web'), path.join(DIST, 'src', 'web'), { recursive: true });
  fs.writeFileSync(STAMP, `${new Date().toISOString()}\n`);
  say('dist/ is ready');
}

module.exports = { build, staleness };

if (require.main === module) {
  build({ onlyIfStale: process.argv.includes('--if-stale') }).catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
