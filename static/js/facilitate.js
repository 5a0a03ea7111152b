// The facilitator console: /w/{code}/facilitate#token=... The token travels in the fragment,
// which never reaches a server; it is kept in localStorage so the console survives a reload.
import { h, replace, setText } from './dom.js';
import { t, langToggle, onLangChange } from './i18n.js';
import { links, spacedCode, workshopStore } from './api.js';
import { loadWorkshop, showFatal } from './page.js';
import { participate, nameForm } from './participant.js';
import { CLOSE_FORBIDDEN } from './conn.js';
import { panel, homeLink, copyField, stepLabel, stepName } from './widgets.js';
import { section, stepSwitcher } from './steps.js';
import { bindField } from './fields.js';
import { consoleArena } from './step2.js';
import { consoleForms } from './forms.js';
import { consoleVote } from './rounds.js';
import { followupCards } from './followup.js';
import { consoleCorrect } from './compare.js';
import { facilitatorTools } from './controls.js';
import { exportBox } from './export.js';
import { participantsPanel } from './people.js';
import { progressSlot } from './progress.js';
import { helpPanel } from './guide.js';

const STEPS = 6;
const root = document.getElementById('app');

main();

// takeToken moves a token from the URL fragment into storage and off the address bar, where a
// projector or a screen share would show it to the room.
function takeToken(saved) {
  const m = location.hash.match(/(?:^#|&)token=([^&]+)/);
  if (m) {
    saved.set('facilitatorToken', decodeURIComponent(m[1]));
    history.replaceState(null, '', location.pathname + location.search);
  }
  return saved.get('facilitatorToken');
}

async function main() {
  // Pasting a facilitator link into a tab already on this page changes only the fragment;
  // start over so the new token is taken.
  window.addEventListener('hashchange', () => {
    if (/token=/.test(location.hash)) location.reload();
  });
  const summary = await loadWorkshop(root);
  if (!summary) return;
  const code = summary.code;
  const saved = workshopStore(code);
  document.title = `${summary.title} · ${t('fac.console')}`;
  const token = takeToken(saved);

  if (!token) {
    const show = () => replace(root, panel(t('fac.noToken.title'), t('fac.noToken.body'),
      h('a', { class: 'btn btn-primary', href: links.join(code) }, t('fac.noToken.join')), homeLink()));
    onLangChange(show);
    show();
    return;
  }

  if (saved.get('participantToken') || saved.get('name')) start();
  else nameForm(root, saved, {
    inputId: 'fac-name-input',
    submitId: 'fac-name-submit',
    // The workshop's title and code, so that the facilitator sees which one the link opened.
    texts: () => ({
      brand: t('fac.console'),
      intro: [h('h1', { class: 'ws-title' }, summary.title), h('p', { class: 'muted' }, `${t('present.code')} ${spacedCode(code)}`)],
      label: t('fac.name.intro'),
      submit: t('fac.name.submit'),
    }),
  }, start);

  function start() {
    participate({
      code,
      saved,
      facilitator: true,
      makeView: (page) => consoleView(page, summary, saved),
      onFatal: (closeCode) => {
        if (closeCode === CLOSE_FORBIDDEN) saved.remove('facilitatorToken'); // wrong for good; a correct link brings a new one
        showFatal(root, closeCode, { forbidden: t('fatal.badToken') });
      },
    });
  }
}

function consoleView({ store, conn, status }, summary, saved) {
  const code = summary.code;
  const title = h('h1', { class: 'ws-title' });
  // Built by rebuild(), again for each language.
  let people = null;
  let tools = null;
  let nav = null;
  let progress = null;
  let help = null;
  const stage = stepSwitcher((n) => {
    if (n === 1) return workshopEditor(store, conn);
    if (n === 2) return consoleArena(store, conn);
    if (n === 3) return consoleForms(store, conn);
    if (n === 4) return consoleVote(store, conn);
    if (n === 5) return section(5, followupCards(store, conn, () => true), { cls: 'followup-facilitator' });
    return consoleCorrect(store, conn);
  });
  const main = h('div', { class: 'fac-stage' });

  function render() {
    const s = store.state;
    if (!s) {
      replace(main, h('p', { class: 'muted' }, t('loading')));
      return;
    }
    if (main.firstChild !== stage.el) replace(main, stage.el);
    document.title = `${s.title} · ${t('fac.console')}`;
    setText(title, s.title);
    nav.update(s.step);
    tools.update();
    people.update();
    progress.update(s.step);
    help.update();
    stage.update(s.step);
  }

  return {
    render,
    rebuild() {
      status.refresh();
      stage.reset();
      // Rebuilt for the new language.
      people = participantsPanel(store, conn);
      tools = facilitatorTools(store, conn);
      nav = stepNav(conn);
      progress = progressSlot(store, { names: true });
      help = helpPanel(store, { place: 'console', conn });
      setText(title, summary.title);
      const base = location.origin;
      const deviceLink = `${base}${links.facilitate(code)}#token=${encodeURIComponent(saved.get('facilitatorToken') || '')}`;
      replace(root,
        h('header', { class: 'fac-head' },
          h('div', { class: 'head-text' }, h('span', { class: 'brand' }, t('fac.console')), title),
          h('div', { class: 'head-side' },
            help.el,
            h('a', { class: 'btn btn-small', href: links.present(code), target: '_blank', rel: 'noopener' }, t('fac.projector')),
            status.el, langToggle())),
        h('div', { class: 'fac-layout' },
          h('aside', { class: 'fac-side' },
            h('section', { class: 'side-box join-box' },
              h('div', { class: 'field-label' }, t('present.code')),
              h('div', { id: 'join-code', class: 'join-code' }, spacedCode(code)),
              h('img', { class: 'qr', src: links.qr(code), alt: `${base}${links.join(code)}`, width: 160, height: 160 }),
              copyField(t('fac.joinLink'), `${base}${links.join(code)}`)),
            people.el,
            h('section', { class: 'side-box' }, copyField(t('fac.deviceLink'), deviceLink, t('fac.deviceLinkHint'))),
            exportBox(code, saved.get('facilitatorToken') || '')),
          h('main', { class: 'fac-main' }, tools.el, nav.el, progress.el, main)));
      render();
    },
  };
}

// stepNav: prev, the six steps, next. The current step is marked with aria-current.
function stepNav(conn) {
  let step = 1;
  const go = (n) => {
    if (n >= 1 && n <= STEPS && n !== step) conn.op('step.set', { step: n });
  };
  const prev = h('button', { type: 'button', id: 'step-prev', class: 'btn' }, t('fac.prev'));
  const next = h('button', { type: 'button', id: 'step-next', class: 'btn btn-primary' }, t('fac.next'));
  prev.addEventListener('click', () => go(step - 1));
  next.addEventListener('click', () => go(step + 1));
  const buttons = [];
  for (let n = 1; n <= STEPS; n++) {
    const b = h('button', { type: 'button', class: 'step-btn', dataset: { step: n } },
      h('span', { class: 'step-num' }, String(n)), h('span', { class: 'step-name' }, stepName(n)));
    b.addEventListener('click', () => go(n));
    buttons.push(b);
  }
  const el = h('nav', { class: 'step-nav', 'aria-label': t('fac.steps') },
    prev, h('div', { class: 'step-list' }, buttons), next);
  return {
    el,
    update(current) {
      step = current;
      prev.disabled = step <= 1;
      next.disabled = step >= STEPS;
      buttons.forEach((b, i) => {
        if (i + 1 === step) b.setAttribute('aria-current', 'step');
        else b.removeAttribute('aria-current');
      });
    },
  };
}

// workshopEditor is step 1 for the facilitator: title, issue and goal, saved on blur or with
// the save button, with a visible saved state.
function workshopEditor(store, conn) {
  const fields = [
    { key: 'title', id: 'title-input', label: t('fac.title'), el: h('input', { type: 'text', maxLength: 120 }), required: true },
    { key: 'issue', id: 'issue-input', label: t('issue'), el: h('textarea', { rows: 5, maxLength: 4000, placeholder: t('fac.issuePh') }) },
    { key: 'goal', id: 'goal-input', label: t('goal'), el: h('textarea', { rows: 4, maxLength: 4000, placeholder: t('fac.goalPh') }) },
  ];
  const bindings = {};
  const sections = fields.map((f) => {
    f.el.id = f.id;
    const state = h('span', { class: 'save-state', 'aria-live': 'polite' });
    const save = h('button', { type: 'button', class: 'btn btn-small' }, t('save'));
    // Commits what is typed even while the field keeps focus (the change event waits for blur).
    save.addEventListener('click', () => f.el.dispatchEvent(new Event('change')));
    bindings[f.key] = bindField(f.el, {
      required: f.required,
      commit: (v) => conn.op('workshop.update', { [f.key]: v }),
      text: f.key !== 'title' && { conn, target: 'workshop', field: f.key },
      onState: (s) => {
        state.dataset.state = s;
        setText(state, s === 'dirty' ? t('unsaved') : s === 'saving' ? t('saving') : s === 'saved' ? t('saved') : '');
      },
    });
    return h('div', { class: 'edit-field' },
      h('div', { class: 'edit-head' }, h('label', { class: 'field-label', for: f.id }, f.label), state, save),
      f.el);
  });
  return {
    el: h('section', { class: 'workshop-editor' },
      h('h2', null, stepLabel(1)),
      h('p', { class: 'step-desc' }, t('step.1.desc')),
      sections),
    update() {
      for (const f of fields) bindings[f.key].set(store.state[f.key]);
    },
  };
}
