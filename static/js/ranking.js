// The ranking of important actors ("Rangorde belangrijke actoren", worksheet 2): a suggestion
// computed from the table by a rule stated on screen, and the facilitator's own order, set with
// up and down buttons (ranking.set sends the whole order each time).
import { changeGate, h } from './dom.js';
import { t } from './i18n.js';
import { DEGREE_OF } from './spread.js';

const collator = () => new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });

/**
 * score is the suggestion's rule: importance (1-4) + dependency (small 1 .. large 4) +
 * how hard the actor is to replace (replaceability large 1 .. small 4, i.e. 5 - its number).
 * A value not filled in counts 0. Range 0-12.
 */
export function score(a) {
  const imp = a.importance || 0;
  const dep = DEGREE_OF[a.dependency] || 0;
  const rep = DEGREE_OF[a.replaceability] ? 5 - DEGREE_OF[a.replaceability] : 0;
  return imp + dep + rep;
}

// suggestedOrder: the actors rated on at least one of the three, highest score first; equal
// scores by name. An actor nobody rated has no place in it (it would be ranked by its name).
export function suggestedOrder(actors) {
  const c = collator();
  return actors.filter((a) => score(a) > 0).sort((a, b) => score(b) - score(a) || c.compare(a.name, b.name));
}

// byRank: the ranked actors in their order, then the others in creation order.
export function byRank(actors) {
  const ranked = actors.filter((a) => a.rank > 0).sort((a, b) => a.rank - b.rank);
  return ranked.concat(actors.filter((a) => !(a.rank > 0)));
}

const rankedIds = (actors) => actors.filter((a) => a.rank > 0).sort((a, b) => a.rank - b.rank).map((a) => a.id);

/**
 * rankingPanel is the facilitator's (step 2): the suggestion beside the order the projector
 * shows. Returns {el, update()}.
 */
export function rankingPanel(store, conn) {
  let pending = null; // the order sent and not yet answered: the next move starts from it
  const current = () => {
    const ids = new Set(store.state.actors.map((a) => a.id));
    return (pending || rankedIds(store.state.actors)).filter((id) => ids.has(id));
  };
  const send = (order) => {
    pending = order;
    render();
    const done = () => {
      if (pending === order) pending = null;
      render();
    };
    conn.op('ranking.set', { order }).then(done, done);
  };
  const move = (id, delta) => {
    const order = current();
    const i = order.indexOf(id);
    const j = i + delta;
    if (i < 0 || j < 0 || j >= order.length) return;
    [order[i], order[j]] = [order[j], order[i]];
    send(order);
  };

  const suggestList = h('ol', { class: 'suggest-list', id: 'ranking-suggestion' });
  const useBtn = h('button', { type: 'button', id: 'ranking-use-suggestion', class: 'btn btn-small btn-primary' }, t('rank.useSuggestion'));
  useBtn.addEventListener('click', () => send(suggestedOrder(store.state.actors).map((a) => a.id)));
  const ownList = h('ol', { class: 'rank-list', id: 'ranking-list' });
  const restHead = h('h4', { class: 'rank-rest-head' }, t('rank.unranked'));
  const restList = h('ul', { class: 'rank-rest', id: 'ranking-rest' });
  const clearBtn = h('button', { type: 'button', id: 'ranking-clear', class: 'btn btn-small btn-danger' }, t('rank.clear'));
  clearBtn.addEventListener('click', () => send([]));
  const ownEmpty = h('p', { class: 'muted' }, t('rank.emptyOwn'));

  const button = (cls, text, label, id, fn, disabled) => {
    const b = h('button', { type: 'button', class: ['btn', 'btn-small', 'rank-btn', cls], 'aria-label': label, title: label, dataset: { id }, disabled }, text);
    b.addEventListener('click', fn);
    return b;
  };

  const changed = changeGate();
  function render() {
    const s = store.state;
    if (!s || !changed([s.actors.map((a) => [a.id, a.name, score(a)]), current()])) return;
    // Keep the keyboard focus on the same button across the rebuild.
    const f = document.activeElement;
    const focus = f && f.classList?.contains('rank-btn') && (ownList.contains(f) || restList.contains(f)) ? { id: f.dataset.id, cls: [...f.classList].find((c) => /^rank-(up|down|out|in)$/.test(c)) } : null;

    const byId = new Map(s.actors.map((a) => [a.id, a]));
    const sugg = suggestedOrder(s.actors);
    suggestList.replaceChildren(...sugg.map((a) => h('li', { dataset: { id: a.id } },
      h('span', { class: 'suggest-name' }, a.name), h('span', { class: 'suggest-score' }, t('rank.points', { n: score(a) })))));
    useBtn.disabled = sugg.length === 0;

    const order = current();
    ownEmpty.hidden = order.length > 0;
    clearBtn.hidden = order.length === 0;
    ownList.replaceChildren(...order.map((id, i) => {
      const a = byId.get(id);
      return h('li', { class: 'rank-item', dataset: { id } },
        h('span', { class: 'rank-num' }, String(i + 1)),
        h('span', { class: 'rank-name' }, a.name),
        h('span', { class: 'rank-actions' },
          button('rank-up', '↑', t('rank.up', { name: a.name }), id, () => move(id, -1), i === 0),
          button('rank-down', '↓', t('rank.down', { name: a.name }), id, () => move(id, +1), i === order.length - 1),
          button('rank-out', '✕', t('rank.out', { name: a.name }), id, () => send(current().filter((x) => x !== id)))));
    }));
    const inOrder = new Set(order);
    const rest = s.actors.filter((a) => !inOrder.has(a.id));
    restHead.hidden = rest.length === 0;
    restList.replaceChildren(...rest.map((a) => h('li', { class: 'rank-item', dataset: { id: a.id } },
      h('span', { class: 'rank-name' }, a.name),
      h('span', { class: 'rank-actions' },
        button('rank-in', t('rank.in'), t('rank.inLabel', { name: a.name }), a.id, () => send([...current(), a.id]))))));
    if (focus) {
      const again = [...ownList.querySelectorAll(`.${focus.cls}`), ...restList.querySelectorAll(`.${focus.cls}`)].find((b) => b.dataset.id === focus.id);
      if (again && !again.disabled) again.focus();
    }
  }

  const el = h('section', { class: 'ranking-panel', id: 'ranking-panel' },
    h('h3', null, t('rank.title')),
    h('div', { class: 'ranking-cols' },
      h('div', { class: 'ranking-suggest' },
        h('h4', null, t('rank.suggestion')),
        h('p', { class: 'rule' }, t('rank.rule')),
        suggestList, useBtn),
      h('div', { class: 'ranking-own' },
        h('h4', null, t('rank.own')),
        ownEmpty, ownList, restHead, restList, clearBtn)));
  return { el, update: render };
}
