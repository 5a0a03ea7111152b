// Step 5, approaching the retained actors: per selected actor who takes it up, how far it is,
// whether the assessment was right, the actor's interest and willingness to act, and notes.
// Everyone may edit (unless the facilitator locked the table) and everyone sees it live.
import { h, setText, syncList } from './dom.js';
import { tp } from './i18n-present.js';
import { displayNames } from './people.js';
import { t } from './i18n.js';
import { bindField } from './fields.js';
import { byRank } from './ranking.js';
import { pager } from './widgets.js';

export const STATUSES = ['todo', 'contacted', 'agreed', 'declined'];
export const LEVELS = ['low', 'medium', 'high'];
const NOTES_MAX = 4000;

const ASSESS = { format: (v) => (v === true ? 'yes' : v === false ? 'no' : ''), parse: (s) => (s === 'yes' ? true : s === 'no' ? false : null) };

export const statusLabel = (s) => (s ? t(`fu.status.${s}`) : '');
export const levelLabel = (l) => (l ? t(`fu.level.${l}`) : '');
export const assessLabel = (v) => (v === true ? t('fu.yes') : v === false ? t('fu.no') : '');

function options(values, label) {
  return [h('option', { value: '' }, `– ${t('not.set')} –`), ...values.map((v) => h('option', { value: v }, label(v)))];
}

export function ownerName(store, id) {
  if (!id) return '';
  return displayNames(store.state.participants).get(id) ?? t('fu.ownerGone');
}

// followupCard: one selected actor's follow-up, each field saved on change.
function followupCard(store, actor, conn) {
  const id = actor.id;
  const commit = (key) => (v) => conn.op('followup.update', { actorId: id, [key]: v });
  const owner = h('select', { class: 'fu-owner' });
  const fields = [
    { key: 'owner', label: 'fu.owner', el: owner },
    { key: 'status', label: 'fu.status', el: h('select', { class: 'fu-status' }, options(STATUSES, statusLabel)) },
    { key: 'assessmentRight', label: 'fu.assessmentRight', el: h('select', { class: 'fu-assessment' }, h('option', { value: '' }, t('fu.unknown')), h('option', { value: 'yes' }, t('fu.yes')), h('option', { value: 'no' }, t('fu.no'))), ...ASSESS },
    { key: 'interest', label: 'fu.interest', el: h('select', { class: 'fu-interest' }, options(LEVELS, levelLabel)) },
    { key: 'willingness', label: 'fu.willingness', el: h('select', { class: 'fu-willingness' }, options(LEVELS, levelLabel)) },
    { key: 'notes', label: 'fu.notes', el: h('textarea', { class: 'fu-notes', rows: 3, maxLength: NOTES_MAX, placeholder: t('fu.notesPh') }), wide: true },
  ];
  for (const f of fields) {
    f.binding = bindField(f.el, { parse: f.parse, format: f.format, commit: commit(f.key), text: f.key === 'notes' && { conn, target: 'actor', id, field: 'notes' } });
  }
  const name = h('span', { class: 'fu-name' });
  const status = h('span', { class: 'chip fu-status-chip' });
  const el = h('article', { class: 'followup-card', dataset: { id } },
    h('h3', { class: 'fu-head' }, name, status),
    h('div', { class: 'fu-grid' }, fields.map((f) => h('label', { class: ['card-field', f.wide && 'fu-wide'] }, h('span', { class: 'field-label' }, t(f.label)), f.el))));

  let ownerSig = '';
  function ownerOptions(current) {
    const names = displayNames(store.state.participants);
    const ps = [...store.state.participants].sort((a, b) => names.get(a.id).localeCompare(names.get(b.id)));
    const gone = current && !store.participant(current);
    const sig = JSON.stringify([ps.map((p) => [p.id, names.get(p.id)]), gone && current]);
    if (sig === ownerSig) return;
    ownerSig = sig;
    const keep = owner.value;
    owner.replaceChildren(h('option', { value: '' }, `– ${t('fu.nobody')} –`),
      ...ps.map((p) => h('option', { value: p.id }, names.get(p.id))),
      gone ? h('option', { value: current }, t('fu.ownerGone')) : null);
    owner.value = keep;
  }

  return {
    el,
    update(a, editable) {
      setText(name, a.name);
      const fu = a.followUp || {};
      ownerOptions(fu.owner);
      setText(status, statusLabel(fu.status));
      status.hidden = !fu.status;
      status.className = `chip fu-status-chip status-${fu.status || 'none'}`;
      for (const f of fields) {
        f.binding.set(f.key === 'assessmentRight' ? (fu.assessmentRight ?? null) : fu[f.key] || '');
        f.binding.setEnabled(editable);
      }
    },
  };
}

/**
 * followupCards: one card per selected actor, for the phone and the console.
 * canEdit(store) says whether this person may edit now. Returns {el, update()}.
 */
export function followupCards(store, conn, canEdit) {
  const cards = new Map();
  const list = h('div', { class: 'followup-cards', id: 'followup-cards' });
  const note = h('p', { class: 'note locked-note' }, t('locked.note'));
  const empty = h('p', { class: 'muted empty' }, t('fu.none'));
  return {
    el: h('div', { class: 'followup' }, note, empty, list),
    update() {
      const actors = byRank(store.state.actors).filter((a) => a.selected);
      const editable = canEdit(store);
      note.hidden = editable;
      empty.hidden = actors.length > 0;
      syncList(list, cards, actors, { make: (a) => followupCard(store, a, conn), update: (c, a) => c.update(a, editable) });
    },
  };
}

// projectorFollowup: the follow-up of every selected actor as one table.
export function projectorFollowup(store) {
  const body = h('tbody');
  const empty = h('p', { class: 'empty' }, t('fu.none'));
  const table = h('table', { class: 'followup-table', id: 'followup-table' },
    h('thead', null, h('tr', null,
      h('th', { class: 'col-name' }, tp('col.name')),
      h('th', { class: 'col-owner' }, tp('fu.owner')),
      h('th', { class: 'col-status' }, tp('fu.status')),
      h('th', { class: 'col-assess' }, tp('fu.assessment')),
      h('th', { class: 'col-level' }, tp('fu.interest')),
      h('th', { class: 'col-level' }, tp('fu.willingness')),
      h('th', { class: 'col-notes' }, tp('fu.notes')))),
    body);
  const pages = pager(body);
  return {
    el: h('div', { class: 'followup-present' }, table, pages.note, empty),
    paging: pages,
    update() {
      const actors = byRank(store.state.actors).filter((a) => a.selected);
      empty.hidden = actors.length > 0;
      table.hidden = actors.length === 0;
      body.replaceChildren(...actors.map((a) => {
        const fu = a.followUp || {};
        return h('tr', { dataset: { id: a.id } },
          h('td', { class: 'actor-name' }, a.name),
          h('td', { class: 'fu-owner' }, ownerName(store, fu.owner)),
          h('td', { class: 'fu-status' }, fu.status ? h('span', { class: `chip status-${fu.status}` }, statusLabel(fu.status)) : ''),
          h('td', { class: 'fu-assessment' }, assessLabel(fu.assessmentRight)),
          h('td', { class: ['fu-interest', fu.interest && `level-${fu.interest}`] }, levelLabel(fu.interest)),
          h('td', { class: ['fu-willingness', fu.willingness && `level-${fu.willingness}`] }, levelLabel(fu.willingness)),
          h('td', { class: 'fu-notes long-text' }, fu.notes || ''));
      }));
    },
  };
}
