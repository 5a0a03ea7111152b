package session_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/arena-workshop/arena/session"
)

func TestIdempotentAdds(t *testing.T) {
	tests := []struct {
		name   string
		caller session.Caller
		op     string
		data   string
		id     string
	}{
		{"actor.add existing id", participant1, session.OpActorAdd, `{"id":"` + idActorA + `","name":"Gemeente"}`, idActorA},
		{"actor.add existing id with other fields", participant2, session.OpActorAdd, `{"id":"` + idActorA + `","name":"Anders","importance":1}`, idActorA},
		{"actor.add existing id in upper case", participant1, session.OpActorAdd, `{"id":"` + strings.ToUpper(idActorA) + `","name":"Gemeente"}`, idActorA},
		{"actor.add existing id without name", participant1, session.OpActorAdd, `{"id":"` + idActorA + `"}`, idActorA},
		{"criterion.add existing id", facilitator, session.OpCriterionAdd, `{"id":"` + idCrit1 + `","text":"Draagvlak"}`, idCrit1},
		{"criterion.add existing id with other text", facilitator, session.OpCriterionAdd, `{"id":"` + idCrit1 + `","text":"Anders"}`, idCrit1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := fixture(t)
			r := applyOK(t, s, tt.caller, tt.op, tt.data)
			if r.ID != tt.id || r.Event != nil || r.State != s {
				t.Errorf("result ID %q, event %v, same state %v; want %q, none, true", r.ID, r.Event, r.State == s, tt.id)
			}
		})
	}
}

func TestNotFound(t *testing.T) {
	tests := []struct {
		op, data, field string
	}{
		{session.OpActorUpdate, `{"id":"` + idNone + `","name":"N"}`, "id"},
		{session.OpActorUpdate, `{"id":"not-a-uuid","name":"N"}`, "id"},
		{session.OpActorRemove, `{"id":"` + idNone + `"}`, "id"},
		{session.OpActorMerge, `{"id":"` + idNone + `","into":"` + idActorA + `"}`, "id"},
		{session.OpActorMerge, `{"id":"` + idActorB + `","into":"` + idNone + `"}`, "into"},
		{session.OpActorSelect, `{"id":"` + idNone + `","selected":true}`, "id"},
		{session.OpRankingSet, `{"order":["` + idActorA + `","` + idNone + `"]}`, "order"},
		{session.OpFollowUpUpdate, `{"actorId":"` + idNone + `","status":"todo"}`, "actorId"},
		{session.OpFollowUpUpdate, `{"actorId":"` + idActorA + `","owner":"nobody"}`, "owner"},
		{session.OpCriterionUpdate, `{"id":"` + idNone + `","text":"T"}`, "id"},
		{session.OpCriterionUpdate, `{"id":"` + idActorA + `","text":"T"}`, "id"}, // an actor is no criterion
		{session.OpCriterionRemove, `{"id":"` + idNone + `"}`, "id"},
		{session.OpParticipantRemove, `{"participantId":"nobody"}`, "participantId"},
	}
	for _, tt := range tests {
		t.Run(tt.op+" "+tt.field, func(t *testing.T) {
			applyErr(t, fixture(t), facilitator, tt.op, tt.data, session.CodeNotFound, tt.field)
		})
	}
}

func TestRefusals(t *testing.T) {
	tests := []struct {
		name, op, data, field string
	}{
		{"merge into itself", session.OpActorMerge, `{"id":"` + idActorA + `","into":"` + idActorA + `"}`, "into"},
		{"ranking with a duplicate", session.OpRankingSet, `{"order":["` + idActorA + `","` + idActorB + `","` + idActorA + `"]}`, "order"},
		{"remove the facilitator", session.OpParticipantRemove, `{"participantId":"` + idFac + `"}`, "participantId"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			applyErr(t, fixture(t), facilitator, tt.op, tt.data, session.CodeInvalid, tt.field)
		})
	}
}

