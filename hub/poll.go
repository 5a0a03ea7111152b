package hub

import (
	"context"
	"encoding/json"
	"maps"
	"slices"
	"time"

	"github.com/arena-workshop/arena/session"
)

// pollDelay coalesces tallies and estimates: 40 phones voting at once cause a few
// tally messages a second, not 40 × 40.
const pollDelay = 100 * time.Millisecond

// Live messages of votes and estimates (PROTOCOL.md).
type tallyMsg struct {
	Type    string         `json:"type"` // "tally"
	RoundID string         `json:"roundId"`
	Voters  int            `json:"voters"`
	Tally   map[string]int `json:"tally,omitempty"`
}

type ballotMsg struct {
	Type    string         `json:"type"` // "ballot"
	RoundID string         `json:"roundId"`
	Mine    session.Ballot `json:"mine"`
	Left    int            `json:"left"`
}

// estimateMsg gives a participant its own estimate of an actor (an extension of
// PROTOCOL.md: a phone that reloads shows its answers again).
type estimateMsg struct {
	Type    string           `json:"type"` // "estimate"
	ActorID string           `json:"actorId"`
	Mine    session.Estimate `json:"mine"`
}

// notice is the live notice that votes of a round or estimates of an actor changed;
// every instance then reads them again (coalesced) and tells its connections.
type notice struct {
	Type    string `json:"type"` // "tally.changed" or "estimates.changed"
	RoundID string `json:"roundId,omitempty"`
	ActorID string `json:"actorId,omitempty"`
}

// polls is a room's copy of the votes and estimates of its workshop, for the welcome of
// newcomers and to tell who needs a new ballot or estimate message; under room.vmu.
type polls struct {
	loaded    bool
	ballots   map[string]map[string]session.Ballot   // round -> participant -> ballot
	tallies   map[string][2][]byte                   // round -> full, hidden tally message
	shown     map[string]map[string]string           // round -> participant -> last ballot message
	estimates map[string]map[string]session.Estimate // actor -> participant -> estimate
	spreads   map[string][]byte                      // actor -> estimates message
	progress  []byte                                 // the last progress message (who is done)

	// under room.mu: what the next refresh reads again
	queued bool
	rounds map[string]bool
	actors map[string]bool
}

func newPolls() polls {
	return polls{
		ballots: map[string]map[string]session.Ballot{}, tallies: map[string][2][]byte{}, shown: map[string]map[string]string{},
		estimates: map[string]map[string]session.Estimate{}, spreads: map[string][]byte{},
		rounds: map[string]bool{}, actors: map[string]bool{},
	}
}

func marshal(v any) []byte { b, _ := json.Marshal(v); return b }

// answer sends an op's answer: an ack at the current seq, or the error.
func (h *Hub) answer(c *Conn, ref string, seq uint64, err error) {
	if err != nil {
		h.stats.OpErrors.Add(1)
		c.enqueue(EncodeError(ref, h.asError(err)))
		return
	}
	c.enqueue(encodeAck(ref, seq, ""))
}

