import { FieldResolver, Resolver, Root } from 'type-graphql';
import { Incident } from '../incidents/incident.entity';
import { IncidentDocument } from './incident-document.type';

@Resolver(() => Incident)
export class IncidentDocumentResolver {
  // The collaboration server (issue 3) replaces this with the live document.
  @FieldResolver(() => IncidentDocument)
  document(@Root() _incident: Incident): IncidentDocument {
    return { markdown: '', updatedAt: null };
  }
}
