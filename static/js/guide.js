// The method's guidance: per step what it is for and how to run it, with the method's ideas
// that go with it (the forms of collaboration, the ingredients, the actors, the process, the
// points of attention, the growth from own to common interest). Three views of it:
// guideView for the projector ("uitleg", present.js loads this module when the facilitator
// chooses it), and helpPanel for the console (a sheet under a header button) and the phone
// (a short text folded in a <details>). Both panels start closed. The strings are in
// i18n-guide.js; this module adds its own stylesheet, so no page has to link it.
import { h, setText } from './dom.js';
import { tg } from './i18n-guide.js';
import { brokenWord } from './fit.js';

const STYLE = '/static/css/guide.css';
const STEPS = 6;
// The projector's guide grows its type into the room the step's text leaves, up to GROW_MAX
// (1.6vw is 30.7 px at 1920 wide: 1.4 is 43 px), and shrinks it down to SHRINK_MIN on a screen
// where it would not fit (24.6 px at 1920 wide; at 1920x1080 every step fits at 1 or more).
const GROW_MAX = 1.4;
const SHRINK_MIN = 0.8;

/**
 * PLAN holds, per step, how many lines "how to go about it" has and which of the method's
 * topics go with the step. TOPICS holds how many points each topic has and whether a point
 * starts with a term (a form's name, a dimension's name).
 */
export const PLAN = {
  1: { how: 4, topics: ['ingredients'] },
  2: { how: 4, topics: ['actors'] },
  3: { how: 4, topics: ['forms'] },
  4: { how: 4, topics: ['network'] },
  5: { how: 5, topics: ['evolution'] },
  6: { how: 3, topics: ['process', 'attention'] },
};
export const TOPICS = {
  ingredients: { n: 4, terms: true },
  actors: { n: 4, terms: true },
  forms: { n: 4, terms: true },
  network: { n: 6 },
  evolution: { n: 5 },
  process: { n: 4, terms: true },
  attention: { n: 7 },
};
const UI = ['ui.label', 'ui.open', 'ui.close', 'ui.how', 'ui.phone', 'ui.project', 'ui.unproject'];

// guideKeys answers every key this module reads, so a test can hold the dictionaries to it.
export function guideKeys() {
  const keys = [...UI];
  for (let n = 1; n <= STEPS; n++) {
    keys.push(`step${n}.why`, `step${n}.phone`);
    for (let i = 1; i <= PLAN[n].how; i++) keys.push(`step${n}.how.${i}`);
  }
  for (const [id, spec] of Object.entries(TOPICS)) {
    keys.push(`topic.${id}.title`);
    for (let i = 1; i <= spec.n; i++) {
      if (spec.terms) keys.push(`topic.${id}.${i}.term`);
      keys.push(`topic.${id}.${i}.text`);
    }
  }
  return keys;
}

// addStyle links guide.css once.
function addStyle() {
  if (document.querySelector('link[data-guide-style]')) return;
  document.head.appendChild(h('link', { rel: 'stylesheet', href: STYLE, 'data-guide-style': '' }));
}

const stepOf = (store) => {
  const n = store.state?.step;
  return Number.isInteger(n) && n >= 1 && n <= STEPS ? n : 1;
};

function topicView(id, headTag) {
  const spec = TOPICS[id];
  const items = [];
  for (let i = 1; i <= spec.n; i++) {
    const base = `topic.${id}.${i}`;
    items.push(h('li', null,
      spec.terms && h('strong', { class: 'guide-term' }, tg(`${base}.term`)),
      h('span', { class: 'guide-text' }, tg(`${base}.text`))));
  }
  return h('section', { class: ['guide-topic', `guide-topic-${id}`], dataset: { topic: id } },
    h(headTag, null, tg(`topic.${id}.title`)),
    h('ul', { class: spec.terms ? 'guide-terms' : 'guide-points' }, items));
}

function howView(n, headTag) {
  const lines = [];
  for (let i = 1; i <= PLAN[n].how; i++) lines.push(h('li', null, tg(`step${n}.how.${i}`)));
  return h('section', { class: 'guide-how' }, h(headTag, null, tg('ui.how')), h('ol', null, lines));
}

// stepContent is the guidance of step n: what it is for, how to run it, and its topics.
function stepContent(n, headTag) {
  return [
    h('p', { class: 'guide-why' }, tg(`step${n}.why`)),
    h('div', { class: 'guide-cols', dataset: { cols: String(1 + PLAN[n].topics.length) } },
      howView(n, headTag),
      PLAN[n].topics.map((id) => topicView(id, headTag))),
  ];
}

