/** The pub/sub topics of postmortems. */
export const PostmortemTopic = {
  Changed: 'postmortem.changed',
} as const;

declare module '../events/topics' {
  interface TopicPayloads {
    /** `published`: this change published the postmortem (the `postmortem.published` webhook event). */
    'postmortem.changed': { postmortemId: string; incidentId: string; published?: boolean };
  }
}
