package session_test

import (
	"reflect"
	"testing"

	"github.com/arena-workshop/arena/session"
)

// fixtureBaseline is the baseline of the fixture's three actors.
func fixtureBaseline() map[string]*session.ActorBaseline {
	return map[string]*session.ActorBaseline{
		idActorA: {Name: "Gemeente", Category: "core", Importance: 4, Dependency: "large", Rank: 1},
		idActorB: {Name: "Woningcorporatie", Category: "peripheral", Importance: 2, Replaceability: "small", ReplaceableBy: "Provincie", Rank: 2},
		idActorC: {Name: "Bewoners", Rank: 3},
	}
}

// TestBaselineCapture walks the steps and checks when the baseline is taken.
func TestBaselineCapture(t *testing.T) {
	step := func(tb testing.TB, s *session.State, n string) *session.State {
		tb.Helper()
		return applyOK(tb, s, facilitator, session.OpStepSet, `{"step":`+n+`}`).State
	}
	rename := func(tb testing.TB, s *session.State, name string) *session.State {
		tb.Helper()
		return applyOK(tb, s, participant1, session.OpActorUpdate, `{"id":"`+idActorC+`","name":"`+name+`","importance":1}`).State
	}
	renamed := func(name string) map[string]*session.ActorBaseline {
		b := fixtureBaseline()
		b[idActorC] = &session.ActorBaseline{Name: name, Importance: 1, Rank: 3}
		return b
	}
	tests := []struct {
		name string
		walk func(tb testing.TB, s *session.State) *session.State
		want map[string]*session.ActorBaseline
	}{
		{"new workshop", func(tb testing.TB, s *session.State) *session.State { return s }, nil},
		{"1 to 2", func(tb testing.TB, s *session.State) *session.State { return step(tb, s, "2") }, nil},
		{"2 to 2", func(tb testing.TB, s *session.State) *session.State { return step(tb, step(tb, s, "2"), "2") }, nil},
		{"2 to 3 captures", func(tb testing.TB, s *session.State) *session.State { return step(tb, step(tb, s, "2"), "3") }, fixtureBaseline()},
		{"1 to 3 captures", func(tb testing.TB, s *session.State) *session.State { return step(tb, s, "3") }, fixtureBaseline()},
		{"1 to 6 captures", func(tb testing.TB, s *session.State) *session.State { return step(tb, s, "6") }, fixtureBaseline()},
		{"3 to 4 keeps it", func(tb testing.TB, s *session.State) *session.State {
			return step(tb, rename(tb, step(tb, s, "3"), "Buren"), "4")
		}, fixtureBaseline()},
		{"3 to 3 keeps it", func(tb testing.TB, s *session.State) *session.State {
			return step(tb, rename(tb, step(tb, s, "3"), "Buren"), "3")
		}, fixtureBaseline()},
		{"6 to 2 keeps it", func(tb testing.TB, s *session.State) *session.State {
			return step(tb, rename(tb, step(tb, s, "6"), "Buren"), "2")
		}, fixtureBaseline()},
		{"6 to 2 to 3 takes a fresh one", func(tb testing.TB, s *session.State) *session.State {
			return step(tb, step(tb, rename(tb, step(tb, s, "6"), "Buren"), "2"), "3")
		}, renamed("Buren")},
		{"an actor added later has no entry", func(tb testing.TB, s *session.State) *session.State {
			s = step(tb, s, "3")
			return applyOK(tb, s, participant2, session.OpActorAdd, `{"id":"`+idNone+`","name":"Nieuw"}`).State
		}, fixtureBaseline()},
		{"a removed actor keeps its entry", func(tb testing.TB, s *session.State) *session.State {
			s = step(tb, s, "3")
			return applyOK(tb, s, facilitator, session.OpActorRemove, `{"id":"`+idActorB+`"}`).State
		}, fixtureBaseline()},
		{"a merge leaves it", func(tb testing.TB, s *session.State) *session.State {
			s = step(tb, s, "5")
			return applyOK(tb, s, facilitator, session.OpActorMerge, `{"id":"`+idActorB+`","into":"`+idActorA+`"}`).State
		}, fixtureBaseline()},
		{"no actors: an empty baseline", func(tb testing.TB, s *session.State) *session.State {
			return step(tb, emptyState(tb), "3")
		}, map[string]*session.ActorBaseline{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := tt.walk(t, fixture(t))
			if !reflect.DeepEqual(s.Baseline, tt.want) {
				t.Errorf("baseline %s\nwant     %s", js(t, s.Baseline), js(t, tt.want))
			}
		})
	}
}

// TestBaselineIsAValue checks that a captured baseline does not follow later changes and
// that the step change that captures it leaves its input alone.
func TestBaselineIsAValue(t *testing.T) {
	s := fixture(t)
	s3 := applyOK(t, s, facilitator, session.OpStepSet, `{"step":3}`).State
	if s.Baseline != nil {
		t.Fatal("the step change gave its input a baseline")
	}
	later := applyOK(t, s3, participant1, session.OpActorUpdate, `{"id":"`+idActorA+`","name":"Stad","category":"context"}`).State
	if b := later.Baseline[idActorA]; b.Name != "Gemeente" || b.Category != "core" {
		t.Errorf("baseline of A followed the update: %+v", b)
	}
	back := applyOK(t, later, facilitator, session.OpStepSet, `{"step":1}`).State
	again := applyOK(t, back, facilitator, session.OpStepSet, `{"step":4}`).State
	if b := again.Baseline[idActorA]; b.Name != "Stad" || b.Category != "context" {
		t.Errorf("fresh baseline of A %+v, want the update", b)
	}
	if b := s3.Baseline[idActorA]; b.Name != "Gemeente" {
		t.Errorf("the recapture changed the older state's baseline: %+v", b)
	}
}

func TestBaselineJSON(t *testing.T) {
	s := applyOK(t, emptyState(t), participant1, session.OpActorAdd,
		`{"id":"`+idActorA+`","name":"Gemeente","category":"core","importance":4,"replaceability":"large","replaceableBy":"Rijk","dependency":"small","resources":"geld"}`).State
	s = applyOK(t, s, facilitator, session.OpStepSet, `{"step":3}`).State
	want := `{"` + idActorA + `":{"name":"Gemeente","category":"core","importance":4,"replaceability":"large","replaceableBy":"Rijk","dependency":"small","rank":0}}`
	if got := js(t, s.Baseline); got != want {
		t.Errorf("baseline = %s\nwant       %s", got, want)
	}
}