// TestCountLimits fills a workshop to a limit: one more add is invalid, an add with an
// existing id still answers ok with that id and no event.
func TestCountLimits(t *testing.T) {
	t.Run("actors", func(t *testing.T) {
		s := emptyState(t)
		env := testEnv()
		for i := range session.MaxActors - 1 {
			r, err := session.Apply(s, participant1, session.OpActorAdd, []byte(fmt.Sprintf(`{"name":"A%d"}`, i)), env)
			if err != nil {
				t.Fatalf("add %d: %v", i, err)
			}
			s = r.State
		}
		// applyOK's fresh Env would hand out an id that exists already: name the last one.
		s = applyOK(t, s, participant1, session.OpActorAdd, `{"id":"bbbbbbbb-0000-4000-8000-000000000200","name":"last"}`).State
		if len(s.Actors) != session.MaxActors {
			t.Fatalf("%d actors, want %d", len(s.Actors), session.MaxActors)
		}
		applyErr(t, s, participant1, session.OpActorAdd, `{"id":"bbbbbbbb-0000-4000-8000-000000000201","name":"one more"}`, session.CodeInvalid, "actors")
		applyErr(t, s, facilitator, session.OpActorAdd, `{"id":"`+idNone+`","name":"one more"}`, session.CodeInvalid, "actors")
		existing := s.Actors[42].ID
		r := applyOK(t, s, participant1, session.OpActorAdd, `{"id":"`+existing+`","name":"again"}`)
		if r.ID != existing || r.Event != nil || r.State != s {
			t.Errorf("existing id at the limit: %+v", r)
		}
		// after a remove there is room again
		s = applyOK(t, s, facilitator, session.OpActorRemove, `{"id":"`+existing+`"}`).State
		applyOK(t, s, participant1, session.OpActorAdd, `{"id":"`+idNone+`","name":"room again"}`)
	})
	t.Run("criteria", func(t *testing.T) {
		s := emptyState(t)
		for i := range session.MaxCriteria {
			s = applyOK(t, s, facilitator, session.OpCriterionAdd, fmt.Sprintf(`{"id":"cccccccc-0000-4000-8000-%012d","text":"C%d"}`, i, i)).State
		}
		if len(s.Criteria) != session.MaxCriteria {
			t.Fatalf("%d criteria, want %d", len(s.Criteria), session.MaxCriteria)
		}
		applyErr(t, s, facilitator, session.OpCriterionAdd, `{"text":"one more"}`, session.CodeInvalid, "criteria")
		r := applyOK(t, s, facilitator, session.OpCriterionAdd, `{"id":"cccccccc-0000-4000-8000-000000000007","text":"again"}`)
		if r.ID != "cccccccc-0000-4000-8000-000000000007" || r.Event != nil || r.State != s {
			t.Errorf("existing id at the limit: %+v", r)
		}
	})
	t.Run("participants", func(t *testing.T) {
		s := emptyState(t) // 3 already
		for i := len(s.Participants); i < session.MaxParticipants; i++ {
			s = mustJoin(t, s, fmt.Sprintf("x%d", i), fmt.Sprintf("X %d", i), session.RoleParticipant)
		}
		if len(s.Participants) != session.MaxParticipants {
			t.Fatalf("%d participants, want %d", len(s.Participants), session.MaxParticipants)
		}
		before := encode(t, s)
		r, err := session.Join(s, session.Participant{ID: "late", Name: "Laat", Role: session.RoleParticipant})
		checkErr(t, "Join", s, before, r, err, session.CodeInvalid, "participants")
		r, err = session.Join(s, session.Participant{ID: idP1, Name: "Piet", Role: session.RoleParticipant})
		if err != nil || r.ID != idP1 || r.Event != nil || r.State != s {
			t.Errorf("known participant at the limit: %+v, %v", r, err)
		}
	})
}

// roundsState is the fixture with three rounds made by hand: r1 closed (approve, A B C),
// r2 open (dots 3, at most 2 per actor, B C, reveal onClose), r3 closed (approve, A).
func roundsState(tb testing.TB) *session.State {
	tb.Helper()
	s := *fixture(tb)
	closed := testNow + 1
	s.Rounds = []*session.Round{
		{ID: "r1", Status: "closed", Mode: "approve", Reveal: "live", Candidates: []string{idActorA, idActorB, idActorC},
			Tally: map[string]int{idActorA: 2, idActorB: 1}, Voters: 2, OpenedAt: testNow, ClosedAt: &closed},
		{ID: "r2", Status: "open", Mode: "dots", Dots: 3, MaxPerActor: 2, Reveal: "onClose", Candidates: []string{idActorB, idActorC}, OpenedAt: testNow},
		{ID: "r3", Status: "closed", Mode: "approve", Reveal: "live", Candidates: []string{idActorA},
			Tally: map[string]int{idActorA: 1}, Voters: 1, OpenedAt: testNow, ClosedAt: &closed},
	}
	return &s
}

