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

const MIN_SCALE = 0.45; // below this the back row cannot read it anyway
// A table that fits only below PAGE_SCALE is shown in pages instead, of as many rows as fit
// at PAGE_SCALE, each for PAGE_MS.
const PAGE_SCALE = 0.75;
const PAGE_MS = 12000;
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

function projectorView({ store, status }, summary) {
  const code = summary.code;
  const title = h('h1', { class: 'ws-title' });
  const stepTitle = h('div', { id: 'step-title', class: 'step-line' });
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
  const stageBox = h('main', { class: 'present-stage' }, stage.el);

  // fit shrinks the stage's type until its content fits the screen, both ways, and grows it
  // back when the content shrinks. Wrapping makes the size jump with the scale, so search
  // rather than step. A table cell whose content sticks out (a word or a chip wider than its
  // column) does not fit either. Words are broken mid-word only as a last resort: when that is
  // the only way to fit at all, or buys clearly larger type.
  function fits(scale) {
    stageBox.style.setProperty('--fit', scale.toFixed(3));
    if (stageBox.scrollHeight > stageBox.clientHeight + 1) return false;
    if (stageBox.scrollWidth > stageBox.clientWidth + 1) return false;
    for (const c of stageBox.querySelectorAll('th, td')) {
      if (c.scrollWidth > c.clientWidth + 1) return false;
    }
    return true;
  }
  function largestFit() {
    if (fits(1)) return { scale: 1, ok: true };
    let lo = MIN_SCALE;
    let hi = 1;
    for (let i = 0; i < 7; i++) {
      const mid = (lo + hi) / 2;
      if (fits(mid)) lo = mid;
      else hi = mid;
    }
    return { scale: lo, ok: fits(lo) };
  }
  function fitScale() {
    stageBox.classList.remove('fit-break');
    const whole = largestFit();
    if (whole.ok && whole.scale === 1) return whole.scale;
    stageBox.classList.add('fit-break');
    const broken = largestFit();
    if (broken.ok && (!whole.ok || broken.scale > whole.scale * 1.15)) return broken.scale;
    stageBox.classList.remove('fit-break');
    fits(whole.scale);
    return whole.scale;
  }

  // Pages of a long table (a view with paging: step2.js, followup.js). page counts on from
  // one render to the next; the timer turns the pages while there are several.
  let page = 0;
  let pageTimer = null;
  function stopPages() {
    clearInterval(pageTimer);
    pageTimer = null;
    page = 0;
  }
  function fit() {
    const pg = stage.current()?.paging;
    if (!pg) {
      stopPages();
      fitScale();
      return;
    }
    const total = pg.total();
    pg.show(0, total, null);
    if (fitScale() >= PAGE_SCALE || total <= 1) {
      stopPages();
      return;
    }
    // The most rows that fit at PAGE_SCALE, the page note shown (at least one).
    stageBox.classList.remove('fit-break');
    let lo = 1;
    let hi = total - 1;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      pg.show(0, mid, { i: 1, n: 2 });
      if (fits(PAGE_SCALE)) lo = mid;
      else hi = mid - 1;
    }
    const count = Math.ceil(total / lo);
    page %= count;
    pg.show(page * lo, lo, { i: page + 1, n: count });
    fitScale();
    if (!pageTimer) {
      pageTimer = setInterval(() => {
        page++;
        fit();
      }, PAGE_MS);
    }
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
    fit();
  }

  return {
    render,
    fit,
    rebuild() {
      status.refresh();
      stage.reset();
      timer = countdown(store);
      setText(title, summary.title);
      setText(online, t('online', { n: 0 }));
      const joinUrl = `${location.origin}${links.join(code)}`;
      replace(root,
        h('div', { class: 'present' },
          h('header', { class: 'present-head' },
            h('div', { class: 'head-text' }, title, stepTitle),
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
