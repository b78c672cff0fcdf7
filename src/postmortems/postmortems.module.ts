import type { DomainModule } from '../common/domain-module';
import type { Config } from '../config/config';
import { ActionItem } from './action-item.entity';
import { ActionItemResolver } from './action-item.resolver';
import type { ActionItemService } from './action-item.service';
import type { DocumentTextSource } from './document-text-source';
import { IncidentMetricsResolver } from './incident-metrics.resolver';
import type { IncidentMetricsService } from './incident-metrics.service';
import { PostmortemFieldsResolver } from './postmortem-fields.resolver';
import type { PostmortemLoaders } from './postmortem.loaders';
import { Postmortem, PostmortemAuthor } from './postmortem.entity';
import { IncidentPostmortemResolver, PostmortemResolver } from './postmortem.resolver';
import type { PostmortemService } from './postmortem.service';
import { PostmortemTopic } from './postmortem.topics';

export { createPostmortemLoaders } from './postmortem.loaders';

/** Blameless postmortems, their action items, and the metrics over incidents. */
export const postmortemsModule: DomainModule = {
  name: 'postmortems',
  entities: [Postmortem, PostmortemAuthor, ActionItem],
  resolvers: [PostmortemResolver, PostmortemFieldsResolver, IncidentPostmortemResolver, ActionItemResolver, IncidentMetricsResolver],
  topics: Object.values(PostmortemTopic),
};

declare module '../graphql/context' {
  interface ResolverServices {
    postmortems: PostmortemService;
    actionItems: ActionItemService;
    incidentMetrics: IncidentMetricsService;
    /** The live incident document's text, for the postmortem's Markdown. */
    documentText: DocumentTextSource;
    config: Pick<Config, 'resolutionLimits'>;
  }
  interface ResolverLoaders {
    postmortems: PostmortemLoaders;
  }
}
