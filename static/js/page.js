// What the three live pages share: finding the workshop from the URL, the not-found, failure
// and refusal screens, and wiring a Store to a Conn.
import { h, replace } from './dom.js';
import { t, initLang } from './i18n.js';
import { codeFromPath, getWorkshop } from './api.js';
import { Store } from './state.js';
import { Conn, CLOSE_FORBIDDEN, CLOSE_GONE } from './conn.js';
import { connStatus, toastOpError } from './feedback.js';
import { panel, homeLink } from './widgets.js';

const CODE_RE = /^[23456789ABCDEFGHJKLMNPQRSTUVWXYZ]{6}$/;

/**
 * loadWorkshop reads the code from the path and asks the server for the workshop. It sets the
 * page language from the workshop's locale. When there is no such workshop, or no server, it
 * shows that in root and answers null.
 */
export async function loadWorkshop(root) {
  const code = codeFromPath();
  if (!CODE_RE.test(code)) {
    initLang(null);
    showNotFound(root, code);
    return null;
  }
  try {
    const summary = await getWorkshop(code);
    initLang(summary.locale);
    return { ...summary, code: summary.code || code };
  } catch (e) {
    initLang(null);
    if (e.status === 404) showNotFound(root, code);
    else showFailure(root, t('err.network'));
    return null;
  }
}

export function showNotFound(root, code) {
  document.title = `${t('notFound.title')} · Arena`;
  replace(root, panel(t('notFound.title'), t('notFound.body', { code: code || '–' }), homeLink()));
}

export function showFailure(root, text, ...actions) {
  const reload = h('button', { type: 'button', class: 'btn btn-primary' }, t('reload'));
  reload.addEventListener('click', () => location.reload());
  replace(root, panel(text, null, ...(actions.length ? actions : [reload])));
}

export function reloadButton() {
  const b = h('button', { type: 'button', class: 'btn' }, t('reload'));
  b.addEventListener('click', () => location.reload());
  return b;
}

/**
 * showFatal shows in root why the server closed for good: the workshop is gone; this client is
 * refused (CLOSE_FORBIDDEN), when the page has a forbidden text for that; or else a protocol
 * error. retry, if given, is an action offered beside home on refusal and beside reload otherwise.
 */
export function showFatal(root, closeCode, { forbidden = null, retry = null } = {}) {
  if (closeCode === CLOSE_GONE) replace(root, panel(t('fatal.deleted'), null, homeLink()));
  else if (closeCode === CLOSE_FORBIDDEN && forbidden) replace(root, panel(forbidden, null, retry, homeLink()));
  else replace(root, panel(t('fatal.protocol'), null, reloadButton(), retry));
}

/**
 * live starts the websocket for a page. onRender runs after each change; onFatal gets the close
 * code when the server refuses for good. Returns {store, conn, status}.
 */
export function live({ code, hello, onWelcome, onRender, onFatal }) {
  const store = new Store();
  const status = connStatus();
  const conn = new Conn({
    code,
    store,
    hello,
    onWelcome,
    onChange: onRender,
    onStatus: (s) => status.set(s),
    onPending: (n) => status.pending(n),
    onOpError: toastOpError,
    onFatal,
  });
  return { store, conn, status };
}
