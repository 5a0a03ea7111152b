package session

import (
	"slices"
)

// Round modes, statuses and reveal moments, as PROTOCOL.md names them.
const (
	ModeApprove = "approve" // 0 or 1 per candidate, no budget
	ModeDots    = "dots"    // up to MaxPerActor per candidate, Dots in all

	RoundStatusOpen   = "open"
	RoundStatusClosed = "closed"

	RevealLive    = "live"    // the tally is shown while the round is open
	RevealOnClose = "onClose" // the tally is shown to all once the round closes
)

// MaxDots is the largest dot budget of a round: a voter spreads them by tapping, and a
// hundred taps is already more than a workshop has time for (a protocol extension).
const MaxDots = 100

// perActor is the most one voter may give one candidate in r.
func (r *Round) perActor() int {
	switch {
	case r.Mode == ModeApprove:
		return 1
	case r.MaxPerActor > 0:
		return r.MaxPerActor
	}
	return r.Dots
}

// isCandidate reports whether actor id may get votes in r.
func (r *Round) isCandidate(id string) bool { return slices.Contains(r.Candidates, id) }

// roundOpen opens a vote round. Like the other adds it is idempotent on its id: an id
// that exists already answers that id and changes nothing, whatever else the data says.
func roundOpen(s *State, c Caller, data []byte, env Env) (Result, error) {
	var d struct {
		ID               string        `json:"id"`
		Mode             string        `json:"mode"`
		Dots             int           `json:"dots"`
		MaxPerActor      int           `json:"maxPerActor"`
		Anonymous        *bool         `json:"anonymous"`
		Reveal           string        `json:"reveal"`
		Candidates       opt[[]string] `json:"candidates"`
		FacilitatorVotes bool          `json:"facilitatorVotes"`
	}
	if err := decode(data, &d); err != nil {
		return Result{}, err
	}
	id, err := newID(d.ID, env)
	if err != nil {
		return Result{}, err
	}
	if r, _ := s.round(id); r != nil {
		return Result{State: s, ID: id}, nil
	}
	r := &Round{
		ID: id, Status: RoundStatusOpen, Mode: d.Mode, Anonymous: true, Reveal: RevealLive,
		OpenedAt: env.Now, FacilitatorVotes: d.FacilitatorVotes,
	}
	// dots and maxPerActor: 0 (or null, or absent) means "not given", as in the state.
	switch d.Mode {
	case ModeApprove:
		if d.Dots != 0 {
			return Result{}, invalid("dots", "an approve round has no dots")
		}
		if d.MaxPerActor != 0 && d.MaxPerActor != 1 {
			return Result{}, invalid("maxPerActor", "an approve round allows 1 per actor")
		}
		r.MaxPerActor = 1
	case ModeDots:
		if d.Dots < 1 || d.Dots > MaxDots {
			return Result{}, invalid("dots", "dots must be 1 to %d", MaxDots)
		}
		r.Dots, r.MaxPerActor = d.Dots, d.Dots
		if d.MaxPerActor != 0 {
			if d.MaxPerActor < 1 || d.MaxPerActor > d.Dots {
				return Result{}, invalid("maxPerActor", "maxPerActor must be 1 to %d (the dots)", d.Dots)
			}
			r.MaxPerActor = d.MaxPerActor
		}
	case "":
		return Result{}, invalid("mode", "mode is required (%s or %s)", ModeApprove, ModeDots)
	default:
		return Result{}, invalid("mode", "mode must be %s or %s", ModeApprove, ModeDots)
	}
	if d.Anonymous != nil {
		r.Anonymous = *d.Anonymous
	}
	if d.Reveal != "" {
		if err := oneOf("reveal", d.Reveal, RevealLive, RevealOnClose); err != nil {
			return Result{}, err
		}
		r.Reveal = d.Reveal
	}
	if d.Candidates.Set && !d.Candidates.Null {
		r.Candidates = make([]string, 0, len(d.Candidates.V))
		for _, a := range d.Candidates.V {
			if x, _ := s.Actor(a); x == nil {
				return Result{}, notFound("candidates", "actor", a)
			}
			if slices.Contains(r.Candidates, a) {
				return Result{}, invalid("candidates", "actor %q is a candidate twice", a)
			}
			r.Candidates = append(r.Candidates, a)
		}
	} else {
		r.Candidates = make([]string, 0, len(s.Actors))
		for _, a := range s.Actors {
			r.Candidates = append(r.Candidates, a.ID)
		}
	}
	if len(r.Candidates) == 0 {
		return Result{}, invalid("candidates", "a round needs at least one candidate")
	}
	if s.OpenRound() != nil {
		return Result{}, invalid("rounds", "a round is open already; close it first")
	}
	if len(s.Rounds) >= MaxRounds {
		return Result{}, invalid("rounds", "at most %d rounds", MaxRounds)
	}
	return emit(s, Event{Name: EvRoundOpened, By: c.ID, Data: &RoundData{Round: r}}, id)
}

// roundClose closes the open round with the final tally of the ballots the engine holds
// (Env.Ballots).
func roundClose(s *State, c Caller, data []byte, env Env) (Result, error) {
	var d struct {
		RoundID string `json:"roundId"`
	}
	if err := decode(data, &d); err != nil {
		return Result{}, err
	}
	if err := requireID("roundId", d.RoundID); err != nil {
		return Result{}, err
	}
	old, _ := s.round(d.RoundID)
	if old == nil {
		return Result{}, notFound("roundId", "round", d.RoundID)
	}
	if old.Status != RoundStatusOpen {
		return Result{}, &Error{Code: CodeClosed, Message: "this round is closed already", Field: "roundId"}
	}
	var ballots map[string]Ballot
	if env.Ballots != nil {
		ballots = env.Ballots(old.ID)
	}
	r := *old
	now := env.Now
	r.Status, r.ClosedAt = RoundStatusClosed, &now
	r.Tally, r.Voters = s.TallyOf(old, ballots)
	return emit(s, Event{Name: EvRoundClosed, By: c.ID, Data: &RoundData{Round: &r}}, "")
}
