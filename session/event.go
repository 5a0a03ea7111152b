package session

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
)

// Event names, as PROTOCOL.md names them.
const (
	EvWorkshopUpdated    = "workshop.updated"
	EvStepChanged        = "step.changed"
	EvLockChanged        = "lock.changed"
	EvTimerChanged       = "timer.changed"
	EvActorAdded         = "actor.added"
	EvActorUpdated       = "actor.updated"
	EvActorRemoved       = "actor.removed"
	EvActorMerged        = "actor.merged"
	EvRankingChanged     = "ranking.changed"
	EvCriterionAdded     = "criterion.added"
	EvCriterionUpdated   = "criterion.updated"
	EvCriterionRemoved   = "criterion.removed"
	EvRoundOpened        = "round.opened"
	EvRoundClosed        = "round.closed"
	EvParticipantJoined  = "participant.joined"
	EvParticipantUpdated = "participant.updated"
	EvParticipantRemoved = "participant.removed"
	EvProjectorChanged   = "projector.changed"
)

// Event is a change of the shared state. Data is one of the *Data types below.
type Event struct {
	Name string
	By   string // participant id of the author
	Data any
}

// Event payloads, encoded as the "data" of an event message.
type (
	WorkshopData struct {
		Title  string `json:"title"`
		Issue  string `json:"issue"`
		Goal   string `json:"goal"`
		Locale string `json:"locale"`
		// Text is the committed change of a text.edit (TextChange), absent otherwise.
		Text *TextChange `json:"text,omitempty"`
	}
	StepData struct {
		Step int `json:"step"`
	}
	LockData struct {
		Locked bool `json:"locked"`
	}
	ProjectorData struct {
		View string `json:"view"`
	}
	TimerData struct {
		Timer *Timer `json:"timer"`
	}
	ActorData struct {
		Actor *Actor      `json:"actor"`
		Text  *TextChange `json:"text,omitempty"`
	}
	IDData struct {
		ID string `json:"id"`
	}
	MergeData struct {
		ID    string `json:"id"`
		Into  string `json:"into"`
		Actor *Actor `json:"actor"`
	}
	RankingData struct {
		Ranks map[string]int `json:"ranks"`
	}
	CriterionData struct {
		Criterion *Criterion  `json:"criterion"`
		Text      *TextChange `json:"text,omitempty"`
	}
	RoundData struct {
		Round *Round `json:"round"`
	}
	ParticipantData struct {
		Participant *Participant `json:"participant"`
	}
)

// DecodeEvent turns a stored event (name and raw data) back into an Event.
func DecodeEvent(name, by string, data []byte) (Event, error) {
	var v any
	switch name {
	case EvWorkshopUpdated:
		v = &WorkshopData{}
	case EvStepChanged:
		v = &StepData{}
	case EvLockChanged:
		v = &LockData{}
	case EvProjectorChanged:
		v = &ProjectorData{}
	case EvTimerChanged:
		v = &TimerData{}
	case EvActorAdded, EvActorUpdated:
		v = &ActorData{}
	case EvActorRemoved, EvCriterionRemoved, EvParticipantRemoved:
		v = &IDData{}
	case EvActorMerged:
		v = &MergeData{}
	case EvRankingChanged:
		v = &RankingData{}
	case EvCriterionAdded, EvCriterionUpdated:
		v = &CriterionData{}
	case EvRoundOpened, EvRoundClosed:
		v = &RoundData{}
	case EvParticipantJoined, EvParticipantUpdated:
		v = &ParticipantData{}
	default:
		return Event{}, fmt.Errorf("session: unknown event %q", name)
	}
	if err := json.Unmarshal(data, v); err != nil {
		return Event{}, fmt.Errorf("session: decode event %s: %w", name, err)
	}
	missing := false
	switch d := v.(type) {
	case *ActorData:
		missing = d.Actor == nil
	case *MergeData:
		missing = d.Actor == nil
	case *CriterionData:
		missing = d.Criterion == nil
	case *RoundData:
		missing = d.Round == nil
	case *ParticipantData:
		missing = d.Participant == nil
	case *RankingData:
		missing = d.Ranks == nil
	}
	if missing {
		return Event{}, fmt.Errorf("session: event %s without its payload", name)
	}
	return Event{Name: name, By: by, Data: v}, nil
}

