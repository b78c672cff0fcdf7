// @ts-check
/**
 * Binds a `<textarea>` to a Yjs `Y.Text`, both ways. A local edit becomes
 * the smallest delete and insert that turns the shared text into the
 * textarea's (common prefix and suffix), in one transaction; a remote edit
 * rewrites the textarea and puts the caret and selection back where they
 * were in the text, through Y.RelativePosition, so that nobody's cursor jumps
 * when someone else types above it.
 */
import * as Y from 'yjs';

/** @param {number} code */
const isHighSurrogate = (code) => code >= 0xd800 && code <= 0xdbff;
/** @param {number} code */
const isLowSurrogate = (code) => code >= 0xdc00 && code <= 0xdfff;

/**
 * The single change that turns `before` into `after`: what is left after the
 * common prefix and suffix. Indices are UTF-16 code units, as in Y.Text; a
 * change never splits a surrogate pair (an emoji stays whole).
 * @param {string} before
 * @param {string} after
 * @returns {{ index: number, remove: number, insert: string }}
 */
export function textChange(before, after) {
  const shorter = Math.min(before.length, after.length);
  let start = 0;
  while (start < shorter && before.charCodeAt(start) === after.charCodeAt(start)) start += 1;
  if (start > 0 && isHighSurrogate(before.charCodeAt(start - 1))) start -= 1;
  let end = 0;
  while (end < shorter - start && before.charCodeAt(before.length - 1 - end) === after.charCodeAt(after.length - 1 - end)) end += 1;
  if (end > 0 && isLowSurrogate(before.charCodeAt(before.length - end))) end -= 1;
  return { index: start, remove: before.length - start - end, insert: after.slice(start, after.length - end) };
}

/**
 * Keeps `textarea` and `ytext` equal until `destroy()`. Ctrl/Cmd+Z and
 * Ctrl/Cmd+Shift+Z (or Ctrl+Y) undo and redo this person's own edits only:
 * the browser's own undo history is lost whenever a remote edit rewrites the
 * textarea, and would undo other people's text.
 * @param {Y.Text} ytext
 * @param {HTMLTextAreaElement} textarea
 */
export function bindTextarea(ytext, textarea) {
  const doc = ytext.doc;
  if (!doc) throw new Error('bindTextarea needs a Y.Text that is part of a Y.Doc');
  /** Marks this binding's own transactions, so that their echo is not rendered back. */
  const origin = { binding: 'textarea' };
  const undo = new Y.UndoManager(ytext, { trackedOrigins: new Set([origin]) });
  /**
   * The selection before a remote change, in positions that move with the text.
   * @type {{ start: Y.RelativePosition, end: Y.RelativePosition, direction: 'forward' | 'backward' | 'none' } | null}
   */
  let saved = null;
  let composing = false;
  let stale = false;

  const render = () => {
    const text = ytext.toString();
    if (text === textarea.value) return;
    const scrollTop = textarea.scrollTop;
    textarea.value = text;
    if (saved) {
      const start = Y.createAbsolutePositionFromRelativePosition(saved.start, doc);
      const end = Y.createAbsolutePositionFromRelativePosition(saved.end, doc);
      if (start && end) textarea.setSelectionRange(start.index, end.index, saved.direction);
    }
    textarea.scrollTop = scrollTop;
  };

  // Before a transaction the shared text still equals the textarea, so its indices are valid here.
  /** @param {{ origin: unknown }} transaction */
  const beforeTransaction = (transaction) => {
    if (transaction.origin === origin) return;
    saved = {
      start: Y.createRelativePositionFromTypeIndex(ytext, Math.min(textarea.selectionStart, ytext.length)),
      end: Y.createRelativePositionFromTypeIndex(ytext, Math.min(textarea.selectionEnd, ytext.length)),
      direction: textarea.selectionDirection,
    };
  };
  /** @param {Y.YTextEvent} _event @param {Y.Transaction} transaction */
  const observer = (_event, transaction) => {
    if (transaction.origin === origin) return;
    // Rewriting the value in the middle of an IME composition would break it; catch up at its end.
    if (composing) {
      stale = true;
      return;
    }
    render();
  };
  const onInput = () => {
    if (textarea.readOnly) return;
    const { index, remove, insert } = textChange(ytext.toString(), textarea.value);
    if (!remove && !insert) return;
    doc.transact(() => {
      if (remove) ytext.delete(index, remove);
      if (insert) ytext.insert(index, insert);
    }, origin);
  };
  const onCompositionStart = () => {
    composing = true;
  };
  const onCompositionEnd = () => {
    composing = false;
    onInput();
    if (stale) {
      stale = false;
      // Where the caret is now, against the text the textarea shows (after onInput, the shared text).
      beforeTransaction({ origin: null });
      render();
    }
  };
  /** @param {KeyboardEvent} event */
  const onKeyDown = (event) => {
    if (!(event.ctrlKey || event.metaKey) || event.altKey || textarea.readOnly) return;
    const key = event.key.toLowerCase();
    const redo = (key === 'z' && event.shiftKey) || (key === 'y' && !event.shiftKey);
    if (key !== 'z' && !redo) return;
    event.preventDefault();
    if (redo) undo.redo();
    else undo.undo();
  };

  doc.on('beforeTransaction', beforeTransaction);
  ytext.observe(observer);
  textarea.addEventListener('input', onInput);
  textarea.addEventListener('compositionstart', onCompositionStart);
  textarea.addEventListener('compositionend', onCompositionEnd);
  textarea.addEventListener('keydown', onKeyDown);
  textarea.value = ytext.toString();

  return {
    /** Stops syncing; the textarea keeps its text. */
    destroy() {
      doc.off('beforeTransaction', beforeTransaction);
      ytext.unobserve(observer);
      undo.destroy();
      textarea.removeEventListener('input', onInput);
      textarea.removeEventListener('compositionstart', onCompositionStart);
      textarea.removeEventListener('compositionend', onCompositionEnd);
      textarea.removeEventListener('keydown', onKeyDown);
    },
  };
}
