package session_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/arena-workshop/arena/session"
)

// Round ids that clients name (like actor ids, UUIDs).
const (
	idRound1 = "ffffffff-0000-4000-8000-000000000001"
	idRound2 = "ffffffff-0000-4000-8000-000000000002"
)

// openRound opens a round on s by the facilitator and returns the new state.
func openRound(tb testing.TB, s *session.State, data string) *session.State {
	tb.Helper()
	return must(tb, s, facilitator, session.OpRoundOpen, data)
}

// closeRound closes round id with the given ballots and returns the new state.
func closeRound(tb testing.TB, s *session.State, id string, ballots map[string]session.Ballot) *session.State {
	tb.Helper()
	r, err := session.Apply(s, facilitator, session.OpRoundClose, []byte(`{"roundId":"`+id+`"}`),
		ballotsEnv(map[string]map[string]session.Ballot{id: ballots}))
	if err != nil {
		tb.Fatalf("close round %s: %v", id, err)
	}
	return r.State
}

func TestRoundOpen(t *testing.T) {
	all := []string{idActorA, idActorB, idActorC}
	approve := session.Round{ID: genID(1), Mode: session.ModeApprove, MaxPerActor: 1, Anonymous: true, Reveal: session.RevealLive, Candidates: all}
	dots := func(n, per int) session.Round {
		return session.Round{ID: genID(1), Mode: session.ModeDots, Dots: n, MaxPerActor: per, Anonymous: true, Reveal: session.RevealLive, Candidates: all}
	}
	with := func(r session.Round, change func(*session.Round)) session.Round {
		change(&r)
		return r
	}
	tests := []struct {
		name string
		data string
		want session.Round // Status and OpenedAt are added
	}{
		{"approve with the defaults", `{"mode":"approve"}`, approve},
		{"approve with dots 0, maxPerActor 1 and nulls",
			`{"mode":"approve","dots":0,"maxPerActor":1,"anonymous":null,"reveal":null,"candidates":null,"facilitatorVotes":null,"id":null}`, approve},
		{"approve with maxPerActor 0", `{"mode":"approve","maxPerActor":0,"reveal":""}`, approve},
		{"approve with every option",
			`{"id":"FFFFFFFF-0000-4000-8000-00000000000A","mode":"approve","anonymous":false,"reveal":"onClose","candidates":["` + idActorC + `","` + idActorA + `"],"facilitatorVotes":true}`,
			with(approve, func(r *session.Round) {
				r.ID, r.Anonymous, r.Reveal, r.FacilitatorVotes = "ffffffff-0000-4000-8000-00000000000a", false, session.RevealOnClose, true
				r.Candidates = []string{idActorC, idActorA}
			})},
		{"anonymous true", `{"mode":"approve","anonymous":true,"reveal":"live"}`, approve},
		{"one candidate", `{"mode":"approve","candidates":["` + idActorB + `"]}`,
			with(approve, func(r *session.Round) { r.Candidates = []string{idActorB} })},
		{"dots with the defaults", `{"mode":"dots","dots":5}`, dots(5, 5)},
		{"dots 1", `{"mode":"dots","dots":1}`, dots(1, 1)},
		{"dots at the limit", `{"mode":"dots","dots":100,"maxPerActor":100}`, dots(100, 100)},
		{"dots maxPerActor 1", `{"mode":"dots","dots":100,"maxPerActor":1}`, dots(100, 1)},
		{"dots maxPerActor 0 is the default", `{"mode":"dots","dots":7,"maxPerActor":0}`, dots(7, 7)},
		{"dots maxPerActor null is the default", `{"mode":"dots","dots":7,"maxPerActor":null}`, dots(7, 7)},
		{"dots maxPerActor below dots", `{"mode":"dots","dots":7,"maxPerActor":3,"facilitatorVotes":true}`,
			with(dots(7, 3), func(r *session.Round) { r.FacilitatorVotes = true })},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := fixture(t)
			r := applyOK(t, s, facilitator, session.OpRoundOpen, tt.data)
			want := tt.want
			want.Status, want.OpenedAt = session.RoundStatusOpen, testNow
			if r.ID != want.ID {
				t.Errorf("ID = %q, want %q", r.ID, want.ID)
			}
			if r.Event == nil || r.Event.Name != session.EvRoundOpened || r.Event.By != idFac {
				t.Fatalf("event %+v, want %s by %s", r.Event, session.EvRoundOpened, idFac)
			}
			if !reflect.DeepEqual(r.Event.Data, &session.RoundData{Round: &want}) {
				t.Errorf("payload %+v\nwant    %+v", r.Event.Data.(*session.RoundData).Round, want)
			}
			if len(r.State.Rounds) != 1 || !reflect.DeepEqual(*r.State.Rounds[0], want) {
				t.Errorf("rounds %+v, want %+v", r.State.Rounds, want)
			}
			if o := r.State.OpenRound(); o == nil || o.ID != want.ID {
				t.Errorf("OpenRound = %+v", o)
			}
		})
	}
}

