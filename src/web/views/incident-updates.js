// @ts-check
/** @import * as G from '../generated/graphql' */
/** @import { IncidentDetail, ViewContext } from '../types' */
/** Status updates: the communications lead keeping stakeholders informed. */
import { busy, checkedValue, clearFields, errorBox, field, h, newId, replace } from '../dom.js';
import { timeEl } from '../time.js';
import { POST_STATUS_UPDATE } from '../queries.js';

/** @type {ReadonlyArray<readonly [G.Audience, string, string]>} */
const AUDIENCES = [
  ['INTERNAL', 'Internal', 'Responders and the company'],
  ['EXTERNAL', 'External', 'Customers and the public status page'],
];
const AUDIENCE_VALUES = AUDIENCES.map(([value]) => value);

/**
 * @param {ViewContext} ctx
 * @param {{ id: string, reload: () => void }} incidentRef
 */
export function updatesPanel(ctx, { id, reload }) {
  const errors = errorBox();
  const list = h('ol', { class: 'updates' });
  const name = newId('audience');
  const body = h('textarea', { name: 'body', rows: 3, required: true, maxlength: 10000, placeholder: 'What we know, what we are doing, when the next update comes' });
  const submit = h('button', { type: 'submit', class: 'btn' }, 'Post internal update');
  const audiences = h(
    'fieldset',
    { class: 'audience' },
    h('legend', {}, 'Audience'),
    AUDIENCES.map(([value, label, hint]) =>
      h('label', { class: 'chip' }, h('input', { type: 'radio', name, value, checked: value === 'INTERNAL' }), label, h('span', { class: 'muted small' }, ` · ${hint}`)),
    ),
  );
  const permission = h('p', { class: 'hint' });
  const fields = h('fieldset', { class: 'plain' }, h('legend', { class: 'visually-hidden' }, 'Post a status update'), audiences, field('Message', body), submit);
  const form = h('form', { class: 'update-form' }, fields, permission, errors.el);
  const audience = () => checkedValue(form, name, AUDIENCE_VALUES) ?? 'INTERNAL';
  audiences.addEventListener('change', () => {
    submit.textContent = audience() === 'EXTERNAL' ? 'Post external update' : 'Post internal update';
    form.classList.toggle('external', audience() === 'EXTERNAL');
  });

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const ok = await busy(form, errors, async () => {
      await ctx.api.request(POST_STATUS_UPDATE, { incidentId: id, audience: audience(), body: body.value });
    });
    if (ok) {
      clearFields(form, [body]);
      // The incidentUpdated event brings the new update; without a live socket, fetch it.
      if (ctx.ws?.state !== 'connected') reload();
    }
  });

  return {
    el: h(
      'section',
      { class: 'panel', 'aria-labelledby': 'updates-title' },
      h('h2', { id: 'updates-title' }, 'Status updates'),
      ctx.user?.role === 'VIEWER' ? null : form,
      list,
    ),
    /** @param {IncidentDetail} incident */
    /** @param {IncidentDetail} incident */
    update(incident) {
      const newest = [...incident.statusUpdates].sort((a, b) => new Date(b.postedAt).getTime() - new Date(a.postedAt).getTime());
      replace(
        list,
        newest.length
          ? newest.map((u) =>
              h(
                'li',
                { class: `update update-${u.audience.toLowerCase()}` },
                h('div', { class: 'tl-meta' }, h('span', { class: `badge audience-${u.audience.toLowerCase()}` }, u.audience === 'EXTERNAL' ? 'External' : 'Internal'), timeEl(u.postedAt), h('span', {}, u.author.name)),
                h('p', { class: 'tl-body' }, u.body),
              ),
            )
          : h('li', { class: 'muted' }, 'No status updates yet.'),
      );
      const me = ctx.user;
      const lead = incident.roles.find((r) => r.role === 'COMMUNICATIONS_LEAD')?.holder;
      const allowed = me?.role === 'ADMIN' || lead?.id === me?.id;
      fields.disabled = !allowed;
      permission.textContent = allowed ? '' : `Only the communications lead (${lead?.name ?? 'unknown'}) or an admin can post status updates.`;
      permission.hidden = allowed;
    },
  };
}
