// The client's copy of a workshop's shared state (PROTOCOL.md "State") and the rules that move
// it forward event by event. The rules mirror session.ApplyEvent on the server, so that every
// client reaches the same state from the same events.

import { diff } from './ot.js';

export class Store {
  constructor() {
    this.textHooks = new Map(); // text key -> Set of fn(change) (coedit.js)
    this.state = null; // the snapshot, mutated in place by applyEvent
    this.you = null; // {participantId, participantToken, role, name} from welcome
    this.presence = { online: new Set(), viewers: 0 };
    this.clockOffset = 0; // serverTime - Date.now() at the last welcome (timer.js)
    this.clearLive();
  }

  // The live messages (PROTOCOL.md): not sequenced, not part of the state. After each welcome
  // the server sends the current ones again, so a welcome starts them afresh.
  clearLive() {
    this.live = {
      estimates: new Map(), // actorId -> {n, importance?, replaceability?, dependency?, form?}
      tallies: new Map(), // roundId -> {voters, tally (null when hidden)}
      ballots: new Map(), // roundId -> {mine: {actorId: n}, left}
      mine: new Map(), // actorId -> this participant's own estimate (the "estimate" message)
      progress: null, // {actors, counts: {participantId: {rated, placed}}} (progress.js)
    };
  }

  // applyLive takes a tally, ballot, estimates, estimate or progress message; it answers whether
  // it was one.
  applyLive(msg) {
    switch (msg.type) {
      case 'estimates':
        if (msg.actorId) this.live.estimates.set(msg.actorId, msg);
        return true;
      case 'tally':
        if (msg.roundId) this.live.tallies.set(msg.roundId, { voters: msg.voters || 0, tally: msg.tally || null });
        return true;
      case 'estimate':
        if (msg.actorId) this.live.mine.set(msg.actorId, msg.mine || {});
        return true;
      case 'ballot':
        if (msg.roundId) this.live.ballots.set(msg.roundId, { mine: msg.mine || {}, left: msg.left ?? null });
        return true;
      case 'progress':
        this.live.progress = { actors: msg.actors || 0, counts: msg.counts || {} };
        return true;
      default:
        return false;
    }
  }

  // serverNow is the server's clock as this page best knows it.
  serverNow() {
    return Date.now() + this.clockOffset;
  }

  // onText calls fn with every change of the text key (PROTOCOL.md, text.edit):
  // {edit, version, key, by}, or {reset: true} when a snapshot replaced the state. Answers
  // the function that stops it.
  onText(key, fn) {
    if (!this.textHooks.has(key)) this.textHooks.set(key, new Set());
    this.textHooks.get(key).add(fn);
    return () => this.textHooks.get(key)?.delete(fn);
  }

  reset(snapshot) {
    this.state = snapshot;
    this.state.textVersions ||= {};
    const s = this.state;
    s.actors ||= [];
    s.criteria ||= [];
    s.rounds ||= [];
    s.participants ||= [];
    s.timer ||= null;
    for (const fns of this.textHooks.values()) for (const fn of [...fns]) fn({ reset: true });
    // baseline (the table as it was when the workshop left step 2) is newer than the rest of
    // the protocol: undefined means this server does not keep one, null that there is none yet.
  }

  setPresence(msg) {
    this.presence = { online: new Set(msg.online || []), viewers: msg.viewers || 0 };
  }

  // applyEvent changes the state by one sequenced event. Unknown events are ignored: a newer
  // server may send events this page does not show yet.
  applyEvent(name, data, by = '') {
    const s = this.state;
    if (!s || !data) return;
    const keys = textKeys(s, name, data);
    const before = keys.map((k) => textOf(s, k));
    this.applyChange(name, data);
    keys.forEach((k, i) => this.noteText(k, before[i], data, by));
  }

  // noteText moves the version of text k when the event changed it, as the server does,
  // and tells the text's fields: the change as committed, or the splice from the old text
  // to the new one.
  noteText(k, old, data, by) {
    const s = this.state;
    const now = textOf(s, k);
    const change = data.text && data.text.field === k ? data.text : null;
    if (old === undefined || (old === now && !change)) return;
    s.textVersions ||= {};
    if (old !== now) s.textVersions[k] = (s.textVersions[k] || 0) + 1;
    const info = { edit: change ? change.edit || [] : diff(old, now), version: s.textVersions[k] || 0, key: change?.key || '', by };
    for (const fn of [...(this.textHooks.get(k) || [])]) fn(info);
  }