func candidates(s *session.State) [][]string {
	var out [][]string
	for _, r := range s.Rounds {
		out = append(out, r.Candidates)
	}
	return out
}

func TestRemoveAndMergeLeaveRankingAndRounds(t *testing.T) {
	tests := []struct {
		name       string
		op, data   string
		ranks      map[string]int
		candidates [][]string
		tallies    []map[string]int // closed rounds keep their tally, less or plus what moved
	}{
		{
			name: "remove rank 2", op: session.OpActorRemove, data: `{"id":"` + idActorB + `"}`,
			ranks:      map[string]int{idActorA: 1, idActorC: 2},
			candidates: [][]string{{idActorA, idActorC}, {idActorC}, {idActorA}},
			tallies:    []map[string]int{{idActorA: 2}, nil, {idActorA: 1}},
		},
		{
			name: "remove rank 1", op: session.OpActorRemove, data: `{"id":"` + idActorA + `"}`,
			ranks:      map[string]int{idActorB: 1, idActorC: 2},
			candidates: [][]string{{idActorB, idActorC}, {idActorB, idActorC}, {}},
			tallies:    []map[string]int{{idActorB: 1}, nil, {}},
		},
		{
			name: "remove the last rank", op: session.OpActorRemove, data: `{"id":"` + idActorC + `"}`,
			ranks:      map[string]int{idActorA: 1, idActorB: 2},
			candidates: [][]string{{idActorA, idActorB}, {idActorB}, {idActorA}},
			tallies:    []map[string]int{{idActorA: 2, idActorB: 1}, nil, {idActorA: 1}},
		},
		{
			name: "merge rank 2 into rank 1", op: session.OpActorMerge, data: `{"id":"` + idActorB + `","into":"` + idActorA + `"}`,
			ranks:      map[string]int{idActorA: 1, idActorC: 2},
			candidates: [][]string{{idActorA, idActorC}, {idActorC}, {idActorA}},
			tallies:    []map[string]int{{idActorA: 3}, nil, {idActorA: 1}},
		},
		{
			name: "merge rank 1 into rank 3", op: session.OpActorMerge, data: `{"id":"` + idActorA + `","into":"` + idActorC + `"}`,
			ranks:      map[string]int{idActorB: 1, idActorC: 2},
			candidates: [][]string{{idActorB, idActorC}, {idActorB, idActorC}, {}},
			// r1: C is a candidate and takes A's 2; r3: C is none, A's 1 is dropped
			tallies: []map[string]int{{idActorB: 1, idActorC: 2}, nil, {}},
		},
		{
			name: "merge an actor in no tally", op: session.OpActorMerge, data: `{"id":"` + idActorC + `","into":"` + idActorB + `"}`,
			ranks:      map[string]int{idActorA: 1, idActorB: 2},
			candidates: [][]string{{idActorA, idActorB}, {idActorB}, {idActorA}},
			tallies:    []map[string]int{{idActorA: 2, idActorB: 1}, nil, {idActorA: 1}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := roundsState(t)
			r := applyOK(t, s, facilitator, tt.op, tt.data)
			got := map[string]int{}
			for _, a := range r.State.Actors {
				got[a.ID] = a.Rank
			}
			if !reflect.DeepEqual(got, tt.ranks) {
				t.Errorf("ranks %v, want %v", got, tt.ranks)
			}
			for _, a := range r.State.Actors {
				old, _ := s.Actor(a.ID)
				if old.Rank != a.Rank && a.Version <= old.Version {
					t.Errorf("%s changed rank %d -> %d without a new version", a.Name, old.Rank, a.Rank)
				}
			}
			if c := candidates(r.State); !reflect.DeepEqual(c, tt.candidates) {
				t.Errorf("candidates %v, want %v", c, tt.candidates)
			}
			var tallies []map[string]int
			for _, rd := range r.State.Rounds {
				tallies = append(tallies, rd.Tally)
			}
			if !reflect.DeepEqual(tallies, tt.tallies) {
				t.Errorf("tallies %v, want %v", tallies, tt.tallies)
			}
			for i, rd := range r.State.Rounds {
				old := s.Rounds[i]
				if rd.ID != old.ID || rd.Status != old.Status || rd.Mode != old.Mode || rd.Voters != old.Voters || rd.Reveal != old.Reveal {
					t.Errorf("round %d lost other fields: %+v, was %+v", i, rd, old)
				}
			}
			if s.Rounds[0].Tally[idActorA] != 2 || s.Rounds[0].Tally[idActorB] != 1 || len(s.Rounds[0].Tally) != 2 {
				t.Errorf("the op changed the tally of its input: %v", s.Rounds[0].Tally)
			}
		})
	}

	t.Run("remove an unranked actor keeps the ranks", func(t *testing.T) {
		s := must(t, roundsState(t), facilitator, session.OpRankingSet, `{"order":["`+idActorC+`","`+idActorA+`"]}`)
		r := applyOK(t, s, facilitator, session.OpActorRemove, `{"id":"`+idActorB+`"}`)
		if a, c := actor(t, r.State, idActorA), actor(t, r.State, idActorC); a.Rank != 2 || c.Rank != 1 ||
			a.Version != actor(t, s, idActorA).Version || c.Version != actor(t, s, idActorC).Version {
			t.Errorf("A %+v, C %+v; want ranks 2, 1 and versions unchanged", a, c)
		}
	})
	t.Run("remove an actor in no round shares the rounds", func(t *testing.T) {
		s := roundsState(t)
		s = must(t, s, facilitator, session.OpActorAdd, `{"id":"`+idNone+`","name":"los"}`)
		r := applyOK(t, s, facilitator, session.OpActorRemove, `{"id":"`+idNone+`"}`)
		for i := range s.Rounds {
			if r.State.Rounds[i] != s.Rounds[i] {
				t.Errorf("round %d copied although it did not change", i)
			}
		}
	})
}

