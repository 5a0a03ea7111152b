// Step views that more than one page shows.
import { h, setText } from './dom.js';
import { t } from './i18n.js';
import { stepLabel } from './widgets.js';

// issueView shows step 1 read-only: the issue and the goal, line breaks kept.
export function issueView(store) {
  const issue = h('p', { class: 'long-text' });
  const goal = h('p', { class: 'long-text' });
  const el = h('div', { class: 'issue-view' },
    h('section', { class: 'issue-block' }, h('h2', null, t('issue')), issue),
    h('section', { class: 'issue-block' }, h('h2', null, t('goal')), goal));
  return {
    el,
    update() {
      const s = store.state;
      setText(issue, s.issue || t('issue.empty'));
      issue.classList.toggle('empty', !s.issue);
      setText(goal, s.goal || t('goal.empty'));
      goal.classList.toggle('empty', !s.goal);
    },
  };
}

/**
 * section wraps a step's view with its heading and description (the console shows both; the
 * phone and the projector name the step in their header and pass heading false).
 */
export function section(n, view, { heading = true, desc = `step.${n}.desc`, cls = '' } = {}) {
  return {
    el: h('section', { class: ['step-section', cls] },
      heading && h('h2', null, stepLabel(n)),
      desc && h('p', { class: 'step-desc' }, t(desc)),
      view.el),
    update: () => view.update(),
  };
}

/**
 * stepSwitcher holds the view of the current step and rebuilds it only when the step changes,
 * so fields inside a step survive the renders of other people's edits.
 * make(step) returns {el, update()}.
 */
export function stepSwitcher(make) {
  const el = h('div', { class: 'step-stage' });
  let shown = 0;
  let view = null;
  return {
    el,
    update(step) {
      if (step !== shown || !view) {
        shown = step;
        view = make(step);
        el.replaceChildren(view.el);
      }
      view.update();
    },
    reset() {
      shown = 0; // the next update rebuilds (after a language change)
    },
    current: () => view,
  };
}
