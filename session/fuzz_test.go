package session_test

import (
	"errors"
	"testing"
	"unicode/utf8"

	"github.com/arena-workshop/arena/session"
)

var errorCodes = map[string]bool{
	session.CodeBadMessage: true, session.CodeInvalid: true, session.CodeForbidden: true,
	session.CodeNotFound: true, session.CodeLocked: true, session.CodeClosed: true,
}

// FuzzApply sends random data to a random op by a random caller, on one of three states:
// roundsState (a round open), the same locked, and the same with every round closed.
// Apply must not panic; an error must be a *session.Error that changed nothing; a success
// must leave its input as it was and be reproduced by replaying its event through JSON.
func FuzzApply(f *testing.F) {
	for i, op := range allOps {
		for v := range uint8(3) {
			f.Add(uint8(i), uint8(v), v, []byte(validData[op]))
		}
	}
	seeds := []string{
		`{"id":"` + idActorB + `","into":"` + idActorA + `"}`,
		`{"order":["` + idActorC + `","` + idActorA + `","` + idActorB + `"]}`,
		`{"order":["` + idActorA + `","` + idActorA + `"]}`,
		`{"id":"` + idActorA + `","name":"  x  ","importance":4,"category":"core","resources":"a\nb"}`,
		`{"actorId":"` + idActorA + `","owner":"p1","assessmentRight":null,"notes":"é\t🙂"}`,
		`{"seconds":7200}`, `{"seconds":null}`, `{"step":6}`, `{"locale":"en","title":"t"}`,
		`{"id":"` + idCrit1 + `","text":"t"}`, `{"participantId":"p2"}`, `{"name":"\u0000"}`,
		`[]`, `null`, ``, `{"name":"a"}{}`, `{"id":"AAAAAAAA-0000-4000-8000-000000000001","name":"n"}`,
		`{"mode":"approve","candidates":["` + idActorA + `","` + idActorB + `"]}`,
		`{"mode":"dots","dots":100,"maxPerActor":1,"reveal":"onClose","anonymous":false,"facilitatorVotes":true}`,
		`{"id":"` + idNone + `","mode":"dots","dots":3,"candidates":null}`, `{"mode":"approve","dots":0,"maxPerActor":1}`,
		`{"roundId":"r1"}`, `{"roundId":"r2"}`, `{"roundId":""}`,
	}
	for i, s := range seeds {
		f.Add(uint8(i), uint8(i), uint8(i%3), []byte(s))
	}
	callers := []session.Caller{facilitator, participant1, participant2, viewer, stranger, {ID: idP1, Role: "admin"}}
	// The engine's ballots of every round: p1's count on C (no candidate of r1) and p2's
	// zero are ignored by the tally.
	env := func() session.Env {
		e := testEnv()
		e.Ballots = func(string) map[string]session.Ballot {
			return map[string]session.Ballot{idP1: {idActorB: 2, idActorC: 1}, idP2: {idActorB: 0}, idFac: {}}
		}
		return e
	}
	base := roundsState(f)
	states := []*session.State{
		base,
		must(f, base, facilitator, session.OpLockSet, `{"locked":true}`),
		must(f, base, facilitator, session.OpRoundClose, `{"roundId":"r2"}`),
	}

	f.Fuzz(func(t *testing.T, opIndex, callerIndex, variant uint8, data []byte) {
		op := "no.such.op"
		if int(opIndex) < len(allOps) {
			op = allOps[opIndex]
		} else if int(opIndex) < 2*len(allOps) {
			op = allOps[int(opIndex)-len(allOps)]
		}
		c := callers[int(callerIndex)%len(callers)]
		s := states[int(variant)%len(states)]
		before := encode(t, s)
		r, err := session.Apply(s, c, op, data, env())
		if got := encode(t, s); got != before {
			t.Fatalf("Apply(%s, %q) by %+v changed its input (err %v)", op, data, c, err)
		}
		if err != nil {
			var e *session.Error
			if !errors.As(err, &e) || !errorCodes[e.Code] {
				t.Fatalf("Apply(%s, %q): error %#v is not a session error with a known code", op, data, err)
			}
			if r.State != nil || r.Event != nil || r.ID != "" {
				t.Fatalf("Apply(%s, %q): error %v with result %+v", op, data, err, r)
			}
			return
		}
		if r.State == nil {
			t.Fatalf("Apply(%s, %q): success without state", op, data)
		}
		if r.Event != nil && r.Event.By != c.ID {
			t.Fatalf("event by %q, want %q", r.Event.By, c.ID)
		}
		checkReplay(t, s, r)
		checkInvariants(t, r.State)
	})
}

