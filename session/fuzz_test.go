package session_test

import (
	"errors"
	"testing"
	"unicode/utf8"

	"github.com/arena-workshop/arena/session"
)

var errorCodes = map[string]bool{
	session.CodeBadMessage: true, session.CodeInvalid: true, session.CodeForbidden: true,
	session.CodeNotFound: true, session.CodeLocked: true,
}

// FuzzApply sends random data to a random op by a random caller. Apply must not panic; an
// error must be a *session.Error that changed nothing; a success must leave its input as it
// was and be reproduced by replaying its event through JSON.
func FuzzApply(f *testing.F) {
	for i, op := range allOps {
		f.Add(uint8(i), uint8(0), false, []byte(validData[op]))
		f.Add(uint8(i), uint8(1), true, []byte(validData[op]))
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
	}
	for i, s := range seeds {
		f.Add(uint8(i), uint8(i), i%2 == 0, []byte(s))
	}
	callers := []session.Caller{facilitator, participant1, participant2, viewer, stranger, {ID: idP1, Role: "admin"}}
	base := roundsState(f)
	locked := must(f, base, facilitator, session.OpLockSet, `{"locked":true}`)

	f.Fuzz(func(t *testing.T, opIndex, callerIndex uint8, isLocked bool, data []byte) {
		op := "no.such.op"
		if int(opIndex) < len(allOps) {
			op = allOps[opIndex]
		} else if int(opIndex) < 2*len(allOps) {
			op = allOps[int(opIndex)-len(allOps)]
		}
		c := callers[int(callerIndex)%len(callers)]
		s := base
		if isLocked {
			s = locked
		}
		before := encode(t, s)
		r, err := session.Apply(s, c, op, data, testEnv())
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
	for _, r := range s.Rounds {
		for _, id := range r.Candidates {
			if !ids[id] {
				tb.Fatalf("round %s has candidate %s that is no actor", r.ID, id)
			}
		}
	}
}
