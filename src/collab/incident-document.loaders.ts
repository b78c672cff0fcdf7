import DataLoader from 'dataloader';
import type { DocumentStore } from './document-store';

/**
 * Stored incident documents (snapshot + log) for incidents whose document is
 * not loaded in memory, for one request. Reads through the server's one
 * DocumentStore.
 */
export function createDocumentLoaders(store: DocumentStore) {
  const storedDocuments = new DataLoader<string, { markdown: string; updatedAt: Date | null }>((incidentIds) =>
    store.readMarkdown(incidentIds),
  );
  return { storedDocuments };
}

/** The collaboration domain's loaders (part of every request's `loaders`). */
export type DocumentLoaders = ReturnType<typeof createDocumentLoaders>;