// checkInvariants checks what every state Apply returns must hold. Validity of UTF-8 is
// left out on purpose: see TestTextRejectsInvalidUTF8.
func checkInvariants(tb testing.TB, s *session.State) {
	tb.Helper()
	if len(s.Actors) > session.MaxActors || len(s.Criteria) > session.MaxCriteria || len(s.Participants) > session.MaxParticipants {
		tb.Fatalf("over a count limit: %d actors, %d criteria, %d participants", len(s.Actors), len(s.Criteria), len(s.Participants))
	}
	if s.Step < 1 || s.Step > session.Steps {
		tb.Fatalf("step %d", s.Step)
	}
	if s.Title == "" || utf8.RuneCountInString(s.Title) > session.MaxTitle {
		tb.Fatalf("title %q", s.Title)
	}
	ids := map[string]bool{}
	ranks := map[int]bool{}
	for _, a := range s.Actors {
		if ids[a.ID] {
			tb.Fatalf("actor id %s twice", a.ID)
		}
		ids[a.ID] = true
		if a.Name == "" || utf8.RuneCountInString(a.Name) > session.MaxActorName || a.Importance < 0 || a.Importance > 4 || a.Version < 1 {
			tb.Fatalf("actor %+v", a)
		}
		if a.Rank < 0 || (a.Rank > 0 && ranks[a.Rank]) {
			tb.Fatalf("rank %d twice or negative", a.Rank)
		}
		if a.Rank > 0 {
			ranks[a.Rank] = true
		}
	}
	for k := 1; k <= len(ranks); k++ {
		if !ranks[k] {
			tb.Fatalf("ranks %v have a hole at %d", ranks, k)
		}
	}
	if len(s.Rounds) > session.MaxRounds {
		tb.Fatalf("%d rounds", len(s.Rounds))
	}
	open := 0
	for _, r := range s.Rounds {
		seen := map[string]bool{}
		for _, id := range r.Candidates {
			if !ids[id] || seen[id] {
				tb.Fatalf("round %s has candidate %s twice or that is no actor", r.ID, id)
			}
			seen[id] = true
		}
		for id := range r.Tally {
			if !seen[id] {
				tb.Fatalf("round %s has a tally for %s, which is no candidate", r.ID, id)
			}
		}
		switch r.Status {
		case session.RoundStatusOpen:
			open++
			if r.ClosedAt != nil {
				tb.Fatalf("open round %s closed at %d", r.ID, *r.ClosedAt)
			}
		case session.RoundStatusClosed:
			if r.ClosedAt == nil {
				tb.Fatalf("closed round %s without closedAt", r.ID)
			}
		default:
			tb.Fatalf("round %s status %q", r.ID, r.Status)
		}
		if r.Mode == session.ModeDots && (r.MaxPerActor < 1 || r.MaxPerActor > r.Dots || r.Dots > session.MaxDots) {
			tb.Fatalf("dots round %+v", r)
		}
		if r.Mode != session.ModeDots && r.Mode != session.ModeApprove {
			tb.Fatalf("round %s mode %q", r.ID, r.Mode)
		}
	}
	if open > 1 {
		tb.Fatalf("%d rounds open", open)
	}
}
