// The websocket client shared by the three live pages (PROTOCOL.md "Websocket").
// It owns the connection, the sequence number and the ops waiting for an answer; it moves the
// Store forward and tells the page when to re-render, once per received frame.
import { links } from './api.js';
import { nextRef } from './ids.js';
import { flushEdits } from './fields.js';

const BACKOFF_BASE_MS = 500; // first retry soon: most drops are a blip on the venue Wi-Fi
const BACKOFF_CAP_MS = 15000; // never wait longer than this, or a room waits on a dead phone
const STALE_AFTER_HIDDEN_MS = 20000; // a phone asleep this long has probably lost its socket silently
const MAX_FRAME_BYTES = 65536; // the server closes with 1009 beyond this
// The server allows 20 ops a second, bursts of 40 (PROTOCOL.md); the client keeps a little
// under that, so a burst (ops queued while offline, a slider dragged fast) waits here
// instead of being refused there.
const SEND_RATE = 16; // ops a second
const SEND_BURST = 32;
const RATE_LIMITED_RETRY_MS = 1000; // an op the server refused as rate_limited goes again
// An op the server could not store (unavailable: its store is down) goes again after this,
// doubling up to the cap, until it is stored or refused for a reason of its own.
const UNAVAILABLE_RETRY_MS = 1000;
const UNAVAILABLE_RETRY_CAP_MS = 8000;

// Close codes after which retrying cannot help (PROTOCOL.md).
export const CLOSE_PROTOCOL = 4000;
export const CLOSE_FORBIDDEN = 4003;
export const CLOSE_GONE = 4004;
const FATAL = new Set([CLOSE_PROTOCOL, CLOSE_FORBIDDEN, CLOSE_GONE]);

/**
 * new Conn({code, store, hello, onChange, onStatus, onFatal, onOpError, onWelcome})
 *  hello():        the fields of the hello frame besides type and lastSeq (called per attempt)
 *  onWelcome(you): after every welcome (store tokens)
 *  onChange():     after each frame that changed state or presence
 *  onStatus(s):    'connecting' | 'connected' | 'reconnecting' | 'closed'
 *  onFatal(code):  the server closed with 4000, 4003 or 4004; no more retries
 *  onOpError(err): an op was refused ({code, message, field, op}), or a server error without ref
 *  onPending(n):   how many ops wait for an answer, after each change of that number
 */
export class Conn {
  constructor(opts) {
    this.opts = opts;
    this.store = opts.store;
    this.ws = null;
    this.lastSeq = null; // null until the first welcome: then the hello asks for a snapshot
    this.pending = new Map(); // ref -> {frame, op, resolve, reject}
    this.outbox = []; // refs of pending ops to send on this socket, in order
    this.tokens = SEND_BURST;
    this.refilled = Date.now();
    this.pumpTimer = null;
    this.attempt = 0;
    this.everWelcomed = false;
    this.ready = false; // welcomed on the current socket
    this.fatal = false;
    this.timer = null;
    this.hiddenAt = 0;

    window.addEventListener('online', () => this.retrySoon());
    document.addEventListener('visibilitychange', () => {
      if (document.hidden) {
        this.hiddenAt = Date.now();
        this.keepUnsent();
        return;
      }
      this.dropKept();
      const stale = this.hiddenAt && Date.now() - this.hiddenAt > STALE_AFTER_HIDDEN_MS;
      this.hiddenAt = 0;
      if (!this.ready) this.retrySoon();
      else if (stale) this.reconnect();
    });
    // A page that goes away (reload, a phone that discards a tab in the background) keeps
    // its unanswered ops in sessionStorage, and the next load of this tab sends them.
    window.addEventListener('pagehide', () => this.keepUnsent());
    window.addEventListener('pageshow', (ev) => ev.persisted && this.dropKept());
    document.addEventListener('freeze', () => this.keepUnsent());
    document.addEventListener('resume', () => this.dropKept());
    this.restoreKept();
  }

  get keptKey() {
    return `arena:unsent:${this.opts.code}`;
  }

  // keepUnsent sends what is typed and not sent yet, then stores every op not answered.
  keepUnsent() {
    flushEdits();
    this.kept = true;
    this.saveKept();
  }

  saveKept() {
    try {
      const frames = [...this.pending.values()].map((p) => p.frame);
      if (frames.length) sessionStorage.setItem(this.keptKey, JSON.stringify(frames));
      else sessionStorage.removeItem(this.keptKey);
    } catch {
      /* storage unavailable or full: the ops stay in memory */
    }
  }

