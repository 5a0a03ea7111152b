// The arena analysis editor (worksheet "Arena-analyse"), shared by the phone (cards) and the
// facilitator console (a wide table). Each actor keeps its own DOM across renders, so a field
// someone is typing in is never rebuilt under their fingers.
import { h, setText, syncList } from './dom.js';
import { t } from './i18n.js';
import { bindField } from './fields.js';
import { uuid4 } from './ids.js';
import { toast } from './feedback.js';
import { confirmDialog } from './dialog.js';
import { spreadBar, firstStat } from './spread.js';

export const CATEGORIES = ['core', 'peripheral', 'context', 'anchoring'];
export const DEGREES = ['small', 'ratherSmall', 'ratherLarge', 'large']; // klein -> groot, as the estimate buttons
export const LIMITS = { name: 80, resources: 2000, replaceableBy: 200 };

export const categoryLabel = (c) => (c ? t(`cat.${c}`) : '');
export const degreeLabel = (d) => (d ? t(`deg.${d}`) : '');

// options for a select; the empty one means "not set" (short in the narrow table cells).
function options(values, label, short = false) {
  const none = short ? '–' : t('not.set'); // no dashes around it: they cut it short on a phone's card
  return [h('option', { value: '' }, none), ...values.map((v) => h('option', { value: String(v) }, label(v)))];
}

// The fields of an actor that people edit, in worksheet order.
const FIELDS = [
  { key: 'name', label: 'actor.name', make: () => h('input', { type: 'text', class: 'actor-name-input', maxLength: LIMITS.name, autocomplete: 'off' }), required: true },
  { key: 'category', label: 'actor.category', make: (short) => h('select', null, options(CATEGORIES, categoryLabel, short)) },
  { key: 'resources', label: 'actor.resources', make: () => h('textarea', { rows: 3, maxLength: LIMITS.resources, placeholder: t('actor.resourcesPh') }) },
  {
    key: 'importance', label: 'actor.importance', make: (short) => h('select', null, options([1, 2, 3, 4], String, short)),
    parse: (s) => Number(s) || 0, format: (v) => (v ? String(v) : ''),
  },
  { key: 'replaceability', label: 'actor.replaceability', make: (short) => h('select', null, options(DEGREES, degreeLabel, short)) },
  { key: 'replaceableBy', label: 'actor.replaceableBy', make: (short) => h('input', { type: 'text', maxLength: LIMITS.replaceableBy, placeholder: short ? t('actor.replaceableBy') : t('actor.replaceableByPh'), autocomplete: 'off' }) },
  { key: 'dependency', label: 'actor.dependency', make: (short) => h('select', null, options(DEGREES, degreeLabel, short)) },
];

/**
 * actorEditor builds the controls of one actor, laid out as a card ('card') or a table row
 * ('row'). With opts.store a row also shows the spread of the group's private estimates under
 * importance, replaceability and dependency; opts.onRemove and opts.onMerge add buttons.
 * Returns {el, update(actor, editable)}.
 */
function actorEditor(actor, layout, conn, { onRemove, onMerge, store } = {}) {
  const id = actor.id;
  const controls = {};
  const bindings = {};
  for (const f of FIELDS) {
    const el = f.make(layout === 'row');
    el.setAttribute('aria-label', t(f.label));
    el.classList.add(`field-${f.key}`);
    controls[f.key] = el;
    bindings[f.key] = bindField(el, {
      parse: f.parse,
      format: f.format,
      required: f.required,
      commit: (v) => conn.op('actor.update', { id, [f.key]: v }),
      text: { conn, target: 'actor', id, field: f.key },
    });
  }
  const rank = h('span', { class: 'rank' });
  const remove = onRemove && h('button', { type: 'button', class: 'btn btn-danger btn-small actor-remove', title: t('actor.remove'), 'aria-label': t('actor.remove') },
    layout === 'row' ? '✕' : t('actor.remove'));
  remove?.addEventListener('click', () => onRemove(current));
  const merge = onMerge && h('button', { type: 'button', class: 'btn btn-small actor-merge', title: t('merge.button'), 'aria-label': t('merge.button') }, '⇄');
  merge?.addEventListener('click', () => onMerge(current));
  // Where the spread of the group's estimates goes (the console's table).
  const spreads = store ? { importance: h('div', { class: 'spread-slot' }), replaceability: h('div', { class: 'spread-slot' }), dependency: h('div', { class: 'spread-slot' }) } : {};

  let el;
  let summary = null; // a card's folded summary
  const c = controls;
  if (layout === 'row') {
    el = h('tr', { class: 'actor-row', dataset: { id } },
      h('td', { class: 'col-name' }, c.name),
      h('td', { class: 'col-cat' }, c.category),
      h('td', { class: 'col-resources' }, c.resources),
      h('td', { class: 'col-imp' }, c.importance, spreads.importance),
      h('td', { class: 'col-replace' }, h('div', { class: 'replace-pair' }, h('div', null, c.replaceability, spreads.replaceability), c.replaceableBy)),
      h('td', { class: 'col-dep' }, c.dependency, spreads.dependency),
      h('td', { class: 'col-rank' }, rank),
      (remove || merge) && h('td', { class: 'col-remove' }, h('div', { class: 'row-actions' }, merge, remove)));
  } else {
    const labelled = (key, ...extra) => h('label', { class: `card-field card-${key}` }, h('span', { class: 'field-label' }, t(FIELDS.find((f) => f.key === key).label)), c[key], extra);
    // The fields fold under a one-line summary, so eight actors are not metres of cards; a
    // new actor with nothing filled in yet starts open.
    summary = h('span', { class: 'card-summary-text' });
    const more = h('details', { class: 'card-more', open: !analysed(actor) },
      h('summary', { class: 'card-summary' }, summary),
      labelled('category'),
      labelled('resources'),
      h('div', { class: 'card-grid' },
        labelled('importance'),
        labelled('dependency'),
        labelled('replaceability'),
        h('label', { class: 'card-field card-replaceableBy' }, h('span', { class: 'field-label' }, t('actor.replaceableBy')), c.replaceableBy)));
    el = h('article', { class: 'actor-card', dataset: { id } },
      h('div', { class: 'card-head' }, c.name, rank),
      more,
      remove && h('div', { class: 'card-actions' }, remove));
  }

  let current = actor;
  return {
    el,
    update(a, editable) {
      current = a;
      for (const f of FIELDS) {
        bindings[f.key].set(a[f.key]);
        bindings[f.key].setEnabled(editable);
      }
      // The row's buttons name their actor for a screen reader ("Remove" five times does not).
      remove?.setAttribute('aria-label', t('actor.removeNamed', { name: a.name }));
      merge?.setAttribute('aria-label', t('merge.buttonNamed', { name: a.name }));
      if (summary) setText(summary, cardSummary(a));
      setText(rank, a.rank > 0 ? `#${a.rank}` : '');
      rank.title = a.rank > 0 ? `${t('actor.rank')}: ${a.rank}` : '';
      if (store) {
        const est = store.live.estimates.get(id);
        const withN = firstStat(est);
        for (const [field, slot] of Object.entries(spreads)) {
          const bar = est ? spreadBar(est[field], est.n, { showN: field === withN }) : null;
          slot.replaceChildren(...(bar ? [bar] : []));
          slot.closest('td')?.classList.toggle('split', !!bar && bar.classList.contains('split'));
        }
      }
    },
  };
}

