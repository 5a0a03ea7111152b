package session

import (
	"github.com/google/uuid"
)

// Values of the enumerated actor fields ("" means not set).
var (
	Categories = []string{"core", "peripheral", "context", "anchoring"}
	Degrees    = []string{"large", "ratherLarge", "ratherSmall", "small"} // replaceability, dependency
	Forms      = []string{"consultation", "adhoc", "network", "merger"}
	Statuses   = []string{"todo", "contacted", "agreed", "declined"}
	Levels     = []string{"low", "medium", "high"} // interest, willingness
)

// newID returns the id a client gave (a UUID, canonical form) or a fresh one.
func newID(given string, env Env) (string, error) {
	if given == "" {
		return env.NewID(), nil
	}
	u, err := uuid.Parse(given)
	if err != nil || len(given) != 36 {
		return "", invalid("id", "id must be a UUID")
	}
	return u.String(), nil
}

// actorFields are the fields a client may set on add and update.
type actorFields struct {
	ID             string      `json:"id"`
	Name           opt[string] `json:"name"`
	Category       opt[string] `json:"category"`
	Resources      opt[string] `json:"resources"`
	Importance     opt[int]    `json:"importance"`
	Replaceability opt[string] `json:"replaceability"`
	ReplaceableBy  opt[string] `json:"replaceableBy"`
	Dependency     opt[string] `json:"dependency"`
	Form           opt[string] `json:"form"`
}

// set validates the given fields and writes them to a; it reports whether any changed.
func (f *actorFields) set(a *Actor) (changed bool, err error) {
	str := func(o opt[string], field string, max int, multiline, required bool, dst *string) error {
		if !o.Set {
			return nil
		}
		v, err := cleanText(field, o.V, max, multiline, required)
		if err != nil {
			return err
		}
		changed = changed || v != *dst
		*dst = v
		return nil
	}
	enum := func(o opt[string], field string, allowed []string, dst *string) error {
		if !o.Set {
			return nil
		}
		if err := oneOf(field, o.V, allowed...); err != nil {
			return err
		}
		changed = changed || o.V != *dst
		*dst = o.V
		return nil
	}
	if err := str(f.Name, "name", MaxActorName, false, true, &a.Name); err != nil {
		return false, err
	}
	if err := enum(f.Category, "category", Categories, &a.Category); err != nil {
		return false, err
	}
	if err := str(f.Resources, "resources", MaxResources, true, false, &a.Resources); err != nil {
		return false, err
	}
	if f.Importance.Set {
		if f.Importance.V < 0 || f.Importance.V > 4 {
			return false, invalid("importance", "importance must be 1 to 4, or 0 for not set")
		}
		changed = changed || f.Importance.V != a.Importance
		a.Importance = f.Importance.V
	}
	if err := enum(f.Replaceability, "replaceability", Degrees, &a.Replaceability); err != nil {
		return false, err
	}
	if err := str(f.ReplaceableBy, "replaceableBy", MaxReplaceableBy, false, false, &a.ReplaceableBy); err != nil {
		return false, err
	}
	if err := enum(f.Dependency, "dependency", Degrees, &a.Dependency); err != nil {
		return false, err
	}
	if err := enum(f.Form, "form", Forms, &a.Form); err != nil {
		return false, err
	}
	return changed, nil
}

func actorAdd(s *State, c Caller, data []byte, env Env) (Result, error) {
	var f actorFields
	if err := decode(data, &f); err != nil {
		return Result{}, err
	}
	id, err := newID(f.ID, env)
	if err != nil {
		return Result{}, err
	}
	if _, gone := s.Gone[id]; gone { // sent again after the actor left: added before
		return Result{State: s, ID: id}, nil
	}
	if a, _ := s.Actor(id); a != nil {
		return Result{State: s, ID: id}, nil
	}
	if !f.Name.Set {
		return Result{}, invalid("name", "name is required")
	}
	a := &Actor{ID: id, CreatedBy: c.ID, Version: 1}
	if _, err := f.set(a); err != nil {
		return Result{}, err
	}
	if len(s.Actors) >= MaxActors {
		return Result{}, invalid("actors", "at most %d actors", MaxActors)
	}
	return emit(s, Event{Name: EvActorAdded, By: c.ID, Data: &ActorData{Actor: a}}, id)
}

func actorUpdate(s *State, c Caller, data []byte, _ Env) (Result, error) {
	var f actorFields
	if err := decode(data, &f); err != nil {
		return Result{}, err
	}
	if err := requireID("id", f.ID); err != nil {
		return Result{}, err
	}
	old, _ := s.Actor(f.ID)
	if old == nil {
		return Result{}, notFound("id", "actor", f.ID)
	}
	a := *old
	changed, err := f.set(&a)
	if err != nil {
		return Result{}, err
	}
	if !changed {
		return Result{State: s}, nil
	}
	a.Version++
	return emit(s, Event{Name: EvActorUpdated, By: c.ID, Data: &ActorData{Actor: &a}}, "")
}

func actorRemove(s *State, c Caller, data []byte, _ Env) (Result, error) {
	var d struct {
		ID string `json:"id"`
	}
	if err := decode(data, &d); err != nil {
		return Result{}, err
	}
	if err := requireID("id", d.ID); err != nil {
		return Result{}, err
	}
	if a, _ := s.Actor(d.ID); a == nil {
		return Result{}, notFound("id", "actor", d.ID)
	}
	return emit(s, Event{Name: EvActorRemoved, By: c.ID, Data: &IDData{ID: d.ID}}, "")
}

