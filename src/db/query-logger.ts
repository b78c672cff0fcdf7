import type { Logger as OrmLogger, QueryRunner } from 'typeorm';
import type { Logger } from '../observability/logger';
import type { Metrics } from '../observability/metrics';

/** TypeORM logger that counts every statement for /metrics and logs slow or failed ones. */
export class QueryLogger implements OrmLogger {
  constructor(
    private readonly logger: Logger,
    private readonly metrics: Metrics,
  ) {}

  logQuery(query: string): void {
    this.metrics.dbQueries.inc();
    this.logger.trace({ query }, 'sql');
  }

  /** TypeORM calls logQuery before every statement, so a failed one is already counted. */
  logQueryError(error: string | Error, query: string): void {
    this.logger.debug({ err: error, query }, 'sql failed');
  }

  logQuerySlow(time: number, query: string): void {
    this.logger.warn({ ms: time, query: query.slice(0, 500) }, 'slow sql');
  }

  logSchemaBuild(message: string): void {
    this.logger.debug(message);
  }

  logMigration(message: string): void {
    this.logger.info(message);
  }

  log(level: 'log' | 'info' | 'warn', message: unknown, _queryRunner?: QueryRunner): void {
    this.logger[level === 'log' ? 'info' : level]({ message }, 'typeorm');
  }
}
