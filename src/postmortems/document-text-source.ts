/**
 * Where the postmortem's Markdown gets the live incident document's text.
 * The document belongs to the collaboration server (src/collab/); this
 * interface keeps postmortems from depending on how it stores documents.
 */
export interface DocumentTextSource {
  /**
   * The document of `incidentId` as Markdown: as it stood at resolution when
   * `resolvedAt` is given and a version of it was kept, else as it is now;
   * null when the incident has none.
   */
  markdown(incidentId: string, resolvedAt?: Date | null): Promise<string | null>;
  /** The document's kept versions, oldest first. */
  versions(incidentId: string): Promise<Array<{ id: string; takenAt: Date; reason: string }>>;
}