  applyChange(name, data) {
    const s = this.state;
    switch (name) {
      case 'participant.joined':
      case 'participant.updated':
        upsert(s.participants, data.participant);
        if (this.you && data.participant.id === this.you.participantId) this.you.name = data.participant.name;
        break;
      case 'participant.removed':
        s.participants = s.participants.filter((p) => p.id !== data.id);
        break;
      case 'actor.added':
      case 'actor.updated':
        upsert(s.actors, data.actor);
        break;
      case 'actor.removed':
        dropActor(s, data.id, '');
        this.live.estimates.delete(data.id);
        this.live.mine.delete(data.id);
        break;
      case 'actor.merged':
        // The kept actor comes whole; the duplicate leaves like a removed one. Its ballots and
        // estimates move on the server, and new tallies and estimates follow as live messages.
        upsert(s.actors, data.actor);
        dropActor(s, data.id, data.into);
        this.live.estimates.delete(data.id);
        this.live.mine.delete(data.id);
        break;
      case 'ranking.changed':
        for (const a of s.actors) {
          const r = (data.ranks && data.ranks[a.id]) || 0;
          if (r !== a.rank) {
            a.rank = r;
            a.version = (a.version || 0) + 1;
          }
        }
        break;
      case 'step.changed':
        // Moving on from the analysis (step 1 or 2 to step 3 or later) keeps it as the baseline
        // that step 6 compares with, as the server does; a server without baselines sends
        // none in its snapshot (undefined), and then this page keeps none either.
        if (s.baseline !== undefined && s.step <= BASELINE_STEP && data.step > BASELINE_STEP) s.baseline = baselineOf(s.actors);
        s.step = data.step;
        break;
      case 'workshop.updated':
        for (const k of ['title', 'issue', 'goal', 'locale']) if (k in data) s[k] = data[k];
        break;
      case 'lock.changed':
        s.locked = !!data.locked;
        break;
      case 'projector.changed':
        s.projector = data.view;
        break;
      case 'timer.changed':
        s.timer = data.timer || null;
        break;
      case 'criterion.added':
      case 'criterion.updated':
        upsert(s.criteria, data.criterion);
        break;
      case 'criterion.removed':
        s.criteria = s.criteria.filter((c) => c.id !== data.id);
        break;
      case 'round.opened':
      case 'round.closed':
        upsert(s.rounds, data.round);
        break;
      default:
        break;
    }
  }

  participant(id) {
    return this.state?.participants.find((p) => p.id === id) || null;
  }

  isOnline(id) {
    return this.presence.online.has(id);
  }

  // onlineParticipants counts the people online with a phone or laptop, the facilitator left
  // out (the projector shows how many of the group have joined).
  onlineParticipants() {
    if (!this.state) return 0;
    let n = 0;
    for (const id of this.presence.online) {
      const p = this.participant(id);
      if (!p || p.role !== 'facilitator') n++;
    }
    return n;
  }
}

// upsert replaces the item with the same id, or appends it (creation order is kept).
function upsert(list, item) {
  if (!item) return;
  const i = list.findIndex((x) => x.id === item.id);
  if (i >= 0) list[i] = item;
  else list.push(item);
}

// dropActor removes an actor everywhere it appears, as the server does: the ranks behind it
// move up by one so the ranking stays without holes, and it leaves every round's candidates
// and tallies, and it is recorded in s.gone. When it was merged into another actor, a tally's
// count of it moves onto that actor where that one is a candidate of the round (a tally is a
// sum, so it is not capped).
function dropActor(s, id, into) {
  const i = s.actors.findIndex((a) => a.id === id);
  if (i < 0) return;
  const [gone] = s.actors.splice(i, 1);
  s.gone = { ...(s.gone || {}), [id]: into || '' }; // where it went (PROTOCOL.md extensions)
  if (gone.rank > 0) {
    for (const a of s.actors) {
      if (a.rank > gone.rank) {
        a.rank--;
        a.version = (a.version || 0) + 1;
      }
    }
  }
  for (const r of s.rounds) {
    if (r.candidates) r.candidates = r.candidates.filter((c) => c !== id);
    if (r.tally && id in r.tally) {
      const count = r.tally[id];
      delete r.tally[id];
      if (into && r.candidates?.includes(into)) r.tally[into] = (r.tally[into] || 0) + count;
    }
  }
}

// baselineOf is the part of each actor that step 6 compares with (PROTOCOL.md "baseline").
const BASELINE_STEP = 2;
export const BASELINE_FIELDS = ['name', 'category', 'importance', 'replaceability', 'replaceableBy', 'dependency', 'rank'];

function baselineOf(actors) {
  const out = {};
  for (const a of actors) {
    const b = {};
    for (const k of BASELINE_FIELDS) b[k] = a[k];
    out[a.id] = b;
  }
  return out;
}

// The free texts (PROTOCOL.md, text.edit) by key: "issue", "goal", "actor/{id}/{field}",
// "criterion/{id}/text".
export function textKey(target, id, field) {
  return target === 'workshop' ? field : `${target}/${id}/${field}`;
}

// textKeys answers the keys of the texts an event may change (those that exist before it).
function textKeys(s, name, data) {
  switch (name) {
    case 'workshop.updated':
      return ['issue', 'goal'];
    case 'actor.updated':
    case 'actor.merged':
      if (!data.actor || !s.actors.some((a) => a.id === data.actor.id)) return [];
      return ['name', 'resources', 'replaceableBy', 'notes'].map((f) => textKey('actor', data.actor.id, f));
    case 'criterion.updated':
      if (!data.criterion || !s.criteria.some((c) => c.id === data.criterion.id)) return [];
      return [textKey('criterion', data.criterion.id, 'text')];
    default:
      return [];
  }
}

// textOf answers the text of key in s, or undefined when it has none.
export function textOf(s, key) {
  if (key === 'issue' || key === 'goal') return s[key] || '';
  const [target, id, field] = key.split('/');
  if (target === 'criterion') {
    const c = s.criteria.find((x) => x.id === id);
    return c ? c.text || '' : undefined;
  }
  const a = s.actors.find((x) => x.id === id);
  if (!a) return undefined;
  return (field === 'notes' ? a.followUp?.notes : a[field]) || '';
}
