// Step 4 for the facilitator: criteria, opening and closing a vote round, and marking the
// selected actors with the tallies beside them.
import { changeGate, h, setText, syncList } from './dom.js';
import { t } from './i18n.js';
import { stepLabel } from './widgets.js';
import { toast } from './feedback.js';
import { confirmDialog } from './dialog.js';
import { uuid4 } from './ids.js';
import { criteriaEditor } from './criteria.js';
import { byRank } from './ranking.js';
import { openRound, lastRound, roundNumber, roundSummary, votersLine, resultBars, tallyOf, ballot, mayVote } from './vote.js';

const DEFAULT_DOTS = 5;
const DEFAULT_MAX_PER_ACTOR = 3;
const SHOWN_ROUNDS = 3; // tally columns beside the selection: the latest rounds

function numberField(id, label, value) {
  const input = h('input', { type: 'number', id, min: 1, max: 200, step: 1, value, inputmode: 'numeric', class: 'num-input' });
  return { input, el: h('label', { class: 'inline-field', for: id }, h('span', { class: 'field-label' }, label), input) };
}

// roundForm: how the next round works and who is on the ballot.
function roundForm(store, conn) {
  const mode = h('select', { id: 'round-mode' },
    h('option', { value: 'approve' }, t('vote.modeApprove')),
    h('option', { value: 'dots' }, t('vote.modeDots')));
  const dots = numberField('round-dots', t('vote.dots'), DEFAULT_DOTS);
  const max = numberField('round-max', t('vote.maxPerActor'), DEFAULT_MAX_PER_ACTOR);
  const reveal = h('select', { id: 'round-reveal' },
    h('option', { value: 'onClose' }, t('vote.revealOnClose')),
    h('option', { value: 'live' }, t('vote.revealLive')));
  const anonymous = h('input', { type: 'checkbox', id: 'round-anonymous', checked: true });
  const facVotes = h('input', { type: 'checkbox', id: 'round-facvotes' });
  const unchecked = new Set(); // candidates left out; a new actor is in by default
  const boxes = h('div', { class: 'candidate-boxes', id: 'round-candidates' });
  const quick = (label, pick) => {
    const b = h('button', { type: 'button', class: 'btn btn-small' }, label);
    b.addEventListener('click', () => {
      unchecked.clear();
      for (const a of store.state.actors) if (!pick(a)) unchecked.add(a.id);
      renderBoxes(true);
    });
    return b;
  };
  const submit = h('button', { type: 'submit', id: 'round-open', class: 'btn btn-primary' }, t('vote.open'));
  const dotsBox = h('div', { class: 'dots-fields' }, dots.el, max.el);
  const form = h('form', { class: 'round-form', id: 'round-form' },
    h('h3', null, t('vote.new')),
    h('div', { class: 'form-grid' },
      h('label', { class: 'inline-field', for: 'round-mode' }, h('span', { class: 'field-label' }, t('vote.mode')), mode),
      dotsBox,
      h('label', { class: 'inline-field', for: 'round-reveal' }, h('span', { class: 'field-label' }, t('vote.reveal')), reveal)),
    h('div', { class: 'check-row' },
      h('label', { class: 'check' }, anonymous, ' ', t('vote.anonymousLabel')),
      h('label', { class: 'check' }, facVotes, ' ', t('vote.facVotesLabel'))),
    h('div', { class: 'candidates-head' }, h('span', { class: 'field-label' }, t('vote.candidates')),
      quick(t('vote.all'), () => true), quick(t('vote.ranked'), (a) => a.rank > 0), quick(t('vote.nobody'), () => false)),
    boxes,
    submit);
  const showDots = () => {
    dotsBox.hidden = mode.value !== 'dots';
  };
  mode.addEventListener('change', showDots);
  showDots();

  const changed = changeGate();
  function renderBoxes(force) {
    const actors = byRank(store.state.actors);
    // Rebuild only when the actors change, so a box keeps its focus across other renders.
    if (!changed(actors.map((a) => [a.id, a.name])) && force !== true) return;
    boxes.replaceChildren(...actors.map((a) => {
      const box = h('input', { type: 'checkbox', class: 'round-candidate', value: a.id, checked: !unchecked.has(a.id) });
      box.addEventListener('change', () => {
        if (box.checked) unchecked.delete(a.id);
        else unchecked.add(a.id);
      });
      return h('label', { class: 'check candidate' }, box, ' ', a.name);
    }));
    submit.disabled = actors.length === 0;
  }

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const candidates = byRank(store.state.actors).filter((a) => !unchecked.has(a.id)).map((a) => a.id);
    if (candidates.length === 0) {
      toast(t('vote.noCandidates'));
      return;
    }
    // An id made here: a resend after a lost connection opens no second round.
    const data = { id: uuid4(), mode: mode.value, anonymous: anonymous.checked, reveal: reveal.value, candidates, facilitatorVotes: facVotes.checked };
    if (mode.value === 'dots') {
      data.dots = Number(dots.input.value) || DEFAULT_DOTS;
      data.maxPerActor = Number(max.input.value) || DEFAULT_MAX_PER_ACTOR;
    }
    submit.disabled = true;
    const again = () => {
      submit.disabled = false;
    };
    conn.op('round.open', data).then(again, again);
  });

  return { el: form, update: () => renderBoxes() };
}

