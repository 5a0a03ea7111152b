// Step 2, the arena analysis (worksheet 2), on the three screens. Step 6 reuses the editable
// parts: the table is open again there.
import { h, setText } from './dom.js';
import { t } from './i18n.js';
import { pager, stepLabel } from './widgets.js';
import { actorList, addActorForm, removeActor, categoryLabel, degreeLabel } from './actors.js';
import { estimateList } from './estimate.js';
import { mergeActor } from './merge.js';
import { rankingPanel, byRank } from './ranking.js';
import { spreadBar, spreadLegend, isSplit } from './spread.js';
import { tp } from './i18n-present.js';

// canEdit: the table takes edits from this person now (the lock binds participants only).
export const canEdit = (store) => !store.state.locked || store.you?.role === 'facilitator';

/**
 * tabs is a row of buttons that shows one of several panes; the choice survives renders.
 * panes: [{id, label, el}]; remember names the choice to keep across reloads. Returns
 * {el, current()}.
 */
export function tabs(panes, onSwitch, remember) {
  // With remember, the tab chosen is kept for this browser tab and page, so a reload (or a
  // phone that reloads a page it had put to sleep) opens the same tab again.
  const key = remember && `arena:tab:${location.pathname}:${remember}`;
  let current = panes[0].id;
  try {
    const kept = key && sessionStorage.getItem(key);
    if (panes.some((p) => p.id === kept)) current = kept;
  } catch {
    /* storage unavailable */
  }
  const buttons = panes.map((p) => {
    const b = h('button', { type: 'button', id: `tab-${p.id}`, class: 'tab-btn', 'aria-controls': `pane-${p.id}` }, p.label);
    b.addEventListener('click', () => {
      current = p.id;
      try {
        if (key) sessionStorage.setItem(key, current);
      } catch {
        /* storage unavailable */
      }
      show();
      onSwitch?.(p.id);
    });
    p.el.id = `pane-${p.id}`;
    return b;
  });
  function show() {
    panes.forEach((p, i) => {
      p.el.hidden = p.id !== current;
      buttons[i].setAttribute('aria-pressed', String(p.id === current));
    });
  }
  show();
  return { el: h('div', { class: 'tabs', role: 'group' }, buttons), current: () => current };
}

// arenaCards is the editable table on the phone: the add form and one card per actor.
export function arenaCards(store, conn, desc = 'step.2.desc') {
  const note = h('p', { class: 'note locked-note' }, t('locked.note'));
  const form = addActorForm(conn);
  const count = h('p', { class: 'muted count' });
  const empty = h('p', { class: 'muted empty' }, t('actors.none'));
  const list = actorList('card', conn);
  const el = h('div', { class: 'arena-phone' },
    desc && h('p', { class: 'step-desc' }, t(desc)),
    note, form, count, empty, list.el);
  return {
    el,
    update() {
      const s = store.state;
      const editable = canEdit(store);
      note.hidden = editable;
      form.hidden = !editable;
      empty.hidden = s.actors.length > 0;
      setText(count, s.actors.length ? t('actors.count', { n: s.actors.length }) : '');
      list.update(s.actors, editable);
    },
  };
}

// phoneArena is step 2 on the phone: the shared table, and beside it one's private estimates.
export function phoneArena(store, conn, mine) {
  const table = arenaCards(store, conn);
  const estimates = estimateList(store, conn, mine);
  const switcher = tabs([
    { id: 'table', label: t('tab.table'), el: table.el },
    { id: 'estimate', label: t('tab.estimate'), el: estimates.el },
  ], null, 'step2');
  return {
    el: h('div', { class: 'step2-phone' }, switcher.el, table.el, estimates.el),
    update() {
      table.update();
      estimates.update();
    },
  };
}

/**
 * arenaEditTable is the facilitator's wide editable table with the spread of the estimates,
 * merge and remove. Returns {el, update()}.
 */
export function arenaEditTable(store, conn) {
  const list = actorList('row', conn, { onRemove: (a) => removeActor(conn, a), onMerge: (a) => mergeActor(store, conn, a), store });
  const table = h('table', { class: 'arena-edit', id: 'arena-edit-table' },
    h('thead', null, h('tr', null,
      h('th', { class: 'col-name' }, t('actor.name')),
      h('th', { class: 'col-cat' }, t('actor.category')),
      h('th', { class: 'col-resources' }, t('actor.resources')),
      h('th', { class: 'col-imp' }, t('actor.importance')),
      h('th', { class: 'col-replace' }, t('actor.replaceabilityBy')),
      h('th', { class: 'col-dep' }, t('actor.dependencyShort')),
      h('th', { class: 'col-rank' }, t('actor.rank')),
      h('th', { class: 'col-remove' }, h('span', { class: 'visually-hidden' }, t('actions'))))),
    list.el);
  const empty = h('p', { class: 'muted' }, t('actors.none'));
  const legend = spreadLegend();
  return {
    el: h('div', { class: 'arena-edit-wrap' }, h('div', { class: 'table-scroll' }, table), empty, legend),
    update() {
      const s = store.state;
      empty.hidden = s.actors.length > 0;
      legend.hidden = store.live.estimates.size === 0;
      list.update(s.actors, true);
    },
  };
}

