/**
 * Pins the shape of src/: how many top-level folders import each other (the
 * counting rule is documented in import-graph.ts), that infrastructure never
 * imports a domain or the assembly, and that no file grows past what one reader
 * can hold. Plain fs parsing of import lines; no database.
 */
import fs from 'node:fs';
import path from 'node:path';
import { INFRASTRUCTURE, NOT_DOMAIN, SRC, crossFolderImports, folderPairs, sourceFiles } from './import-graph';

const MAX_FOLDER_PAIRS = 8;
const MAX_LINES = 300;

describe('architecture of src/', () => {
  it(`has at most ${MAX_FOLDER_PAIRS} pairs of top-level folders that import each other`, () => {
    const pairs = folderPairs();
    if (pairs.length > MAX_FOLDER_PAIRS) {
      throw new Error(`${pairs.length} folder pairs import each other:\n  ${pairs.join('\n  ')}`);
    }
    expect(pairs.length).toBeLessThanOrEqual(MAX_FOLDER_PAIRS);
  });

  it('keeps infrastructure folders free of domain imports', () => {
    const offending = crossFolderImports()
      .filter(({ from, to }) => INFRASTRUCTURE.includes(from) && !NOT_DOMAIN.has(to))
      .map(({ file, to }) => `${file} imports ${to}/`);
    expect(offending).toEqual([]);
  });

  it('keeps every folder but src/server from importing the assembly in src/server', () => {
    const offending = crossFolderImports()
      .filter(({ from, to }) => from !== 'server' && to === 'server')
      .map(({ file }) => file);
    expect(offending).toEqual([]);
  });

  it(`has no file over ${MAX_LINES} lines without a reason in its header comment (the console's JavaScript included)`, () => {
    const offending = [];
    for (const file of sourceFiles(SRC, ['.ts', '.js'])) {
      const text = fs.readFileSync(file, 'utf8');
      const lines = text.split('\n').length;
      if (lines <= MAX_LINES) continue;
      // The reason is a header comment naming why the file is long: "Longer than 300 lines because …".
      const header = text.slice(0, 2000);
      if (!/longer than 300 lines because/i.test(header)) offending.push(`${path.relative(SRC, file)} (${lines} lines)`);
    }
    expect(offending).toEqual([]);
  });
});


describe('test suites', () => {
  const TEST = path.resolve(__dirname, '..');
  const files = (suffix: string) => sourceFiles(TEST, ['.ts']).filter((file) => file.endsWith(suffix));

  it('puts every test file in exactly one suite, so that `npm test` runs each once (jest.config.js)', () => {
    const inSuites = new Map<string, string[]>();
    const suites = files('.suite.ts');
    // The suites live together in test/suites/, a handful of them, each loading the server's modules once.
    expect(suites.map((suite) => path.relative(TEST, path.dirname(suite)))).toEqual(suites.map(() => 'suites'));
    for (const suite of suites) {
      for (const [, target] of fs.readFileSync(suite, 'utf8').matchAll(/^import '(\.\.\/[^']+\.test)';$/gm)) {
        const file = path.resolve(path.dirname(suite), `${target}.ts`);
        inSuites.set(file, [...(inSuites.get(file) ?? []), path.relative(TEST, suite)]);
      }
    }
    const problems = files('.test.ts').flatMap((file) => {
      const holders = inSuites.get(file) ?? [];
      return holders.length === 1 ? [] : [`${path.relative(TEST, file)} is in ${holders.length} suites (${holders.join(', ')})`];
    });
    const missing = [...inSuites.keys()].filter((file) => !fs.existsSync(file)).map((file) => `${path.relative(TEST, file)} is imported but missing`);
    expect([...problems, ...missing]).toEqual([]);
    expect(inSuites.size).toBeGreaterThan(60);
  });
});
