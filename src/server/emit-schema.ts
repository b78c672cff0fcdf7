import 'reflect-metadata';
import fs from 'node:fs';
import path from 'node:path';
import { buildSitrepSchema, printSitrepSchema } from './schema';

/** `npm run schema:emit`: writes schema/schema.graphql from the code. */
async function main(): Promise<void> {
  const file = path.resolve(__dirname, '../../schema/schema.graphql');
  fs.writeFileSync(file, printSitrepSchema(await buildSitrepSchema()));
  console.log(`wrote ${path.relative(process.cwd(), file)}`);
}

void main();
