// Step 4, selection: a vote round (approve: yes or no per candidate; dots: a budget of dots to
// spread), the ballot on the phone, and the results as bars. The facilitator's controls are in
// rounds.js. Votes are not events: the ballot and the tally come as live messages.
import { h, setText, syncList } from './dom.js';
import { pager } from './widgets.js';
import { t } from './i18n.js';
import { criteriaList } from './criteria.js';

const collator = () => new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });

export const openRound = (s) => s.rounds.find((r) => r.status === 'open') || null;
export const lastRound = (s) => openRound(s) || s.rounds[s.rounds.length - 1] || null;
export const roundNumber = (s, r) => s.rounds.findIndex((x) => x.id === r.id) + 1;

/**
 * tallyOf answers the counts to show for round r, or null while they are hidden. A closed
 * round's final tally is in the state; an open round's comes live (a hidden one without it).
 */
export function tallyOf(store, r) {
  if (!r) return null;
  if (r.status === 'closed') return r.tally || {};
  const live = store.live.tallies.get(r.id);
  if (live) return live.tally || null;
  // No tally message yet: a round that shows its results live starts at zero.
  return r.tally || (r.reveal === 'live' ? {} : null);
}

export function votersOf(store, r) {
  if (r.status === 'open') return store.live.tallies.get(r.id)?.voters ?? r.voters ?? 0;
  return r.voters ?? 0;
}

// mayVote: whether this person holds a ballot in round r.
export function mayVote(store, r) {
  const role = store.you?.role;
  return role === 'participant' || (role === 'facilitator' && !!r.facilitatorVotes);
}

// eligible counts who may vote, for "3 of 8 voted".
function eligible(store, r) {
  return store.state.participants.filter((p) => p.role === 'participant' || (p.role === 'facilitator' && r.facilitatorVotes)).length;
}

// roundSummary: "Round 2 · yes/no · anonymous · results after closing".
export function roundSummary(store, r) {
  const parts = [t('vote.round', { n: roundNumber(store.state, r) })];
  parts.push(r.mode === 'dots' ? t('vote.modeDotsN', { dots: r.dots, max: r.maxPerActor }) : t('vote.modeApprove'));
  if (r.anonymous) parts.push(t('vote.anonymous'));
  if (r.status === 'open') parts.push(r.reveal === 'live' ? t('vote.revealLive') : t('vote.revealOnClose'));
  return parts.join(' · ');
}

// A participant removed after voting still counts among the voters (the ballot stays, the
// person is gone): the total is never below the voters, so it never reads "3 of 2".
export function votersLine(store, r) {
  const n = votersOf(store, r);
  return t('vote.voters', { n, of: Math.max(n, eligible(store, r)) });
}

/**
 * resultBars shows round r's counts as bars, in candidate order while the round is open and
 * highest first once closed; selected actors carry a mark. Null when the counts are hidden.
 */
export function resultBars(store, r) {
  const tally = tallyOf(store, r);
  if (!tally) return null;
  const byId = new Map(store.state.actors.map((a) => [a.id, a]));
  const rows = (r.candidates || []).filter((id) => byId.has(id)).map((id) => ({ a: byId.get(id), n: tally[id] || 0 }));
  if (r.status === 'closed') {
    const c = collator();
    rows.sort((x, y) => y.n - x.n || c.compare(x.a.name, y.a.name));
  }
  // Yes-votes read as a share of the voters; dots against the most dots any actor got.
  const top = Math.max(1, ...rows.map((x) => x.n), r.mode === 'approve' ? votersOf(store, r) : 0);
  return h('div', { class: ['vote-bars', r.status === 'closed' && 'final'], id: 'vote-results', dataset: { round: r.id, status: r.status } },
    rows.map(({ a, n }) => {
      const fill = h('span', { class: 'bar-fill' });
      fill.style.width = `${(n / top) * 100}%`;
      return h('div', { class: ['bar-row', a.selected && 'selected'], dataset: { id: a.id, count: n } },
        h('span', { class: 'bar-name' }, a.name),
        h('span', { class: 'bar-track' }, fill),
        h('span', { class: 'bar-count' }, String(n)),
        h('span', { class: 'sel-mark', title: a.selected ? t('vote.selected') : '' }, a.selected ? '✓' : ''));
    }));
}

/**
 * ballot is one's own vote in the open round: yes/no or − count + per candidate, and the dots
 * left. Each press sends the absolute count (vote.cast); the ballot message confirms it.
 * Returns {el, update(round)}.
 */