// TestRoundJSON pins the encoding of a new round: no tally and no closedAt yet.
func TestRoundJSON(t *testing.T) {
	s := applyOK(t, fixture(t), facilitator, session.OpRoundOpen, `{"mode":"dots","dots":3,"candidates":["`+idActorA+`"]}`).State
	want := `{"id":"` + genID(1) + `","status":"open","mode":"dots","dots":3,"maxPerActor":3,"anonymous":true,"reveal":"live",` +
		`"candidates":["` + idActorA + `"],"tally":null,"voters":0,"openedAt":1700000000000,"closedAt":null,"facilitatorVotes":false}`
	if got := js(t, s.Rounds[0]); got != want {
		t.Errorf("round = %s\nwant    %s", got, want)
	}
}

func TestRoundOpenRefusals(t *testing.T) {
	withOpen := func(tb testing.TB) *session.State {
		tb.Helper()
		return openRound(tb, fixture(tb), `{"id":"`+idRound1+`","mode":"approve"}`)
	}
	tests := []struct {
		name  string
		state func(testing.TB) *session.State // nil: the fixture
		data  string
		code  string
		field string
	}{
		{"no mode", nil, `{}`, session.CodeInvalid, "mode"},
		{"empty mode", nil, `{"mode":""}`, session.CodeInvalid, "mode"},
		{"null mode", nil, `{"mode":null}`, session.CodeInvalid, "mode"},
		{"unknown mode", nil, `{"mode":"vote"}`, session.CodeInvalid, "mode"},
		{"mode in capitals", nil, `{"mode":"Approve"}`, session.CodeInvalid, "mode"},
		{"mode a number", nil, `{"mode":1}`, session.CodeInvalid, "mode"},
		{"approve with dots", nil, `{"mode":"approve","dots":1}`, session.CodeInvalid, "dots"},
		{"approve with negative dots", nil, `{"mode":"approve","dots":-1}`, session.CodeInvalid, "dots"},
		{"approve with maxPerActor 2", nil, `{"mode":"approve","maxPerActor":2}`, session.CodeInvalid, "maxPerActor"},
		{"approve with maxPerActor -1", nil, `{"mode":"approve","maxPerActor":-1}`, session.CodeInvalid, "maxPerActor"},
		{"dots without dots", nil, `{"mode":"dots"}`, session.CodeInvalid, "dots"},
		{"dots 0", nil, `{"mode":"dots","dots":0}`, session.CodeInvalid, "dots"},
		{"dots null", nil, `{"mode":"dots","dots":null}`, session.CodeInvalid, "dots"},
		{"dots -1", nil, `{"mode":"dots","dots":-1}`, session.CodeInvalid, "dots"},
		{"dots 101", nil, `{"mode":"dots","dots":101}`, session.CodeInvalid, "dots"},
		{"dots a string", nil, `{"mode":"dots","dots":"5"}`, session.CodeInvalid, "dots"},
		{"dots a fraction", nil, `{"mode":"dots","dots":2.5}`, session.CodeInvalid, "dots"},
		{"maxPerActor over dots", nil, `{"mode":"dots","dots":5,"maxPerActor":6}`, session.CodeInvalid, "maxPerActor"},
		{"maxPerActor over dots at the limit", nil, `{"mode":"dots","dots":100,"maxPerActor":101}`, session.CodeInvalid, "maxPerActor"},
		{"maxPerActor -1", nil, `{"mode":"dots","dots":5,"maxPerActor":-1}`, session.CodeInvalid, "maxPerActor"},
		{"maxPerActor a string", nil, `{"mode":"dots","dots":5,"maxPerActor":"2"}`, session.CodeInvalid, "maxPerActor"},
		{"unknown reveal", nil, `{"mode":"approve","reveal":"never"}`, session.CodeInvalid, "reveal"},
		{"reveal in capitals", nil, `{"mode":"approve","reveal":"LIVE"}`, session.CodeInvalid, "reveal"},
		{"anonymous a string", nil, `{"mode":"approve","anonymous":"yes"}`, session.CodeInvalid, "anonymous"},
		{"facilitatorVotes a number", nil, `{"mode":"approve","facilitatorVotes":1}`, session.CodeInvalid, "facilitatorVotes"},
		{"no candidates", nil, `{"mode":"approve","candidates":[]}`, session.CodeInvalid, "candidates"},
		{"a candidate twice", nil, `{"mode":"approve","candidates":["` + idActorA + `","` + idActorB + `","` + idActorA + `"]}`, session.CodeInvalid, "candidates"},
		{"candidates a string", nil, `{"mode":"approve","candidates":"` + idActorA + `"}`, session.CodeInvalid, "candidates"},
		{"candidates of numbers", nil, `{"mode":"approve","candidates":[1]}`, session.CodeInvalid, "candidates"},
		{"an unknown candidate", nil, `{"mode":"approve","candidates":["` + idActorA + `","` + idNone + `"]}`, session.CodeNotFound, "candidates"},
		{"a criterion as candidate", nil, `{"mode":"approve","candidates":["` + idCrit1 + `"]}`, session.CodeNotFound, "candidates"},
		{"no actors to default to", emptyState, `{"mode":"approve"}`, session.CodeInvalid, "candidates"},
		{"id not a UUID", nil, `{"id":"r1","mode":"approve"}`, session.CodeInvalid, "id"},
		{"unknown field", nil, `{"mode":"approve","title":"Ronde 1"}`, session.CodeInvalid, "title"},
		{"a round is open", withOpen, `{"mode":"approve"}`, session.CodeInvalid, "rounds"},
		{"a round is open, other id", withOpen, `{"id":"` + idRound2 + `","mode":"dots","dots":3}`, session.CodeInvalid, "rounds"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			state := tt.state
			if state == nil {
				state = fixture
			}
			applyErr(t, state(t), facilitator, session.OpRoundOpen, tt.data, tt.code, tt.field)
		})
	}
}

