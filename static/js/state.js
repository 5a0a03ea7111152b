// The client's copy of a workshop's shared state (PROTOCOL.md "State") and the rules that move
// it forward event by event. The rules mirror session.ApplyEvent on the server, so that every
// client reaches the same state from the same events.

export class Store {
  constructor() {
    this.state = null; // the snapshot, mutated in place by applyEvent
    this.you = null; // {participantId, participantToken, role, name} from welcome
    this.presence = { online: new Set(), viewers: 0 };
  }

  reset(snapshot) {
    this.state = snapshot;
    const s = this.state;
    s.actors ||= [];
    s.criteria ||= [];
    s.rounds ||= [];
    s.participants ||= [];
  }

  setPresence(msg) {
    this.presence = { online: new Set(msg.online || []), viewers: msg.viewers || 0 };
  }

  // applyEvent changes the state by one sequenced event. Unknown events are ignored: a newer
  // server may send events this page does not show yet.
  applyEvent(name, data) {
    const s = this.state;
    if (!s || !data) return;
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
        dropActor(s, data.id);
        break;
      case 'actor.merged':
        upsert(s.actors, data.actor);
        dropActor(s, data.id);
        break;
      case 'ranking.changed':
        for (const a of s.actors) a.rank = (data.ranks && data.ranks[a.id]) || 0;
        break;
      case 'step.changed':
        s.step = data.step;
        break;
      case 'workshop.updated':
        for (const k of ['title', 'issue', 'goal', 'locale']) if (k in data) s[k] = data[k];
        break;
      case 'lock.changed':
        s.locked = !!data.locked;
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
// move up by one so the ranking stays without holes, and it leaves every round's candidates.
function dropActor(s, id) {
  const i = s.actors.findIndex((a) => a.id === id);
  if (i < 0) return;
  const [gone] = s.actors.splice(i, 1);
  if (gone.rank > 0) {
    for (const a of s.actors) if (a.rank > gone.rank) a.rank--;
  }
  for (const r of s.rounds) {
    if (r.candidates) r.candidates = r.candidates.filter((c) => c !== id);
  }
}
