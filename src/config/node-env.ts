/**
 * Sitrep runs as production unless NODE_ENV says otherwise (config.ts reads
 * an unset NODE_ENV as `production`). Its libraries read NODE_ENV themselves
 * when they load, and take an unset one for development: graphql-js then
 * checks every failed `instanceof` of a schema type for a second copy of
 * graphql, and express's default error page carries stack traces. Imported
 * first by main.ts, before any of them loads, so that they agree.
 */
process.env.NODE_ENV ||= 'production';

export {};