export function ballot(store, conn) {
  let roundId = null;
  const pending = new Map(); // actorId -> count sent and not yet answered
  const saidNo = new Set(); // approve: candidates this page answered "no" (0 looks the same as not voted)
  const rows = new Map();
  const list = h('div', { class: 'ballot-list' });
  const left = h('p', { class: 'ballot-left', id: 'ballot-left', 'aria-live': 'polite' });
  const el = h('div', { class: 'ballot', id: 'ballot' }, left, list);
  let round = null;

  const mine = () => store.live.ballots.get(roundId)?.mine || {};
  const countOf = (id) => (pending.has(id) ? pending.get(id) : mine()[id] || 0);
  const dotsLeft = () => {
    const b = store.live.ballots.get(roundId);
    let used = 0;
    for (const id of round.candidates) used += countOf(id);
    if (b && typeof b.left === 'number') {
      // The server's count, corrected by what is still on its way.
      let sent = 0;
      for (const [id, n] of pending) sent += n - (b.mine[id] || 0);
      return b.left - sent;
    }
    return (round.dots || 0) - used;
  };

  function cast(id, count) {
    const r = round;
    pending.set(id, count);
    if (r.mode === 'approve' && count === 0) saidNo.add(id);
    render();
    const done = () => {
      if (pending.get(id) === count) pending.delete(id);
      render();
    };
    conn.op('vote.cast', { roundId: r.id, actorId: id, count }).then(done, done);
  }

  function row(a) {
    const name = h('span', { class: 'ballot-name' });
    let controls;
    let parts;
    if (round.mode === 'approve') {
      const yes = h('button', { type: 'button', class: 'seg-btn vote-yes' }, t('vote.yes'));
      const no = h('button', { type: 'button', class: 'seg-btn vote-no' }, t('vote.no'));
      yes.addEventListener('click', () => cast(a.id, 1));
      no.addEventListener('click', () => cast(a.id, 0));
      controls = h('div', { class: 'seg seg-vote', role: 'group' }, yes, no);
      parts = { yes, no };
    } else {
      const minus = h('button', { type: 'button', class: 'btn dot-btn vote-minus' }, '−');
      const plus = h('button', { type: 'button', class: 'btn dot-btn vote-plus' }, '+');
      const count = h('span', { class: 'dot-count', 'aria-live': 'polite' });
      const dots = h('span', { class: 'dot-pips', 'aria-hidden': 'true' });
      // aria-disabled, not disabled: a button that gets disabled under the keyboard's focus
      // throws the focus to the page's start; this one keeps it and does nothing.
      const off = (b) => b.getAttribute('aria-disabled') === 'true';
      minus.addEventListener('click', () => off(minus) || cast(a.id, Math.max(0, countOf(a.id) - 1)));
      plus.addEventListener('click', () => off(plus) || cast(a.id, countOf(a.id) + 1));
      controls = h('div', { class: 'dot-controls' }, minus, h('span', { class: 'dot-box' }, count, dots), plus);
      parts = { minus, plus, count, dots };
    }
    const el = h('div', { class: 'ballot-row', dataset: { id: a.id } }, name, controls);
    return {
      el,
      update(actor) {
        setText(name, actor.name);
        const n = countOf(actor.id);
        el.dataset.count = String(n);
        el.classList.toggle('pending', pending.has(actor.id));
        if (parts.yes) {
          parts.yes.setAttribute('aria-pressed', String(n === 1));
          parts.no.setAttribute('aria-pressed', String(n === 0 && saidNo.has(actor.id)));
          parts.yes.setAttribute('aria-label', `${t('vote.yes')}: ${actor.name}`);
          parts.no.setAttribute('aria-label', `${t('vote.no')}: ${actor.name}`);
        } else {
          setText(parts.count, String(n));
          setText(parts.dots, '●'.repeat(Math.min(n, 10)));
          parts.minus.setAttribute('aria-disabled', String(n <= 0));
          parts.plus.setAttribute('aria-disabled', String(dotsLeft() <= 0 || (round.maxPerActor > 0 && n >= round.maxPerActor)));
          parts.minus.setAttribute('aria-label', t('vote.minus', { name: actor.name }));
          parts.plus.setAttribute('aria-label', t('vote.plus', { name: actor.name }));
        }
      },
    };
  }

  function render() {
    if (!round) return;
    const byId = new Map(store.state.actors.map((a) => [a.id, a]));
    const candidates = round.candidates.filter((id) => byId.has(id)).map((id) => byId.get(id));
    syncList(list, rows, candidates, { make: row, update: (r, a) => r.update(a) });
    left.hidden = round.mode !== 'dots';
    if (round.mode === 'dots') {
      const n = dotsLeft();
      setText(left, t('vote.left', { n, of: round.dots }));
      left.classList.toggle('none-left', n <= 0);
    }
  }

  return {
    el,
    update(r) {
      if (r.id !== roundId) {
        roundId = r.id;
        pending.clear();
        saidNo.clear();
        rows.clear();
        list.replaceChildren();
      }
      round = r;
      render();
    },
  };
}

