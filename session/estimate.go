package session

import (
	"encoding/json"
	"errors"
	"maps"
	"math"
	"slices"
)

// Form is a placement on the six dimensions of worksheet 1 ("Vormen van samenwerking"),
// each 0-100 (percent).
type Form struct {
	Interests        int `json:"interests"`
	FactualDecisions int `json:"factualDecisions"`
	FormalDecisions  int `json:"formalDecisions"`
	Resources        int `json:"resources"`
	Engagement       int `json:"engagement"`
	Identification   int `json:"identification"`
}

// MaxFormValue is the top of every form dimension (100%).
const MaxFormValue = 100

// MaxEstimate is the top of importance, replaceability and dependency in an estimate:
// 1-4, where replaceability and dependency count small 1, ratherSmall 2, ratherLarge 3,
// large 4.
const MaxEstimate = 4

// Estimate is one participant's private rating of one actor. 0 and nil mean not given.
// Estimates are not part of the State: the engine keeps them per participant and actor,
// and sends their Aggregate.
type Estimate struct {
	Importance     int   `json:"importance,omitempty"`
	Replaceability int   `json:"replaceability,omitempty"`
	Dependency     int   `json:"dependency,omitempty"`
	Form           *Form `json:"form,omitempty"`
}

// Empty reports whether e gives nothing.
func (e Estimate) Empty() bool {
	return e.Importance <= 0 && e.Replaceability <= 0 && e.Dependency <= 0 && e.Form == nil
}

// EstimateSet is a decoded estimate.set: the fields it gives for one actor. A field given
// as null clears it; a field not given stays as it was.
type EstimateSet struct {
	ActorID string

	importance, replaceability, dependency opt[int]
	form                                   opt[Form]
}

// Apply returns e with the fields of u set. It never writes to what e points to.
func (u EstimateSet) Apply(e Estimate) Estimate {
	for _, f := range []struct {
		o   opt[int]
		dst *int
	}{{u.importance, &e.Importance}, {u.replaceability, &e.Replaceability}, {u.dependency, &e.Dependency}} {
		if f.o.Set {
			*f.dst = f.o.V // null leaves V at 0: cleared
		}
	}
	if u.form.Set {
		e.Form = nil
		if !u.form.Null {
			f := u.form.V
			e.Form = &f
		}
	}
	return e
}

// DecodeEstimate checks an estimate.set of c against s and reads its data: actorId and at
// least one of importance, replaceability, dependency (each 1-4, or null to clear) and
// form (all six dimensions, each 0-100, or null to clear). The facilitator and
// participants may estimate, also while the workshop is locked (estimates are private);
// a viewer or a caller who is no participant is forbidden, an unknown actor not_found.
func DecodeEstimate(s *State, c Caller, data []byte) (EstimateSet, error) {
	switch {
	case c.Role == RoleViewer:
		return EstimateSet{}, Errorf(CodeForbidden, "a viewer cannot estimate")
	case c.Role != RoleFacilitator && c.Role != RoleParticipant:
		return EstimateSet{}, Errorf(CodeForbidden, "unknown role %q", c.Role)
	case s.Participant(c.ID) == nil:
		return EstimateSet{}, Errorf(CodeForbidden, "not a participant of this workshop")
	}
	var d struct {
		ActorID        string               `json:"actorId"`
		Importance     opt[int]             `json:"importance"`
		Replaceability opt[int]             `json:"replaceability"`
		Dependency     opt[int]             `json:"dependency"`
		Form           opt[json.RawMessage] `json:"form"`
	}
	if err := decode(data, &d); err != nil {
		return EstimateSet{}, err
	}
	if err := requireID("actorId", d.ActorID); err != nil {
		return EstimateSet{}, err
	}
	if a, _ := s.Actor(d.ActorID); a == nil {
		return EstimateSet{}, notFound("actorId", "actor", d.ActorID)
	}
	u := EstimateSet{ActorID: d.ActorID, importance: d.Importance, replaceability: d.Replaceability, dependency: d.Dependency}
	for _, f := range []struct {
		name string
		o    opt[int]
	}{{"importance", d.Importance}, {"replaceability", d.Replaceability}, {"dependency", d.Dependency}} {
		if f.o.Set && !f.o.Null && (f.o.V < 1 || f.o.V > MaxEstimate) {
			return EstimateSet{}, invalid(f.name, "%s must be 1 to %d, or null to clear it", f.name, MaxEstimate)
		}
	}
	if d.Form.Set {
		u.form.Set, u.form.Null = true, d.Form.Null
		if !d.Form.Null {
			f, err := decodeForm(d.Form.V)
			if err != nil {
				return EstimateSet{}, err
			}
			u.form.V = f
		}
	}
	if !d.Importance.Set && !d.Replaceability.Set && !d.Dependency.Set && !d.Form.Set {
		return EstimateSet{}, invalid("", "give importance, replaceability, dependency or form")
	}
	return u, nil
}