// vote runs vote.cast: the engine stores the ballot atomically; the voter's
// connections get their ballot now, everyone the tally shortly.
func (h *Hub) vote(ctx context.Context, c *Conn, wsID, ref string, data json.RawMessage) {
	v, err := session.DecodeVote(data)
	if err != nil {
		h.answer(c, ref, 0, err)
		return
	}
	st, seq, err := h.eng.Snapshot(ctx, wsID)
	if err != nil {
		h.answer(c, ref, 0, err)
		return
	}
	caller := session.Caller{ID: c.ParticipantID, Role: c.Role}
	rd, _ := st.RoundByID(v.RoundID)
	if rd == nil {
		_, err := session.CastVote(st, caller, v, nil) // says why: not_found, or forbidden first
		h.answer(c, ref, seq, err)
		return
	}
	b, err := h.eng.CastVote(ctx, wsID, rd, c.ParticipantID, func(mine session.Ballot) (session.Ballot, error) {
		return session.CastVote(st, caller, v, mine)
	})
	if err != nil {
		h.answer(c, ref, seq, err)
		return
	}
	h.answer(c, ref, seq, nil)
	// A merge committed since st: show and keep the ballot as it counts now.
	if cur, _, err := h.eng.Snapshot(ctx, wsID); err == nil && len(cur.Gone) > len(st.Gone) {
		if rc, _ := cur.RoundByID(v.RoundID); rc != nil {
			rd, b = rc, cur.FoldBallot(rc, b)
		}
	}
	if r := c.home(); r != nil {
		msg := ballotFor(rd, b)
		r.vmu.Lock()
		if r.polls.ballots[v.RoundID] == nil {
			r.polls.ballots[v.RoundID] = map[string]session.Ballot{}
			r.polls.shown[v.RoundID] = map[string]string{}
		}
		r.polls.ballots[v.RoundID][c.ParticipantID] = b
		r.polls.shown[v.RoundID][c.ParticipantID] = string(msg)
		r.vmu.Unlock()
		r.toParticipant(c.ParticipantID, msg)
	}
	h.notify(wsID, notice{Type: "tally.changed", RoundID: v.RoundID})
}

// estimate runs estimate.set.
func (h *Hub) estimate(ctx context.Context, c *Conn, wsID, ref string, data json.RawMessage) {
	st, seq, err := h.eng.Snapshot(ctx, wsID)
	if err != nil {
		h.answer(c, ref, 0, err)
		return
	}
	set, err := session.DecodeEstimate(st, session.Caller{ID: c.ParticipantID, Role: c.Role}, data)
	if err != nil {
		h.answer(c, ref, seq, err)
		return
	}
	e, err := h.eng.SetEstimate(ctx, wsID, set.ActorID, c.ParticipantID, func(cur session.Estimate) (session.Estimate, error) {
		return set.Apply(cur), nil
	})
	if err != nil {
		h.answer(c, ref, seq, err)
		return
	}
	h.answer(c, ref, seq, nil)
	// Decided on a state from before a merge of this actor and stored after it: set the
	// same fields where the actor went, as if it came after the merge (reads fold what is
	// left on the merged-away actor, where the fields already set on into win).
	if cur, _, err := h.eng.Snapshot(ctx, wsID); err == nil {
		if into := cur.MergedInto(set.ActorID); into != "" {
			if _, err := h.eng.SetEstimate(ctx, wsID, into, c.ParticipantID, func(cur session.Estimate) (session.Estimate, error) {
				return set.Apply(cur), nil
			}); err != nil {
				h.log.Error("estimate after a merge", "workshop", wsID, "err", err)
			}
			h.notify(wsID, notice{Type: "estimates.changed", ActorID: into})
		}
	}
	if r := c.home(); r != nil {
		r.vmu.Lock()
		if r.polls.estimates[set.ActorID] == nil {
			r.polls.estimates[set.ActorID] = map[string]session.Estimate{}
		}
		r.polls.estimates[set.ActorID][c.ParticipantID] = e
		r.vmu.Unlock()
		r.toParticipant(c.ParticipantID, marshal(estimateMsg{Type: "estimate", ActorID: set.ActorID, Mine: e}))
	}
	h.notify(wsID, notice{Type: "estimates.changed", ActorID: set.ActorID})
}

// ReadEstimates reads the estimates of actors in workshop id, folded through the merges
// of st (session.State.FoldEstimates): an estimate that reached an actor after it was
// merged away counts where it went.
func ReadEstimates(ctx context.Context, eng Engine, id string, st *session.State, actors []string) (map[string]map[string]session.Estimate, error) {
	raw, err := eng.Estimates(ctx, id, append(slices.Clone(actors), st.GoneInto(actors)...))
	if err != nil {
		return nil, err
	}
	return st.FoldEstimates(actors, raw), nil
}

// notify publishes a notice to every instance (this one too).
func (h *Hub) notify(wsID string, n notice) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := h.eng.PublishLive(ctx, wsID, marshal(n)); err != nil {
		h.log.Warn("publish", "workshop", wsID, "err", err)
	}
}

