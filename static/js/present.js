// The projector: /w/{code}/present. A viewer: it reads, never edits, and must be legible from
// the back of a room, so the stage shrinks its type to fit rather than overflow.
import { h, replace, setText } from './dom.js';
import { t, langToggle, onLangChange } from './i18n.js';
import { links, spacedCode } from './api.js';
import { loadWorkshop, live, showFatal } from './page.js';
import { stepLabel } from './widgets.js';
import { issueView, stepSwitcher } from './steps.js';
import { projectorArena } from './step2.js';
import { projectorForms } from './forms.js';
import { projectorVote } from './vote.js';
import { projectorFollowup } from './followup.js';
import { compareView } from './compare.js';
import { countdown } from './timer.js';
import { stageFitter } from './fit.js';

const root = document.getElementById('app');

main();

async function main() {
  const summary = await loadWorkshop(root);
  if (!summary) return;
  const code = summary.code;
  document.title = `${summary.title} · Arena`;

  const page = live({
    code,
    hello: () => ({ role: 'viewer' }),
    onRender: () => view.render(),
    onFatal: (closeCode) => showFatal(root, closeCode),
  });
  const view = projectorView(page, summary);
  onLangChange(() => view.rebuild());
  window.addEventListener('resize', () => view.fit());
  view.rebuild();
  page.conn.start();
}

// optional loads a module another part of the app provides (the map, the guide, the progress
// line) and answers null while it is not there, so the projector falls back to the table.
const loaded = new Map();
function optional(name) {
  if (!loaded.has(name)) loaded.set(name, import(`./${name}.js`).catch(() => null));
  return loaded.get(name);
}

const VIEWS = ['table', 'map', 'both', 'guide'];

/**
 * addonViews holds what other modules add to the projector (map.js, guide.js, progress.js),
 * loaded on first use; onLoad is called when one arrives. view(want, step) answers the map's
 * or the guide's view (the guide built once per step), or null while its module is not there;
 * progress(step) keeps the progress line in slot; reset() builds them again (a new language).
 */
function addonViews(store, slot, onLoad) {
  const modules = {};
  let other = null; // {key, view}
  let progress = null; // {step, line}
  for (const name of ['map', 'guide', 'progress']) {
    optional(name).then((m) => {
      modules[name] = m;
      if (m) onLoad();
    });
  }
  return {
    view(want, step) {
      const kind = want === 'guide' ? 'guide' : 'map';
      const key = kind === 'guide' ? `guide:${step}` : 'map';
      if (other?.key === key) return other.view;
      const m = modules[kind];
      const view = kind === 'guide' ? m?.guideView?.(store) : m?.arenaMap?.(store, { place: 'projector' });
      if (!view) return null;
      other = { key, view };
      return view;
    },
    progress(step) {
      const m = modules.progress;
      if (!m?.progressLine || step < 2) {
        slot.replaceChildren();
        progress = null;
        return;
      }
      if (progress?.step !== step) {
        progress = { step, line: m.progressLine(store, step, { names: false }) };
        slot.replaceChildren(progress.line.el);
      }
      progress.line.update();
    },
    reset() {
      other = null;
      progress = null;
    },
  };
}

function projectorView({ store, status }, summary) {
  const code = summary.code;
  const title = h('h1', { class: 'ws-title' });
  const stepTitle = h('div', { id: 'step-title', class: 'step-line' });
  const progressSlot = h('div', { id: 'present-progress', class: 'present-progress' });
  const online = h('div', { id: 'online-count', class: 'online-count' });
  let timer = null; // built by rebuild(), again for each language
  const stage = stepSwitcher((n) => {
    if (n === 1) return issueView(store);
    if (n === 2) return projectorArena(store);
    if (n === 3) return projectorForms(store);
    if (n === 4) return projectorVote(store);
    if (n === 5) return projectorFollowup(store);
    return compareView(store);
  });
  const side = h('div', { class: 'present-side' });
  const stageBox = h('main', { class: 'present-stage', dataset: { view: 'table', settled: 'false' } }, stage.el, side);
  const fitter = stageFitter(stageBox, () => (shownView === 'table' || shownView === 'both' ? stage.current() : null));

  let shownView = 'table'; // what the stage shows now: the wanted view once its module is in
  const addons = addonViews(store, progressSlot, () => timer && render());
  function showView(step) {
    let want = store.state.projector;
    if (!VIEWS.includes(want)) want = 'table';
    const extra = want === 'table' ? null : addons.view(want, step);
    shownView = extra ? want : 'table';
    stageBox.dataset.view = shownView;
    stage.el.hidden = shownView === 'map' || shownView === 'guide';
    if (extra) {
      if (side.firstChild !== extra.el) side.replaceChildren(extra.el);
      extra.update();
    } else {
      side.replaceChildren();
    }
    side.hidden = !extra;
  }

  function render() {
    const s = store.state;
    if (!s) return;
    document.title = `${s.title} · Arena`;
    setText(title, s.title);
    setText(stepTitle, stepLabel(s.step));
    setText(online, t('online', { n: store.onlineParticipants() }));
    timer.update();
    stage.update(s.step);
    root.firstElementChild?.setAttribute('data-step', String(s.step));
    showView(s.step);
    addons.progress(s.step);
    fitter.request();
  }

  return {
    render,
    fit: () => fitter.request(),
    rebuild() {
      status.refresh();
      stage.reset();
      addons.reset();
      timer = countdown(store);
      setText(title, summary.title);
      setText(online, t('online', { n: 0 }));
      const joinUrl = `${location.origin}${links.join(code)}`;
      replace(root,
        h('div', { class: 'present' },
          h('header', { class: 'present-head' },
            h('div', { class: 'head-text' }, title, h('div', { class: 'step-row' }, stepTitle, progressSlot)),
            timer.el,
            h('div', { class: 'head-side' }, status.el, langToggle())),
          stageBox,
          h('aside', { class: 'present-join' },
            h('div', { class: 'join-call' }, t('present.join')),
            h('div', { class: 'join-url-label' }, t('present.goTo')),
            // Host and path on their own lines when the URL must wrap, never mid-word.
            h('div', { class: 'join-url' }, h('span', null, location.host), h('span', null, links.join(code))),
            h('div', { class: 'join-url-label' }, t('present.scan')),
            h('img', { class: 'qr', src: links.qr(code), alt: joinUrl, width: 240, height: 240 }),
            h('div', { class: 'join-code-label' }, t('present.code')),
            h('div', { id: 'join-code', class: 'join-code', 'aria-label': code }, spacedCode(code)),
            online)));
      render();
    },
  };
}
