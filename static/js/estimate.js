// A participant's private estimates (estimate.set): per actor importance, replaceability and
// dependency on 1-4 (step 2), and a placement on the six dimensions of worksheet 1 (step 3).
// The server tells a participant its own answers (the "estimate" live message, a protocol
// extension); the phone also keeps them in localStorage, for a server that does not.
import { h, setText, syncList } from './dom.js';
import { t } from './i18n.js';
import { categoryLabel } from './actors.js';
import { DEGREE_NAMES } from './spread.js';

/**
 * myEstimates(saved, store) knows what this participant answered: {actorId: {importance,
 * replaceability, dependency, form}} as sent (numbers 1-4, form {six 0-100}). The server's
 * word wins; what this phone sent is the fallback.
 */
export function myEstimates(saved, store) {
  const key = () => `estimates:${store.you?.participantId || ''}`;
  const read = () => {
    try {
      return JSON.parse(saved.get(key()) || '{}') || {};
    } catch {
      return {};
    }
  };
  return {
    get(actorId) {
      const server = store.live.mine.get(actorId);
      if (server) return server;
      return read()[actorId] || {};
    },
    set(actorId, patch) {
      const all = read();
      all[actorId] = { ...all[actorId], ...patch };
      saved.set(key(), JSON.stringify(all));
    },
  };
}

// sendEstimate sends one answer and remembers it once the server took it.
export function sendEstimate(conn, mine, actorId, patch) {
  return conn.op('estimate.set', { actorId, ...patch }).then(() => mine.set(actorId, patch));
}

const SCALES = [
  { key: 'importance', label: 'actor.importance', value: (n) => String(n), hint: 'est.importanceHint' },
  { key: 'replaceability', label: 'actor.replaceability', value: (n) => t(`deg.${DEGREE_NAMES[n - 1]}`), hint: 'est.replaceabilityHint' },
  { key: 'dependency', label: 'actor.dependency', value: (n) => t(`deg.${DEGREE_NAMES[n - 1]}`), hint: 'est.dependencyHint' },
];

// estimateCard: one actor's three scales, as rows of four buttons (a thumb hits them).
function estimateCard(actor, conn, mine) {
  const id = actor.id;
  const name = h('span', { class: 'estimate-name' });
  const cat = h('span', { class: 'chip' });
  const status = h('p', { class: 'estimate-status' });
  const pending = {}; // field -> value on its way
  const rows = SCALES.map((sc) => {
    const buttons = [1, 2, 3, 4].map((n) => {
      const b = h('button', { type: 'button', class: 'seg-btn', dataset: { value: n }, 'aria-pressed': 'false' }, sc.value(n));
      b.addEventListener('click', () => {
        pending[sc.key] = n;
        update();
        const clear = () => {
          if (pending[sc.key] === n) delete pending[sc.key];
          update();
        };
        sendEstimate(conn, mine, id, { [sc.key]: n }).then(clear, clear);
      });
      return b;
    });
    const labelId = `est-${sc.key}-${id}`;
    return {
      key: sc.key,
      buttons,
      el: h('div', { class: 'scale-row', dataset: { field: sc.key } },
        h('div', { class: 'field-label', id: labelId }, t(sc.label), h('span', { class: 'scale-hint' }, ` · ${t(sc.hint)}`)),
        h('div', { class: ['seg', sc.key === 'importance' ? 'seg-num' : 'seg-words'], role: 'group', 'aria-labelledby': labelId }, buttons)),
    };
  });
  const el = h('article', { class: 'estimate-card', dataset: { id } }, h('h3', { class: 'estimate-head' }, name, cat), rows.map((r) => r.el), status);

  let current = actor;
  function update(a = current) {
    current = a;
    setText(name, a.name);
    setText(cat, categoryLabel(a.category));
    cat.hidden = !a.category;
    if (a.category) cat.className = `chip cat-${a.category}`;
    const m = mine.get(id);
    let done = 0;
    for (const r of rows) {
      const v = pending[r.key] ?? m[r.key];
      if (m[r.key]) done++;
      r.buttons.forEach((b, i) => {
        b.setAttribute('aria-pressed', String(v === i + 1));
        b.classList.toggle('pending', pending[r.key] === i + 1);
      });
    }
    el.classList.toggle('complete', done === rows.length);
    setText(status, done === rows.length ? t('est.done') : t('est.progress', { n: done, of: rows.length }));
  }
  return { el, update };
}

/**
 * estimateList is step 2's private side on the phone: a card per actor.
 * Returns {el, update()}.
 */
export function estimateList(store, conn, mine) {
  const cards = new Map();
  const list = h('div', { class: 'estimate-cards', id: 'estimate-cards' });
  const empty = h('p', { class: 'muted empty' }, t('actors.none'));
  const el = h('div', { class: 'estimate-phone' },
    h('p', { class: 'note private-note' }, t('est.private')),
    empty, list);
  return {
    el,
    update() {
      const actors = store.state.actors;
      empty.hidden = actors.length > 0;
      syncList(list, cards, actors, { make: (a) => estimateCard(a, conn, mine), update: (c, a) => c.update(a) });
    },
  };
}
