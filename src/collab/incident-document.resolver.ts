import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { GraphQLContext } from '../graphql/context';
import { Incident } from '../incidents/incident.entity';
import { User } from '../users/user.entity';
import { IncidentDocument } from './incident-document.type';

/** `Incident.document` and `Incident.activeEditors`: the live document as GraphQL sees it. */
@Resolver(() => Incident)
export class IncidentDocumentResolver {
  @FieldResolver(() => IncidentDocument, { description: 'The live document: the in-memory copy where one is loaded, else the stored one.' })
  async document(@Root() incident: Incident, @Ctx() { services, loaders }: GraphQLContext): Promise<IncidentDocument> {
    const live = services.collab.registry.get(incident.id);
    if (live) return { markdown: live.markdown, updatedAt: live.updatedAt };
    return loaders.storedDocuments.load(incident.id);
  }

  @FieldResolver(() => [User], { description: 'Users with an open editing connection to the live document, on any instance.' })
  async activeEditors(@Root() incident: Incident, @Ctx() { services, loaders }: GraphQLContext): Promise<User[]> {
    const users = await loaders.users.loadMany(await services.collab.activeEditorIds(incident.id));
    return users.filter((u): u is User => u instanceof User);
  }
}