// ApplyEvent returns the state after ev. It is the only code that changes a State, and it
// trusts ev: Apply has validated it, or it comes from the log that Apply wrote.
func ApplyEvent(s *State, ev Event) (*State, error) {
	n := s.shallow()
	n.noteTexts(s, ev)
	switch d := ev.Data.(type) {
	case *WorkshopData:
		n.Title, n.Issue, n.Goal, n.Locale = d.Title, d.Issue, d.Goal, d.Locale
	case *StepData:
		n.Step = d.Step
		if s.Step <= baselineStep && d.Step > baselineStep {
			n.Baseline = baselineOf(s.Actors)
		}
	case *LockData:
		n.Locked = d.Locked
	case *ProjectorData:
		n.Projector = d.View
	case *TimerData:
		n.Timer = d.Timer
	case *ActorData:
		if _, i := s.Actor(d.Actor.ID); i >= 0 {
			n.Actors = replaced(s.Actors, i, d.Actor)
		} else {
			n.Actors = appended(s.Actors, d.Actor)
		}
	case *MergeData:
		_, i := s.Actor(d.Into)
		if i < 0 {
			return nil, fmt.Errorf("session: merge into unknown actor %s", d.Into)
		}
		n.Actors = replaced(s.Actors, i, d.Actor)
		n.dropActor(d.ID, d.Into)
	case *RankingData:
		n.Actors = make([]*Actor, len(s.Actors))
		for i, a := range s.Actors {
			if r := d.Ranks[a.ID]; r != a.Rank {
				c := *a
				c.Rank = r
				c.Version++
				a = &c
			}
			n.Actors[i] = a
		}
	case *CriterionData:
		if _, i := s.criterion(d.Criterion.ID); i >= 0 {
			n.Criteria = replaced(s.Criteria, i, d.Criterion)
		} else {
			n.Criteria = appended(s.Criteria, d.Criterion)
		}
	case *RoundData:
		if _, i := s.round(d.Round.ID); i >= 0 {
			n.Rounds = replaced(s.Rounds, i, d.Round)
		} else {
			n.Rounds = appended(s.Rounds, d.Round)
		}
	case *ParticipantData:
		if i := slices.IndexFunc(s.Participants, func(p *Participant) bool { return p.ID == d.Participant.ID }); i >= 0 {
			n.Participants = replaced(s.Participants, i, d.Participant)
		} else {
			n.Participants = appended(s.Participants, d.Participant)
		}
	case *IDData:
		switch ev.Name {
		case EvActorRemoved:
			n.dropActor(d.ID, "")
		case EvCriterionRemoved:
			if _, i := s.criterion(d.ID); i >= 0 {
				n.Criteria = without(s.Criteria, i)
			}
		case EvParticipantRemoved:
			if i := slices.IndexFunc(s.Participants, func(p *Participant) bool { return p.ID == d.ID }); i >= 0 {
				n.Participants = without(s.Participants, i)
			}
		default:
			return nil, fmt.Errorf("session: event %s with id data", ev.Name)
		}
	default:
		return nil, fmt.Errorf("session: event %s has data of type %T", ev.Name, ev.Data)
	}
	return n, nil
}

// dropActor removes actor id from n: from the actors, from the ranking (the ranks behind
// it move up by one, so the ranking stays 1..k without holes) and from every round's
// candidates and tally, and records where it went in Gone. When id was merged into
// another actor (into != ""), a tally's
// count of id moves onto into where into is a candidate of that round; such a tally is a
// sum over voters, so unlike a ballot it is not capped at maxPerActor. Elsewhere the
// count is dropped, as on a removal. The baseline keeps id: step 6 can show what left.
// n must be a shallow copy; the slices and maps it changes are copied first.
func (n *State) dropActor(id, into string) {
	a, i := n.Actor(id)
	if i < 0 {
		return
	}
	n.Actors = without(n.Actors, i)
	n.Gone = maps.Clone(n.Gone)
	if n.Gone == nil {
		n.Gone = map[string]string{}
	}
	n.Gone[id] = into
	if a.Rank > 0 {
		for j, b := range n.Actors {
			if b.Rank > a.Rank {
				c := *b
				c.Rank--
				c.Version++
				n.Actors[j] = &c
			}
		}
	}
	cloned := false
	for j, r := range n.Rounds {
		k := slices.Index(r.Candidates, id)
		count, tallied := r.Tally[id]
		if k < 0 && !tallied {
			continue
		}
		c := *r
		if k >= 0 {
			c.Candidates = slices.Delete(slices.Clone(r.Candidates), k, k+1)
		}
		if tallied {
			c.Tally = maps.Clone(r.Tally)
			delete(c.Tally, id)
			if into != "" && c.isCandidate(into) {
				c.Tally[into] += count
			}
		}
		if !cloned {
			n.Rounds, cloned = slices.Clone(n.Rounds), true
		}
		n.Rounds[j] = &c
	}
}
