// @ts-check
/**
 * The live document's editor: CodeMirror 6 bound to the Y.Text `content`
 * with y-codemirror.next, Markdown highlighting, the other editors' carets
 * and selections with their names and colours (from awareness), read-only
 * for viewers, and Sitrep's kept sections marked.
 *
 * This file is the entry of a bundle that esbuild builds on the server
 * (src/server/vendor.ts, served as /vendor/live-editor.js); `yjs` stays
 * outside it and comes from the import map, so that the page and the editor
 * share one Yjs.
 */
import { defaultKeymap, indentWithTab } from '@codemirror/commands';
import { markdownLanguage } from '@codemirror/lang-markdown';
import { defaultHighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { Compartment, EditorState, RangeSetBuilder } from '@codemirror/state';
import { Decoration, EditorView, ViewPlugin, WidgetType, keymap, placeholder } from '@codemirror/view';
import { yCollab, yUndoManagerKeymap } from 'y-codemirror.next';
import * as Y from 'yjs';

/** The headings of the sections Sitrep rewrites (src/collab/kept-sections.ts). */
export const KEPT_HEADINGS = ['## Status', '## Command Hierarchy (all responders)'];

/**
 * Presence colours: a caret or selection in one of these gets its class
 * (`cm-who-N`, styled in styles.css), since the page's CSP refuses inline
 * style attributes.
 */
export const COLOURS = ['#d14343', '#2f7d32', '#1d4ed8', '#b45309', '#7c3aed', '#0e7490', '#be185d', '#4d7c0f'];

/** @param {unknown} colour */
function colourClass(colour) {
  const i = COLOURS.indexOf(typeof colour === 'string' ? colour.toLowerCase() : '');
  return i < 0 ? 'cm-who-x' : `cm-who-${i}`;
}

/**
 * The editor's look. CodeMirror injects its styles at run time: into a
 * `<style>` element in a document, which the page's CSP (style-src 'self')
 * refuses, but as a constructed stylesheet in a shadow root, which it allows.
 * So the editor lives in a shadow root, and these rules go with it.
 */
const sitrepTheme = EditorView.theme({
  '&': { minHeight: '24rem', backgroundColor: 'var(--surface, #fff)', color: 'var(--text, #1a1d21)' },
  '&.cm-focused': { outline: '2px solid var(--accent, #1d4ed8)', outlineOffset: '1px' },
  '.cm-scroller': { fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace', lineHeight: '1.5', minHeight: '24rem' },
  '.cm-content[contenteditable="false"]': { cursor: 'default' },
  '.cm-cursor': { borderLeftColor: 'var(--text, #1a1d21)' },
  // Sections Sitrep keeps (Status, Command Hierarchy): shaded, with a bar in the margin and a note on the heading.
  '.cm-sitrep-kept': { backgroundColor: 'color-mix(in srgb, var(--muted, #555e6b) 10%, transparent)', boxShadow: 'inset 3px 0 0 var(--muted, #555e6b)' },
  '.cm-sitrep-kept-head::after': { content: '" · kept by Sitrep"', fontSize: '0.75em', color: 'var(--muted, #555e6b)', fontStyle: 'italic' },
  // Other people's carets and selections, in their presence colour.
  '.cm-ySelectionCaret': { position: 'relative', borderLeft: '2px solid var(--who)', marginLeft: '-1px', marginRight: '-1px' },
  '.cm-ySelectionInfo': {
    position: 'absolute', top: '-1.3em', left: '-2px', fontSize: '0.7rem', lineHeight: '1.2', padding: '0 3px', borderRadius: '3px 3px 3px 0',
    color: '#fff', backgroundColor: 'var(--who)', whiteSpace: 'nowrap', userSelect: 'none', pointerEvents: 'none', zIndex: '5', fontFamily: 'system-ui, sans-serif',
  },
  '.cm-ySelection': { backgroundColor: 'color-mix(in srgb, var(--who) 22%, transparent)' },
  ...Object.fromEntries(COLOURS.map((colour, i) => [`.cm-who-${i}`, { '--who': colour }])),
  '.cm-who-x': { '--who': '#30bced' },
});

/** Lines from a kept heading to the next heading of level 1 or 2, as line decorations. */
const keptSections = ViewPlugin.fromClass(
  class {
    /** @param {EditorView} view */
    constructor(view) {
      this.decorations = this.build(view);
    }

    /** @param {import('@codemirror/view').ViewUpdate} update */
    update(update) {
      if (update.docChanged) this.decorations = this.build(update.view);
    }

    /** @param {EditorView} view */
    build(view) {
      /** @type {RangeSetBuilder<Decoration>} */
      const builder = new RangeSetBuilder();
      const head = Decoration.line({ class: 'cm-sitrep-kept cm-sitrep-kept-head', attributes: { title: 'Kept by Sitrep: rewritten whenever the incident changes' } });
      const body = Decoration.line({ class: 'cm-sitrep-kept' });
      let inside = false;
      for (let n = 1; n <= view.state.doc.lines; n += 1) {
        const line = view.state.doc.line(n);
        if (/^#{1,2} /.test(line.text)) inside = KEPT_HEADINGS.includes(line.text.trimEnd());
        if (inside) builder.add(line.from, line.from, KEPT_HEADINGS.includes(line.text.trimEnd()) ? head : body);
      }
      return builder.finish();
    }
  },
  { decorations: (plugin) => plugin.decorations },
);

/** A remote caret with its owner's name above it. */
class Caret extends WidgetType {
  /**
   * @param {string} name
   * @param {string} colour
   */
  constructor(name, colour) {
    super();
    this.name = name;
    this.colour = colour;
  }

  /** @param {Caret} other */
  eq(other) {
    return other.name === this.name && other.colour === this.colour;
  }

  toDOM() {
    const caret = document.createElement('span');
    caret.className = `cm-ySelectionCaret ${colourClass(this.colour)}`;
    const info = document.createElement('span');
    info.className = 'cm-ySelectionInfo';
    info.textContent = this.name;
    caret.append('\u2060', info, '\u2060');
    return caret;
  }

  ignoreEvent() {
    return true;
  }
}

/**
 * Publishes this editor's selection in the awareness and shows everyone
 * else's (as y-codemirror.next's yRemoteSelections does, MIT), with colour
 * classes rather than inline styles.
 */
/**
 * What another client publishes in the awareness (any client may publish anything: every field is checked).
 * @typedef {{ cursor?: { anchor?: object, head?: object } | null, user?: { name?: unknown, color?: unknown } }} PeerState
 */

const remoteSelections = (/** @type {Y.Text} */ ytext, /** @type {import('y-protocols/awareness').Awareness} */ awareness) =>
  ViewPlugin.fromClass(
  class {
    /** @param {EditorView} view */
    constructor(view) {
      /** @param {{ added: number[], updated: number[], removed: number[] }} changes */
      this.listener = ({ added, updated, removed }) => {
        if ([...added, ...updated, ...removed].some((id) => id !== awareness.doc.clientID)) view.dispatch({});
      };
      awareness.on('change', this.listener);
      this.decorations = Decoration.none;
    }

    destroy() {
      awareness.off('change', this.listener);
    }

    /** @param {import('@codemirror/view').ViewUpdate} update */
    update(update) {
      const ydoc = /** @type {Y.Doc} */ (ytext.doc);
      const local = awareness.getLocalState();
      if (local != null) {
        const focused = update.view.hasFocus && update.view.dom.ownerDocument.hasFocus();
        const sel = focused ? update.state.selection.main : null;
        if (sel) {
          const anchor = Y.createRelativePositionFromTypeIndex(ytext, sel.anchor);
          const head = Y.createRelativePositionFromTypeIndex(ytext, sel.head);
          const current = local.cursor;
          if (
            current == null ||
            !Y.compareRelativePositions(Y.createRelativePositionFromJSON(current.anchor), anchor) ||
            !Y.compareRelativePositions(Y.createRelativePositionFromJSON(current.head), head)
          ) {
            awareness.setLocalStateField('cursor', { anchor, head });
          }
        }
      }
      /** @type {Array<import('@codemirror/state').Range<Decoration>>} */
      const decorations = [];
      awareness.getStates().forEach((/** @type {PeerState} */ state, /** @type {number} */ clientId) => {
        if (clientId === ydoc.clientID || !state.cursor?.anchor || !state.cursor?.head) return;
        const anchor = Y.createAbsolutePositionFromRelativePosition(Y.createRelativePositionFromJSON(state.cursor.anchor), ydoc);
        const head = Y.createAbsolutePositionFromRelativePosition(Y.createRelativePositionFromJSON(state.cursor.head), ydoc);
        if (!anchor || !head || anchor.type !== ytext || head.type !== ytext) return;
        // Any client may publish any state: a name is text, cut to a sane length.
        const name = typeof state.user?.name === 'string' ? state.user.name.slice(0, 80) : 'Someone';
        const colour = typeof state.user?.color === 'string' ? state.user.color : '';
        const cls = colourClass(colour);
        const from = Math.min(anchor.index, head.index);
        const to = Math.max(anchor.index, head.index);
        if (from < to) decorations.push(Decoration.mark({ class: `cm-ySelection ${cls}` }).range(from, to));
        decorations.push(Decoration.widget({ side: head.index - anchor.index > 0 ? -1 : 1, widget: new Caret(name, colour) }).range(head.index));
      });
      this.decorations = Decoration.set(decorations, true);
    }
  },
  { decorations: (plugin) => plugin.decorations },
);

/**
 * @typedef {object} LiveEditor
 * @property {EditorView} view
 * @property {(readOnly: boolean) => void} setReadOnly
 * @property {(text: string) => void} setPlaceholder
 * @property {() => void} destroy
 */

/**
 * Mounts a CodeMirror editor on `parent`, bound to `ytext` and its awareness.
 * Undo (Ctrl/Cmd+Z) undoes only this person's typing: Sitrep's edits and
 * other people's arrive with the provider's origin, which the UndoManager
 * does not track.
 * @param {{ parent: HTMLElement, ytext: Y.Text, awareness: import('y-protocols/awareness').Awareness, readOnly: boolean, label: string }} options
 * @returns {LiveEditor}
 */
export function createLiveEditor({ parent, ytext, awareness, readOnly, label }) {
  const shadow = parent.shadowRoot ?? parent.attachShadow({ mode: 'open' });
  const mount = document.createElement('div');
  shadow.append(mount);
  const editable = new Compartment();
  const hint = new Compartment();
  const undoManager = new Y.UndoManager(ytext);
  /** @param {boolean} ro */
  const editability = (ro) => [EditorState.readOnly.of(ro), EditorView.editable.of(!ro)];
  const view = new EditorView({
    parent: mount,
    root: shadow,
    state: EditorState.create({
      doc: ytext.toString(),
      extensions: [
        keymap.of([...yUndoManagerKeymap, ...defaultKeymap, indentWithTab]),
        syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
        markdownLanguage,
        EditorView.lineWrapping,
        EditorView.contentAttributes.of({ 'aria-label': label, 'aria-multiline': 'true' }),
        editable.of(editability(readOnly)),
        hint.of(placeholder('Loading the document…')),
        // Without awareness: the carets are drawn by remoteSelections below.
        yCollab(ytext, null, { undoManager }),
        remoteSelections(ytext, awareness),
        keptSections,
        sitrepTheme,
      ],
    }),
  });
  return {
    view,
    setReadOnly(ro) {
      view.dispatch({ effects: editable.reconfigure(editability(ro)) });
    },
    setPlaceholder(text) {
      view.dispatch({ effects: hint.reconfigure(placeholder(text)) });
    },
    destroy() {
      view.destroy();
      mount.remove();
      undoManager.destroy();
    },
  };
}

/** Line diff for the history panel (jsdiff), bundled with the editor. */
export { diffLines } from 'diff';
