// Selection criteria (step 4): set beforehand by the facilitator, shown beside the vote.
import { h, syncList } from './dom.js';
import { t } from './i18n.js';
import { bindField } from './fields.js';
import { uuid4 } from './ids.js';
import { toast } from './feedback.js';

export const CRITERION_MAX = 300;
const MAX_CRITERIA = 50;

// criteriaList is the read-only list for the phone and the projector.
export function criteriaList(store) {
  const list = h('ol', { class: 'criteria-list', id: 'criteria-list' });
  const empty = h('p', { class: 'muted empty' }, t('crit.none'));
  return {
    el: h('section', { class: 'criteria' }, h('h3', null, t('crit.title')), list, empty),
    update() {
      const cs = store.state.criteria;
      empty.hidden = cs.length > 0;
      list.hidden = cs.length === 0;
      list.replaceChildren(...cs.map((c) => h('li', { dataset: { id: c.id } }, c.text)));
    },
  };
}

// criteriaEditor is the facilitator's: each criterion editable in place, add and remove.
export function criteriaEditor(store, conn) {
  const list = h('ol', { class: 'criteria-edit', id: 'criteria-edit' });
  const rows = new Map();
  const input = h('input', { type: 'text', id: 'criterion-add-text', maxLength: CRITERION_MAX, placeholder: t('crit.addPh'), 'aria-label': t('crit.add'), autocomplete: 'off' });
  const add = h('button', { type: 'submit', id: 'criterion-add-submit', class: 'btn btn-primary btn-small' }, t('crit.add'));
  const form = h('form', { class: 'criterion-add' }, input, add);
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const text = input.value.trim();
    if (!text) {
      input.focus();
      return;
    }
    if ([...text].length > CRITERION_MAX) {
      toast(t('err.tooLong', { max: CRITERION_MAX }));
      return;
    }
    input.value = '';
    conn.op('criterion.add', { id: uuid4(), text }).catch(() => {
      if (!input.value) input.value = text;
    });
  });

  function row(c) {
    const field = h('input', { type: 'text', class: 'criterion-text', maxLength: CRITERION_MAX, 'aria-label': t('crit.title'), autocomplete: 'off' });
    const binding = bindField(field, { required: true, commit: (v) => conn.op('criterion.update', { id: c.id, text: v }), text: { conn, target: 'criterion', id: c.id, field: 'text' } });
    const remove = h('button', { type: 'button', class: 'btn btn-small btn-danger criterion-remove', 'aria-label': t('crit.remove'), title: t('crit.remove') }, '✕');
    remove.addEventListener('click', () => conn.op('criterion.remove', { id: c.id }));
    return { el: h('li', { dataset: { id: c.id } }, h('div', { class: 'criterion-row' }, field, remove)), binding };
  }

  return {
    el: h('section', { class: 'criteria criteria-facilitator' },
      h('h3', null, t('crit.title')),
      h('p', { class: 'hint' }, t('crit.hint')),
      list, form),
    update() {
      const cs = store.state.criteria;
      syncList(list, rows, cs, { make: row, update: (r, c) => r.binding.set(c.text) });
      form.hidden = cs.length >= MAX_CRITERIA;
    },
  };
}