func TestMergeValues(t *testing.T) {
	tests := []struct {
		name          string
		keep, dup     string // actor.add data without id
		wantResources string
		check         func(tb testing.TB, m *session.Actor)
	}{
		{
			name: "kept values win", keep: `{"name":"K","category":"core","importance":2,"form":"adhoc"}`,
			dup: `{"name":"D","category":"context","importance":4,"form":"merger"}`,
			check: func(tb testing.TB, m *session.Actor) {
				if m.Name != "K" || m.Category != "core" || m.Importance != 2 || m.Form != "adhoc" {
					tb.Errorf("merged %+v", m)
				}
			},
		},
		{
			name: "empty resources take the duplicate's", keep: `{"name":"K"}`, dup: `{"name":"D","resources":"geld"}`,
			wantResources: "geld",
		},
		{
			name: "equal resources are not doubled", keep: `{"name":"K","resources":"geld"}`, dup: `{"name":"D","resources":"geld"}`,
			wantResources: "geld",
		},
		{
			name:          "joined resources at the limit",
			keep:          `{"name":"K","resources":"` + strings.Repeat("é", 1000) + `"}`,
			dup:           `{"name":"D","resources":"` + strings.Repeat("a", 999) + `"}`,
			wantResources: strings.Repeat("é", 1000) + "\n" + strings.Repeat("a", 999),
		},
		{
			name:          "joined resources over the limit keep the kept",
			keep:          `{"name":"K","resources":"` + strings.Repeat("é", 1000) + `"}`,
			dup:           `{"name":"D","resources":"` + strings.Repeat("a", 1000) + `"}`,
			wantResources: strings.Repeat("é", 1000),
		},
		{
			name: "follow-up and creator stay the kept actor's", keep: `{"name":"K"}`, dup: `{"name":"D","category":"core"}`,
			check: func(tb testing.TB, m *session.Actor) {
				if m.CreatedBy != idFac || m.Category != "core" || m.Version != 2 {
					tb.Errorf("merged %+v", m)
				}
			},
		},
	}
	const keepID, dupID = "bbbbbbbb-0000-4000-8000-000000000001", "bbbbbbbb-0000-4000-8000-000000000002"
	withID := func(id, data string) string { return `{"id":"` + id + `",` + data[1:] }
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := emptyState(t)
			s = must(t, s, facilitator, session.OpActorAdd, withID(keepID, tt.keep))
			s = must(t, s, participant1, session.OpActorAdd, withID(dupID, tt.dup))
			r := applyOK(t, s, facilitator, session.OpActorMerge, `{"id":"`+dupID+`","into":"`+keepID+`"}`)
			m := actor(t, r.State, keepID)
			if len(r.State.Actors) != 1 {
				t.Fatalf("%d actors after the merge", len(r.State.Actors))
			}
			if tt.wantResources != "" && m.Resources != tt.wantResources {
				t.Errorf("resources %q, want %q", trunc(m.Resources), trunc(tt.wantResources))
			}
			if tt.check != nil {
				tt.check(t, m)
			}
		})
	}
}

