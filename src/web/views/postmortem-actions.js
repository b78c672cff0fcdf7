// @ts-check
/** @import * as G from '../generated/graphql' */
/** @import { ActionItem, Postmortem, User, ViewContext } from '../types' */
/**
 * Action items: follow-up work with a kind, a priority, an owner, a due date
 * and a tracking URL. They stay editable after publication (the work outlives
 * the write-up). Each item saves only what changed.
 */
import { announce, busy, clearFields, errorBox, field, h, replace, select } from '../dom.js';
import { ACTION_ITEM_KINDS, ACTION_ITEM_STATUSES, PRIORITIES, labelOptions, webUrl } from '../labels.js';
import { ADD_ACTION_ITEM, UPDATE_ACTION_ITEM } from '../queries.js';
import { findingsFor } from './postmortem-sections.js';

/**
 * `<input type="date">` value of a DateTime (the UTC day).
 * @param {string | null} iso
 */
const dayOf = (iso) => (iso ? iso.slice(0, 10) : '');
/**
 * A due day as the DateTime the API takes (midnight UTC), or null.
 * @param {string} day
 */
const dueOf = (day) => (day ? `${day}T00:00:00.000Z` : null);

/** @type {ReadonlyArray<readonly [G.Priority, string]>} */
const PRIORITY_OPTIONS = PRIORITIES.map((p) => /** @type {const} */ ([p, p]));

/**
 * @param {Promise<ReadonlyArray<User>>} users
 * @param {string} [selected]
 */
function ownerSelect(users, selected) {
  const el = h('select', { name: 'ownerId' }, h('option', { value: '' }, 'No owner yet'));
  users.then((all) => {
    const value = el.value || selected || '';
    el.append(...all.filter((u) => !el.querySelector(`option[value="${CSS.escape(u.id)}"]`)).map((u) => h('option', { value: u.id }, u.name)));
    el.value = value;
  }, () => undefined);
  return el;
}

/**
 * One action item as an editable card.
 * @param {ViewContext} ctx
 * @param {Promise<ReadonlyArray<User>>} users
 * @param {() => void} onSaved
 */
function itemEditor(ctx, users, onSaved) {
  const errors = errorBox();
  const title = h('input', { type: 'text', name: 'title', required: true, maxlength: 500 });
  const status = select('status', labelOptions(ACTION_ITEM_STATUSES));
  const priority = select('priority', PRIORITY_OPTIONS);
  const owner = ownerSelect(users);
  const due = h('input', { type: 'date', name: 'dueDate' });
  const tracking = h('input', { type: 'url', name: 'trackingUrl', maxlength: 2000, placeholder: 'Link to the ticket' });
  const kind = h('span', { class: 'badge kind' });
  const link = h('span');
  const save = h('button', { type: 'submit', class: 'btn btn-small' }, 'Save item');
  const form = h(
    'form',
    { class: 'action-item' },
    h('div', { class: 'ai-head' }, kind, field('Title', title)),
    h('div', { class: 'row' }, field('Status', status), field('Priority', priority), field('Owner', owner), field('Due (UTC)', due)),
    h('div', { class: 'row ai-tracking' }, field('Tracking URL', tracking), link),
    errors.el,
    save,
  );
  /** @type {ActionItem | null} */
  let item = null;
  /** @returns {Required<G.UpdateActionItemInput>} */
  const controls = () => ({
    title: title.value,
    status: status.value,
    priority: priority.value,
    ownerId: owner.value || null,
    dueDate: dueOf(due.value),
    trackingUrl: tracking.value.trim() || null,
  });
  /**
   * @param {ActionItem} i
   * @returns {Required<G.UpdateActionItemInput>}
   */
  const fromItem = (i) => ({ title: i.title, status: i.status, priority: i.priority, ownerId: i.owner?.id ?? null, dueDate: dueOf(dayOf(i.dueDate)), trackingUrl: i.trackingUrl ?? null });
  /** @returns {G.UpdateActionItemInput} */
  const changes = () => {
    if (!item) return {};
    const now = controls();
    const was = fromItem(item);
    return Object.fromEntries(Object.entries(now).filter(([k, v]) => v !== was[/** @type {keyof typeof was} */ (k)]));
  };
  form.addEventListener('input', () => form.classList.toggle('dirty', Object.keys(changes()).length > 0));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const input = changes();
    if (!Object.keys(input).length) return;
    const id = item?.id;
    if (!id) return;
    const ok = await busy(form, errors, async () => {
      const { updateActionItem } = await ctx.api.request(UPDATE_ACTION_ITEM, { id, input });
      update(updateActionItem, true);
      onSaved();
    });
    if (ok) announce('Action item saved');
  });

  /** @param {ActionItem} next */
  function update(next, force = false) {
    const dirty = item && Object.keys(changes()).length > 0;
    item = next;
    kind.textContent = ACTION_ITEM_KINDS[next.kind] ?? next.kind;
    kind.className = `badge kind kind-${next.kind.toLowerCase()}`;
    const url = webUrl(next.trackingUrl);
    replace(link, url ? h('a', { href: url, rel: 'noopener noreferrer', target: '_blank', class: 'ai-link' }, 'Open in tracker') : '');
    form.classList.toggle('done', next.status === 'DONE');
    // Someone else's save must not overwrite what this person is typing.
    if (dirty && !force) return;
    title.value = next.title;
    status.value = next.status;
    priority.value = next.priority;
    owner.value = next.owner?.id ?? '';
    if (next.owner && owner.value !== next.owner.id) owner.append(h('option', { value: next.owner.id, selected: true }, next.owner.name));
    due.value = dayOf(next.dueDate);
    tracking.value = next.trackingUrl ?? '';
    form.classList.remove('dirty');
  }
  return { el: h('li', {}, form), update };
}