// openPanel: the round that runs now, its live counts and the close button.
function openPanel(store, conn) {
  const head = h('h3', { class: 'round-head' });
  const summary = h('p', { class: 'round-summary' });
  const voters = h('p', { class: 'voters', id: 'vote-voters' });
  const body = h('div', { class: 'round-body' });
  const close = h('button', { type: 'button', id: 'round-close', class: 'btn btn-primary' }, t('vote.close'));
  const mine = ballot(store, conn);
  const mineBox = h('div', { class: 'fac-ballot' }, h('h4', null, t('vote.yourBallot')), mine.el);
  let round = null;
  close.addEventListener('click', async () => {
    const r = round;
    if (!r) return;
    const ok = await confirmDialog({ title: t('vote.closeConfirm'), body: t('vote.closeBody', { voters: votersLine(store, r) }), ok: t('vote.close') });
    if (ok) conn.op('round.close', { roundId: r.id });
  });
  return {
    el: h('section', { class: 'round-open' }, h('div', { class: 'round-top' }, head, close), summary, voters, body, mineBox),
    update(r) {
      round = r;
      setText(head, t('vote.openNow'));
      setText(summary, roundSummary(store, r));
      setText(voters, votersLine(store, r));
      body.replaceChildren(resultBars(store, r) || h('p', { class: 'hidden-result' }, t('vote.afterClose')));
      mineBox.hidden = !mayVote(store, r);
      if (!mineBox.hidden) mine.update(r);
    },
  };
}

// selectionTable: every actor, the tallies of the latest rounds, and whether it is selected.
function selectionTable(store, conn) {
  const head = h('tr');
  const body = h('tbody');
  const rows = new Map(); // actor id -> selectionRow
  const table = h('table', { class: 'select-table', id: 'select-table' }, h('thead', null, head), body);
  const count = h('p', { class: 'muted' });
  return {
    el: h('section', { class: 'selection' }, h('h3', null, t('vote.selection')), h('p', { class: 'hint' }, t('vote.selectionHint')), count, h('div', { class: 'table-scroll' }, table)),
    update() {
      const s = store.state;
      const rounds = s.rounds.slice(-SHOWN_ROUNDS);
      const latest = lastRound(s);
      const latestTally = latest ? tallyOf(store, latest) : null;
      head.replaceChildren(
        h('th', null, t('actor.name')),
        ...rounds.map((r) => h('th', { class: 'col-num' }, t('vote.roundShort', { n: roundNumber(s, r) }))),
        h('th', null, t('vote.selected')));
      const actors = byRank(s.actors);
      if (latestTally) actors.sort((a, b) => (latestTally[b.id] || 0) - (latestTally[a.id] || 0));
      setText(count, t('vote.selectedCount', { n: s.actors.filter((a) => a.selected).length }));
      // Rows are kept and changed in place (tallies arrive several times a second while a
      // round is open): a row drawn anew under a finger or the keyboard loses the tap or
      // the focus on its button.
      syncList(body, rows, actors, { make: selectionRow, update: (row, a) => row.update(a, rounds) });
    },
  };

  function selectionRow(a) {
    let current = a;
    const name = h('td', { class: 'actor-name' });
    const toggle = h('button', { type: 'button', class: 'btn btn-small select-toggle', dataset: { id: a.id } });
    toggle.addEventListener('click', () => conn.op('actor.select', { id: current.id, selected: !current.selected }));
    const last = h('td', null, toggle);
    const el = h('tr', { dataset: { id: a.id } }, name, last);
    return {
      el,
      update(actor, rounds) {
        current = actor;
        el.classList.toggle('selected', !!actor.selected);
        setText(name, actor.name);
        while (el.children.length > 2) el.children[1].remove();
        for (const r of rounds) {
          const tally = tallyOf(store, r);
          const on = (r.candidates || []).includes(actor.id);
          el.insertBefore(h('td', { class: 'col-num tally' }, !on ? '–' : tally ? String(tally[actor.id] || 0) : '?'), last);
        }
        toggle.classList.toggle('on', !!actor.selected);
        toggle.setAttribute('aria-pressed', String(!!actor.selected));
        toggle.setAttribute('aria-label', t('vote.selectLabel', { name: actor.name }));
        setText(toggle, actor.selected ? `✓ ${t('vote.selectedYes')}` : t('vote.select'));
      },
    };
  }
}

// consoleVote is step 4 for the facilitator.
export function consoleVote(store, conn) {
  const criteria = criteriaEditor(store, conn);
  const form = roundForm(store, conn);
  const open = openPanel(store, conn);
  const last = h('div', { class: 'last-round' });
  const selection = selectionTable(store, conn);
  return {
    el: h('section', { class: 'vote-facilitator' },
      h('h2', null, stepLabel(4)),
      h('p', { class: 'step-desc' }, t('step.4.desc')),
      h('div', { class: 'vote-cols' },
        h('div', { class: 'vote-col' }, criteria.el),
        h('div', { class: 'vote-col' }, open.el, form.el, last)),
      selection.el),
    update() {
      const s = store.state;
      criteria.update();
      const r = openRound(s);
      open.el.hidden = !r;
      form.el.hidden = !!r;
      if (r) open.update(r);
      else form.update();
      const prev = !r && lastRound(s);
      last.replaceChildren(...(prev ? [h('h3', null, t('vote.closedHead', { n: roundNumber(s, prev) })), h('p', { class: 'round-summary' }, roundSummary(store, prev), ' · ', votersLine(store, prev)), resultBars(store, prev)] : []));
      selection.update();
    },
  };
}
