// The facilitator's tools above every step: lock the table, and the countdown.
import { h, setText } from './dom.js';
import { t } from './i18n.js';
import { timerControl } from './timer.js';

export function facilitatorTools(store, conn) {
  const lockText = h('span', { class: 'lock-text' });
  const lockBtn = h('button', { type: 'button', id: 'lock-toggle', class: 'btn btn-small' });
  lockBtn.addEventListener('click', () => conn.op('lock.set', { locked: !store.state.locked }));
  const timer = timerControl(store, conn);
  return {
    el: h('div', { class: 'fac-tools' },
      h('div', { class: 'lock-box', role: 'group', 'aria-label': t('lock.title') }, h('span', { class: 'tool-label' }, t('lock.title')), lockBtn, lockText),
      timer.el),
    update() {
      const s = store.state;
      lockBtn.dataset.locked = String(s.locked);
      setText(lockBtn, t(s.locked ? 'lock.unlock' : 'lock.lock'));
      setText(lockText, t(s.locked ? 'lock.isLocked' : 'lock.isOpen'));
      timer.update();
    },
  };
}