/**
 * The form for a new action item.
 * @param {ViewContext} ctx
 * @param {string} id the postmortem's id
 * @param {Promise<ReadonlyArray<User>>} users
 * @param {(item: ActionItem) => void} onAdded
 */
function addForm(ctx, id, users, onAdded) {
  const errors = errorBox();
  const title = h('input', { type: 'text', name: 'title', required: true, maxlength: 500, placeholder: 'e.g. Alert on payment gateway error rate' });
  const kind = select('kind', labelOptions(ACTION_ITEM_KINDS), 'PREVENT');
  const priority = select('priority', PRIORITY_OPTIONS, 'P1');
  const owner = ownerSelect(users);
  const due = h('input', { type: 'date', name: 'dueDate' });
  const tracking = h('input', { type: 'url', name: 'trackingUrl', maxlength: 2000, placeholder: 'Link to the ticket' });
  const form = h(
    'form',
    { class: 'add-action-item' },
    h('h3', {}, 'Add an action item'),
    field('Title', title),
    h('div', { class: 'row' }, field('Kind', kind), field('Priority', priority), field('Owner', owner), field('Due (UTC)', due)),
    field('Tracking URL (optional)', tracking, 'An http or https link to the ticket.'),
    errors.el,
    h('button', { type: 'submit', class: 'btn' }, 'Add action item'),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const input = { title: title.value, kind: kind.value, priority: priority.value, ownerId: owner.value || null, dueDate: dueOf(due.value), trackingUrl: tracking.value.trim() || null };
    const ok = await busy(form, errors, async () => {
      onAdded((await ctx.api.request(ADD_ACTION_ITEM, { postmortemId: id, input })).addActionItem);
    });
    if (ok) {
      clearFields(form, [title, tracking, due]);
      title.focus();
      announce('Action item added');
    }
  });
  return form;
}

/**
 * @param {ViewContext} ctx
 * @param {string} id the postmortem's id
 * @param {Promise<ReadonlyArray<User>>} users
 * @param {() => void} changed called after an item is added or saved (the checklist may change)
 */
export function actionItemsPanel(ctx, id, users, changed) {
  const readOnly = ctx.user?.role === 'VIEWER';
  const list = h('ol', { class: 'action-items' });
  const hints = h('div');
  /** @type {Map<string, ReturnType<typeof itemEditor>>} */
  const editors = new Map();
  /** @param {ActionItem} item */
  const add = (item) => {
    let editor = editors.get(item.id);
    if (!editor) {
      editor = itemEditor(ctx, users, changed);
      editors.set(item.id, editor);
      list.append(editor.el);
    }
    editor.update(item);
  };
  const empty = h('p', { class: 'muted' }, 'No action items yet. Publishing needs at least one PREVENT item, each with an owner.');
  return {
    el: h(
      'section',
      { class: ['panel', readOnly && 'read-only'], 'aria-labelledby': 'actions-title' },
      h('h2', { id: 'actions-title' }, 'Action items'),
      readOnly ? null : h('p', { class: 'hint' }, 'Action items stay editable after publication.'),
      hints,
      empty,
      list,
      readOnly ? null : addForm(ctx, id, users, (item) => {
        add(item);
        empty.hidden = true;
        changed();
      }),
    ),
    /** @param {Postmortem} pm */
    update(pm) {
      pm.actionItems.forEach(add);
      empty.hidden = pm.actionItems.length > 0;
      replace(hints, findingsFor(pm.findings, 'ACTION_ITEMS'));
      if (readOnly) {
        list.querySelectorAll('input').forEach((c) => (c.disabled = true));
        list.querySelectorAll('select').forEach((c) => (c.disabled = true));
        list.querySelectorAll('button').forEach((b) => (b.hidden = true));
      }
    },
  };
}