  dropKept() {
    this.kept = false;
    try {
      sessionStorage.removeItem(this.keptKey);
    } catch {
      /* storage unavailable */
    }
  }

  // restoreKept takes back the ops an earlier load of this tab left unanswered; they go
  // out after the welcome with the rest (ops are idempotent, so a repeat is harmless).
  restoreKept() {
    let frames = [];
    try {
      frames = JSON.parse(sessionStorage.getItem(this.keptKey) || '[]');
      sessionStorage.removeItem(this.keptKey);
    } catch {
      return;
    }
    if (!Array.isArray(frames)) return;
    for (const frame of frames) {
      let msg;
      try {
        msg = JSON.parse(frame);
      } catch {
        continue;
      }
      if (!msg || msg.type !== 'op' || typeof msg.ref !== 'string' || this.pending.has(msg.ref)) continue;
      this.pending.set(msg.ref, { frame, op: msg.op, resolve: () => {}, reject: () => {} });
    }
    this.pendingChanged();
  }

  // pendingChanged tells the page how many ops wait for an answer, and keeps them when the
  // page is hidden.
  pendingChanged() {
    if (this.kept) this.saveKept();
    this.opts.onPending?.(this.pending.size);
  }

  start() {
    this.connect();
  }

  setStatus(s) {
    this.status = s;
    this.opts.onStatus?.(s);
  }

  connect() {
    clearTimeout(this.timer);
    this.timer = null;
    if (this.fatal) return;
    this.setStatus(this.everWelcomed || this.attempt > 0 ? 'reconnecting' : 'connecting');
    let ws;
    try {
      ws = new WebSocket(links.ws(this.opts.code));
    } catch {
      this.scheduleRetry();
      return;
    }
    this.ws = ws;
    this.ready = false;
    ws.onopen = () => {
      const hello = { type: 'hello', ...this.opts.hello() };
      if (this.lastSeq !== null) hello.lastSeq = this.lastSeq;
      ws.send(JSON.stringify(hello));
    };
    ws.onmessage = (ev) => this.onFrame(ev.data);
    ws.onclose = (ev) => {
      if (this.ws !== ws) return; // an old socket we already replaced
      this.ws = null;
      this.ready = false;
      if (FATAL.has(ev.code)) {
        this.fatal = true;
        this.setStatus('closed');
        this.opts.onFatal?.(ev.code);
        return;
      }
      this.scheduleRetry();
    };
    // onerror is always followed by onclose, which does the work.
    ws.onerror = () => {};
  }

