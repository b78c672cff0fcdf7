import type { PublicIncident, StatusSnapshot } from './status-page.service';
import { incidentUpdatedAt, overallStatus, type PageInfo } from './statuspage-json';

/** HTML-escapes text for element content and quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const STATUS_LABEL: Record<string, string> = {
  INVESTIGATING: 'Investigating',
  IDENTIFIED: 'Identified',
  MITIGATED: 'Monitoring',
  RESOLVED: 'Resolved',
};

function time(date: Date): string {
  const iso = date.toISOString();
  return `<time datetime="${iso}">${iso.slice(0, 16).replace('T', ' ')} UTC</time>`;
}

function incidentSection(i: PublicIncident): string {
  const updates = i.updates.length
    ? `<ol class="updates">${i.updates
        .map((u) => `<li><strong>${escapeHtml(STATUS_LABEL[u.status] ?? u.status)}</strong> · ${time(u.postedAt)}<p>${escapeHtml(u.body)}</p></li>`)
        .join('')}</ol>`
    : '<p class="muted">We are looking into it; the first update follows shortly.</p>';
  return `<article id="incident-${escapeHtml(i.id)}" class="incident ${i.status === 'RESOLVED' ? 'resolved' : 'open'}">
<h3>${escapeHtml(i.title)}</h3>
<p class="meta"><span class="badge">${escapeHtml(STATUS_LABEL[i.status] ?? i.status)}</span> Started ${time(i.declaredAt)}${
    i.resolvedAt ? ` · resolved ${time(i.resolvedAt)}` : ''
  } · last update ${time(incidentUpdatedAt(i))}</p>
${updates}
</article>`;
}

/** `GET /status`: the whole public page, server-rendered, no script. */
export function renderStatusPage(snapshot: StatusSnapshot, info: PageInfo): string {
  const overall = overallStatus(snapshot);
  const open = snapshot.open.length
    ? `<section><h2>Current incidents</h2>${snapshot.open.map(incidentSection).join('\n')}</section>`
    : '';
  const past = snapshot.resolved.length
    ? snapshot.resolved.map(incidentSection).join('\n')
    : '<p class="muted">No incidents in the last 14 days.</p>';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(info.name)}</title>
<link rel="alternate" type="application/atom+xml" title="${escapeHtml(info.name)}" href="${escapeHtml(info.baseUrl)}/status/feed.atom">
<style>
body{font:16px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1b1f24;background:#f6f7f9}
main{max-width:760px;margin:0 auto;padding:24px 16px}
h1{font-size:1.6rem;margin:0 0 16px}
.overall{border-radius:8px;padding:16px 20px;color:#fff;font-size:1.2rem;font-weight:600;margin-bottom:24px}
.overall.none{background:#1f883d}.overall.minor{background:#bf8700}.overall.major{background:#d1600a}.overall.critical{background:#cf222e}
.incident{background:#fff;border:1px solid #d0d7de;border-radius:8px;padding:12px 16px;margin:12px 0}
.incident h3{margin:0 0 4px;font-size:1.1rem}.meta{margin:0 0 8px;color:#57606a;font-size:.9rem}
.badge{display:inline-block;border-radius:4px;padding:0 6px;background:#eaeef2;color:#1b1f24;font-weight:600}
.updates{list-style:none;padding:0;margin:0}.updates li{border-top:1px solid #eaeef2;padding:8px 0}
.updates p{margin:4px 0 0;white-space:pre-wrap;overflow-wrap:anywhere}.muted{color:#57606a}
footer{margin-top:32px;color:#57606a;font-size:.85rem}
</style>
</head>
<body>
<main>
<h1>${escapeHtml(info.name)}</h1>
<div class="overall ${overall.indicator}" role="status">${escapeHtml(overall.description)}</div>
${open}
<section><h2>Past incidents</h2>
${past}
</section>
<footer>Updated ${time(snapshot.readAt)} · <a href="${escapeHtml(info.baseUrl)}/status/feed.atom">Atom feed</a> · <a href="${escapeHtml(info.baseUrl)}/api/v2/summary.json">JSON</a></footer>
</main>
</body>
</html>
`;
}