// consoleArena is step 2 for the facilitator: the add form, the table and the ranking.
export function consoleArena(store, conn) {
  const count = h('span', { class: 'muted' });
  const table = arenaEditTable(store, conn);
  const ranking = rankingPanel(store, conn);
  return {
    el: h('section', { class: 'arena-facilitator' },
      h('div', { class: 'section-head' }, h('h2', null, stepLabel(2)), count),
      h('p', { class: 'step-desc' }, t('step.2.desc'), ' ', t('est.facilitatorHint')),
      addActorForm(conn),
      table.el,
      ranking.el),
    update() {
      setText(count, t('actors.count', { n: store.state.actors.length }));
      table.update();
      ranking.update();
    },
  };
}

// heatLevel: how far the answers lie apart on the 1-4 scale, 0 (all the same) .. 3.
export const heatLevel = (stat) => (stat ? Math.max(0, Math.min(3, Math.round(stat.max - stat.min))) : null);

// heatLegend names the shades of the heat map once, under the table, with how many answered.
function heatLegend(n) {
  return h('p', { class: 'heat-legend' }, tp('heat.legend'), n ? ` (${tp('heat.n', { n })})` : '', ': ',
    [0, 1, 2, 3].map((l) => h('span', { class: `heat-swatch heat-${l}` }, tp(`heat.${l}`))));
}

// projectorArena is step 2 on the projector: the whole analysis, one row per actor, in the
// order of the ranking. Under the agreed values the range of the group's estimates, and each
// such cell shaded by how far they lie apart (the heat map: where the group should talk).
export function projectorArena(store) {
  const body = h('tbody');
  const empty = h('p', { class: 'empty' }, t('actors.noneProjector'));
  const legend = h('div', { class: 'heat-legend-box' });
  const table = h('table', { id: 'arena-table', class: 'arena-table' },
    h('thead', null, h('tr', null,
      h('th', { class: 'col-name' }, tp('col.name')),
      h('th', { class: 'col-cat' }, tp('col.category')),
      h('th', { class: 'col-resources' }, tp('col.resources')),
      h('th', { class: 'col-num col-imp' }, tp('col.importance')),
      h('th', { class: 'col-replace' }, tp('col.replaceability')),
      h('th', { class: 'col-dep' }, tp('col.dependency')),
      h('th', { class: 'col-num col-rank' }, tp('col.rank')))),
    body);
  const pages = pager(body);
  let legendN = -1;
  return {
    el: h('div', { class: 'arena-present' }, table, pages.note, empty, legend),
    paging: pages,
    update() {
      const actors = byRank(store.state.actors);
      const est = store.live.estimates;
      empty.hidden = actors.length > 0;
      table.hidden = actors.length === 0;
      const n = Math.max(0, ...[...est.values()].map((e) => e.n || 0));
      if (n !== legendN) {
        legendN = n;
        legend.replaceChildren(...(n > 0 ? [heatLegend(n)] : []));
      }
      legend.hidden = actors.length === 0 || n === 0;
      // A value cell: the agreed value with the range of the estimates beside it on one line,
      // and under it what may replace the actor (its first line): a row stays two lines high.
      const cell = (a, field, cls, value, below) => {
        const e = est.get(a.id);
        const stat = e?.n ? e[field] : null;
        const bar = stat ? spreadBar(stat, e.n, { showN: false, compact: true }) : null;
        const level = heatLevel(stat);
        return h('td', { class: [...cls, level !== null && `heat heat-${level}`, isSplit(stat) && 'split'] },
          h('div', { class: 'value-line' }, h('span', { class: 'value' }, value), bar), below);
      };
      // Nothing here takes input, so rebuilding the rows is simplest and always right.
      body.replaceChildren(...actors.map((a) => h('tr', { dataset: { id: a.id, category: a.category || 'none' } },
        h('td', { class: 'actor-name' }, h('div', { class: 'clamp' }, a.name)),
        h('td', { class: 'col-cat' }, a.category ? h('span', { class: `chip cat-${a.category}`, title: categoryLabel(a.category) }, tp(`cat.${a.category}`)) : ''),
        h('td', { class: 'col-resources long-text' }, h('div', { class: 'clamp' }, a.resources)),
        cell(a, 'importance', ['col-num', 'col-imp'], a.importance ? String(a.importance) : ''),
        cell(a, 'replaceability', ['col-replace'], degreeLabel(a.replaceability), a.replaceableBy && h('div', { class: 'by' }, `(${a.replaceableBy})`)),
        cell(a, 'dependency', ['col-dep'], degreeLabel(a.dependency)),
        h('td', { class: 'col-num rank' }, a.rank ? String(a.rank) : ''))));
    },
  };
}
