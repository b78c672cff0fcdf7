import type { DataSource } from 'typeorm';
import { alertsModule, createAlertLoaders } from '../alerts/alerts.module';
import { apiTokensModule } from '../api-tokens/api-tokens.module';
import { changesModule, createChangeLoaders } from '../changes/changes.module';
import { collabModule, createDocumentLoaders } from '../collab/collab.module';
import type { DocumentStore } from '../collab/document-store';
import type { DomainModule } from '../common/domain-module';
import type { ResolverLoaders } from '../graphql/context';
import { createIncidentLoaders, incidentsModule } from '../incidents/incidents.module';
import { createPostmortemLoaders, postmortemsModule } from '../postmortems/postmortems.module';
import { createUserLoaders, usersModule } from '../users/users.module';
import { webhooksModule } from '../webhooks/webhooks.module';

/**
 * Every domain of Sitrep. The one place that lists them: the data source takes
 * their entities, the schema their resolvers, the pub/sub their topics, and
 * each request their loaders.
 */
export const modules: readonly DomainModule[] = [usersModule, apiTokensModule, incidentsModule, postmortemsModule, collabModule, alertsModule, changesModule, webhooksModule];

/** Every TypeORM entity. */
export const entities = modules.flatMap((m) => m.entities);
/** Every resolver class of the schema. */
export const resolvers = modules.flatMap((m) => m.resolvers);
/** Every pub/sub topic. */
export const topics = modules.flatMap((m) => m.topics);

/**
 * Makes the batching loaders of one request, mutation or subscription event
 * (GraphQLContext.loaders): each domain's, sharing one users loader that the
 * others prime.
 */
export function loaderFactory(dataSource: DataSource, documents: DocumentStore, changeWindowSeconds: number): () => ResolverLoaders {
  return () => {
    const users = createUserLoaders(dataSource);
    return {
      ...users,
      ...createIncidentLoaders(dataSource, users.prime),
      postmortems: createPostmortemLoaders(dataSource, users.prime),
      ...createDocumentLoaders(documents),
      ...createAlertLoaders(dataSource),
      ...createChangeLoaders(dataSource, changeWindowSeconds),
    };
  };
}