// decodeForm reads a form placement strictly: an object with all six dimensions, each a
// whole number 0-100. Every refusal names the field "form".
func decodeForm(raw []byte) (Form, error) {
	var d struct {
		Interests        *int `json:"interests"`
		FactualDecisions *int `json:"factualDecisions"`
		FormalDecisions  *int `json:"formalDecisions"`
		Resources        *int `json:"resources"`
		Engagement       *int `json:"engagement"`
		Identification   *int `json:"identification"`
	}
	if err := decode(raw, &d); err != nil {
		var e *Error
		if errors.As(err, &e) && e.Field != "" {
			return Form{}, invalid("form", "form: %s", e.Message)
		}
		return Form{}, invalid("form", "form must be an object with the six dimensions, each 0-%d", MaxFormValue)
	}
	var f Form
	for _, x := range []struct {
		name string
		v    *int
		dst  *int
	}{
		{"interests", d.Interests, &f.Interests},
		{"factualDecisions", d.FactualDecisions, &f.FactualDecisions},
		{"formalDecisions", d.FormalDecisions, &f.FormalDecisions},
		{"resources", d.Resources, &f.Resources},
		{"engagement", d.Engagement, &f.Engagement},
		{"identification", d.Identification, &f.Identification},
	} {
		if x.v == nil {
			return Form{}, invalid("form", "form.%s is required (0-%d)", x.name, MaxFormValue)
		}
		if *x.v < 0 || *x.v > MaxFormValue {
			return Form{}, invalid("form", "form.%s must be 0 to %d", x.name, MaxFormValue)
		}
		*x.dst = *x.v
	}
	return f, nil
}

// MergeEstimate returns the estimate of a participant after the actor it rated as from
// was merged into the actor it rated as into: into's own ratings win, from fills the
// fields into leaves open.
func MergeEstimate(from, into Estimate) Estimate {
	fill := func(dst *int, src int) {
		if *dst <= 0 {
			*dst = src
		}
	}
	fill(&into.Importance, from.Importance)
	fill(&into.Replaceability, from.Replaceability)
	fill(&into.Dependency, from.Dependency)
	if into.Form == nil && from.Form != nil {
		f := *from.Form
		into.Form = &f
	}
	return into
}

// EstimatesMessage is the live "estimates" message of PROTOCOL.md: the spread of the
// estimates of one actor. A field nobody rated is absent.
type EstimatesMessage struct {
	Type           string     `json:"type"` // always "estimates"
	ActorID        string     `json:"actorId"`
	N              int        `json:"n"` // estimates that give at least one field
	Importance     *Stat      `json:"importance,omitempty"`
	Replaceability *Stat      `json:"replaceability,omitempty"`
	Dependency     *Stat      `json:"dependency,omitempty"`
	Form           *FormMeans `json:"form,omitempty"`
	// Position (an extension of PROTOCOL.md) is the spread of the participants' places
	// on the scale of collaboration forms: each one's place is the mean of its six
	// dimensions (0 consultation … 100 merger).
	Position *Spread `json:"position,omitempty"`
}

// Spread is the mean, lowest and highest of values that need not be whole, rounded to 2
// decimals.
type Spread struct {
	Mean float64 `json:"mean"`
	Min  float64 `json:"min"`
	Max  float64 `json:"max"`
}

// Stat is the spread of one rated number. Mean is rounded to 2 decimals.
type Stat struct {
	Mean float64 `json:"mean"`
	Min  int     `json:"min"`
	Max  int     `json:"max"`
}

