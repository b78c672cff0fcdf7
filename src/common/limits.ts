/** Length limits shared by inputs, services and error messages. */
export const LIMITS = {
  title: 200,
  summary: 10_000,
  body: 10_000,
  note: 2_000,
  name: 200,
  email: 320,
  password: { min: 8, max: 200 },
  /** Entries in any list argument, however deep in an input (enum filters, lessons learned). */
  listArgument: 100,
} as const;
