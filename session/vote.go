package session

// Ballot is one participant's votes in one round: actor id → count. Only counts above 0
// are kept. Ballots are not part of the State: the engine keeps one per participant and
// round, and asks CastVote for the next one.
type Ballot map[string]int

// Vote is the data of a vote.cast op: the caller's absolute count for one actor.
type Vote struct {
	RoundID string `json:"roundId"`
	ActorID string `json:"actorId"`
	Count   int    `json:"count"`
}

// DecodeVote reads vote.cast data strictly: roundId, actorId and count (a whole number)
// are required; unknown fields and wrong types are invalid.
func DecodeVote(data []byte) (Vote, error) {
	var d struct {
		RoundID string `json:"roundId"`
		ActorID string `json:"actorId"`
		Count   *int   `json:"count"`
	}
	if err := decode(data, &d); err != nil {
		return Vote{}, err
	}
	if err := requireID("roundId", d.RoundID); err != nil {
		return Vote{}, err
	}
	if err := requireID("actorId", d.ActorID); err != nil {
		return Vote{}, err
	}
	if d.Count == nil {
		return Vote{}, invalid("count", "count is required")
	}
	return Vote{RoundID: d.RoundID, ActorID: d.ActorID, Count: *d.Count}, nil
}

// CastVote decides vote v of c against s, where mine is c's ballot in that round so far
// (nil for none), and returns c's new ballot. It never changes mine. The new ballot holds
// only counts above 0 on the round's current candidates: counts on actors that left the
// candidates are dropped, so they no longer weigh on the budget.
//
// Refusals: a viewer, a caller who is no participant of s, and the facilitator in a round
// without FacilitatorVotes are forbidden; an unknown round or actor is not_found; a closed
// round is closed; an actor that is no candidate, a negative count and a count above 1 in
// an approve round are invalid; above MaxPerActor, or above Dots in all, is budget.
func CastVote(s *State, c Caller, v Vote, mine Ballot) (Ballot, error) {
	switch {
	case c.Role == RoleViewer:
		return nil, Errorf(CodeForbidden, "a viewer cannot vote")
	case c.Role != RoleFacilitator && c.Role != RoleParticipant:
		return nil, Errorf(CodeForbidden, "unknown role %q", c.Role)
	case s.Participant(c.ID) == nil:
		return nil, Errorf(CodeForbidden, "not a participant of this workshop")
	}
	r, _ := s.round(v.RoundID)
	if r == nil {
		return nil, notFound("roundId", "round", v.RoundID)
	}
	if c.Role == RoleFacilitator && !r.FacilitatorVotes {
		return nil, Errorf(CodeForbidden, "the facilitator does not vote in this round")
	}
	if r.Status != RoundStatusOpen {
		return nil, &Error{Code: CodeClosed, Message: "this round is closed", Field: "roundId"}
	}
	mine = s.FoldBallot(r, mine)
	if a, _ := s.Actor(v.ActorID); a == nil {
		return nil, notFound("actorId", "actor", v.ActorID)
	}
	if !r.isCandidate(v.ActorID) {
		return nil, invalid("actorId", "this actor is not a candidate in this round")
	}
	if v.Count < 0 {
		return nil, invalid("count", "count must be 0 or more")
	}
	if r.Mode == ModeApprove && v.Count > 1 {
		return nil, invalid("count", "count must be 0 or 1 in an approve round")
	}
	if per := r.perActor(); v.Count > per {
		return nil, overBudget("at most %d for one actor in this round", per)
	}
	b := make(Ballot, len(mine)+1)
	for id, n := range mine {
		if n > 0 && id != v.ActorID && r.isCandidate(id) {
			b[id] = n
		}
	}
	if v.Count > 0 {
		b[v.ActorID] = v.Count
	}
	if r.Mode == ModeDots {
		if used := spent(r, b); used > r.Dots {
			return nil, overBudget("%d dots in all; this vote would spend %d", r.Dots, used)
		}
	}
	return b, nil
}

// overBudget is the refusal of a count beyond what the round allows.
func overBudget(format string, args ...any) *Error {
	e := Errorf(CodeBudget, format, args...)
	e.Field = "count"
	return e
}

