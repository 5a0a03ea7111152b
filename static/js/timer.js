// The countdown (PROTOCOL.md timer): the state holds when it ends, in the server's clock; each
// screen counts down against that clock (Store.serverNow), since a phone's own clock is often
// minutes off. When it runs out nothing happens by itself: every screen shows zero.
import { h, setText } from './dom.js';
import { t } from './i18n.js';

const TICK_MS = 250; // four times a second: the shown second never lags by more than a quarter
const ENDING_MS = 60000; // the last minute is marked
export const MAX_TIMER_SECONDS = 7200;
const PRESET_MINUTES = [2, 5, 10, 15];

const live = new Set(); // countdowns that were on screen
let ticker = null;

const NEVER_SHOWN_TICKS = 40; // a countdown never put on screen within 10 s is dropped

function tickAll() {
  for (const c of live) {
    if (c.el.isConnected) {
      c.wasConnected = true;
      c.tick();
    } else if (c.wasConnected || ++c.idle > NEVER_SHOWN_TICKS) {
      live.delete(c); // replaced by a rebuild
    }
  }
  if (live.size === 0) {
    clearInterval(ticker);
    ticker = null;
  }
}

// formatRemaining shows m:ss, or h:mm:ss from an hour on, rounded to the nearest second: the
// clock offset is only known to within the welcome's travel time, and rounding keeps a new
// 5-minute timer at 5:00 where rounding up would show 5:01 for a few milliseconds too many.
export function formatRemaining(ms) {
  const total = Math.max(0, Math.round(ms / 1000));
  const hh = Math.floor(total / 3600);
  const mm = Math.floor((total % 3600) / 60);
  const ss = total % 60;
  const pad = (n) => String(n).padStart(2, '0');
  return hh ? `${hh}:${pad(mm)}:${pad(ss)}` : `${mm}:${pad(ss)}`;
}

// remainingMs is null without a timer, else the time left (zero once it has passed).
// DONE_SHOW_MS: how long "Time's up 0:00" stays after the end; then the display goes away by
// itself on every screen, so nobody has to press stop to clear it.
export const DONE_SHOW_MS = 30000;

// expired: the timer ended more than DONE_SHOW_MS ago.
export function expired(store) {
  const timer = store.state?.timer;
  return !!timer?.endsAt && store.serverNow() - timer.endsAt > DONE_SHOW_MS;
}

export function remainingMs(store) {
  const timer = store.state?.timer;
  if (!timer || !timer.endsAt) return null;
  return Math.max(0, timer.endsAt - store.serverNow());
}

/**
 * countdown is the #timer display; hidden while there is no timer. It ticks by itself.
 * Returns {el, update()}; update after a state change shows a new timer at once.
 */
export function countdown(store) {
  const time = h('span', { class: 'countdown-time' });
  const label = h('span', { class: 'countdown-label' });
  const el = h('div', { id: 'timer', class: 'countdown', role: 'timer', hidden: true }, label, time);
  const c = {
    el,
    wasConnected: false,
    idle: 0,
    tick() {
      const ms = remainingMs(store);
      el.hidden = ms === null || expired(store);
      if (el.hidden) return;
      setText(time, formatRemaining(ms));
      setText(label, t(ms === 0 ? 'timer.done' : 'timer.label'));
      el.dataset.remaining = String(Math.round(ms / 1000));
      el.classList.toggle('ending', ms > 0 && ms <= ENDING_MS);
      el.classList.toggle('done', ms === 0);
    },
  };
  live.add(c);
  if (!ticker) ticker = setInterval(tickAll, TICK_MS);
  return { el, update: () => c.tick() };
}

/**
 * timerControl is the facilitator's: presets, a number of minutes, +1 minute and stop.
 * Returns {el, update()}.
 */
export function timerControl(store, conn) {
  const set = (seconds) => conn.op('timer.set', { seconds });
  const presets = PRESET_MINUTES.map((m) => {
    const b = h('button', { type: 'button', class: 'btn btn-small timer-preset', dataset: { seconds: m * 60 } }, t('timer.minutes', { n: m }));
    b.addEventListener('click', () => set(m * 60));
    return b;
  });
  const minutes = h('input', { type: 'number', id: 'timer-minutes', class: 'timer-minutes', min: 1, max: MAX_TIMER_SECONDS / 60, step: 1, inputmode: 'numeric', 'aria-label': t('timer.customLabel'), placeholder: t('timer.minPh') });
  const start = h('button', { type: 'submit', id: 'timer-start', class: 'btn btn-small btn-primary' }, t('timer.start'));
  const form = h('form', { class: 'timer-custom' }, minutes, start);
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const m = Number(minutes.value);
    if (!Number.isFinite(m) || m <= 0 || m * 60 > MAX_TIMER_SECONDS) {
      minutes.focus();
      return;
    }
    set(Math.max(1, Math.round(m * 60)));
    minutes.value = '';
  });
  const plus = h('button', { type: 'button', id: 'timer-plus', class: 'btn btn-small' }, t('timer.plus'));
  plus.addEventListener('click', () => {
    const ms = remainingMs(store) ?? 0;
    set(Math.min(MAX_TIMER_SECONDS, Math.ceil(ms / 1000) + 60));
  });
  const stop = h('button', { type: 'button', id: 'timer-stop', class: 'btn btn-small btn-danger' }, t('timer.stop'));
  stop.addEventListener('click', () => set(null));
  const display = countdown(store);
  const el = h('div', { class: 'timer-control', role: 'group', 'aria-label': t('timer.title') },
    h('span', { class: 'tool-label' }, t('timer.title')), display.el, h('div', { class: 'timer-presets' }, presets), form, plus, stop);
  return {
    el,
    update() {
      const running = !!store.state.timer;
      plus.hidden = !running;
      stop.hidden = !running;
      display.update();
    },
  };
}
