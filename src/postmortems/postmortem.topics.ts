/** The pub/sub topics of postmortems. */
export const PostmortemTopic = {
  Changed: 'postmortem.changed',
} as const;

declare module '../events/topics' {
  interface TopicPayloads {
    'postmortem.changed': { postmortemId: string; incidentId: string };
  }
}