// phoneVote is step 4 on the phone: the criteria, one's ballot, then the result.
export function phoneVote(store, conn) {
  const criteria = criteriaList(store);
  const head = h('h3', { class: 'round-head' });
  const summary = h('p', { class: 'round-summary' });
  const voters = h('p', { class: 'voters', id: 'vote-voters' });
  const mine = ballot(store, conn);
  const notVoting = h('p', { class: 'note' }, t('vote.notYours'));
  const results = h('div', { class: 'vote-results-box' });
  const waiting = h('p', { class: 'note waiting' }, t('vote.waiting'));
  const el = h('div', { class: 'vote-phone' },
    h('p', { class: 'step-desc' }, t('step.4.desc')),
    criteria.el,
    h('section', { class: 'round-box' }, head, summary, voters, waiting, notVoting, mine.el, results));
  return {
    el,
    update() {
      const s = store.state;
      criteria.update();
      const open = openRound(s);
      const r = lastRound(s);
      waiting.hidden = !!open;
      setText(waiting, r && r.status === 'closed' ? t('vote.waitingClosed') : t('vote.waiting'));
      setText(head, open ? t('vote.openNow') : r ? t('vote.closedHead', { n: roundNumber(s, r) }) : t('vote.title'));
      summary.hidden = !r;
      voters.hidden = !r;
      if (r) {
        setText(summary, roundSummary(store, r));
        setText(voters, votersLine(store, r));
      }
      const voting = !!open && mayVote(store, open);
      mine.el.hidden = !voting;
      notVoting.hidden = !open || voting;
      if (voting) mine.update(open);
      // The result once a round is closed; while open only one's own ballot (no herding).
      const bars = r && r.status === 'closed' ? resultBars(store, r) : null;
      results.replaceChildren(...(bars ? [h('h4', null, t('vote.result')), bars] : []));
    },
  };
}

// projectorVote is step 4 on the projector: the criteria beside the round and its bars.
export function projectorVote(store) {
  const criteria = criteriaList(store);
  const head = h('h2', { class: 'round-head' });
  const summary = h('p', { class: 'round-summary' });
  const voters = h('p', { class: 'voters', id: 'vote-voters' });
  const body = h('div', { class: 'round-body' });
  // The bars in pages when there are too many for one screen (fit.js decides).
  let bars = null;
  const pages = pager(() => bars);
  const chosenHead = h('h3', { class: 'chosen-head' });
  const chosen = h('ul', { class: 'chosen-list', id: 'selected-list' });
  const el = h('div', { class: 'vote-present' },
    h('div', { class: 'vote-criteria' }, criteria.el, h('section', { class: 'chosen' }, chosenHead, chosen)),
    h('section', { class: 'vote-round' }, head, summary, voters, body, pages.note));
  return {
    el,
    paging: pages,
    update() {
      const s = store.state;
      criteria.update();
      // The selection so far, under the criteria it was made by.
      const sel = s.actors.filter((a) => a.selected);
      chosenHead.hidden = sel.length === 0;
      setText(chosenHead, t('vote.selectedCount', { n: sel.length }));
      chosen.replaceChildren(...sel.map((a) => h('li', { dataset: { id: a.id } }, a.name)));
      const r = lastRound(s);
      summary.hidden = !r;
      voters.hidden = !r;
      if (!r) {
        setText(head, t('vote.title'));
        bars = null;
        body.replaceChildren(h('p', { class: 'empty' }, t('vote.none')));
        return;
      }
      setText(head, r.status === 'open' ? t('vote.openNow') : t('vote.closedHead', { n: roundNumber(s, r) }));
      setText(summary, roundSummary(store, r));
      setText(voters, votersLine(store, r));
      bars = resultBars(store, r);
      body.replaceChildren(bars || h('p', { class: 'hidden-result', id: 'vote-hidden' }, t('vote.afterClose')));
    },
  };
}
