// @ts-check
/** @import * as G from '../generated/graphql' */
/** @import { PostmortemSectionField } from '../labels.js' */
/** @import { ApplyPostmortem, Postmortem, ViewContext } from '../types' */
/**
 * The written parts of a postmortem: the six sections and the three
 * lessons-learned lists. Saving sends only what this person changed (patch
 * semantics), so two writers on different sections do not overwrite each
 * other. Blameless findings appear as hints next to their section. Everything
 * here is frozen once the postmortem is published.
 */
import { announce, busy, errorBox, field, h, newId, replace } from '../dom.js';
import { LESSON_LISTS, POSTMORTEM_SECTIONS } from '../labels.js';
import { UPDATE_POSTMORTEM } from '../queries.js';

/**
 * The hints for one section: the sentence and why it reads as blame.
 * @param {Postmortem['findings']} findings
 * @param {string} section
 */
function findingsFor(findings, section) {
  const mine = findings.filter((f) => f.section === section);
  if (!mine.length) return [];
  return h(
    'div',
    { class: 'findings', role: 'note' },
    h('p', { class: 'findings-head' }, 'Blameless check: consider describing what the system allowed rather than who did it.'),
    h('ul', {}, mine.map((f) => h('li', {}, h('q', {}, f.excerpt), h('span', { class: 'muted small' }, ` (${f.reason})`)))),
  );
}

/**
 * @param {ViewContext} ctx
 * @param {string} id the postmortem's id
 * @param {ApplyPostmortem} apply
 */
export function sectionsPanel(ctx, id, apply) {
  const errors = errorBox();
  const readOnly = ctx.user?.role === 'VIEWER';
  /**
   * What the server had when each field was last filled, to tell what this person changed.
   * @type {Partial<Record<PostmortemSectionField, string>>}
   */
  const base = {};
  const sections = POSTMORTEM_SECTIONS.map(([name, section, label, hint]) => {
    const input = h('textarea', { name, rows: name === 'summary' || name === 'trigger' ? 3 : 5, maxlength: 20000 });
    const hints = h('div');
    return { name, section, input, hints, el: h('div', { class: 'section-field' }, field(label, input, hint), hints) };
  });
  const status = h('p', { class: 'hint save-state', 'aria-live': 'polite' });
  const save = h('button', { type: 'submit', class: 'btn btn-primary' }, 'Save sections');
  const form = h('form', { class: 'sections-form' }, sections.map((s) => s.el), errors.el, h('div', { class: 'actions' }, save, status));
  const changed = () => sections.filter((s) => s.input.value !== (base[s.name] ?? ''));
  const describe = () => {
    const n = changed().length;
    status.textContent = n ? `${n} unsaved section${n === 1 ? '' : 's'}` : 'All changes saved';
  };
  form.addEventListener('input', describe);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const sent = changed();
    /** @type {G.UpdatePostmortemInput} */
    const input = Object.fromEntries(sent.map((s) => /** @type {const} */ ([s.name, s.input.value.trim() ? s.input.value : null])));
    if (!sent.length) return describe();
    const ok = await busy(form, errors, async () => {
      const { updatePostmortem } = await ctx.api.request(UPDATE_POSTMORTEM, { id, input });
      for (const s of sent) base[s.name] = updatePostmortem[s.name] ?? '';
      apply(updatePostmortem);
    });
    if (ok) announce('Postmortem saved');
  });

  const lessons = lessonsPanel(ctx, id, apply);
  return {
    el: h(
      'section',
      { class: 'panel', 'aria-labelledby': 'sections-title' },
      h('h2', { id: 'sections-title' }, 'Write-up'),
      readOnly ? h('p', { class: 'notice' }, 'You are a viewer: the postmortem is read-only for you.') : null,
      form,
    ),
    lessons,
    /** @param {Postmortem} pm */
    update(pm) {
      const frozen = pm.status === 'PUBLISHED' || readOnly;
      for (const s of sections) {
        const server = pm[s.name] ?? '';
        // Someone else's save must not overwrite what this person is typing.
        if (s.input.value === (base[s.name] ?? '') || frozen) s.input.value = server;
        base[s.name] = server;
        s.input.readOnly = frozen;
        replace(s.hints, findingsFor(pm.findings, s.section));
      }
      save.hidden = frozen;
      status.hidden = frozen;
      describe();
      lessons.update(pm);
    },
  };
}

/**
 * One editable list: an input per entry, remove buttons, and an add button.
 * @param {string} label
 * @param {() => void} onChange
 */
