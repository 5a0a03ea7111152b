// The participant's phone: /w/{code}.
import { h, replace, setText } from './dom.js';
import { t, langToggle, onLangChange } from './i18n.js';
import { workshopStore } from './api.js';
import { loadWorkshop, live, reloadButton } from './page.js';
import { CLOSE_FORBIDDEN, CLOSE_GONE } from './conn.js';
import { panel, homeLink, stepLabel } from './widgets.js';
import { issueView, soonView, stepSwitcher } from './steps.js';
import { actorList, addActorForm } from './actors.js';

const NAME_MAX = 40;
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
    const view = phoneView(page, summary);
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

function phoneView({ store, conn, status }, summary) {
  const title = h('h1', { class: 'ws-title' });
  const step = h('div', { class: 'step-line' });
  const youName = h('span', { class: 'you-name' });
  const youBox = h('div', { class: 'you' });
  let renaming = false;

  const stage = stepSwitcher((n) => {
    if (n === 1) return issueView(store);
    if (n === 2) return arenaCards(store, conn);
    return soonView(n);
  });

  function youDisplay() {
    const btn = h('button', { type: 'button', class: 'btn btn-link', id: 'rename-btn' }, t('name.rename'));
    btn.addEventListener('click', () => {
      renaming = true;
      replace(youBox, renameForm());
    });
    return [h('span', { class: 'muted' }, `${t('you')}: `), youName, btn];
  }

  function renameForm() {
    const input = h('input', { type: 'text', id: 'rename-input', maxLength: NAME_MAX, value: store.you?.name || '', 'aria-label': t('name.label') });
    const cancel = h('button', { type: 'button', class: 'btn btn-small' }, t('cancel'));
    const form = h('form', { class: 'rename-form' }, input, h('button', { type: 'submit', class: 'btn btn-primary btn-small' }, t('save')), cancel);
    const close = () => {
      renaming = false;
      replace(youBox, youDisplay());
      render();
    };
    cancel.addEventListener('click', close);
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const name = input.value.trim();
      if (!name || [...name].length > NAME_MAX) {
        input.focus();
        return;
      }
      conn.op('participant.rename', { name });
      close();
    });
    setTimeout(() => input.focus());
    return form;
  }

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
    if (!renaming) setText(youName, store.you?.name || '');
    stage.update(s.step);
  }

  return {
    render,
    rebuild() {
      renaming = false;
      status.refresh();
      setText(title, summary.title);
      replace(youBox, youDisplay());
      stage.reset();
      replace(root,
        h('header', { class: 'phone-head' },
          h('div', { class: 'topline' }, h('span', { class: 'brand' }, 'Arena'), status.el, langToggle()),
          title,
          step,
          youBox),
        main);
      render();
    },
  };
}

// arenaCards is step 2 on the phone: the add form and one card per actor.
function arenaCards(store, conn) {
  const note = h('p', { class: 'note locked-note' }, t('locked.note'));
  const form = addActorForm(conn);
  const count = h('p', { class: 'muted count' });
  const empty = h('p', { class: 'muted empty' }, t('actors.none'));
  const list = actorList('card', conn);
  const el = h('div', { class: 'arena-phone' },
    h('p', { class: 'step-desc' }, t('step.2.desc')),
    note, form, count, empty, list.el);
  return {
    el,
    update() {
      const s = store.state;
      const editable = !s.locked || store.you?.role === 'facilitator';
      note.hidden = editable;
      form.hidden = !editable;
      empty.hidden = s.actors.length > 0;
      setText(count, s.actors.length ? t('actors.count', { n: s.actors.length }) : '');
      list.update(s.actors, editable);
    },
  };
}
