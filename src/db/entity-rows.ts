import type { DataSource, EntityTarget, ObjectLiteral } from 'typeorm';

/** One entity's part of a raw statement: its select list under an alias, and the reader of its rows. */
export interface EntityRows<T> {
  /** The entity's table name, quoted. */
  table: string;
  /** `"alias"."column" AS "alias_column"` for every selected column. */
  select: string;
  /** The entity in `row`, or undefined when its primary key is null (an outer join that matched nothing). */
  read(row: Record<string, unknown>): T | undefined;
}

/**
 * Reads entities from a raw statement's rows, for the hot read paths (the
 * board's loaders). TypeORM's query builder spends more CPU building the SQL
 * and hydrating its results than PostgreSQL spends answering: it groups every
 * row by primary key, re-aliases each column and re-converts each value. For
 * entities of plain columns (no relations, embeddeds or transformers, which
 * this refuses) the driver's values are already what TypeORM would store: pg
 * parses timestamptz into a Date, booleans and integers into their types.
 */
export function entityRows<T extends ObjectLiteral>(dataSource: DataSource, target: EntityTarget<T>, alias: string): EntityRows<T> {
  const metadata = dataSource.getMetadata(target);
  const columns = metadata.columns.filter((c) => c.isSelect && !c.isVirtual);
  for (const c of columns) {
    if (c.embeddedMetadata || c.transformer || c.relationMetadata || c.type === 'simple-json' || c.type === 'json' || c.type === 'jsonb') {
      throw new Error(`entityRows: ${metadata.name}.${c.propertyName} needs TypeORM's own hydration`);
    }
  }
  const [primary] = metadata.primaryColumns;
  const fields = columns.map((c) => ({ key: `${alias}_${c.databaseName}`, property: c.propertyName }));
  const primaryKey = `${alias}_${primary.databaseName}`;
  return {
    table: `"${metadata.tableName}"`,
    select: columns.map((c) => `"${alias}"."${c.databaseName}" AS "${alias}_${c.databaseName}"`).join(', '),
    read(row) {
      if (row[primaryKey] === null || row[primaryKey] === undefined) return undefined;
      const entity = metadata.create() as Record<string, unknown>;
      for (const { key, property } of fields) entity[property] = row[key];
      return entity as T;
    },
  };
}