// afterCommit sends what an op's event means for votes and estimates: merged actors
// move their ballots and estimates; opened, closed and changed rounds get new tallies.
func (h *Hub) afterCommit(wsID string, ev *session.Event, st *session.State) {
	if ev == nil {
		return
	}
	switch ev.Name {
	case session.EvActorMerged:
		d, ok := ev.Data.(*session.MergeData)
		if !ok {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		// Where d.ID's votes belong now: a later merge of d.Into may have committed (and
		// moved) already. Reads fold ballots through the merges anyway (FoldBallots);
		// estimates are only read where they are stored.
		into, rounds := d.Into, st.Rounds
		if cur, _, err := h.eng.Snapshot(ctx, wsID); err == nil {
			if now := cur.MergedInto(d.ID); now != "" {
				into, rounds = now, cur.Rounds
			}
		}
		if err := h.eng.MoveActor(ctx, wsID, d.ID, into, rounds); err != nil {
			h.log.Error("move ballots and estimates", "workshop", wsID, "err", err)
		}
		h.notify(wsID, notice{Type: "estimates.changed", ActorID: into})
		h.notify(wsID, notice{Type: "estimates.changed", ActorID: d.ID})
		for _, r := range st.Rounds {
			h.notify(wsID, notice{Type: "tally.changed", RoundID: r.ID})
		}
	case session.EvActorRemoved, session.EvRoundOpened, session.EvRoundClosed:
		if d, ok := ev.Data.(*session.IDData); ok && ev.Name == session.EvActorRemoved {
			// Its estimates no longer count as answers (the progress message).
			h.notify(wsID, notice{Type: "estimates.changed", ActorID: d.ID})
		}
		for _, r := range st.Rounds {
			if r.Status == session.RoundStatusOpen || ev.Name == session.EvRoundClosed {
				h.notify(wsID, notice{Type: "tally.changed", RoundID: r.ID})
			}
		}
	}
}

// closeRound prepares round.close: no more votes, then the final ballots for the tally.
func (h *Hub) closeRound(ctx context.Context, wsID string, data json.RawMessage) (func(string) map[string]session.Ballot, error) {
	var d struct {
		RoundID string `json:"roundId"`
	}
	if json.Unmarshal(data, &d) != nil || d.RoundID == "" {
		return nil, nil // session reports the bad data
	}
	st, _, err := h.eng.Snapshot(ctx, wsID)
	if err != nil {
		return nil, err
	}
	if r, _ := st.RoundByID(d.RoundID); r == nil || r.Status != session.RoundStatusOpen {
		return nil, nil // session answers not_found or closed
	}
	if err := h.eng.CloseRound(ctx, wsID, d.RoundID); err != nil {
		return nil, err
	}
	ballots, err := h.eng.Ballots(ctx, wsID, d.RoundID)
	if err != nil {
		return nil, err
	}
	return func(id string) map[string]session.Ballot {
		if id == d.RoundID {
			return ballots
		}
		return nil
	}, nil
}

// onNotice queues a refresh of what a notice names.
func (r *room) onNotice(n notice) {
	r.mu.Lock()
	defer r.mu.Unlock()
	switch n.Type {
	case "tally.changed":
		r.polls.rounds[n.RoundID] = true
	case "estimates.changed":
		r.polls.actors[n.ActorID] = true
	default:
		return
	}
	if !r.polls.queued {
		r.polls.queued = true
		time.AfterFunc(pollDelay, r.refreshPolls)
	}
}

// refreshPolls reads the queued rounds and actors again and sends what changed.
func (r *room) refreshPolls() {
	r.mu.Lock()
	r.polls.queued = false
	rounds := slices.Collect(maps.Keys(r.polls.rounds))
	actors := slices.Collect(maps.Keys(r.polls.actors))
	clear(r.polls.rounds)
	clear(r.polls.actors)
	r.mu.Unlock()

	r.vmu.Lock()
	defer r.vmu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	if !r.polls.loaded {
		r.loadPolls(ctx) // loads everything; the queued ones are fresh then
		return
	}
	st, _, err := r.hub.eng.Snapshot(ctx, r.id)
	if err != nil {
		return
	}
	for _, id := range rounds {
		rd, _ := st.RoundByID(id)
		if rd == nil {
			continue
		}
		ballots, err := r.hub.eng.Ballots(ctx, r.id, id)
		if err != nil {
			continue
		}
		r.setBallots(rd, st.FoldBallots(rd, ballots), true)
	}
	if len(actors) > 0 {
		est, err := ReadEstimates(ctx, r.hub.eng, r.id, st, actors)
		if err == nil {
			for a, m := range est {
				r.setEstimates(a, m, true)
			}
		}
		r.setProgress(st, true)
	}
	r.sendTallies(st, rounds)
}

// loadPolls reads every open round's ballots and every actor's estimates; r.vmu is held.
func (r *room) loadPolls(ctx context.Context) bool {
	st, _, err := r.hub.eng.Snapshot(ctx, r.id)
	if err != nil {
		return false
	}
	var rounds []string
	for _, rd := range st.Rounds {
		ballots, err := r.hub.eng.Ballots(ctx, r.id, rd.ID)
		if err != nil {
			return false
		}
		r.setBallots(rd, st.FoldBallots(rd, ballots), false)
		rounds = append(rounds, rd.ID)
	}
	ids := make([]string, len(st.Actors))
	for i, a := range st.Actors {
		ids[i] = a.ID
	}
	est, err := ReadEstimates(ctx, r.hub.eng, r.id, st, ids)
	if err != nil {
		return false
	}
	for a, m := range est {
		r.setEstimates(a, m, false)
	}
	r.polls.loaded = true
	r.sendTallies(st, rounds)
	r.setProgress(st, true)
	return true
}

// setProgress computes who is done (session.Progress) from the estimates here and, when
// send and it changed, sends it to everyone here; r.vmu is held.
func (r *room) setProgress(st *session.State, send bool) {
	msg := marshal(session.Progress(st, r.polls.estimates))
	if slices.Equal(msg, r.polls.progress) {
		return
	}
	r.polls.progress = msg
	if send {
		r.toAll(msg)
	}
}

// setBallots takes a round's ballots, folded through the merges (FoldBallots), and,
// when send, sends changed ballots to their participants here; r.vmu is held.
func (r *room) setBallots(rd *session.Round, ballots map[string]session.Ballot, send bool) {
	old := r.polls.ballots[rd.ID]
	r.polls.ballots[rd.ID] = ballots
	tally, voters := session.Tally(rd, ballots)
	full := marshal(tallyMsg{Type: "tally", RoundID: rd.ID, Voters: voters, Tally: tally})
	hidden := full
	if rd.Status == session.RoundStatusOpen && rd.Reveal == session.RevealOnClose {
		hidden = marshal(tallyMsg{Type: "tally", RoundID: rd.ID, Voters: voters})
	}
	r.polls.tallies[rd.ID] = [2][]byte{full, hidden}
	if r.polls.shown[rd.ID] == nil {
		r.polls.shown[rd.ID] = map[string]string{}
	}
	shown := r.polls.shown[rd.ID]
	pids := map[string]bool{}
	for pid := range ballots {
		pids[pid] = true
	}
	for pid := range old {
		pids[pid] = true
	}
	for pid := range shown {
		pids[pid] = true
	}
	for pid := range pids {
		msg := ballotFor(rd, ballots[pid])
		if string(msg) == shown[pid] {
			continue
		}
		shown[pid] = string(msg)
		if send {
			r.toParticipant(pid, msg)
		}
	}
}

// ballotFor is the ballot message of b in round rd: only counts on the round's current
// candidates (an actor removed or merged away gives its dots back), and what is left.
func ballotFor(rd *session.Round, b session.Ballot) []byte {
	mine := session.Ballot{}
	for _, id := range rd.Candidates {
		if n := b[id]; n > 0 {
			mine[id] = n
		}
	}
	return marshal(ballotMsg{Type: "ballot", RoundID: rd.ID, Mine: mine, Left: session.Left(rd, mine)})
}

// setEstimates takes an actor's estimates and sends its spread (and, when send, changed
// own estimates to their participants); r.vmu is held.
func (r *room) setEstimates(actor string, m map[string]session.Estimate, send bool) {
	old := r.polls.estimates[actor]
	r.polls.estimates[actor] = m
	es := make([]session.Estimate, 0, len(m))
	for _, pid := range slices.Sorted(maps.Keys(m)) {
		es = append(es, m[pid])
	}
	agg := session.Aggregate(actor, es)
	msg := marshal(agg)
	changed := !slices.Equal(msg, r.polls.spreads[actor])
	if agg.N == 0 && r.polls.spreads[actor] == nil {
		changed = false
	}
	r.polls.spreads[actor] = msg
	if !send {
		return
	}
	if changed {
		r.toAll(msg)
	}
	for pid, e := range m {
		if o, ok := old[pid]; !ok || !sameEstimate(o, e) {
			r.toParticipant(pid, marshal(estimateMsg{Type: "estimate", ActorID: actor, Mine: e}))
		}
	}
}

func sameEstimate(a, b session.Estimate) bool {
	return slices.Equal(marshal(a), marshal(b))
}

// sendTallies sends the tallies of rounds to everyone here: the facilitator always sees
// the counts, others not while an onClose round is open.
func (r *room) sendTallies(st *session.State, rounds []string) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	for _, id := range rounds {
		t, ok := r.polls.tallies[id]
		if !ok {
			continue
		}
		for c := range r.conns {
			if c.Role == session.RoleFacilitator {
				c.enqueue(t[0])
			} else {
				c.enqueue(t[1])
			}
		}
	}
}

