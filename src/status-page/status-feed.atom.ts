import type { StatusSnapshot } from './status-page.service';
import { lastChange, type PageInfo } from './statuspage-json';

/** The most entries the feed holds, newest first. */
export const FEED_MAX_ENTRIES = 50;

/** XML-escapes text for element content and attributes. */
function xml(text: string): string {
  // Characters XML 1.0 forbids are dropped rather than breaking the feed for every reader.
  return text
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
    .replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

const STATUS_LABEL: Record<string, string> = {
  INVESTIGATING: 'Investigating',
  IDENTIFIED: 'Identified',
  MITIGATED: 'Monitoring',
  RESOLVED: 'Resolved',
};

/**
 * `GET /status/feed.atom`: an Atom (RFC 4287) feed of the EXTERNAL updates of public incidents.
 * Entry ids are the updates' UUIDs as URNs, so they never change once published.
 */
export function renderAtomFeed(snapshot: StatusSnapshot, info: PageInfo): string {
  const entries = [...snapshot.open, ...snapshot.resolved]
    .flatMap((incident) => incident.updates.map((update) => ({ incident, update })))
    .sort((a, b) => b.update.postedAt.getTime() - a.update.postedAt.getTime() || (a.update.id < b.update.id ? 1 : -1))
    .slice(0, FEED_MAX_ENTRIES);
  const feedUrl = `${info.baseUrl}/status/feed.atom`;
  const body = entries
    .map(
      ({ incident, update }) => `  <entry>
    <id>urn:uuid:${xml(update.id)}</id>
    <title>${xml(`${incident.title} — ${STATUS_LABEL[update.status] ?? update.status}`)}</title>
    <updated>${update.postedAt.toISOString()}</updated>
    <published>${update.postedAt.toISOString()}</published>
    <link rel="alternate" type="text/html" href="${xml(`${info.baseUrl}/status#incident-${incident.id}`)}"/>
    <content type="text">${xml(update.body)}</content>
  </entry>`,
    )
    .join('\n');
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <id>${xml(feedUrl)}</id>
  <title>${xml(info.name)}</title>
  <updated>${lastChange(snapshot).toISOString()}</updated>
  <author><name>${xml(info.name)}</name></author>
  <link rel="self" type="application/atom+xml" href="${xml(feedUrl)}"/>
  <link rel="alternate" type="text/html" href="${xml(`${info.baseUrl}/status`)}"/>
${body}
</feed>
`;
}
