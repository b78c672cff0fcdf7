// @ts-check
/**
 * A small, read-only Markdown renderer for the live incident document:
 * headings, paragraphs, bullet, numbered and task lists (nested by
 * indentation), quotes, fenced code, rules, and inline code / bold / italic. It builds DOM nodes from text and
 * never parses HTML; links are shown as text, so a document cannot make the
 * console navigate anywhere or load anything.
 */
import { h } from '../dom.js';

const INLINE = /(`[^`]+`|\*\*[^*]+\*\*|__[^_]+__|\*[^*\s][^*]*\*|_[^_\s][^_]*_)/;

/**
 * Inline spans of one line as nodes.
 * @param {string} text
 * @returns {Array<Node | string>}
 */
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
  /** @type {string[]} */
  let paragraph = [];
  /**
   * The lists open at this line, outermost first: an item indented past its
   * list's items starts a list inside the last of them.
   * @type {Array<{ indent: number, ordered: boolean, el: HTMLElement, last: HTMLElement | null }>}
   */
  let lists = [];
  const flushParagraph = () => {
    if (paragraph.length) out.append(h('p', {}, inline(paragraph.join(' '))));
    paragraph = [];
  };
  const flushList = () => {
    if (lists.length) out.append(lists[0].el);
    lists = [];
  };
  /** @param {number} indent @param {boolean} ordered */
  const openList = (indent, ordered) => {
    const list = { indent, ordered, el: h(ordered ? 'ol' : 'ul'), last: /** @type {HTMLElement | null} */ (null) };
    lists.at(-1)?.last?.append(list.el);
    lists.push(list);
    return list;
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
    const item = /^(\s*)([-*+]|\d+[.)])\s+(.*)$/.exec(line);
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
      const indent = item[1].replace(/\t/g, '    ').length;
      const ordered = /\d/.test(item[2]);
      while (lists.length > 1 && indent < lists[lists.length - 1].indent) lists.pop();
      let list = lists.at(-1);
      if (!list) list = openList(indent, ordered);
      // Two spaces past the items of the open list: a list inside its last item.
      else if (indent >= list.indent + 2 && list.last) list = openList(indent, ordered);
      else if (list.ordered !== ordered) {
        if (lists.length === 1) flushList();
        else lists.pop();
        list = openList(indent, ordered);
      }
      const task = /^\[( |x|X)\]\s+(.*)$/.exec(item[3]);
      list.last = task
        ? h('li', { class: 'task' }, h('input', { type: 'checkbox', disabled: true, checked: task[1] !== ' ', 'aria-label': task[1] !== ' ' ? 'done' : 'not done' }), ' ', inline(task[2]))
        : h('li', {}, inline(item[3]));
      list.el.append(list.last);
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