// welcomePolls sends a newcomer the live messages of votes and estimates it may see.
func (r *room) welcomePolls(c *Conn) {
	r.vmu.Lock()
	defer r.vmu.Unlock()
	fresh := !r.polls.loaded // loadPolls sends the progress to everyone here
	if !r.polls.loaded {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		ok := r.loadPolls(ctx)
		cancel()
		if !ok {
			return
		}
		// loadPolls sent the tallies to everyone here, this newcomer included.
	} else {
		for _, id := range slices.Sorted(maps.Keys(r.polls.tallies)) {
			t := r.polls.tallies[id]
			if c.Role == session.RoleFacilitator {
				c.enqueue(t[0])
			} else {
				c.enqueue(t[1])
			}
		}
	}
	for _, a := range slices.Sorted(maps.Keys(r.polls.spreads)) {
		if msg := r.polls.spreads[a]; msg != nil {
			c.enqueue(msg)
		}
	}
	if !fresh && r.polls.progress != nil {
		c.enqueue(r.polls.progress)
	}
	if c.Role == session.RoleViewer {
		return
	}
	st, _, err := r.hub.eng.Snapshot(context.Background(), r.id)
	if err != nil {
		return
	}
	for _, rd := range st.Rounds {
		if b, ok := r.polls.ballots[rd.ID][c.ParticipantID]; ok || rd.Status == session.RoundStatusOpen {
			c.enqueue(ballotFor(rd, b))
		}
	}
	for _, a := range slices.Sorted(maps.Keys(r.polls.estimates)) {
		if e, ok := r.polls.estimates[a][c.ParticipantID]; ok {
			c.enqueue(marshal(estimateMsg{Type: "estimate", ActorID: a, Mine: e}))
		}
	}
}

// toParticipant sends msg to every connection of one participant here.
func (r *room) toParticipant(pid string, msg []byte) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	for c := range r.conns {
		if c.ParticipantID == pid && c.Role != session.RoleViewer {
			c.enqueue(msg)
		}
	}
}

// toAll sends msg to every connection here.
func (r *room) toAll(msg []byte) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	for c := range r.conns {
		c.enqueue(msg)
	}
}
