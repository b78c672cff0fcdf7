// @ts-check
/** @import { TimelineEvent, ViewContext } from '../types' */
/** The timeline panel: what happened, oldest first, and adding notes and interventions. */
import { busy, clearFields, errorBox, field, h, replace, select } from '../dom.js';
import { timeEl } from '../time.js';
import { MANUAL_TIMELINE_KINDS, TIMELINE_LABELS } from '../labels.js';
import { ADD_TIMELINE_EVENT } from '../queries.js';

/** @param {TimelineEvent} a @param {TimelineEvent} b */
function byTime(a, b) {
  return new Date(a.occurredAt).getTime() - new Date(b.occurredAt).getTime();
}

/** `datetime-local` value for now, in local time, to the minute (the input's max). */
function localNow() {
  const now = new Date();
  now.setMinutes(now.getMinutes() - now.getTimezoneOffset());
  return now.toISOString().slice(0, 16);
}

/**
 * @param {ViewContext} ctx
 * @param {{ id: string }} incidentRef
 */
export function timelinePanel(ctx, { id }) {
  /** @type {Map<string, TimelineEvent>} */
  const events = new Map();
  const list = h('ol', { class: 'timeline' });
  const errors = errorBox();
  const kind = select('kind', MANUAL_TIMELINE_KINDS.map((k) => [k, TIMELINE_LABELS[k]]), 'NOTE');
  const body = h('textarea', { name: 'body', rows: 3, required: true, maxlength: 10000, placeholder: 'What happened or what you did' });
  const occurredAt = h('input', { type: 'datetime-local', name: 'occurredAt', max: localNow() });
  const form = h(
    'form',
    { class: 'timeline-form' },
    h('div', { class: 'row' }, field('Entry', kind), field('When (optional)', occurredAt, 'Your local time. Leave empty for now; set it to backfill.')),
    field('Text', body, 'Ctrl+Enter to add. Rollbacks and traffic reroutes mean a postmortem is owed.'),
    errors.el,
    h('button', { type: 'submit', class: 'btn' }, 'Add to timeline'),
  );
  body.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) form.requestSubmit();
  });
  occurredAt.addEventListener('focus', () => (occurredAt.max = localNow()));

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    let when = null;
    if (occurredAt.value) {
      const date = new Date(occurredAt.value);
      if (Number.isNaN(date.getTime())) {
        errors.show({ code: 'BAD_USER_INPUT', message: 'The time is not a valid date and time.' });
        return;
      }
      when = date.toISOString();
    }
    const ok = await busy(form, errors, async () => {
      const { addTimelineEvent } = await ctx.api.request(ADD_TIMELINE_EVENT, { incidentId: id, kind: kind.value, body: body.value, occurredAt: when });
      add([addTimelineEvent]);
    });
    if (ok) {
      clearFields(form, [body, occurredAt]);
      kind.value = 'NOTE';
      body.focus();
    }
  });

  function render() {
    const sorted = [...events.values()].sort(byTime);
    replace(
      list,
      sorted.map((e) =>
        h(
          'li',
          { class: `tl tl-${e.kind.toLowerCase().replace(/_/g, '-')}`, dataset: { id: e.id } },
          h('div', { class: 'tl-meta' }, timeEl(e.occurredAt), h('span', { class: 'tl-kind' }, TIMELINE_LABELS[e.kind] ?? e.kind), e.actor ? h('span', { class: 'tl-actor' }, e.actor.name) : null),
          h('p', { class: 'tl-body' }, e.body),
        ),
      ),
    );
    if (!sorted.length) list.append(h('li', { class: 'muted' }, 'Nothing recorded yet.'));
  }

  /**
   * Adds events (from a query, a mutation or the subscription), once each.
   * @param {ReadonlyArray<TimelineEvent>} newEvents
   */
  function add(newEvents) {
    for (const e of newEvents) events.set(e.id, e);
    render();
  }

  return {
    el: h(
      'section',
      { class: 'panel', 'aria-labelledby': 'timeline-title' },
      h('h2', { id: 'timeline-title' }, 'Timeline'),
      list,
      ctx.user?.role === 'VIEWER' ? null : form,
    ),
    add,
    /**
     * Replaces everything (after a full reload).
     * @param {ReadonlyArray<TimelineEvent>} all
     */
    reset(all) {
      events.clear();
      add(all);
    },
  };
}