// actorMerge folds a duplicate actor into another: the kept actor keeps its own values and
// takes the duplicate's where it has none; resources are joined when both have some and
// the result fits.
func actorMerge(s *State, c Caller, data []byte, _ Env) (Result, error) {
	var d struct {
		ID   string `json:"id"`
		Into string `json:"into"`
	}
	if err := decode(data, &d); err != nil {
		return Result{}, err
	}
	if err := requireID("id", d.ID); err != nil {
		return Result{}, err
	}
	if err := requireID("into", d.Into); err != nil {
		return Result{}, err
	}
	if d.ID == d.Into {
		return Result{}, invalid("into", "an actor cannot be merged into itself")
	}
	dup, _ := s.Actor(d.ID)
	if dup == nil {
		return Result{}, notFound("id", "actor", d.ID)
	}
	keep, _ := s.Actor(d.Into)
	if keep == nil {
		return Result{}, notFound("into", "actor", d.Into)
	}
	m := *keep
	fill := func(dst *string, src string) {
		if *dst == "" {
			*dst = src
		}
	}
	fill(&m.Category, dup.Category)
	fill(&m.Replaceability, dup.Replaceability)
	fill(&m.ReplaceableBy, dup.ReplaceableBy)
	fill(&m.Dependency, dup.Dependency)
	fill(&m.Form, dup.Form)
	switch {
	case m.Resources == "":
		m.Resources = dup.Resources
	case dup.Resources != "" && dup.Resources != m.Resources:
		if joined := m.Resources + "\n" + dup.Resources; len([]rune(joined)) <= MaxResources {
			m.Resources = joined
		}
	}
	if m.Importance == 0 {
		m.Importance = dup.Importance
	}
	m.Selected = m.Selected || dup.Selected
	m.Version++
	return emit(s, Event{Name: EvActorMerged, By: c.ID, Data: &MergeData{ID: d.ID, Into: d.Into, Actor: &m}}, "")
}

func actorSelect(s *State, c Caller, data []byte, _ Env) (Result, error) {
	var d struct {
		ID       string `json:"id"`
		Selected *bool  `json:"selected"`
	}
	if err := decode(data, &d); err != nil {
		return Result{}, err
	}
	if err := requireID("id", d.ID); err != nil {
		return Result{}, err
	}
	if d.Selected == nil {
		return Result{}, invalid("selected", "selected is required (true or false)")
	}
	old, _ := s.Actor(d.ID)
	if old == nil {
		return Result{}, notFound("id", "actor", d.ID)
	}
	if old.Selected == *d.Selected {
		return Result{State: s}, nil
	}
	a := *old
	a.Selected = *d.Selected
	a.Version++
	return emit(s, Event{Name: EvActorUpdated, By: c.ID, Data: &ActorData{Actor: &a}}, "")
}

func rankingSet(s *State, c Caller, data []byte, _ Env) (Result, error) {
	var d struct {
		Order []string `json:"order"`
	}
	if err := decode(data, &d); err != nil {
		return Result{}, err
	}
	ranks := make(map[string]int, len(d.Order))
	for i, id := range d.Order {
		if a, _ := s.Actor(id); a == nil {
			return Result{}, notFound("order", "actor", id)
		}
		if _, dup := ranks[id]; dup {
			return Result{}, invalid("order", "actor %q is in the order twice", id)
		}
		ranks[id] = i + 1
	}
	return emit(s, Event{Name: EvRankingChanged, By: c.ID, Data: &RankingData{Ranks: ranks}}, "")
}

func followUpUpdate(s *State, c Caller, data []byte, _ Env) (Result, error) {
	var d struct {
		ActorID         string      `json:"actorId"`
		Owner           opt[string] `json:"owner"`
		Status          opt[string] `json:"status"`
		AssessmentRight opt[bool]   `json:"assessmentRight"`
		Interest        opt[string] `json:"interest"`
		Willingness     opt[string] `json:"willingness"`
		Notes           opt[string] `json:"notes"`
	}
	if err := decode(data, &d); err != nil {
		return Result{}, err
	}
	if err := requireID("actorId", d.ActorID); err != nil {
		return Result{}, err
	}
	old, _ := s.Actor(d.ActorID)
	if old == nil {
		return Result{}, notFound("actorId", "actor", d.ActorID)
	}
	a := *old
	f := &a.FollowUp
	if d.Owner.Set {
		if d.Owner.V != "" && s.Participant(d.Owner.V) == nil {
			return Result{}, notFound("owner", "participant", d.Owner.V)
		}
		f.Owner = d.Owner.V
	}
	for _, e := range []struct {
		o       opt[string]
		field   string
		allowed []string
		dst     *string
	}{
		{d.Status, "status", Statuses, &f.Status},
		{d.Interest, "interest", Levels, &f.Interest},
		{d.Willingness, "willingness", Levels, &f.Willingness},
	} {
		if e.o.Set {
			if err := oneOf(e.field, e.o.V, e.allowed...); err != nil {
				return Result{}, err
			}
			*e.dst = e.o.V
		}
	}
	if d.AssessmentRight.Set {
		if d.AssessmentRight.Null {
			f.AssessmentRight = nil
		} else {
			v := d.AssessmentRight.V
			f.AssessmentRight = &v
		}
	}
	if d.Notes.Set {
		notes, err := cleanText("notes", d.Notes.V, MaxLongText, true, false)
		if err != nil {
			return Result{}, err
		}
		f.Notes = notes
	}
	if sameFollowUp(a.FollowUp, old.FollowUp) {
		return Result{State: s}, nil
	}
	a.Version++
	return emit(s, Event{Name: EvActorUpdated, By: c.ID, Data: &ActorData{Actor: &a}}, "")
}

func sameFollowUp(a, b FollowUp) bool {
	ar, br := a.AssessmentRight, b.AssessmentRight
	a.AssessmentRight, b.AssessmentRight = nil, nil
	return a == b && (ar == nil) == (br == nil) && (ar == nil || *ar == *br)
}
