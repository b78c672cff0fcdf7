import { registerEnumType } from 'type-graphql';

/** DRAFT → IN_REVIEW → PUBLISHED; IN_REVIEW may go back to DRAFT. */
export enum PostmortemStatus {
  DRAFT = 'DRAFT',
  IN_REVIEW = 'IN_REVIEW',
  PUBLISHED = 'PUBLISHED',
}

export enum ActionItemStatus {
  OPEN = 'OPEN',
  IN_PROGRESS = 'IN_PROGRESS',
  DONE = 'DONE',
}

/** What an action item does about the incident (the SRE book's action item types). */
export enum ActionItemKind {
  MITIGATE = 'MITIGATE',
  PREVENT = 'PREVENT',
  DETECT = 'DETECT',
  PROCESS = 'PROCESS',
}

export enum Priority {
  P0 = 'P0',
  P1 = 'P1',
  P2 = 'P2',
  P3 = 'P3',
}

/** The part of a postmortem a blameless finding was made in. */
export enum PostmortemSection {
  SUMMARY = 'SUMMARY',
  IMPACT = 'IMPACT',
  ROOT_CAUSES = 'ROOT_CAUSES',
  TRIGGER = 'TRIGGER',
  DETECTION = 'DETECTION',
  RESOLUTION = 'RESOLUTION',
  WENT_WELL = 'WENT_WELL',
  WENT_WRONG = 'WENT_WRONG',
  GOT_LUCKY = 'GOT_LUCKY',
  ACTION_ITEMS = 'ACTION_ITEMS',
}

registerEnumType(PostmortemStatus, { name: 'PostmortemStatus' });
registerEnumType(ActionItemStatus, { name: 'ActionItemStatus' });
registerEnumType(ActionItemKind, { name: 'ActionItemKind' });
registerEnumType(Priority, { name: 'Priority' });
registerEnumType(PostmortemSection, {
  name: 'PostmortemSection',
  description: 'The part of a postmortem a blameless finding was made in.',
});
