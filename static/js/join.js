// The participant's phone: /w/{code}.
import { h, replace, setText } from './dom.js';
import { t, langToggle } from './i18n.js';
import { workshopStore } from './api.js';
import { loadWorkshop, showFatal } from './page.js';
import { participate, nameForm } from './participant.js';
import { stepLabel } from './widgets.js';
import { issueView, section, stepSwitcher } from './steps.js';
import { arenaCards, phoneArena, canEdit } from './step2.js';
import { myEstimates } from './estimate.js';
import { phoneForms } from './forms.js';
import { phoneVote } from './vote.js';
import { followupCards } from './followup.js';
import { countdown } from './timer.js';
import { youBox } from './people.js';
import { helpPanel } from './guide.js';
const root = document.getElementById('app');

main();

async function main() {
  const summary = await loadWorkshop(root);
  if (!summary) return;
  const code = summary.code;
  const saved = workshopStore(code);
  document.title = `${summary.title} · Arena`;

  if (saved.get('participantToken')) start();
  else nameForm(root, saved, {
    inputId: 'name-input',
    submitId: 'name-submit',
    enterkeyhint: 'go',
    texts: () => ({
      brand: 'Arena',
      intro: [h('p', { class: 'muted' }, t('name.intro')), h('h1', { class: 'ws-title' }, summary.title)],
      label: t('name.label'),
      submit: t('name.submit'),
    }),
  }, start);

  function start() {
    participate({
      code,
      saved,
      makeView: (page) => phoneView(page, summary, saved),
      onFatal: (closeCode) => {
        const again = h('button', { type: 'button', class: 'btn btn-primary' }, t('fatal.joinAgain'));
        again.addEventListener('click', () => {
          saved.remove('participantToken');
          location.reload();
        });
        showFatal(root, closeCode, { forbidden: t('fatal.removed'), retry: again });
      },
    });
  }
}

function phoneView({ store, conn, status }, summary, saved) {
  const title = h('h1', { class: 'ws-title' });
  const step = h('div', { class: 'step-line' });
  const you = youBox(store, conn);
  const mine = myEstimates(saved, store);
  let timer = null; // built by rebuild(), again for each language
  let help = null;

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
    help.update();
    stage.update(s.step);
  }

  return {
    render,
    rebuild() {
      status.refresh();
      setText(title, summary.title);
      you.reset();
      timer = countdown(store);
      help = helpPanel(store, { place: 'phone' });
      stage.reset();
      replace(root,
        h('header', { class: 'phone-head' },
          h('div', { class: 'topline' }, h('span', { class: 'brand' }, 'Arena'), status.el, langToggle()),
          title,
          h('div', { class: 'step-row' }, step, timer.el),
          help.el,
          you.el),
        main);
      render();
    },
  };
}
