/**
 * Where the postmortem's Markdown gets the live incident document's text.
 * The document belongs to the collaboration server (src/collab/); this
 * interface keeps postmortems from depending on how it stores documents.
 */
export interface DocumentTextSource {
  /** The document of `incidentId` as Markdown; null when the incident has none. */
  markdown(incidentId: string): Promise<string | null>;
}
