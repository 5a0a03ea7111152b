// Who is done: one line per step for the console ("7 van 9 gaven hun inschatting", with the
// names of who is not done yet) and for the projector (the counts only). Built from the state
// and the live `progress` and `tally` messages (docs/PROTOCOL.md "progress").
import { h, setText } from './dom.js';
import { t } from './i18n.js';
import { openRound, lastRound, votersOf } from './vote.js';

/**
 * people are the participants who count at steps 2 to 4: role participant, and online now or
 * named in the last progress message (they answered something). The facilitator and
 * projectors never count; a participant removed from the workshop is gone from the state.
 */
export function progressPeople(store) {
  const counts = store.live.progress?.counts || {};
  return store.state.participants.filter((p) => p.role === 'participant' && (store.isOnline(p.id) || p.id in counts));
}

const collator = () => new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });
const byName = (a, b) => collator().compare(a, b);

// filledIn: a selected actor whose follow-up holds anything (someone took it up, it moved on
// from "todo", or one of its answers or notes is given).
export function filledIn(actor) {
  const f = actor.followUp || {};
  return !!(f.owner || (f.status && f.status !== 'todo') || f.assessmentRight === true || f.assessmentRight === false ||
    f.interest || f.willingness || (f.notes && f.notes.trim()));
}

/**
 * progressOf answers {key, done, of, waiting} for a step, or null when there is nothing to
 * count (no actors yet, no round, nobody selected). waiting holds the names not done yet
 * (people at steps 2 and 3, actors at step 5; none at step 4, where votes are anonymous).
 */
export function progressOf(store, step) {
  const s = store.state;
  if (!s) return null;
  if (step === 2 || step === 3) {
    const n = s.actors.length;
    if (!n) return null;
    const field = step === 2 ? 'rated' : 'placed';
    const counts = store.live.progress?.counts || {};
    const people = progressPeople(store);
    const notDone = people.filter((p) => (counts[p.id]?.[field] || 0) < n);
    return { key: step === 2 ? 'progress.rated' : 'progress.placed', done: people.length - notDone.length, of: people.length,
      waiting: notDone.map((p) => p.name).sort(byName), waitKey: 'progress.waiting' };
  }
  if (step === 4) {
    const r = openRound(s) || lastRound(s);
    if (!r) return null;
    const voters = votersOf(store, r);
    let of = progressPeople(store).length;
    if (r.facilitatorVotes) of += s.participants.filter((p) => p.role === 'facilitator').length;
    // voters may count someone who left since: never "3 of 2".
    return { key: 'progress.voted', done: voters, of: Math.max(of, voters), waiting: [] };
  }
  if (step === 5) {
    const selected = s.actors.filter((a) => a.selected);
    if (!selected.length) return null;
    const open = selected.filter((a) => !filledIn(a));
    return { key: 'progress.followup', done: selected.length - open.length, of: selected.length,
      waiting: open.map((a) => a.name).sort(byName), waitKey: 'progress.notFilled' };
  }
  return null;
}

/**
 * progressLine(store, step, {names}) → {el, update()}: the line for that step; with names
 * (the console) it lists who or what is not done yet. Hidden when there is nothing to count.
 */
export function progressLine(store, step, { names = false } = {}) {
  const count = h('span', { class: 'progress-count' });
  const wait = h('span', { class: 'progress-waiting' });
  const el = h('p', { class: 'progress-line', dataset: { step } }, count, names ? wait : null);
  return {
    el,
    update() {
      const p = progressOf(store, step);
      el.hidden = !p;
      if (!p) return;
      el.dataset.done = String(p.done);
      el.dataset.of = String(p.of);
      el.classList.toggle('progress-complete', p.of > 0 && p.done >= p.of);
      setText(count, t(p.key, { n: p.done, of: p.of }));
      const show = names && p.waiting.length > 0 && p.waitKey;
      wait.hidden = !show;
      setText(wait, show ? t(p.waitKey, { names: p.waiting.join(', ') }) : '');
    },
  };
}

/**
 * progressSlot(store, opts) → {el, update(step)}: the line of whichever step is current,
 * built again when the step changes (the console places one above the step's view).
 */
export function progressSlot(store, opts) {
  const el = h('div', { id: 'fac-progress', class: 'progress-slot' });
  let current = null; // {step, line}
  return {
    el,
    update(step) {
      if (current?.step !== step) {
        current = { step, line: progressLine(store, step, opts) };
        el.replaceChildren(current.line.el);
      }
      current.line.update();
    },
  };
}
