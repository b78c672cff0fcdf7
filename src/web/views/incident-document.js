// @ts-check
/** @import { ViewContext } from '../types' */
/**
 * The live incident document, co-edited: a CodeMirror 6 editor bound to the
 * Y.Text `content` with y-codemirror.next over the collaboration socket
 * (`/collab/<incidentId>`, the stock y-websocket provider), with everyone's
 * carets and names, who is in it, the connection state, a rendered preview,
 * and the document's history with a diff between any two versions. Viewers
 * follow it read-only (the server drops their edits anyway).
 */
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { createLiveEditor, COLOURS } from '../vendor/live-editor.js';
import { announce, h, newId, replace } from '../dom.js';
import { getToken } from '../session.js';
import { documentHistory } from './incident-document-history.js';
import { renderMarkdown } from './markdown.js';

/**
 * What a final close code means for the person looking at the page (src/collab/close-codes.ts).
 * @type {Partial<Record<number, string>>}
 */
const CLOSE_REASONS = {
  4400: 'The server could not read a message from this page. Reload the document to continue.',
  4401: 'Your session has expired or was revoked, so your edits can no longer be saved. Sign in again to continue.',
  4403: 'You do not have access to this incident’s document.',
  4404: 'This incident has no live document: it does not exist (any more).',
  4413: 'The document has reached its size limit, and your last change was not saved. It stays below until you reload, so that you can copy it; then shorten the document (for example the timeline) before adding more.',
};

/**
 * The document's connection states.
 * @typedef {'connecting' | 'live' | 'reconnecting' | 'closed'} DocumentState
 */

/**
 * Label, class and tooltip of each connection state.
 * @type {Record<DocumentState, [string, string, string]>}
 */
const STATE_LABELS = {
  connecting: ['Connecting…', 'live-pending', 'Loading the document from the server'],
  live: ['Live', 'live-ok', 'Your edits are saved and everyone sees them as you type'],
  reconnecting: ['Reconnecting…', 'live-bad', 'The connection dropped: keep writing, your edits are sent when it is back'],
  closed: ['Closed', 'live-bad', 'The server closed the document'],
};

/** @param {string} [userId] */
function colourOf(userId = '') {
  let hash = 0;
  for (let i = 0; i < userId.length; i += 1) hash = (hash * 31 + userId.charCodeAt(i)) >>> 0;
  return COLOURS[hash % COLOURS.length];
}

