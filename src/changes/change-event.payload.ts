import { PayloadCheck } from '../alerts/payload-check';

/** Most `custom_details` entries kept as labels, and the longest label value. */
export const MAX_CHANGE_LABELS = 50;
export const MAX_CHANGE_LINKS = 20;
const MAX_LABEL_VALUE = 1_000;

/** A checked PagerDuty Change Event (v2). */
export interface ChangeEvent {
  routingKey: string;
  summary: string;
  source: string | null;
  occurredAt: Date;
  labels: Record<string, string>;
  links: string[];
}

/** What PagerDuty answers to a change event it cannot take: `400 {status, message, errors}`. */
export class InvalidChangeEvent extends Error {
  constructor(readonly errors: string[]) {
    super('Event object is invalid');
  }
}

/**
 * Reads a PagerDuty Change Events v2 body (what pdjs's `change()` sends):
 * `routing_key`, `payload.summary` (required, ≤ 1024), `payload.timestamp`,
 * `payload.source`, `payload.custom_details` and `links[{href, text}]`.
 * Scalar custom details become labels (nested ones are left out); at most
 * MAX_CHANGE_LABELS labels and MAX_CHANGE_LINKS links.
 */
export function parseChangeEvent(body: unknown, now = new Date()): ChangeEvent {
  const check = new PayloadCheck();
  if (!check.isObject(body)) throw new InvalidChangeEvent(['body must be a JSON object']);
  const routingKey = check.string(body.routing_key, 'routing_key', { required: true, max: 200 });
  const payload = body.payload;
  let summary: string | undefined;
  let source: string | undefined;
  let timestamp: Date | null = null;
  const labels: Record<string, string> = {};
  if (!check.isObject(payload)) check.fail(payload === undefined ? 'payload is required' : 'payload must be an object');
  else {
    summary = check.string(payload.summary, 'payload.summary', { required: true, max: 1024 });
    source = check.string(payload.source, 'payload.source', { max: 255 });
    timestamp = check.timestamp(payload.timestamp, 'payload.timestamp');
    const details = payload.custom_details;
    if (details !== undefined && details !== null && !check.isObject(details)) check.fail('payload.custom_details must be an object');
    else if (details) {
      const scalars = Object.entries(details).filter(([, v]) => ['string', 'number', 'boolean'].includes(typeof v));
      if (scalars.length > MAX_CHANGE_LABELS) check.fail(`payload.custom_details may have at most ${MAX_CHANGE_LABELS} scalar entries`);
      for (const [name, value] of scalars.slice(0, MAX_CHANGE_LABELS)) {
        if (name.length > 200) check.fail(`payload.custom_details key ${JSON.stringify(name.slice(0, 40))}… is longer than 200 characters`);
        labels[name] = String(value).slice(0, MAX_LABEL_VALUE);
      }
    }
  }
  const links: string[] = [];
  if (body.links !== undefined && body.links !== null) {
    if (!Array.isArray(body.links)) check.fail('links must be an array');
    else if (body.links.length > MAX_CHANGE_LINKS) check.fail(`links may have at most ${MAX_CHANGE_LINKS} entries`);
    else
      body.links.forEach((link: unknown, i: number) => {
        if (!check.isObject(link)) return check.fail(`links[${i}] must be an object with href`);
        const href = check.string(link.href, `links[${i}].href`, { required: true, max: 2_000 });
        check.string(link.text, `links[${i}].text`, { max: 1_000 });
        if (href && !/^https?:\/\//i.test(href)) check.fail(`links[${i}].href must be an http(s) URL`);
        else if (href) links.push(href);
      });
  }
  if (check.problems.length || !routingKey || !summary) throw new InvalidChangeEvent(check.problems);
  return { routingKey, summary, source: source || null, occurredAt: timestamp ?? now, labels, links };
}
