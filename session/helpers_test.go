package session_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"testing"

	"github.com/arena-workshop/arena/session"
)

// testNow is the fixed clock of every test.
const testNow int64 = 1_700_000_000_000

// Ids of the fixture: participants are plain strings (the server makes them), actors and
// criteria are UUIDs because clients may name them.
const (
	idFac    = "fac"
	idP1     = "p1"
	idP2     = "p2"
	idActorA = "aaaaaaaa-0000-4000-8000-000000000001"
	idActorB = "aaaaaaaa-0000-4000-8000-000000000002"
	idActorC = "aaaaaaaa-0000-4000-8000-000000000003"
	idCrit1  = "cccccccc-0000-4000-8000-000000000001"
	idCrit2  = "cccccccc-0000-4000-8000-000000000002"
	idNone   = "eeeeeeee-0000-4000-8000-00000000dead" // an actor, criterion or participant that does not exist
)

var (
	facilitator  = session.Caller{ID: idFac, Role: session.RoleFacilitator}
	participant1 = session.Caller{ID: idP1, Role: session.RoleParticipant}
	participant2 = session.Caller{ID: idP2, Role: session.RoleParticipant}
	viewer       = session.Caller{ID: "", Role: session.RoleViewer}
	stranger     = session.Caller{ID: "stranger", Role: session.RoleParticipant}
)

// allOps is every op Apply handles.
var allOps = []string{
	session.OpWorkshopUpdate, session.OpStepSet, session.OpLockSet, session.OpTimerSet,
	session.OpActorAdd, session.OpActorUpdate, session.OpActorRemove, session.OpActorMerge,
	session.OpActorSelect, session.OpRankingSet, session.OpFollowUpUpdate,
	session.OpCriterionAdd, session.OpCriterionUpdate, session.OpCriterionRemove,
	session.OpParticipantRename, session.OpParticipantRemove,
	session.OpRoundOpen, session.OpRoundClose, session.OpProjectorSet,
}

// testEnv returns an Env with the fixed clock and ids from a counter:
// 00000000-0000-4000-8000-000000000001, ...0002, and so on.
func testEnv() session.Env {
	n := 0
	return session.Env{Now: testNow, NewID: func() string {
		n++
		return fmt.Sprintf("00000000-0000-4000-8000-%012d", n)
	}}
}

// genID is the n-th id testEnv hands out.
func genID(n int) string { return fmt.Sprintf("00000000-0000-4000-8000-%012d", n) }

// js encodes v as JSON (for op data built from Go values).
func js(tb testing.TB, v any) string {
	tb.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		tb.Fatalf("json.Marshal(%v): %v", v, err)
	}
	return string(b)
}

// encode is the JSON encoding of a state, used to compare states deeply.
func encode(tb testing.TB, s *session.State) string {
	tb.Helper()
	b, err := json.Marshal(s)
	if err != nil {
		tb.Fatalf("encode state: %v", err)
	}
	return string(b)
}

// mustJoin adds a participant and returns the new state.
func mustJoin(tb testing.TB, s *session.State, id, name, role string) *session.State {
	tb.Helper()
	r, err := session.Join(s, session.Participant{ID: id, Name: name, Role: role})
	if err != nil {
		tb.Fatalf("Join(%s, %q): %v", id, name, err)
	}
	return r.State
}

// must applies an op that has to succeed, without the checks of applyOK (for building fixtures).
func must(tb testing.TB, s *session.State, c session.Caller, op, data string) *session.State {
	tb.Helper()
	r, err := session.Apply(s, c, op, []byte(data), testEnv())
	if err != nil {
		tb.Fatalf("Apply(%s, %s): %v", op, data, err)
	}
	return r.State
}

// emptyState is a new workshop with a facilitator and two participants.
func emptyState(tb testing.TB) *session.State {
	tb.Helper()
	s := session.New("w1", "ABC234", "Arena", "nl", testNow)
	s = mustJoin(tb, s, idFac, "Fien", session.RoleFacilitator)
	s = mustJoin(tb, s, idP1, "Piet", session.RoleParticipant)
	s = mustJoin(tb, s, idP2, "Ans", session.RoleParticipant)
	return s
}

// fixture is emptyState with an issue, three actors ranked A 1, B 2, C 3, and two criteria.
//
//	A: Gemeente, core, resources "geld", importance 4, dependency large (version 2 after the ranking)
//	B: Woningcorporatie by p1, peripheral, resources "mensen", importance 2, replaceability
//	   small, replaceableBy Provincie, form network, selected
//	C: Bewoners by p2, nothing else
func fixture(tb testing.TB) *session.State {
	tb.Helper()
	s := emptyState(tb)
	s = must(tb, s, facilitator, session.OpWorkshopUpdate, `{"issue":"Eenzaamheid","goal":"Minder eenzaamheid"}`)
	s = must(tb, s, facilitator, session.OpActorAdd, `{"id":"`+idActorA+`","name":"Gemeente","category":"core","resources":"geld","importance":4,"dependency":"large"}`)
	s = must(tb, s, participant1, session.OpActorAdd, `{"id":"`+idActorB+`","name":"Woningcorporatie","category":"peripheral","resources":"mensen","importance":2,"replaceability":"small","replaceableBy":"Provincie","form":"network"}`)
	s = must(tb, s, facilitator, session.OpActorSelect, `{"id":"`+idActorB+`","selected":true}`)
	s = must(tb, s, participant2, session.OpActorAdd, `{"id":"`+idActorC+`","name":"Bewoners"}`)
	s = must(tb, s, facilitator, session.OpRankingSet, `{"order":["`+idActorA+`","`+idActorB+`","`+idActorC+`"]}`)
	s = must(tb, s, facilitator, session.OpCriterionAdd, `{"id":"`+idCrit1+`","text":"Draagvlak"}`)
	s = must(tb, s, facilitator, session.OpCriterionAdd, `{"id":"`+idCrit2+`","text":"Invloed"}`)
	return s
}

