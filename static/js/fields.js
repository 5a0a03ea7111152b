// bindField connects a form control to one value of the shared state. The rules keep live
// updates from fighting the person typing:
//  - while the control has focus, renders leave its value alone; on blur it catches up;
//  - a changed value is sent on "change" (blur or Enter), and text also once typing pauses
//    for AUTOSAVE_MS, so a phone that reloads or dies loses at most a second of typing;
//    the value sent is shown until answered;
//  - a refused value stays on screen, marked as an error, until the shared value changes.
// The control's data-save attribute says 'dirty', 'saving', 'saved' or 'error', for CSS.

/**
 * bindField(el, {commit, parse, format, required, onState})
 *  commit(value): sends the new value; returns a promise (the op)
 *  parse(string): control value -> state value (default: trimmed string)
 *  format(value): state value -> control value (default: String)
 *  required:      an empty value is not sent; the control reverts
 *  onState(s):    'dirty' | 'saving' | 'saved' | 'error' | '' (for a visible saved state; ''
 *                 when a refused value gave way to the shared one)
 * Returns {set(value), setEnabled(bool)}.
 */
import { bindText } from './coedit.js';

const AUTOSAVE_MS = 1000;

// typing holds the send of every field typed in and not sent yet. flushEdits sends them
// now: before the page goes away or into the background (conn.js keeps what is unsent).
const typing = new Set();
const coedits = new Set(); // the co-edited texts (coedit.js)
export function flushEdits() {
  for (const send of [...typing]) send();
  for (const b of [...coedits]) {
    if (!b.el.isConnected && !b.binding.pending()) coedits.delete(b);
    else b.binding.flush();
  }
}

// With opts.text ({conn, target, id, field}) a text control is co-edited (coedit.js): what
// two people type at once is merged character by character instead of one replacing the other.
export function bindField(el, opts) {
  if (opts.text && (el.tagName === 'TEXTAREA' || (el.tagName === 'INPUT' && el.type === 'text'))) {
    const binding = bindText(el, { ...opts.text, onState: opts.onState });
    coedits.add({ el, binding });
    return binding;
  }
  const parse = opts.parse || ((s) => s.trim());
  const format = opts.format || ((v) => (v === null || v === undefined ? '' : String(v)));
  let server; // the value the shared state holds
  let pending; // the value sent and not yet answered
  let refused; // a value the server refused: shown (marked) until the shared value changes
  let waiting = false;
  let latest = 0; // only the newest commit's answer ends the wait

  const editing = () => document.activeElement === el;
  const show = () => {
    const v = format(waiting ? pending : refused !== undefined ? refused : server);
    if (el.value !== v) el.value = v;
  };
  const state = (s) => {
    el.dataset.save = s;
    if (opts.onState) opts.onState(s);
  };
  const text = el.tagName === 'TEXTAREA' || (el.tagName === 'INPUT' && el.type === 'text');
  let timer = null;

  el.addEventListener('input', () => {
    state('dirty');
    if (!text) return;
    clearTimeout(timer);
    timer = setTimeout(send, AUTOSAVE_MS);
    typing.add(send);
  });
  el.addEventListener('change', send);
  function send() {
    clearTimeout(timer);
    timer = null;
    typing.delete(send);
    refused = undefined;
    const v = parse(el.value);
    if (v === (waiting ? pending : server) || (opts.required && (v === '' || v === null))) {
      if (!editing()) show();
      state('saved');
      return;
    }
    pending = v;
    waiting = true;
    state('saving');
    const mine = ++latest;
    opts.commit(v).then(
      () => {
        if (mine !== latest) return;
        waiting = false;
        state('saved');
        if (!editing()) show();
      },
      () => {
        if (mine !== latest) return;
        // Refused (the table was locked meanwhile, say): the text stays, marked, so that
        // nothing typed vanishes; the next value from others replaces it.
        refused = pending;
        waiting = false;
        state('error');
        if (!editing()) show();
      },
    );
  }
  // A value that arrived while the control had focus shows once the person moves on. An edit
  // fires "change" before "blur", so its commit is already waiting and stays on screen.
  el.addEventListener('blur', () => {
    if (!waiting) show();
  });

  return {
    set(value) {
      if (refused !== undefined && value !== server) {
        refused = undefined;
        state('');
      }
      server = value;
      if (!editing()) show();
    },
    setEnabled(on) {
      if (!on && typing.has(send)) send(); // what is typed goes before the control closes
      el.disabled = !on;
    },
  };
}