// FormMeans is the mean placement on each form dimension, rounded to 2 decimals.
type FormMeans struct {
	Interests        float64 `json:"interests"`
	FactualDecisions float64 `json:"factualDecisions"`
	FormalDecisions  float64 `json:"formalDecisions"`
	Resources        float64 `json:"resources"`
	Engagement       float64 `json:"engagement"`
	Identification   float64 `json:"identification"`
}

// Aggregate sums up the estimates es of actor actorID (one a participant). Values of 0 or
// less count as not given.
func Aggregate(actorID string, es []Estimate) EstimatesMessage {
	m := EstimatesMessage{Type: "estimates", ActorID: actorID}
	stat := func(get func(Estimate) int) *Stat {
		var st Stat
		n, sum := 0, 0
		for _, e := range es {
			v := get(e)
			if v <= 0 {
				continue
			}
			if n == 0 || v < st.Min {
				st.Min = v
			}
			st.Max = max(st.Max, v)
			n++
			sum += v
		}
		if n == 0 {
			return nil
		}
		st.Mean = round2(float64(sum) / float64(n))
		return &st
	}
	m.Importance = stat(func(e Estimate) int { return e.Importance })
	m.Replaceability = stat(func(e Estimate) int { return e.Replaceability })
	m.Dependency = stat(func(e Estimate) int { return e.Dependency })
	var sum Form
	forms := 0
	for _, e := range es {
		if !e.Empty() {
			m.N++
		}
		if f := e.Form; f != nil {
			forms++
			sum.Interests += f.Interests
			sum.FactualDecisions += f.FactualDecisions
			sum.FormalDecisions += f.FormalDecisions
			sum.Resources += f.Resources
			sum.Engagement += f.Engagement
			sum.Identification += f.Identification
		}
	}
	if forms > 0 {
		pos := Spread{Min: math.Inf(1), Max: math.Inf(-1)}
		places := 0.0
		for _, e := range es {
			if f := e.Form; f != nil {
				p := float64(f.Interests+f.FactualDecisions+f.FormalDecisions+f.Resources+f.Engagement+f.Identification) / 6
				pos.Min, pos.Max = math.Min(pos.Min, p), math.Max(pos.Max, p)
				places += p
			}
		}
		m.Position = &Spread{Mean: round2(places / float64(forms)), Min: round2(pos.Min), Max: round2(pos.Max)}
		mean := func(total int) float64 { return round2(float64(total) / float64(forms)) }
		m.Form = &FormMeans{
			Interests: mean(sum.Interests), FactualDecisions: mean(sum.FactualDecisions),
			FormalDecisions: mean(sum.FormalDecisions), Resources: mean(sum.Resources),
			Engagement: mean(sum.Engagement), Identification: mean(sum.Identification),
		}
	}
	return m
}

// round2 rounds x to 2 decimals, the precision a client shows.
func round2(x float64) float64 { return math.Round(x*100) / 100 }

// GoneInto returns the ids of the actors that left and whose estimates belong to one of
// actors now (MergedInto), sorted.
func (s *State) GoneInto(actors []string) []string {
	var out []string
	for id := range s.Gone {
		if into := s.MergedInto(id); into != "" && slices.Contains(actors, into) {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out
}

// FoldEstimates folds estimates read by actor (raw: actor → participant → estimate, for
// actors and GoneInto(actors)) through the merges, as FoldBallot does ballots: an
// estimate stored on an actor merged away (before the store moved it, or after, decided
// on a state from before the merge) fills the fields its participant left empty on the
// actor it went into (MergeEstimate). Each of actors gets an entry; one that left has
// none of its own.
func (s *State) FoldEstimates(actors []string, raw map[string]map[string]Estimate) map[string]map[string]Estimate {
	out := make(map[string]map[string]Estimate, len(actors))
	for _, a := range actors {
		m := map[string]Estimate{}
		if _, gone := s.Gone[a]; !gone {
			maps.Copy(m, raw[a])
		}
		out[a] = m
	}
	for _, g := range s.GoneInto(actors) {
		into := out[s.MergedInto(g)]
		for pid, e := range raw[g] {
			into[pid] = MergeEstimate(e, into[pid])
		}
	}
	return out
}
