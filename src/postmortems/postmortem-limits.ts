/** Length limits of postmortems, shared by the inputs and their error messages. */
export const POSTMORTEM_LIMITS = {
  /** Characters in one section (summary, impact, root causes, …). */
  section: 20_000,
  /** Entries in one lessons-learned list. */
  lessons: 50,
  /** Characters in one lessons-learned entry. */
  lesson: 2_000,
  /** Characters in an action item's title. */
  actionTitle: 300,
  /** Characters in a tracking URL. */
  trackingUrl: 2_000,
} as const;
