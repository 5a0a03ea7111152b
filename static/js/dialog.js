// A confirm step that works the same with a mouse, a finger and a keyboard: a modal <dialog>
// built from element APIs (window.confirm blocks the page and looks different on every phone).
import { h } from './dom.js';
import { t } from './i18n.js';

/**
 * confirmDialog({title, body, ok, danger, content}) answers a promise: true when confirmed,
 * false when cancelled (the cancel button, Escape, or a tap outside).
 * content: optional extra nodes between the text and the buttons (a select to choose from).
 */
export function confirmDialog({ title, body, ok, danger = false, content = null }) {
  return new Promise((resolve) => {
    const okBtn = h('button', { type: 'button', class: ['btn', danger ? 'btn-danger-solid' : 'btn-primary'], dataset: { action: 'ok' } }, ok || t('ok'));
    const cancelBtn = h('button', { type: 'button', class: 'btn', dataset: { action: 'cancel' } }, t('cancel'));
    // The dialog itself has no padding, so a click whose target is the dialog is on the backdrop.
    const dlg = h('dialog', { class: 'confirm-dialog', 'aria-labelledby': 'confirm-dialog-title' },
      h('div', { class: 'dialog-body' },
        h('h2', { id: 'confirm-dialog-title' }, title),
        body && h('p', { class: 'long-text' }, body),
        content,
        h('div', { class: 'dialog-actions' }, cancelBtn, okBtn)));
    let answered = false;
    const done = (v) => {
      if (answered) return;
      answered = true;
      if (dlg.open) dlg.close();
      dlg.remove();
      resolve(v);
    };
    okBtn.addEventListener('click', () => done(true));
    cancelBtn.addEventListener('click', () => done(false));
    dlg.addEventListener('close', () => done(false));
    dlg.addEventListener('click', (ev) => {
      if (ev.target === dlg) done(false); // the backdrop
    });
    document.body.appendChild(dlg);
    dlg.showModal();
    cancelBtn.focus(); // the safe choice has the focus
  });
}