  // scheduleRetry waits with exponential backoff and full jitter, so that a room of phones
  // that lost the server together does not come back in one burst.
  scheduleRetry() {
    if (this.fatal) return;
    this.setStatus('reconnecting');
    const delay = Math.random() * Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** this.attempt);
    this.attempt++;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.connect(), delay);
  }

  // retrySoon is for signs that the network is back (online, page visible again).
  retrySoon() {
    if (this.fatal || this.ready) return;
    if (this.ws && this.ws.readyState === WebSocket.CONNECTING) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.connect(), Math.random() * 250);
  }

  // reconnect drops the current socket at once and resumes with lastSeq.
  reconnect() {
    const old = this.ws;
    this.ws = null;
    this.ready = false;
    if (old) {
      old.onclose = null;
      old.onmessage = null;
      try {
        old.close(1000);
      } catch {
        /* already closed */
      }
    }
    this.connect();
  }

  onFrame(text) {
    if (typeof text !== 'string') return;
    let changed = false;
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      let msg;
      try {
        msg = JSON.parse(line);
      } catch {
        continue; // a broken line must not stop the others
      }
      const r = this.handle(msg);
      if (r === 'gap') {
        if (changed) this.opts.onChange?.();
        this.reconnect();
        return;
      }
      changed = changed || r;
    }
    if (changed) this.opts.onChange?.();
  }

  // handle processes one message; it returns true when the page should re-render, or 'gap'.
  handle(msg) {
    switch (msg.type) {
      case 'welcome':
        return this.onWelcome(msg);
      case 'event':
        if (this.lastSeq === null || msg.seq <= this.lastSeq) return false; // duplicate
        if (msg.seq !== this.lastSeq + 1) return 'gap';
        this.store.applyEvent(msg.event, msg.data, msg.by);
        this.lastSeq = msg.seq;
        return true;
      case 'ack': {
        const p = this.pending.get(msg.ref);
        if (p) {
          this.pending.delete(msg.ref);
          this.pendingChanged();
          p.resolve({ seq: msg.seq, id: msg.id });
        }
        return false;
      }
      case 'error': {
        const err = { code: msg.code, message: msg.message, field: msg.field };
        const p = msg.ref ? this.pending.get(msg.ref) : null;
        if (p && (msg.code === 'rate_limited' || msg.code === 'unavailable')) {
          // Not a refusal of the edit: send it again shortly (ops are idempotent), so
          // nothing typed is lost. The first time an op meets an outage, say so.
          let delay = RATE_LIMITED_RETRY_MS;
          if (msg.code === 'unavailable') {
            if (!p.tries) this.opts.onOpError?.({ ...err, op: p.op });
            delay = Math.min(UNAVAILABLE_RETRY_CAP_MS, UNAVAILABLE_RETRY_MS * 2 ** (p.tries || 0));
            p.tries = (p.tries || 0) + 1;
          }
          const ws = this.ws;
          setTimeout(() => {
            if (this.ws === ws && this.ready && this.pending.has(msg.ref)) {
              this.outbox.push(msg.ref);
              this.pump();
            }
          }, delay);
          return false;
        }
        if (p) {
          this.pending.delete(msg.ref);
          this.pendingChanged();
          err.op = p.op;
          p.reject(err);
        }
        this.opts.onOpError?.(err);
        return !!p; // a refused edit: re-render to show the state as it really is
      }
      case 'presence':
        this.store.setPresence(msg);
        return true;
      default:
        return this.store.applyLive(msg); // tally, ballot, estimates; unknown types are ignored
    }
  }

  onWelcome(msg) {
    // The server's clock, for the timer: a phone's own clock is often minutes off.
    if (typeof msg.serverTime === 'number') this.store.clockOffset = msg.serverTime - Date.now();
    this.store.clearLive(); // the server sends the current live messages again
    if (msg.state) {
      this.store.reset(msg.state);
    } else if (Array.isArray(msg.events)) {
      for (const e of msg.events) {
        if (this.lastSeq !== null && e.seq <= this.lastSeq) continue;
        this.store.applyEvent(e.event, e.data, e.by);
        this.lastSeq = e.seq;
      }
    }
    this.lastSeq = msg.seq;
    this.store.you = msg.you || null;
    this.ready = true;
    this.everWelcomed = true;
    this.attempt = 0;
    this.setStatus('connected');
    this.opts.onWelcome?.(msg.you || {});
    // Ops still waiting may have been lost with the old socket; they are idempotent, so resend.
    this.outbox = [...this.pending.keys()];
    this.pump();
    return true;
  }

  // pump sends queued ops as fast as the rate allows, and comes back for the rest.
  pump() {
    clearTimeout(this.pumpTimer);
    this.pumpTimer = null;
    const now = Date.now();
    this.tokens = Math.min(SEND_BURST, this.tokens + ((now - this.refilled) / 1000) * SEND_RATE);
    this.refilled = now;
    while (this.ready && this.outbox.length && this.tokens >= 1) {
      const p = this.pending.get(this.outbox.shift());
      if (!p) continue; // answered meanwhile
      this.ws.send(p.frame);
      this.tokens--;
    }
    if (this.ready && this.outbox.length) this.pumpTimer = setTimeout(() => this.pump(), 1000 / SEND_RATE);
  }

  /**
   * op sends an operation and answers a promise: resolved with {seq, id} on ack, rejected with
   * {code, message, field} on error. Ops wait in the pending map until answered, across
   * reconnects. Callers may ignore the promise: refusals also go to onOpError.
   */
  op(name, data) {
    const ref = nextRef();
    const frame = JSON.stringify({ type: 'op', ref, op: name, data });
    const p = new Promise((resolve, reject) => {
      if (new TextEncoder().encode(frame).length > MAX_FRAME_BYTES) {
        const err = { code: 'invalid', message: 'too large', op: name };
        this.opts.onOpError?.(err);
        reject(err);
        return;
      }
      this.pending.set(ref, { frame, op: name, resolve, reject });
      this.pendingChanged();
      if (this.ready) {
        this.outbox.push(ref);
        this.pump();
      }
    });
    p.catch(() => {}); // handled by onOpError when the caller does not care
    p.ref = ref;
    return p;
  }

  // cancel forgets an op that waits for its answer, so that it is not sent again (coedit.js,
  // after a snapshot made the edit moot); its promise never settles.
  cancel(ref) {
    if (this.pending.delete(ref)) {
      this.outbox = this.outbox.filter((r) => r !== ref);
      this.pendingChanged();
    }
  }
}
