// Step 6, correcting: what changed in the arena analysis since the workshop left step 2. The
// server keeps that moment's table as state.baseline (actorId → the compared fields); each
// changed cell shows before → after, added and removed actors are marked.
import { h, setText } from './dom.js';
import { tp } from './i18n-present.js';
import { t } from './i18n.js';
import { categoryLabel, degreeLabel, addActorForm } from './actors.js';
import { byRank } from './ranking.js';
import { pager, stepLabel } from './widgets.js';
import { arenaEditTable } from './step2.js';

// The compared columns; replaceability and "by whom" share a column as on the worksheet.
const COLUMNS = [
  { key: 'category', head: 'col.category', fields: ['category'], show: (v) => categoryLabel(v.category) },
  { key: 'importance', head: 'col.importance', fields: ['importance'], show: (v) => (v.importance ? String(v.importance) : ''), num: true },
  {
    key: 'replaceability', head: 'col.replaceability', fields: ['replaceability', 'replaceableBy'],
    show: (v) => [degreeLabel(v.replaceability), v.replaceableBy ? `(${v.replaceableBy})` : ''].filter(Boolean).join(' '),
  },
  { key: 'dependency', head: 'col.dependency', fields: ['dependency'], show: (v) => degreeLabel(v.dependency) },
  { key: 'rank', head: 'col.rank', fields: ['rank'], show: (v) => (v.rank > 0 ? String(v.rank) : ''), num: true },
];

const same = (a, b) => (a ?? '') === (b ?? '') || (!a && !b);

/**
 * diff compares the actors with the baseline: [{id, status: 'same'|'changed'|'added'|'removed',
 * now, before, changed: Set of column keys (name included)}], current actors in ranking order,
 * then the removed ones. Counts in .counts.
 */
export function diff(actors, baseline) {
  const out = [];
  const counts = { changed: 0, added: 0, removed: 0 };
  const base = baseline || {};
  for (const a of byRank(actors)) {
    const b = base[a.id];
    if (!b) {
      out.push({ id: a.id, status: 'added', now: a, before: null, changed: new Set() });
      counts.added++;
      continue;
    }
    const changed = new Set();
    if (!same(a.name, b.name)) changed.add('name');
    for (const c of COLUMNS) if (c.fields.some((f) => !same(a[f], b[f]))) changed.add(c.key);
    out.push({ id: a.id, status: changed.size ? 'changed' : 'same', now: a, before: b, changed });
    if (changed.size) counts.changed++;
  }
  const ids = new Set(actors.map((a) => a.id));
  for (const [id, b] of Object.entries(base)) {
    if (!ids.has(id)) {
      out.push({ id, status: 'removed', now: null, before: b, changed: new Set() });
      counts.removed++;
    }
  }
  out.counts = counts;
  return out;
}

function cell(col, row) {
  const cls = [`cmp-${col.key}`, col.num && 'col-num'];
  if (row.status === 'removed') return h('td', { class: cls }, col.show(row.before));
  if (!row.changed.has(col.key)) return h('td', { class: cls }, col.show(row.now));
  const before = col.show(row.before);
  return h('td', { class: [...cls, 'changed'] },
    h('span', { class: ['before', !before && 'none'] }, before || '–'),
    h('span', { class: 'arrow', 'aria-label': t('cmp.became') }, ' → '),
    h('span', { class: 'after' }, col.show(row.now) || '–'));
}

/**
 * compareView is the table of changes, for the projector and the console. Returns {el, update()}.
 */
export function compareView(store) {
  const summary = h('p', { class: 'cmp-summary', id: 'compare-summary' });
  const note = h('p', { class: 'note cmp-note' });
  const body = h('tbody');
  const table = h('table', { class: 'compare-table', id: 'compare-table' },
    h('thead', null, h('tr', null,
      h('th', { class: 'col-name' }, tp('col.name')),
      COLUMNS.map((c) => h('th', { class: [`cmp-${c.key}`, c.num && 'col-num'] }, tp(c.head))))),
    body);
  const pages = pager(body);
  return {
    el: h('div', { class: 'compare' }, summary, note, table, pages.note),
    paging: pages,
    update() {
      const s = store.state;
      const baseline = s.baseline;
      note.hidden = !!baseline;
      setText(note, baseline === undefined ? t('cmp.unsupported') : t('cmp.noBaseline'));
      const rows = diff(s.actors, baseline);
      const c = rows.counts;
      summary.hidden = !baseline;
      setText(summary, c.changed + c.added + c.removed === 0 ? t('cmp.nothing') : t('cmp.counts', c));
      table.hidden = rows.length === 0;
      body.replaceChildren(...rows.map((row) => {
        const v = row.now || row.before;
        const nameChanged = row.changed.has('name');
        const status = baseline ? row.status : 'same';
        return h('tr', { class: `cmp-${status}`, dataset: { id: row.id, status } },
          h('td', { class: ['col-name', 'cmp-name', nameChanged && 'changed'] },
            nameChanged ? [h('span', { class: 'before' }, row.before.name), h('span', { class: 'arrow' }, ' → '), h('span', { class: 'after' }, v.name)] : h('span', { class: 'name' }, v.name),
            baseline && row.status === 'added' && [' ', h('span', { class: 'chip chip-added' }, t('cmp.added'))],
            row.status === 'removed' && [' ', h('span', { class: 'chip chip-removed' }, t('cmp.removed'))]),
          COLUMNS.map((col) => (baseline ? cell(col, row) : h('td', { class: [`cmp-${col.key}`, col.num && 'col-num'] }, col.show(v)))));
      }));
    },
  };
}

// consoleCorrect is step 6 for the facilitator: the table editable again, and what changed.
export function consoleCorrect(store, conn) {
  const table = arenaEditTable(store, conn);
  const changes = compareView(store);
  return {
    el: h('section', { class: 'correct-facilitator' },
      h('h2', null, stepLabel(6)),
      h('p', { class: 'step-desc' }, t('step.6.desc')),
      h('section', { class: 'compare-box' }, h('h3', null, t('cmp.title')), changes.el),
      addActorForm(conn),
      table.el),
    update() {
      changes.update();
      table.update();
    },
  };
}