/**
 * guideView is the projector's "uitleg" view of the current step. Returns {el, update()};
 * update() follows the step (present.js builds it again per step and per language).
 */
export function guideView(store) {
  addStyle();
  const el = h('div', { class: 'guide-view', id: 'guide-view' });
  let shown = 0;
  // Refit whenever the view's box changes (the stylesheet arriving, a resize); the type's
  // scale does not change the box, so this never loops.
  const watch = new ResizeObserver(() => fitGuide(el));
  watch.observe(el);
  return {
    el,
    update() {
      const n = stepOf(store);
      if (n === shown) return;
      shown = n;
      el.dataset.step = String(n);
      el.replaceChildren(h('h2', { class: 'guide-kicker' }, tg('ui.label')), ...stepContent(n, 'h3'));
      fitGuide(el);
    },
  };
}

// fitGuide sets the largest type scale (--guide-fit) in SHRINK_MIN..GROW_MAX at which the view
// overflows neither way and breaks no word; a view not laid out yet is left alone.
function fitGuide(el) {
  if (!el.isConnected || !el.clientHeight) return;
  const fits = (scale) => {
    el.style.setProperty('--guide-fit', scale.toFixed(3));
    return el.scrollHeight <= el.clientHeight + 1 && el.scrollWidth <= el.clientWidth + 1 && brokenWord(el) === null;
  };
  let lo = SHRINK_MIN;
  let hi = GROW_MAX;
  if (fits(hi)) return;
  if (!fits(lo)) return;
  for (let i = 0; i < 7 && hi - lo > 0.01; i++) {
    const mid = (lo + hi) / 2;
    if (fits(mid)) lo = mid;
    else hi = mid;
  }
  fits(lo);
}

/**
 * helpPanel is the help for the current step: place 'console' (a header button that opens a
 * sheet with the whole guidance; with conn, a button in it shows the guidance on the
 * projector) or 'phone' (a short text in a closed <details>). Returns {el, update()}.
 */
export function helpPanel(store, { place = 'console', conn = null } = {}) {
  addStyle();
  return place === 'phone' ? phonePanel(store) : consolePanel(store, conn);
}

function phonePanel(store) {
  const text = h('p', { class: 'guide-short' });
  const el = h('details', { class: 'guide-phone', id: 'guide-phone' }, h('summary', null, tg('ui.phone')), text);
  return {
    el,
    update() {
      const n = stepOf(store);
      el.dataset.step = String(n);
      setText(text, tg(`step${n}.phone`));
    },
  };
}

function consolePanel(store, conn) {
  const toggle = h('button', { type: 'button', id: 'guide-toggle', class: 'btn btn-small guide-toggle', 'aria-expanded': 'false', 'aria-controls': 'guide-sheet' }, tg('ui.label'));
  const title = h('h2', { id: 'guide-sheet-title' });
  const close = h('button', { type: 'button', class: 'btn btn-small' }, tg('ui.close'));
  const body = h('div', { class: 'guide-body' });
  const project = conn && h('button', { type: 'button', id: 'guide-project', class: 'btn btn-small' });
  const sheet = h('section', { id: 'guide-sheet', class: 'guide-sheet', hidden: true, 'aria-labelledby': 'guide-sheet-title' },
    h('div', { class: 'guide-sheet-head' }, title, close), body, project);
  const el = h('div', { class: 'guide-help' }, toggle, sheet);

  const setOpen = (open) => {
    sheet.hidden = !open;
    toggle.setAttribute('aria-expanded', String(open));
  };
  toggle.addEventListener('click', () => setOpen(sheet.hidden));
  close.addEventListener('click', () => {
    setOpen(false);
    toggle.focus();
  });
  sheet.addEventListener('keydown', (ev) => {
    if (ev.key !== 'Escape') return;
    setOpen(false);
    toggle.focus();
  });
  const projected = () => store.state?.projector === 'guide';
  project?.addEventListener('click', () => conn.op('projector.set', { view: projected() ? 'table' : 'guide' }));

  let shown = 0;
  return {
    el,
    update() {
      const n = stepOf(store);
      if (project) setText(project, tg(projected() ? 'ui.unproject' : 'ui.project'));
      if (n === shown) return;
      shown = n;
      sheet.dataset.step = String(n);
      setText(title, tg('ui.open', { n }));
      body.replaceChildren(...stepContent(n, 'h3'));
    },
  };
}
