// What the page tells people about the connection and about refused changes.
import { h, setText } from './dom.js';
import { t } from './i18n.js';

// connStatus is the #conn-status indicator; the test and CSS read data-state.
export function connStatus() {
  const el = h('div', { id: 'conn-status', class: 'conn-status', role: 'status', 'aria-live': 'polite' },
    h('span', { class: 'conn-dot', 'aria-hidden': 'true' }), h('span', { class: 'conn-text' }));
  let current = 'connecting';
  let waiting = 0; // edits not answered yet: said while not connected, so nobody types them twice
  const text = el.querySelector('.conn-text');
  const render = () => {
    el.dataset.state = current;
    el.dataset.waiting = String(waiting);
    const says = t(`conn.${current}`);
    setText(text, waiting > 0 && current !== 'connected' ? `${says} · ${t('conn.waiting', { n: waiting })}` : says);
  };
  render();
  return {
    el,
    set(s) {
      current = s;
      render();
    },
    pending(n) {
      if (n === waiting) return;
      waiting = n;
      render();
    },
    refresh: render, // after a language change
  };
}

const ERROR_CODES = new Set(['bad_message', 'invalid', 'forbidden', 'not_found', 'locked', 'closed', 'budget', 'rate_limited', 'unavailable', 'network']);

export function errorText(code) {
  return t(ERROR_CODES.has(code) ? `err.${code}` : 'err.unknown');
}

let region = null;

// toast shows a short message at the bottom of the screen; the server's own message, if any,
// goes below it in small type (it is English, but it says which field was wrong).
export function toast(text, detail) {
  if (!region || !region.isConnected) {
    region = h('div', { class: 'toasts', role: 'alert', 'aria-live': 'assertive' });
    document.body.appendChild(region);
  }
  const item = h('div', { class: 'toast' }, h('div', { class: 'toast-text' }, text), detail && h('div', { class: 'toast-detail' }, detail));
  region.appendChild(item);
  while (region.children.length > 3) region.firstChild.remove();
  setTimeout(() => item.remove(), detail ? 6000 : 4000);
}

export function toastOpError(err) {
  toast(errorText(err.code), err.message);
}