// analysed: whether any of the analysis beyond the name is filled in.
const analysed = (a) => !!(a.category || a.importance || a.replaceability || a.dependency || a.resources || a.replaceableBy);

// cardSummary: "kernactor · belang 4 · vervangbaar: klein · afhankelijk: groot", or a call to
// fill it in.
function cardSummary(a) {
  const parts = [];
  if (a.category) parts.push(categoryLabel(a.category));
  if (a.importance) parts.push(t('card.importance', { n: a.importance }));
  if (a.replaceability) parts.push(t('card.replaceability', { v: degreeLabel(a.replaceability) }));
  if (a.dependency) parts.push(t('card.dependency', { v: degreeLabel(a.dependency) }));
  return parts.length ? parts.join(' · ') : t('card.fillIn');
}

/**
 * actorList keeps one editor per actor, in creation order, inside a container: a <div> of
 * cards or a <tbody> of rows. update(state, editable) adds, moves and drops editors; it never
 * rebuilds one that exists.
 */
export function actorList(layout, conn, opts = {}) {
  const container = layout === 'row' ? h('tbody') : h('div', { class: 'actor-cards' });
  const editors = new Map();
  return {
    el: container,
    update(actors, editable) {
      syncList(container, editors, actors, {
        make: (a) => actorEditor(a, layout, conn, opts),
        update: (ed, a) => ed.update(a, editable),
      });
    },
  };
}

// removeActor asks before an actor leaves the analysis (the facilitator only).
export async function removeActor(conn, actor) {
  const ok = await confirmDialog({ title: t('actor.removeConfirm', { name: actor.name }), body: t('actor.removeBody'), ok: t('actor.remove'), danger: true });
  if (ok) conn.op('actor.remove', { id: actor.id });
}

/**
 * addActorForm: a name (required) and optionally a category; sends actor.add with an id made
 * here, so a resend after a reconnect cannot add the actor twice.
 */
export function addActorForm(conn) {
  // maxLength counts UTF-16 units and cuts a paste short without a word; the server counts
  // characters. So the field takes twice the limit and the submit says when it is too long.
  const name = h('input', { type: 'text', id: 'actor-add-name', maxLength: 2 * LIMITS.name, placeholder: t('actor.addName'), autocomplete: 'off', 'aria-label': t('actor.addName') });
  const category = h('select', { id: 'actor-add-category', 'aria-label': t('actor.category') },
    h('option', { value: '' }, t('actor.categoryOptional')), CATEGORIES.map((c) => h('option', { value: c }, categoryLabel(c))));
  const submit = h('button', { type: 'submit', id: 'actor-add-submit', class: 'btn btn-primary' }, t('actor.add'));
  const form = h('form', { class: 'add-actor', autocomplete: 'off' },
    h('label', { class: 'field-label', for: 'actor-add-name' }, t('actor.add')),
    h('div', { class: 'add-row' }, name, category, submit));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const value = name.value.trim();
    if (!value) {
      name.focus();
      return;
    }
    if ([...value].length > LIMITS.name) {
      toast(t('err.tooLong', { max: LIMITS.name }));
      return;
    }
    const data = { id: uuid4(), name: value };
    if (category.value) data.category = category.value;
    // Clear at once so the next actor can be typed while this one travels.
    name.value = '';
    category.value = '';
    name.focus();
    // The page's onOpError shows why it failed; give the name back to fix it.
    conn.op('actor.add', data).catch(() => {
      if (!name.value) name.value = value;
    });
  });
  return form;
}