// spent is the sum of b's counts on r's candidates.
func spent(r *Round, b Ballot) int {
	n := 0
	for _, id := range r.Candidates {
		if k := b[id]; k > 0 {
			n += k
		}
	}
	return n
}

// Left is what ballot b may still give in r, the "left" of a ballot message: in a dots
// round the dots not spent on candidates; in an approve round the number of candidates
// not approved yet.
func Left(r *Round, b Ballot) int {
	if r.Mode == ModeApprove {
		approved := 0
		for _, id := range r.Candidates {
			if b[id] > 0 {
				approved++
			}
		}
		return len(r.Candidates) - approved
	}
	return max(r.Dots-spent(r, b), 0)
}

// Tally sums ballots (participant id → ballot) over r's candidates: every candidate is in
// tally, with 0 when nobody voted for it, and counts on other actors are ignored. voters
// counts the ballots with a count above 0 on at least one candidate.
func Tally(r *Round, ballots map[string]Ballot) (tally map[string]int, voters int) {
	tally = make(map[string]int, len(r.Candidates))
	for _, id := range r.Candidates {
		tally[id] = 0
	}
	for _, b := range ballots {
		voted := false
		for id, n := range b {
			if _, ok := tally[id]; ok && n > 0 {
				tally[id] += n
				voted = true
			}
		}
		if voted {
			voters++
		}
	}
	return tally, voters
}

// FoldBallot returns b as if every merge recorded in s came after it: counts on a
// merged-away actor move, by MergeBallot, onto the actor at the end of its merges. A
// ballot is read folded wherever it counts (CastVote, TallyOf, the ballot message), so
// a ballot stored or decided before a merge, and not (yet) moved by the store, counts
// for the actor it went into. It never changes b.
func (s *State) FoldBallot(r *Round, b Ballot) Ballot {
	out := b
	for id, n := range b {
		if n <= 0 {
			continue
		}
		if into := s.MergedInto(id); into != "" {
			out = MergeBallot(r, out, id, into)
		}
	}
	return out
}

// FoldBallots is FoldBallot of each ballot (participant id → ballot); ballots itself
// when s records no merge.
func (s *State) FoldBallots(r *Round, ballots map[string]Ballot) map[string]Ballot {
	if len(s.Gone) == 0 {
		return ballots
	}
	folded := make(map[string]Ballot, len(ballots))
	for pid, b := range ballots {
		folded[pid] = s.FoldBallot(r, b)
	}
	return folded
}

// TallyOf is Tally over the ballots folded through s's merges.
func (s *State) TallyOf(r *Round, ballots map[string]Ballot) (tally map[string]int, voters int) {
	return Tally(r, s.FoldBallots(r, ballots))
}

// MergedInto is the actor that a merged-away actor's votes and estimates belong to now:
// the end of its chain of merges, or "" when id was not merged or the chain ends at an
// actor that is gone.
func (s *State) MergedInto(id string) string {
	into, ok := s.Gone[id]
	if !ok || into == "" {
		return ""
	}
	for hops := 0; ok && into != "" && hops <= len(s.Gone); hops++ {
		id = into
		into, ok = s.Gone[id]
	}
	if ok { // the chain ends at a removed actor (or loops, which merges never make)
		return ""
	}
	if a, _ := s.Actor(id); a == nil {
		return ""
	}
	return id
}

// MergeBallot returns b after actor from was merged into actor into: from's count moves
// onto into, capped at what one actor may get in r (1 in an approve round), so a merge
// never gives a voter more to spend. When into is no candidate of r, from's count is
// dropped (returned to the voter, as on a removal). It never changes b.
func MergeBallot(r *Round, b Ballot, from, into string) Ballot {
	out := make(Ballot, len(b))
	for id, n := range b {
		if n > 0 {
			out[id] = n
		}
	}
	if from == into {
		return out
	}
	moved := out[from]
	delete(out, from)
	if moved > 0 && r.isCandidate(into) {
		out[into] = min(out[into]+moved, r.perActor())
	}
	return out
}
