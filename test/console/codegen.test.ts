import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { CONSOLE_OPERATION_MODULES, CONSOLE_TYPES_FILE, moduleStrings } from '../../codegen';

/*
 * The console's GraphQL types are generated (GraphQL Code Generator, from
 * schema/schema.graphql and the operations in src/web/queries.js) and
 * committed, so that `npm run typecheck` needs no generation step. Like the
 * schema file, they must not go stale.
 */

const ROOT = path.join(__dirname, '../..');

describe('the console\'s generated GraphQL types', () => {
  it('are what `npm run codegen` writes now (regenerate after changing the schema or an operation)', async () => {
    // The generator's own run with codegen.ts, in a child process (its modules are ES modules, which Jest cannot load), written nowhere.
    const script = `require('@graphql-codegen/cli').generate({ ...require('./codegen').default, silent: true }, false)
      .then((outputs) => process.stdout.write(outputs.find((o) => o.filename.endsWith(${JSON.stringify(CONSOLE_TYPES_FILE)})).content))`;
    const { stdout: fresh } = await promisify(execFile)(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', script], { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 });
    const committed = fs.readFileSync(path.join(ROOT, CONSOLE_TYPES_FILE), 'utf8');
    expect(committed).toBe(fresh);
  }, 60_000);

  it('type every operation the console sends with the result and variables types generated for it', () => {
    for (const file of CONSOLE_OPERATION_MODULES) {
      const source = fs.readFileSync(path.join(ROOT, file), 'utf8');
      for (const [name, text] of Object.entries(moduleStrings(file))) {
        const [, kind, operation] = /^(query|mutation|subscription) (\w+)/.exec(text) ?? [];
        const type = `${operation}${kind[0].toUpperCase()}${kind.slice(1)}`;
        // The JSDoc right above `export const NAME` names them: `@type {Operation<G.XQuery, G.XQueryVariables>}`.
        const doc = new RegExp(`@type \\{Operation<G\\.${type}, G\\.${type}Variables>\\}\\s*\\*/\\s*export const ${name} =`);
        expect({ file, name, typed: doc.test(source) }).toEqual({ file, name, typed: true });
      }
    }
  });
});
