// Co-editing of one free text (issue 13, PROTOCOL.md text.edit): two people type in one field
// and both words survive. The field keeps, beside what it shows:
//  - known: the text at the last version this page heard (version);
//  - inflight: at most one edit sent against known and not yet heard back (by its key);
//  - buffer: the edits typed since, one per input event, not sent yet.
// What the field shows is known with inflight and buffer made. Another's change moves known
// on and is transformed into the field, the caret kept where the person was typing; one's
// own change (its key) ends the wait and sends what was typed meanwhile. The rule is the
// server's (ot.js = session/ot.go); session/textedit_test.go runs this model against it.
import { apply, compose, codePoints, diff, delta, movePos, toCodePoints, toOffset, transformPair } from './ot.js';
import { textKey, textOf } from './state.js';
import { displayNames } from './people.js';
import { t } from './i18n.js';

const MIN_GAP_MS = 120; // at most about 8 edits a second from one field: far under the op budget
const TYPING_MS = 3000; // how long "Ahmed is typing" stays after their last change

const randomKey = () => Math.random().toString(36).slice(2, 12);

/**
 * bindText(el, {conn, target, id, field, onState}) binds a text control to one free text.
 * Answers {set(value), setEnabled(on), flush(), pending()} like bindField.
 */
export function bindText(el, opts) {
  const { conn, target, id, field } = opts;
  const store = conn.store;
  const key = textKey(target, id, field);
  let known = null; // null until the first set()
  let version = 0;
  let inflight = null; // {edit, key, ref}
  let buffer = [];
  let shown = el.value; // what the field showed after the last input event or change
  let timer = null;
  let lastSend = 0;
  let refused = false; // the last edit was refused: wait for the next key press
  let stop = null;
  let typingEl = null;
  let typingTimer = null;

  const state = (s) => {
    el.dataset.save = s;
    opts.onState?.(s);
  };
  const settled = () => !inflight && !buffer.length;

  function subscribe() {
    if (!stop) stop = store.onText(key, hear);
  }
  subscribe();

  el.addEventListener('input', () => {
    if (known === null) return;
    const e = diff(shown, el.value);
    shown = el.value;
    if (e.length) buffer.push(e);
    refused = false;
    state('dirty');
    schedule();
  });

  function schedule() {
    if (inflight || !buffer.length || refused || timer) return;
    const wait = lastSend + MIN_GAP_MS - Date.now();
    if (wait > 0) timer = setTimeout(send, wait);
    else send();
  }

  function send() {
    clearTimeout(timer);
    timer = null;
    if (inflight || !buffer.length || known === null) return;
    const n = codePoints(known);
    let edit = buffer[0];
    for (const b of buffer.slice(1)) edit = compose(edit, b, n);
    buffer = [];
    if (!edit.length) {
      state('saved');
      return;
    }
    const k = randomKey();
    const data = { target, field, base: version, key: k, edit };
    if (target !== 'workshop') data.id = id;
    const p = conn.op('text.edit', data);
    inflight = { edit, key: k, ref: p.ref };
    lastSend = Date.now();
    state('saving');
    p.catch((err) => refusedEdit(k, err));
  }

  // refusedEdit: the server did not take the edit; what the field shows stays (nothing typed
  // vanishes) and becomes one edit against known, sent again at once when it was only late
  // (stale), else with the next key press (too long, or the table locked: marked).
  function refusedEdit(k, err) {
    if (!inflight || inflight.key !== k) return;
    inflight = null;
    buffer = known === el.value ? [] : [diff(known, el.value)];
    if (err?.code === 'stale') {
      schedule();
      return;
    }
    refused = true;
    state('error');
  }

  // hear takes one change of the text from the store.
  function hear(ch) {
    if (ch.reset) {
      resync();
      return;
    }
    if (known === null) return;
    if (inflight && ch.key === inflight.key) {
      known = apply(known, ch.edit);
      version = ch.version;
      const uncertain = inflight.uncertain;
      inflight = null;
      // After a flush that carried an earlier edit (prior), what the field shows is the truth.
      if (uncertain) buffer = known === el.value ? [] : [diff(known, el.value)];
      if (settled()) state('saved');
      schedule();
      return;
    }
    if (inflight && inflight.prior && ch.key === inflight.prior) {
      // The earlier edit came after all: the server makes the rest after it, or answers stale.
      known = apply(known, ch.edit);
      version = ch.version;
      inflight.prior = null;
      inflight.uncertain = true;
      return;
    }
    if (refused) {
      // A refused text stays on screen, marked, until the shared text changes: then that shows.
      buffer = [];
      refused = false;
      known = apply(known, ch.edit);
      version = ch.version;
      el.value = known;
      shown = known;
      state('');
      return;
    }
    // Another's change: it was committed first, so what this page has not had confirmed
    // goes after it.
    let e = ch.edit;
    let n = codePoints(known);
    if (inflight) {
      const next = n + delta(inflight.edit);
      [inflight.edit, e] = transformPair(inflight.edit, e, n);
      n = next;
    }
    const kept = [];
    for (const b of buffer) {
      const next = n + delta(b);
      let bp;
      [bp, e] = transformPair(b, e, n);
      n = next;
      if (bp.length) kept.push(bp);
    }
    buffer = kept;
    known = apply(known, ch.edit);
    version = ch.version;
    showChange(e);
    if (ch.by && ch.by !== store.you?.participantId) showTyping(ch.by);
    if (!el.isConnected && settled()) {
      stop?.();
      stop = null;
    }
  }

  // showChange makes e (against what the field shows) in the field, keeping the selection.
  function showChange(e) {
    const before = el.value;
    const after = apply(before, e);
    if (after === before) return;
    const focused = document.activeElement === el;
    let start = 0;
    let end = 0;
    if (focused) {
      start = movePos(toCodePoints(before, el.selectionStart), e);
      end = movePos(toCodePoints(before, el.selectionEnd), e);
    }
    el.value = after;
    shown = after;
    if (focused) el.setSelectionRange(toOffset(after, start), toOffset(after, end));
  }

  function showTyping(by) {
    const name = displayNames(store.state.participants).get(by);
    if (!name || !el.parentNode) return;
    if (!typingEl) {
      typingEl = document.createElement('span');
      typingEl.className = 'typing-by';
      typingEl.setAttribute('aria-live', 'polite');
    }
    if (typingEl.previousSibling !== el) el.after(typingEl);
    typingEl.textContent = t('typing', { name });
    typingEl.hidden = false;
    el.dataset.typing = by;
    clearTimeout(typingTimer);
    typingTimer = setTimeout(() => {
      typingEl.hidden = true;
      delete el.dataset.typing;
    }, TYPING_MS);
  }

  // resync: a snapshot replaced the state (a long time offline). Whether the edit in flight
  // made it is in the snapshot: it is not sent again, and what the field shows becomes one
  // edit against the snapshot's text.
  function resync() {
    const text = textOf(store.state, key);
    if (text === undefined) return;
    if (inflight) conn.cancel(inflight.ref);
    inflight = null;
    if (known === null) return;
    known = text;
    version = store.state.textVersions?.[key] || 0;
    buffer = known === el.value ? [] : [diff(known, el.value)];
    if (!buffer.length && document.activeElement !== el) state('');
    schedule();
  }

  return {
    set(value) {
      subscribe();
      const v = value ?? '';
      if (known === null || (settled() && v !== known)) {
        known = v;
        version = store.state?.textVersions?.[key] || 0;
        if (el.value !== v) {
          el.value = v;
          shown = v;
        }
        if (refused) {
          refused = false;
          state('');
        }
      }
    },
    setEnabled(on) {
      if (!on) this.flush();
      el.disabled = !on;
    },
    // flush sends what is typed now: before the page goes away or the control closes. With
    // an edit still unanswered, that one is taken back and goes again inside the new one
    // (prior), which the server makes whether or not the first had come.
    flush() {
      if (!buffer.length || refused || known === null) return;
      clearTimeout(timer);
      timer = null;
      if (!inflight) {
        send();
        return;
      }
      if (inflight.prior || inflight.uncertain) return; // one such flush at a time
      const n = codePoints(known);
      const m = n + delta(inflight.edit);
      let rest = buffer[0];
      for (const b of buffer.slice(1)) rest = compose(rest, b, m);
      buffer = [];
      conn.cancel(inflight.ref);
      const k = randomKey();
      const data = { target, field, base: version, key: k, edit: rest, prior: { key: inflight.key, edit: inflight.edit } };
      if (target !== 'workshop') data.id = id;
      const p = conn.op('text.edit', data);
      inflight = { edit: compose(inflight.edit, rest, n), key: k, ref: p.ref, prior: inflight.key };
      lastSend = Date.now();
      p.catch((err) => refusedEdit(k, err));
    },
    pending: () => !settled(),
  };
}