/** `ws(s)://<this host>/collab`, the provider appends `/<incidentId>?token=…`. */
function collabUrl() {
  return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/collab`;
}

/**
 * @param {ViewContext} ctx
 * @param {string} id the incident's id
 */
export function documentEditor(ctx, id) {
  const user = ctx.user;
  const readOnly = user?.role === 'VIEWER';
  const stateEl = h('span', { class: 'live doc-state', role: 'status' });
  const presence = h('ul', { class: 'presence editors', 'aria-label': 'In the document now' });
  const closedBox = h('div', { class: 'error-box doc-closed', role: 'alert', hidden: true });
  const editorId = newId('doc');
  const previewId = newId('preview');
  /** The editor's container; CodeMirror mounts inside on each connect. */
  const editorBox = h('div', { class: 'doc-editor', id: editorId, 'aria-describedby': `${editorId}-hint` });
  const preview = h('div', { class: 'markdown doc-preview', id: previewId, hidden: true, tabindex: '0', 'aria-label': 'Document preview' });
  const toggle = h('button', { type: 'button', class: 'btn btn-small', 'aria-controls': previewId, 'aria-expanded': 'false' }, 'Show preview');
  const hint = h(
    'p',
    { class: 'hint', id: `${editorId}-hint` },
    readOnly
      ? 'You are a viewer: you follow the document as others write it, but cannot edit it.'
      : 'Markdown. Everyone on this incident edits it together; changes are saved as you type. Shaded sections are kept by Sitrep from the incident itself.',
  );
  const history = documentHistory(ctx, id, () => doc?.getText('content').toString() ?? '');
  const el = h(
    'section',
    { class: 'panel live-doc', 'aria-labelledby': 'doc-title' },
    h('div', { class: 'doc-head' }, h('h2', { id: 'doc-title' }, 'Live document'), stateEl),
    presence,
    closedBox,
    h('div', { class: 'doc-bar' }, h('span', { class: 'doc-label' }, readOnly ? 'Document (read-only)' : 'Document'), h('span', { class: 'doc-actions' }, history.toggle, toggle)),
    hint,
    editorBox,
    preview,
    history.el,
  );

  /** @type {Y.Doc | null} */
  let doc = null;
  /** @type {WebsocketProvider | null} */
  let provider = null;
  /** @type {import('../editor/live-editor.js').LiveEditor | null} */
  let editor = null;
  let synced = false;
  let everLive = false;
  /** @type {ReadonlyArray<{ id: string, name: string }>} */
  let activeEditors = [];
  /**
   * Awareness client id → user id, to know who left when a client's state goes.
   * @type {Map<number, unknown>}
   */
  let clientUsers = new Map();

  /** @param {DocumentState} state */
  function setState(state) {
    const [label, cls, title] = STATE_LABELS[state];
    stateEl.className = `live doc-state ${cls}`;
    stateEl.textContent = label;
    stateEl.title = title;
    editor?.setReadOnly(readOnly || state === 'closed' || !synced);
    el.dataset.state = state;
  }

  function renderPreview() {
    if (!preview.hidden) replace(preview, renderMarkdown(doc?.getText('content').toString() ?? ''));
  }

  /**
   * Someone whose last client left is gone, even if the server's polled list still names them.
   * @param {{ added: number[], updated: number[], removed: number[] }} change
   */
  function onAwarenessChange({ removed }) {
    if (!provider) return;
    const before = clientUsers;
    clientUsers = new Map([...provider.awareness.getStates()].map(([clientId, state]) => [clientId, state?.user?.id]));
    const stillHere = new Set(clientUsers.values());
    const gone = removed.map((clientId) => before.get(clientId)).filter((userId) => userId && !stillHere.has(userId));
    if (gone.length) activeEditors = activeEditors.filter((editor) => !gone.includes(editor.id));
    renderPresence();
  }

  /** Who is here: everyone in the awareness (name, colour), and any other client the server counts. */
  function renderPresence() {
    /** @type {Map<string, { name: string, colour: unknown, self: boolean }>} */
    const people = new Map();
    if (provider) {
      for (const [clientId, state] of provider.awareness.getStates()) {
        const who = state?.user;
        if (!who || typeof who.name !== 'string') continue;
        const key = typeof who.id === 'string' ? who.id : `client-${clientId}`;
        // Any client may publish any state: a name is text, cut to a sane length.
        if (!people.has(key)) people.set(key, { name: who.name.slice(0, 80), colour: who.color, self: clientId === doc?.clientID || key === user?.id });
      }
    }
    // Clients without a presence (API scripts, other editors) still count as in the document.
    for (const editor of activeEditors) if (!people.has(editor.id)) people.set(editor.id, { name: editor.name, colour: null, self: editor.id === user?.id });
    const sorted = [...people.values()].sort((a, b) => Number(b.self) - Number(a.self) || a.name.localeCompare(b.name));
    replace(
      presence,
      sorted.length ? h('li', { class: 'presence-label' }, 'In the document now:') : null,
      sorted.map((p) => {
        const dot = h('span', { class: 'presence-dot', 'aria-hidden': 'true' });
        // Through CSSOM, which the CSP allows (a style attribute it would not); only plain hex colours.
        if (typeof p.colour === 'string' && /^#[0-9a-f]{6}$/i.test(p.colour)) dot.style.backgroundColor = p.colour;
        return h('li', { class: 'presence-person' }, dot, p.name, p.self ? h('span', { class: 'muted' }, ' (you)') : null);
      }),
    );
  }

  /** @param {{ code: number, reason: string }} event */
  function showClosed({ code, reason }) {
    const message = CLOSE_REASONS[code] ?? `The server closed the document (${code}${reason ? `: ${reason}` : ''}).`;
    const action =
      code === 4401
        ? h('button', { type: 'button', class: 'btn', onclick: () => ctx.signOut('Your session has expired. Please sign in again.') }, 'Sign in again')
        : code === 4400 || code === 4413
          ? h('button', { type: 'button', class: 'btn', onclick: () => connect() }, 'Reload the document')
          : null;
    replace(closedBox, h('strong', { class: 'error-code' }, String(code)), ' ', h('span', {}, message), action ? h('p', {}, action) : null);
    closedBox.hidden = false;
    // Nobody is "in" a closed document with this person any more.
    presence.hidden = true;
    setState('closed');
    announce('The live document was closed');
  }

  function disconnect() {
    editor?.destroy();
    // destroy() tells the others that this person left, then closes the socket for good.
    provider?.destroy();
    doc?.destroy();
    editor = provider = doc = null;
  }

  /** A fresh copy of the document from the server (also after a refusal such as 4413). */
  function connect() {
    disconnect();
    synced = false;
    everLive = false;
    closedBox.hidden = true;
    presence.hidden = false;
    doc = new Y.Doc();
    const text = doc.getText('content');
    const current = new WebsocketProvider(collabUrl(), id, doc, {
      params: { token: getToken() ?? '' },
      // Tabs of one browser would otherwise exchange edits directly, around the server's access checks.
      disableBc: true,
    });
    provider = current;
    current.awareness.setLocalStateField('user', { id: user?.id, name: user?.name ?? 'Someone', color: colourOf(user?.id) });
    editor = createLiveEditor({ parent: editorBox, ytext: text, awareness: current.awareness, readOnly: true, label: readOnly ? 'Live document (read-only)' : 'Live document' });
    text.observe(renderPreview);
    current.on('status', ({ status }) => {
      if (status === 'connecting') setState(everLive ? 'reconnecting' : 'connecting');
    });
    current.on('sync', (isSynced) => {
      if (!isSynced) return;
      synced = true;
      everLive = true;
      editor?.setPlaceholder(readOnly ? 'The document is empty.' : 'Write the incident’s live state here (Markdown).');
      setState('live');
      renderPreview();
    });
    current.on('connection-close', (event) => {
      // Final codes (4400–4499) arrive as `closed` next; everything else is retried by the provider.
      if (event && event.code >= 4400 && event.code < 4500) return;
      if (current.shouldConnect) setState(everLive ? 'reconnecting' : 'connecting');
    });
    current.on('closed', showClosed);
    clientUsers = new Map();
    current.awareness.on('change', onAwarenessChange);
    setState('connecting');
    renderPresence();
  }

  toggle.addEventListener('click', () => {
    const show = preview.hidden;
    preview.hidden = !show;
    editorBox.hidden = show;
    hint.hidden = show;
    toggle.textContent = show ? (readOnly ? 'Show text' : 'Edit text') : 'Show preview';
    toggle.setAttribute('aria-expanded', String(show));
    renderPreview();
  });

  connect();

  return {
    el,
    /**
     * Every client the server counts in the document (`activeEditors`), including ones without presence.
     * @param {ReadonlyArray<{ id: string, name: string }>} editors
     */
    setActiveEditors(editors) {
      activeEditors = editors;
      renderPresence();
    },
    /** Leaves the document: the others see this person go, and the socket closes. */
    stop() {
      disconnect();
    },
    /**
     * Opens the history panel at a version (from a postmortem's link).
     * @param {string} versionId
     */
    showVersion(versionId) {
      history.open(versionId);
    },
  };
}
