// The participant's phone: /w/{code}.
import { h, replace, setText } from './dom.js';
import { t, langToggle, onLangChange } from './i18n.js';
import { workshopStore } from './api.js';
import { loadWorkshop, live, reloadButton } from './page.js';
import { CLOSE_FORBIDDEN, CLOSE_GONE } from './conn.js';
import { panel, homeLink, stepLabel } from './widgets.js';
import { issueView, section, stepSwitcher } from './steps.js';
import { arenaCards, phoneArena, canEdit } from './step2.js';
import { myEstimates } from './estimate.js';
import { phoneForms } from './forms.js';
import { phoneVote } from './vote.js';
import { followupCards } from './followup.js';
import { countdown } from './timer.js';
import { youBox, NAME_MAX } from './people.js';
const root = document.getElementById('app');

main();

async function main() {
  const summary = await loadWorkshop(root);
  if (!summary) return;
  const code = summary.code;
  const saved = workshopStore(code);
  document.title = `${summary.title} · Arena`;

  if (saved.get('participantToken')) start();
  else nameForm(summary, (name) => {
    saved.set('name', name);
    start();
  });

  function start() {
    const page = live({
      code,
      hello: () => {
        const m = { role: 'participant' };
        const token = saved.get('participantToken');
        const name = saved.get('name');
        if (token) m.participantToken = token;
        // The name goes along even on resume: should the server not know the token any more,
        // it starts a new participant with it instead of refusing the hello.
        if (name) m.name = name;
        return m;
      },
      onWelcome: (you) => {
        if (you.participantToken) saved.set('participantToken', you.participantToken);
        if (you.name) saved.set('name', you.name);
      },
      onRender: () => view.render(),
      onFatal: (closeCode) => fatal(closeCode),
    });
    const view = phoneView(page, summary, saved);
    onLangChange(() => view.rebuild());
    view.rebuild();
    page.conn.start();
  }

  function fatal(closeCode) {
    const again = h('button', { type: 'button', class: 'btn btn-primary' }, t('fatal.joinAgain'));
    again.addEventListener('click', () => {
      saved.remove('participantToken');
      location.reload();
    });
    if (closeCode === CLOSE_GONE) replace(root, panel(t('fatal.deleted'), null, homeLink()));
    else if (closeCode === CLOSE_FORBIDDEN) replace(root, panel(t('fatal.removed'), null, again, homeLink()));
    else replace(root, panel(t('fatal.protocol'), null, reloadButton(), again));
  }
}

// nameForm asks a new participant's name once; the token remembers them afterwards.
function nameForm(summary, done) {
  const build = () => {
    const input = h('input', { type: 'text', id: 'name-input', maxLength: NAME_MAX, autocomplete: 'name', placeholder: t('name.placeholder'), enterkeyhint: 'go' });
    const error = h('p', { class: 'form-error', 'aria-live': 'polite' });
    const form = h('form', { class: 'panel name-form' },
      h('div', { class: 'topline' }, h('span', { class: 'brand' }, 'Arena'), langToggle()),
      h('p', { class: 'muted' }, t('name.intro')),
      h('h1', { class: 'ws-title' }, summary.title),
      h('label', { class: 'field-label', for: 'name-input' }, t('name.label')),
      input,
      error,
      h('button', { type: 'submit', id: 'name-submit', class: 'btn btn-primary btn-block' }, t('name.submit')));
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const name = input.value.trim();
      if (!name || [...name].length > NAME_MAX) {
        setText(error, t('name.invalid'));
        input.focus();
        return;
      }
      stop(); // the live view takes over language changes
      done(name);
    });
    replace(root, form);
    input.focus();
  };
  const stop = onLangChange(build);
  build();
}

function phoneView({ store, conn, status }, summary, saved) {
  const title = h('h1', { class: 'ws-title' });
  const step = h('div', { class: 'step-line' });
  const you = youBox(store, conn);
  const mine = myEstimates(saved, store);
  let timer = null; // built by rebuild(), again for each language

  const stage = stepSwitcher((n) => {
    if (n === 1) return issueView(store);
    if (n === 2) return phoneArena(store, conn, mine);
    if (n === 3) return phoneForms(store, conn, mine);
    if (n === 4) return phoneVote(store, conn);
    if (n === 5) return section(5, followupCards(store, conn, canEdit), { heading: false });
    return arenaCards(store, conn, 'step.6.desc');
  });

  const main = h('main', { class: 'phone-main' });

  function render() {
    const s = store.state;
    if (!s) {
      replace(main, h('p', { class: 'muted' }, t('loading')));
      return;
    }
    if (main.firstChild !== stage.el) replace(main, stage.el);
    document.title = `${s.title} · Arena`;
    setText(title, s.title);
    setText(step, stepLabel(s.step));
    you.update();
    timer.update();
    stage.update(s.step);
  }

  return {
    render,
    rebuild() {
      status.refresh();
      setText(title, summary.title);
      you.reset();
      timer = countdown(store);
      stage.reset();
      replace(root,
        h('header', { class: 'phone-head' },
          h('div', { class: 'topline' }, h('span', { class: 'brand' }, 'Arena'), status.el, langToggle()),
          title,
          h('div', { class: 'step-row' }, step, timer.el),
          you.el),
        main);
      render();
    },
  };
}