// TestVersion checks that version grows by one on every change of an actor.
func TestVersion(t *testing.T) {
	s := fixture(t)
	v := actor(t, s, idActorC).Version
	steps := []struct {
		c          session.Caller
		op, data   string
		wantGrowth int
	}{
		{participant1, session.OpActorUpdate, `{"id":"` + idActorC + `","name":"Buren"}`, 1},
		{participant1, session.OpActorUpdate, `{"id":"` + idActorC + `","name":"Buren"}`, 0},
		{participant1, session.OpFollowUpUpdate, `{"actorId":"` + idActorC + `","status":"todo"}`, 1},
		{facilitator, session.OpActorSelect, `{"id":"` + idActorC + `","selected":true}`, 1},
		{facilitator, session.OpActorSelect, `{"id":"` + idActorC + `","selected":true}`, 0},
		{facilitator, session.OpRankingSet, `{"order":["` + idActorC + `"]}`, 1},
		{facilitator, session.OpRankingSet, `{"order":["` + idActorC + `"]}`, 0},
		{facilitator, session.OpActorMerge, `{"id":"` + idActorB + `","into":"` + idActorC + `"}`, 1},
	}
	for i, st := range steps {
		s = applyOK(t, s, st.c, st.op, st.data).State
		got := actor(t, s, idActorC).Version
		if got != v+st.wantGrowth {
			t.Errorf("step %d %s: version %d -> %d, want +%d", i, st.op, v, got, st.wantGrowth)
		}
		v = got
	}
}

func TestErrorString(t *testing.T) {
	tests := []struct {
		err  *session.Error
		want string
	}{
		{&session.Error{Code: session.CodeInvalid, Message: "too long", Field: "name"}, "invalid: too long (name)"},
		{session.Errorf(session.CodeForbidden, "no %s", "way"), "forbidden: no way"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := tt.err.Error(); got != tt.want {
				t.Errorf("Error() = %q, want %q", got, tt.want)
			}
		})
	}
	if got := session.ErrorCode(fmt.Errorf("hub: publish: %w", session.Errorf(session.CodeLocked, "x"))); got != session.CodeLocked {
		t.Errorf("ErrorCode of a wrapped error = %q", got)
	}
	if got := session.ErrorCode(fmt.Errorf("plain")); got != "" {
		t.Errorf("ErrorCode of a plain error = %q", got)
	}
}

func TestOpenRound(t *testing.T) {
	s := roundsState(t)
	if r := s.OpenRound(); r == nil || r.ID != "r2" {
		t.Errorf("OpenRound = %+v, want r2", r)
	}
	if r := fixture(t).OpenRound(); r != nil {
		t.Errorf("OpenRound without rounds = %+v", r)
	}
}

func TestNew(t *testing.T) {
	s := session.New("w1", "ABC234", "Arena", "en", testNow)
	want := `{"id":"w1","code":"ABC234","title":"Arena","locale":"en","step":1,"locked":false,"issue":"","goal":"",` +
		`"actors":[],"criteria":[],"rounds":[],"participants":[],"timer":null,"createdAt":1700000000000,"baseline":null}`
	if got := encode(t, s); got != want {
		t.Errorf("New = %s\nwant  %s", got, want)
	}
}
