/**
 * The import graph of src/, read with plain fs parsing of import lines. Used by
 * architecture.test.ts; run it directly to print the folder pairs:
 * `npx ts-node --transpile-only test/architecture/import-graph.ts`.
 *
 * How the folder pairs are counted (the number issue 13 bounds at 8; the same
 * rule gives the issue's own figures for the code before it: 24 pairs, 7
 * without db/entities.ts, graphql/resolvers.ts and graphql/loaders.ts):
 * - A "folder" is a top-level directory of src/ (src/incidents, src/db, …).
 *   Files directly in src/ (main.ts, the process entry point) belong to no folder.
 * - An import is any module specifier in a `.ts` file that resolves, relative to
 *   the file, to another path under src/: `import … from`, `import type … from`,
 *   `export … from`, bare `import '…'` and dynamic `import('…')` all count
 *   (type-only imports too: they couple folders just the same).
 * - Folders A ≠ B "import each other" when some file in A imports a file in B
 *   AND some file in B imports a file in A: a cycle between the two folders.
 *   Each such unordered pair {A, B} counts once. One-way imports (a domain
 *   using db/ or common/) are layering, not coupling in circles, and do not count.
 */
import fs from 'node:fs';
import path from 'node:path';

export const SRC = path.resolve(__dirname, '../../src');
/** Folders that hold mechanism, not domain: they must not import a domain. */
export const INFRASTRUCTURE = ['db', 'graphql', 'events', 'config', 'observability', 'common'];
/** Folders that are neither infrastructure nor domain: the assembly and the browser console. */
export const NOT_DOMAIN = new Set([...INFRASTRUCTURE, 'server', 'web']);

export function tsFiles(dir: string): string[] {
  return sourceFiles(dir, ['.ts']);
}

/** Every file under `dir` whose name ends with one of `extensions`, recursively. */
export function sourceFiles(dir: string, extensions: readonly string[]): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full, extensions);
    return extensions.some((ext) => entry.name.endsWith(ext)) ? [full] : [];
  });
}

function topFolder(file: string): string | null {
  const parts = path.relative(SRC, file).split(path.sep);
  return parts.length > 1 ? parts[0] : null;
}

const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(?\s*)['"](\.[^'"]*)['"]/g;

/** Every (importing file, imported top-level folder) edge that crosses folders. */
export function crossFolderImports(): Array<{ file: string; from: string; to: string }> {
  const edges: Array<{ file: string; from: string; to: string }> = [];
  for (const file of tsFiles(SRC)) {
    const from = topFolder(file);
    if (!from) continue;
    const text = fs.readFileSync(file, 'utf8');
    for (const match of text.matchAll(SPECIFIER)) {
      const target = path.resolve(path.dirname(file), match[1]);
      if (!target.startsWith(SRC + path.sep)) continue;
      const to = topFolder(target);
      if (to && to !== from) edges.push({ file: path.relative(SRC, file), from, to });
    }
  }
  return edges;
}

/** The unordered folder pairs {A, B} where A imports B and B imports A, as "a <-> b", sorted. */
export function folderPairs(): string[] {
  const directed = new Set(crossFolderImports().map(({ from, to }) => `${from} -> ${to}`));
  const pairs = new Set<string>();
  for (const edge of directed) {
    const [from, to] = edge.split(' -> ');
    if (directed.has(`${to} -> ${from}`)) pairs.add([from, to].sort().join(' <-> '));
  }
  return [...pairs].sort();
}

if (require.main === module) {
  const pairs = folderPairs();
  console.log(`${pairs.length} pairs of top-level src/ folders import each other:\n  ${pairs.join('\n  ')}`);
}