// TestRoundOpenIdempotent checks that an existing round id answers that id and changes
// nothing, whatever the rest of the data says and whatever state the workshop is in.
func TestRoundOpenIdempotent(t *testing.T) {
	open := openRound(t, fixture(t), `{"id":"`+idRound1+`","mode":"approve"}`)
	closed := closeRound(t, open, idRound1, nil)
	tests := []struct {
		name string
		s    *session.State
		data string
	}{
		{"same data while open", open, `{"id":"` + idRound1 + `","mode":"approve"}`},
		{"other data while open", open, `{"id":"` + idRound1 + `","mode":"dots","dots":4}`},
		{"invalid data", open, `{"id":"` + idRound1 + `","mode":"bogus","dots":-4}`},
		{"id in capitals", open, `{"id":"` + strings.ToUpper(idRound1) + `","mode":"approve"}`},
		{"after it closed", closed, `{"id":"` + idRound1 + `","mode":"approve"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := applyOK(t, tt.s, facilitator, session.OpRoundOpen, tt.data)
			if r.ID != idRound1 || r.Event != nil || r.State != tt.s {
				t.Errorf("ID %q, event %v, same state %v; want %q, none, true", r.ID, r.Event, r.State == tt.s, idRound1)
			}
		})
	}
}

// TestRoundLimit opens and closes rounds up to the limit: the 20th opens, the 21st is
// invalid, an existing id still answers ok.
func TestRoundLimit(t *testing.T) {
	s := fixture(t)
	id := func(i int) string { return fmt.Sprintf("ffffffff-0000-4000-8000-%012d", i) }
	for i := range session.MaxRounds - 1 {
		s = closeRound(t, openRound(t, s, `{"id":"`+id(i)+`","mode":"approve"}`), id(i), nil)
	}
	s = applyOK(t, s, facilitator, session.OpRoundOpen, `{"id":"`+id(99)+`","mode":"dots","dots":2}`).State
	if len(s.Rounds) != session.MaxRounds {
		t.Fatalf("%d rounds, want %d", len(s.Rounds), session.MaxRounds)
	}
	s = closeRound(t, s, id(99), nil)
	applyErr(t, s, facilitator, session.OpRoundOpen, `{"mode":"approve"}`, session.CodeInvalid, "rounds")
	applyErr(t, s, facilitator, session.OpRoundOpen, `{"id":"`+id(100)+`","mode":"approve"}`, session.CodeInvalid, "rounds")
	r := applyOK(t, s, facilitator, session.OpRoundOpen, `{"id":"`+id(7)+`","mode":"approve"}`)
	if r.ID != id(7) || r.Event != nil || r.State != s {
		t.Errorf("existing id at the limit: %+v", r)
	}
}

func TestRoundClose(t *testing.T) {
	base := func(tb testing.TB) *session.State {
		tb.Helper()
		return openRound(tb, fixture(tb), `{"id":"`+idRound1+`","mode":"dots","dots":5,"maxPerActor":3,"reveal":"onClose","candidates":["`+idActorA+`","`+idActorB+`"]}`)
	}
	tests := []struct {
		name    string
		ballots map[string]session.Ballot
		nilFunc bool // Env.Ballots is nil
		tally   map[string]int
		voters  int
	}{
		{name: "no ballot function", nilFunc: true, tally: map[string]int{idActorA: 0, idActorB: 0}},
		{name: "no ballots", tally: map[string]int{idActorA: 0, idActorB: 0}},
		{
			name: "several ballots",
			ballots: map[string]session.Ballot{
				idP1:  {idActorA: 3, idActorB: 2},
				idP2:  {idActorA: 1},
				idFac: {idActorB: 1},
			},
			tally: map[string]int{idActorA: 4, idActorB: 3}, voters: 3,
		},
		{
			name: "votes on others are not counted",
			ballots: map[string]session.Ballot{
				idP1:       {idActorA: 2, idActorC: 3}, // C is no candidate
				idP2:       {idActorC: 1},              // only on a non-candidate: no voter
				"p3":       {idActorB: 0},              // only zero: no voter
				"p4":       {},                         // empty: no voter
				"p5":       nil,                        // none: no voter
				"departed": {idActorB: 1, idNone: 5},   // a removed actor
			},
			tally: map[string]int{idActorA: 2, idActorB: 1}, voters: 2,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := base(t)
			var asked []string
			env := testEnv()
			env.Now = testNow + 90_000
			if !tt.nilFunc {
				env.Ballots = func(id string) map[string]session.Ballot {
					asked = append(asked, id)
					return tt.ballots
				}
			}
			r := applyEnvOK(t, s, facilitator, session.OpRoundClose, `{"roundId":"`+idRound1+`"}`, env)
			if !tt.nilFunc && !reflect.DeepEqual(asked, []string{idRound1}) {
				t.Errorf("ballots asked for %v, want [%s]", asked, idRound1)
			}
			want := *s.Rounds[0]
			closedAt := testNow + 90_000
			want.Status, want.ClosedAt, want.Tally, want.Voters = session.RoundStatusClosed, &closedAt, tt.tally, tt.voters
			if r.Event == nil || r.Event.Name != session.EvRoundClosed || r.Event.By != idFac {
				t.Fatalf("event %+v, want %s", r.Event, session.EvRoundClosed)
			}
			if !reflect.DeepEqual(r.Event.Data, &session.RoundData{Round: &want}) {
				t.Errorf("payload %+v\nwant    %+v", r.Event.Data.(*session.RoundData).Round, want)
			}
			if got := r.State.Rounds[0]; !reflect.DeepEqual(*got, want) {
				t.Errorf("round %+v\nwant  %+v", got, want)
			}
			if r.ID != "" || r.State.OpenRound() != nil {
				t.Errorf("ID %q, open round %+v", r.ID, r.State.OpenRound())
			}
			// The next round may open now.
			applyOK(t, r.State, facilitator, session.OpRoundOpen, `{"mode":"approve"}`)
		})
	}

	t.Run("closes only that round", func(t *testing.T) {
		s := closeRound(t, base(t), idRound1, nil)
		s = openRound(t, s, `{"id":"`+idRound2+`","mode":"approve"}`)
		r := applyEnvOK(t, s, facilitator, session.OpRoundClose, `{"roundId":"`+idRound2+`"}`,
			ballotsEnv(map[string]map[string]session.Ballot{idRound2: {idP1: {idActorC: 1}}}))
		if r.State.Rounds[0] != s.Rounds[0] {
			t.Error("the other round was copied")
		}
		if got := r.State.Rounds[1].Tally; !reflect.DeepEqual(got, map[string]int{idActorA: 0, idActorB: 0, idActorC: 1}) {
			t.Errorf("tally %v", got)
		}
	})

	errs := []struct {
		name, data, code, field string
	}{
		{"no roundId", `{}`, session.CodeInvalid, "roundId"},
		{"empty roundId", `{"roundId":""}`, session.CodeInvalid, "roundId"},
		{"roundId a number", `{"roundId":1}`, session.CodeInvalid, "roundId"},
		{"unknown field", `{"roundId":"` + idRound1 + `","tally":{}}`, session.CodeInvalid, "tally"},
		{"unknown round", `{"roundId":"` + idNone + `"}`, session.CodeNotFound, "roundId"},
		{"an actor is no round", `{"roundId":"` + idActorA + `"}`, session.CodeNotFound, "roundId"},
		{"closed already", `{"roundId":"` + idRound2 + `"}`, session.CodeClosed, "roundId"},
	}
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) {
			s := openRound(t, fixture(t), `{"id":"`+idRound2+`","mode":"approve"}`)
			s = closeRound(t, s, idRound2, nil)
			s = openRound(t, s, `{"id":"`+idRound1+`","mode":"approve"}`)
			applyErr(t, s, facilitator, session.OpRoundClose, tt.data, tt.code, tt.field)
		})
	}
}

// TestClosedTallyAfterRemoveAndMerge checks closed tallies when actors go: a removal drops
// the count, a merge adds it to the kept actor (uncapped) when that one is a candidate.
func TestClosedTallyAfterRemoveAndMerge(t *testing.T) {
	ballots := map[string]session.Ballot{idP1: {idActorA: 2, idActorB: 1}, idP2: {idActorB: 2}}
	closed := func(tb testing.TB, candidates string) *session.State {
		tb.Helper()
		s := openRound(tb, fixture(tb), `{"id":"`+idRound1+`","mode":"dots","dots":4,"maxPerActor":2,"candidates":`+candidates+`}`)
		return closeRound(tb, s, idRound1, ballots)
	}
	all := `["` + idActorA + `","` + idActorB + `","` + idActorC + `"]`
	tests := []struct {
		name       string
		candidates string
		op, data   string
		tally      map[string]int
	}{
		{"remove drops the count", all, session.OpActorRemove, `{"id":"` + idActorB + `"}`, map[string]int{idActorA: 2, idActorC: 0}},
		{"remove an actor without votes", all, session.OpActorRemove, `{"id":"` + idActorC + `"}`, map[string]int{idActorA: 2, idActorB: 3}},
		{"merge adds, beyond maxPerActor", all, session.OpActorMerge, `{"id":"` + idActorB + `","into":"` + idActorA + `"}`, map[string]int{idActorA: 5, idActorC: 0}},
		{"merge into a candidate without votes", all, session.OpActorMerge, `{"id":"` + idActorA + `","into":"` + idActorC + `"}`, map[string]int{idActorB: 3, idActorC: 2}},
		{"merge into a non-candidate drops the count", `["` + idActorA + `","` + idActorB + `"]`, session.OpActorMerge,
			`{"id":"` + idActorB + `","into":"` + idActorC + `"}`, map[string]int{idActorA: 2}},
		{"merge a non-candidate keeps the tally", `["` + idActorA + `","` + idActorB + `"]`, session.OpActorMerge,
			`{"id":"` + idActorC + `","into":"` + idActorA + `"}`, map[string]int{idActorA: 2, idActorB: 3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := closed(t, tt.candidates)
			before := js(t, s.Rounds[0].Tally)
			r := applyOK(t, s, facilitator, tt.op, tt.data)
			if got := r.State.Rounds[0].Tally; !reflect.DeepEqual(got, tt.tally) {
				t.Errorf("tally %v, want %v", got, tt.tally)
			}
			if got := r.State.Rounds[0].Voters; got != 2 {
				t.Errorf("voters %d, want 2 (a closed round keeps its voters)", got)
			}
			if js(t, s.Rounds[0].Tally) != before {
				t.Error("the input's tally changed")
			}
		})
	}
}
