import type { DomainModule } from '../common/domain-module';
import type { CollabServer } from './collab-server';
import { DocumentVersionResolver, IncidentDocumentHistoryResolver } from './document-history.resolver';
import type { DocumentHistory } from './document-history';
import type { DocumentLoaders } from './incident-document.loaders';
import { IncidentDocumentResolver } from './incident-document.resolver';

export { createDocumentLoaders } from './incident-document.loaders';

/** The live incident document: Yjs documents served on `/collab/<incidentId>`. */
export const collabModule: DomainModule = {
  name: 'collab',
  // The document tables are written with SQL by DocumentStore; they have no entities.
  entities: [],
  resolvers: [IncidentDocumentResolver, IncidentDocumentHistoryResolver, DocumentVersionResolver],
  topics: [],
};

declare module '../graphql/context' {
  interface ResolverServices {
    /** What `Incident.document` reads: the documents in memory and who is editing them. */
    collab: Pick<CollabServer, 'registry' | 'activeEditorIds'>;
    /** What `Incident.documentVersions` and `Incident.documentAt` read. */
    documentHistory: DocumentHistory;
  }
  interface ResolverLoaders extends DocumentLoaders {}
}
