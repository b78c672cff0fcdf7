import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/**
 * The test suite's child processes (Sitrep servers that tests kill, private
 * PostgreSQL servers) run plain JavaScript that global-setup transpiles (and
 * reuses while the sources do not change), instead of each child loading
 * ts-node and TypeScript and transpiling the whole server again: a child
 * then starts in about a second
 * instead of four to six on this machine class (measured with the suite
 * running). Transpile-only, as ts-node's `transpile-only` was: type errors
 * are `npm run typecheck`'s job.
 *
 * The output mirrors the repository (`src/`, `test/support/`) under
 * `node_modules/.cache/`, so that `require` finds the project's node_modules
 * and paths relative to `__dirname` (the console, the editor bundle) reach
 * the real `src/web` through a link. Outside Jest (benchmarks, scripts) the
 * environment variable is unset and children run under ts-node as before.
 */
export const CHILD_SCRIPTS_ENV = 'SITREP_TEST_CHILD_SCRIPTS';

const ROOT = path.resolve(__dirname, '../..');
/** The transpiled copies' directory names start with this, then the sources' fingerprint. */
const CACHE_PREFIX = 'sitrep-child-scripts-v1-';

/** Every `.ts` file under `dir` (relative to the repository), recursively. */
function sources(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return file === path.join('src', 'web') ? [] : sources(file);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [file] : [];
  });
}

/**
 * Transpiles src/ and test/support/ into a directory named by a fingerprint
 * of the sources (path, size, modification time), and returns it. A run
 * whose sources have not changed since the last one reuses that directory
 * (a few milliseconds of `stat` instead of about 3 s of transpiling); older
 * copies are removed. A copy is written under a temporary name and renamed
 * into place, so two runs at once never see half of one.
 */
export function transpileChildScripts(): string {
  const files = [...sources('src'), ...sources(path.join('test', 'support'))];
  const fingerprint = crypto.createHash('sha256');
  for (const file of ['tsconfig.json', ...files]) {
    const stat = fs.statSync(path.join(ROOT, file));
    fingerprint.update(`${file}\0${stat.size}\0${stat.mtimeMs}\n`);
  }
  const cache = path.join(ROOT, 'node_modules', '.cache');
  const out = path.join(cache, `${CACHE_PREFIX}${fingerprint.digest('hex').slice(0, 16)}`);
  if (fs.existsSync(out)) return out;
  fs.mkdirSync(cache, { recursive: true });
  const parsed = ts.getParsedCommandLineOfConfigFile(path.join(ROOT, 'tsconfig.json'), {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    },
  })!;
  const compilerOptions: ts.CompilerOptions = {
    ...parsed.options,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    sourceMap: false,
    inlineSourceMap: true,
    inlineSources: false,
    declaration: false,
  };
  const staging = fs.mkdtempSync(path.join(cache, 'sitrep-child-scripts-staging-'));
  for (const file of files) {
    const source = fs.readFileSync(path.join(ROOT, file), 'utf8');
    const { outputText } = ts.transpileModule(source, { compilerOptions, fileName: path.join(ROOT, file) });
    const target = path.join(staging, file.replace(/\.ts$/, '.js'));
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, outputText);
  }
  fs.symlinkSync(path.join(ROOT, 'src', 'web'), path.join(staging, 'src', 'web'), 'dir');
  try {
    fs.renameSync(staging, out);
  } catch {
    fs.rmSync(staging, { recursive: true, force: true }); // another run put the same copy in place first
  }
  for (const entry of fs.readdirSync(cache)) {
    if (entry.startsWith(CACHE_PREFIX) && path.join(cache, entry) !== out) fs.rmSync(path.join(cache, entry), { recursive: true, force: true });
  }
  return out;
}

/**
 * The node arguments that run `script` (a path relative to the repository):
 * its transpiled copy when global-setup made one, else the TypeScript source
 * under ts-node.
 */
export function childScriptArgs(script: string): string[] {
  const dir = process.env[CHILD_SCRIPTS_ENV];
  const compiled = dir && path.join(dir, script.replace(/\.ts$/, '.js'));
  if (compiled && fs.existsSync(compiled)) return [compiled];
  return ['-r', 'ts-node/register/transpile-only', script];
}

/** A script started by `spawnScript`, once it has said what it was waited for. */
export interface SpawnedScript {
  child: ChildProcess;
  /** The first line of its standard output that `accept` took. */
  line: string;
  /** Resolves once the process has exited. */
  exited: Promise<void>;
}

/**
 * Runs `script` (`childScriptArgs`) from the repository's root with `env` on
 * top of ours and its standard error inherited; resolves with the first
 * line of its standard output that `accept` takes (a child's way of saying
 * it is ready and where), rejects if it exits first.
 */
export async function spawnScript(
  script: string,
  options: { env?: Record<string, string>; nodeArgs?: string[]; accept?: (line: string) => boolean; detached?: boolean } = {},
): Promise<SpawnedScript> {
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), ...childScriptArgs(script)], {
    cwd: ROOT,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'inherit'],
    // A session of its own (see startChildServer).
    detached: options.detached ?? false,
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const accept = options.accept ?? (() => true);
  const line = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const found = out.split('\n').slice(0, -1).find(accept);
      if (found !== undefined) resolve(found.trim());
    });
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code} before it was ready`)));
  });
  return { child, line, exited };
}
