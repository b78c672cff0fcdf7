import DataLoader from 'dataloader';
import { Arg, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { GraphQLContext } from '../graphql/context';
import { Incident } from '../incidents/incident.entity';
import { User } from '../users/user.entity';
import type { DocumentHistory } from './document-history';
import { IncidentDocument } from './incident-document.type';
import { DocumentVersion } from './document-version.type';

/** Per-request loaders of the history (one statement per list of incidents or versions), kept with the request's context. */
const loadersByContext = new WeakMap<object, ReturnType<typeof historyLoaders>>();

function historyLoaders(history: DocumentHistory) {
  return {
    versions: new DataLoader((incidentIds: readonly string[]) => history.list(incidentIds)),
    markdown: new DataLoader((versionIds: readonly string[]) => history.markdown(versionIds)),
  };
}

function loadersOf(context: GraphQLContext): ReturnType<typeof historyLoaders> {
  let loaders = loadersByContext.get(context.loaders);
  if (!loaders) {
    loaders = historyLoaders(context.services.documentHistory);
    loadersByContext.set(context.loaders, loaders);
  }
  return loaders;
}

/** `Incident.documentVersions` and `Incident.documentAt`: the live document's history. */
@Resolver(() => Incident)
export class IncidentDocumentHistoryResolver {
  @FieldResolver(() => [DocumentVersion], { description: 'oldest first' })
  async documentVersions(@Root() incident: Incident, @Ctx() context: GraphQLContext): Promise<DocumentVersion[]> {
    return loadersOf(context).versions.load(incident.id);
  }

  @FieldResolver(() => IncidentDocument, { description: 'the live document as it stood at that moment' })
  async documentAt(@Root() incident: Incident, @Arg('time', () => Date) time: Date, @Ctx() { services }: GraphQLContext): Promise<IncidentDocument> {
    const live = services.collab.registry.get(incident.id);
    // Now or later: what is in memory holds edits not yet in the log.
    if (live && time.getTime() >= Date.now()) return { markdown: live.markdown, updatedAt: live.updatedAt };
    return services.documentHistory.at(incident.id, time);
  }
}

/** The fields of a DocumentVersion read on demand: its editors and its Markdown. */
@Resolver(() => DocumentVersion)
export class DocumentVersionResolver {
  @FieldResolver(() => [User], { description: 'people whose edits it holds since the version before' })
  async editors(@Root() version: DocumentVersion, @Ctx() { loaders }: GraphQLContext): Promise<User[]> {
    const users = await loaders.users.loadMany(version.editorIds);
    return users.filter((u): u is User => u instanceof User);
  }

  @FieldResolver(() => String)
  async markdown(@Root() version: DocumentVersion, @Ctx() context: GraphQLContext): Promise<string> {
    return loadersOf(context).markdown.load(version.id);
  }
}