// actor returns actor id of s, failing the test when it is missing.
func actor(tb testing.TB, s *session.State, id string) *session.Actor {
	tb.Helper()
	a, _ := s.Actor(id)
	if a == nil {
		tb.Fatalf("actor %s missing", id)
	}
	return a
}

// roundTrip sends ev through JSON the way an engine stores and broadcasts it.
func roundTrip(tb testing.TB, ev session.Event) session.Event {
	tb.Helper()
	raw, err := json.Marshal(ev.Data)
	if err != nil {
		tb.Fatalf("marshal %s: %v", ev.Name, err)
	}
	got, err := session.DecodeEvent(ev.Name, ev.By, raw)
	if err != nil {
		tb.Fatalf("DecodeEvent(%s, %s): %v", ev.Name, raw, err)
	}
	return got
}

// applyOK applies an op that must succeed. It checks that s was not changed, that the
// result carries a state, and that replaying the event (through JSON) onto s gives the
// same state as Apply did.
func applyOK(tb testing.TB, s *session.State, c session.Caller, op, data string) session.Result {
	tb.Helper()
	return applyEnvOK(tb, s, c, op, data, testEnv())
}

// applyEnvOK is applyOK with the given Env (for round.close, which asks it for ballots).
func applyEnvOK(tb testing.TB, s *session.State, c session.Caller, op, data string, env session.Env) session.Result {
	tb.Helper()
	before := encode(tb, s)
	r, err := session.Apply(s, c, op, []byte(data), env)
	if err != nil {
		tb.Fatalf("Apply(%s, %s) by %s: %v", op, data, c.ID, err)
	}
	if got := encode(tb, s); got != before {
		tb.Fatalf("Apply(%s) changed its input state:\nbefore %s\nafter  %s", op, before, got)
	}
	if r.State == nil {
		tb.Fatalf("Apply(%s) succeeded without a state", op)
	}
	checkReplay(tb, s, r)
	return r
}

// checkReplay checks that r.Event, through JSON and ApplyEvent onto s, gives r.State, and
// that an op without event left the state as it was.
func checkReplay(tb testing.TB, s *session.State, r session.Result) {
	tb.Helper()
	if r.Event == nil {
		if got, want := encode(tb, r.State), encode(tb, s); got != want {
			tb.Fatalf("no event, but the state changed:\nbefore %s\nafter  %s", want, got)
		}
		return
	}
	before := encode(tb, s)
	n, err := session.ApplyEvent(s, roundTrip(tb, *r.Event))
	if err != nil {
		tb.Fatalf("ApplyEvent(%s): %v", r.Event.Name, err)
	}
	if got, want := encode(tb, n), encode(tb, r.State); got != want {
		tb.Fatalf("replaying %s gives another state:\nreplay %s\napply  %s", r.Event.Name, got, want)
	}
	if got := encode(tb, s); got != before {
		tb.Fatalf("ApplyEvent(%s) changed its input state", r.Event.Name)
	}
}

// applyErr applies an op that must fail with code (and field, unless field is "*"), and
// checks that it changed nothing.
func applyErr(tb testing.TB, s *session.State, c session.Caller, op, data, code, field string) *session.Error {
	tb.Helper()
	before := encode(tb, s)
	r, err := session.Apply(s, c, op, []byte(data), testEnv())
	return checkErr(tb, fmt.Sprintf("Apply(%s, %.80q)", op, data), s, before, r, err, code, field)
}

func checkErr(tb testing.TB, what string, s *session.State, before string, r session.Result, err error, code, field string) *session.Error {
	tb.Helper()
	e := wantError(tb, what, err, code, field)
	if session.ErrorCode(err) != e.Code {
		tb.Errorf("%s: ErrorCode = %q, want %q", what, session.ErrorCode(err), e.Code)
	}
	if r.State != nil || r.Event != nil || r.ID != "" {
		tb.Errorf("%s: error with a result %+v", what, r)
	}
	if got := encode(tb, s); got != before {
		tb.Errorf("%s: the failed op changed the state:\nbefore %s\nafter  %s", what, before, got)
	}
	return e
}

// ballotsEnv is testEnv whose engine holds ballots (round id → participant id → ballot).
func ballotsEnv(ballots map[string]map[string]session.Ballot) session.Env {
	env := testEnv()
	env.Ballots = func(roundID string) map[string]session.Ballot { return ballots[roundID] }
	return env
}

// wantError checks that err is a *session.Error with code (and field, unless field is "*")
// and a message: for the pure functions that answer an error without a Result.
func wantError(tb testing.TB, what string, err error, code, field string) *session.Error {
	tb.Helper()
	var e *session.Error
	if !errors.As(err, &e) {
		tb.Fatalf("%s: err = %v (%T), want *session.Error %s", what, err, err, code)
	}
	if e.Code != code {
		tb.Errorf("%s: code = %q (%v), want %q", what, e.Code, e, code)
	}
	if field != "*" && e.Field != field {
		tb.Errorf("%s: field = %q (%v), want %q", what, e.Field, e, field)
	}
	if e.Message == "" {
		tb.Errorf("%s: error without a message", what)
	}
	return e
}
