/**
 * A small, read-only Markdown renderer for the live incident document:
 * headings, paragraphs, bullet, numbered and task lists, quotes, fenced code,
 * rules, and inline code / bold / italic. It builds DOM nodes from text and
 * never parses HTML; links are shown as text, so a document cannot make the
 * console navigate anywhere or load anything.
 */
import { h } from '../dom.js';

const INLINE = /(`[^`]+`|\*\*[^*]+\*\*|__[^_]+__|\*[^*\s][^*]*\*|_[^_\s][^_]*_)/;

/** Inline spans of one line as nodes. */
function inline(text) {
  return text
    .split(INLINE)
    .filter(Boolean)
    .map((part) => {
      if (/^`[^`]+`$/.test(part)) return h('code', {}, part.slice(1, -1));
      if (/^(\*\*|__).+\1$/.test(part)) return h('strong', {}, part.slice(2, -2));
      if (/^([*_]).+\1$/.test(part) && part.length > 2) return h('em', {}, part.slice(1, -1));
      return part;
    });
}

/**
 * Renders `markdown` into a fragment of safe nodes.
 * @param {string} markdown
 */
export function renderMarkdown(markdown) {
  const out = document.createDocumentFragment();
  const lines = markdown.replace(/\r\n?/g, '\n').split('\n');
  let paragraph = [];
  let list = null;
  const flushParagraph = () => {
    if (paragraph.length) out.append(h('p', {}, inline(paragraph.join(' '))));
    paragraph = [];
  };
  const flushList = () => {
    if (list) out.append(list.el);
    list = null;
  };
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i];
    const fence = /^\s*(```|~~~)/.exec(line);
    if (fence) {
      flushParagraph();
      flushList();
      const body = [];
      for (i += 1; i < lines.length && !lines[i].trim().startsWith(fence[1]); i += 1) body.push(lines[i]);
      out.append(h('pre', {}, h('code', {}, body.join('\n'))));
      continue;
    }
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    const item = /^\s*([-*+]|\d+[.)])\s+(.*)$/.exec(line);
    if (!line.trim()) {
      flushParagraph();
      flushList();
    } else if (heading) {
      flushParagraph();
      flushList();
      // Document headings sit under the console's own h2 for this section.
      const level = Math.min(6, heading[1].length + 2);
      out.append(h(`h${level}`, {}, inline(heading[2].replace(/\s+#+\s*$/, ''))));
    } else if (/^\s*([-*_])(\s*\1){2,}\s*$/.test(line)) {
      flushParagraph();
      flushList();
      out.append(h('hr'));
    } else if (item) {
      flushParagraph();
      const ordered = /\d/.test(item[1]);
      if (!list || list.ordered !== ordered) {
        flushList();
        list = { ordered, el: h(ordered ? 'ol' : 'ul') };
      }
      const task = /^\[( |x|X)\]\s+(.*)$/.exec(item[2]);
      list.el.append(
        task
          ? h('li', { class: 'task' }, h('input', { type: 'checkbox', disabled: true, checked: task[1] !== ' ', 'aria-label': task[1] !== ' ' ? 'done' : 'not done' }), ' ', inline(task[2]))
          : h('li', {}, inline(item[2])),
      );
    } else if (/^\s*>/.test(line)) {
      flushParagraph();
      flushList();
      out.append(h('blockquote', {}, inline(line.replace(/^\s*>\s?/, ''))));
    } else {
      flushList();
      paragraph.push(line.trim());
    }
  }
  flushParagraph();
  flushList();
  return out;
}