function listEditor(label, onChange) {
  const items = h('ol', { class: 'list-editor' });
  const headingId = newId('lessons');
  const add = h('button', { type: 'button', class: 'btn btn-small' }, 'Add an entry');
  const row = (value = '') => {
    const input = h('input', { type: 'text', value, maxlength: 2000, 'aria-label': label });
    const remove = h('button', { type: 'button', class: 'btn btn-small btn-quiet', 'aria-label': `Remove this entry from ${label}` }, 'Remove');
    const li = h('li', {}, input, remove);
    remove.addEventListener('click', () => {
      (li.nextElementSibling ?? li.previousElementSibling)?.querySelector('input')?.focus();
      li.remove();
      if (!items.children.length) add.focus();
      onChange();
    });
    input.addEventListener('input', onChange);
    return li;
  };
  add.addEventListener('click', () => {
    const li = row();
    items.append(li);
    li.querySelector('input')?.focus();
    onChange();
  });
  /** @type {ReadonlyArray<string> | null} */
  let frozen = null;
  return {
    el: h('div', { class: 'lesson-list', role: 'group', 'aria-labelledby': headingId }, h('h3', { id: headingId }, label), items, add),
    /** The entries, blank ones left out (the server refuses blank entries). */
    values: () => (frozen ? [...frozen] : [...items.querySelectorAll('input')].map((i) => i.value.trim()).filter(Boolean)),
    /**
     * Shows `values`: as inputs, or as plain text once the postmortem is published.
     * @param {ReadonlyArray<string>} values
     */
    set(values, readOnly = false) {
      frozen = readOnly ? values : null;
      add.hidden = readOnly;
      items.classList.toggle('frozen', readOnly);
      replace(items, readOnly ? (values.length ? values.map((v) => h('li', {}, v)) : h('li', { class: 'muted' }, 'Nothing written.')) : values.map((v) => row(v)));
    },
  };
}

/**
 * Lessons learned: what went well, what went wrong, where we got lucky.
 * @param {ViewContext} ctx
 * @param {string} id
 * @param {ApplyPostmortem} apply
 */
function lessonsPanel(ctx, id, apply) {
  const errors = errorBox();
  const readOnly = ctx.user?.role === 'VIEWER';
  /** @type {Record<'wentWell' | 'wentWrong' | 'gotLucky', ReadonlyArray<string>>} */
  const base = { wentWell: [], wentWrong: [], gotLucky: [] };
  const status = h('p', { class: 'hint save-state', 'aria-live': 'polite' });
  /** @param {ReadonlyArray<string>} a @param {ReadonlyArray<string>} b */
  const same = (a, b) => a.length === b.length && a.every((v, i) => v === b[i]);
  const lists = LESSON_LISTS.map(([name, section, label]) => {
    const editor = listEditor(label, () => describe());
    const hints = h('div');
    return { name, section, editor, hints, el: h('div', {}, editor.el, hints) };
  });
  const changed = () => lists.filter((l) => !same(l.editor.values(), base[l.name]));
  const describe = () => {
    const n = changed().length;
    status.textContent = n ? `${n} unsaved list${n === 1 ? '' : 's'}` : 'All changes saved';
  };
  const save = h('button', { type: 'submit', class: 'btn btn-primary' }, 'Save lessons');
  const form = h('form', { class: 'lessons-form' }, h('div', { class: 'lessons' }, lists.map((l) => l.el)), errors.el, h('div', { class: 'actions' }, save, status));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    /** @type {G.LessonsLearnedInput} */
    const lessonsLearned = Object.fromEntries(changed().map((l) => /** @type {const} */ ([l.name, l.editor.values()])));
    if (!Object.keys(lessonsLearned).length) return describe();
    const ok = await busy(form, errors, async () => {
      const { updatePostmortem } = await ctx.api.request(UPDATE_POSTMORTEM, { id, input: { lessonsLearned } });
      apply(updatePostmortem);
    });
    if (ok) announce('Lessons learned saved');
  });
  return {
    el: h('section', { class: 'panel', 'aria-labelledby': 'lessons-title' }, h('h2', { id: 'lessons-title' }, 'Lessons learned'), form),
    /** @param {Postmortem} pm */
    update(pm) {
      const frozen = pm.status === 'PUBLISHED' || readOnly;
      for (const l of lists) {
        const server = pm.lessonsLearned[l.name];
        if (frozen || same(l.editor.values(), base[l.name])) l.editor.set(server, frozen);
        base[l.name] = server;
        replace(l.hints, findingsFor(pm.findings, l.section));
      }
      save.hidden = frozen;
      status.hidden = frozen;
      describe();
    },
  };
}

export { findingsFor };
