package session_test

import (
	"testing"

	"github.com/arena-workshop/arena/session"
)

// validData is op data that succeeds on the fixture when the caller may send the op.
var validData = map[string]string{
	session.OpWorkshopUpdate:    `{"title":"Nieuw"}`,
	session.OpStepSet:           `{"step":2}`,
	session.OpLockSet:           `{"locked":true}`,
	session.OpTimerSet:          `{"seconds":60}`,
	session.OpActorAdd:          `{"name":"Nieuw"}`,
	session.OpActorUpdate:       `{"id":"` + idActorC + `","name":"Nieuw"}`,
	session.OpActorRemove:       `{"id":"` + idActorC + `"}`,
	session.OpActorMerge:        `{"id":"` + idActorC + `","into":"` + idActorA + `"}`,
	session.OpActorSelect:       `{"id":"` + idActorC + `","selected":true}`,
	session.OpRankingSet:        `{"order":["` + idActorC + `"]}`,
	session.OpFollowUpUpdate:    `{"actorId":"` + idActorC + `","status":"todo"}`,
	session.OpCriterionAdd:      `{"text":"Nieuw"}`,
	session.OpCriterionUpdate:   `{"id":"` + idCrit1 + `","text":"Nieuw"}`,
	session.OpCriterionRemove:   `{"id":"` + idCrit1 + `"}`,
	session.OpParticipantRename: `{"name":"Nieuw"}`,
	session.OpParticipantRemove: `{"participantId":"` + idP2 + `"}`,
	session.OpRoundOpen:         `{"mode":"dots","dots":5}`,
	session.OpRoundClose:        `{"roundId":"r2"}`, // on roundsState: see stateFor
	session.OpProjectorSet:      `{"view":"map"}`,
}

// stateFor is the state on which validData[op] succeeds: the fixture, or for round.close
// roundsState (the fixture has no round to close).
func stateFor(op string) func(testing.TB) *session.State {
	if op == session.OpRoundClose {
		return roundsState
	}
	return fixture
}

// participantOps are the ops a participant may send (P in PROTOCOL.md); the rest are F.
var participantOps = map[string]bool{
	session.OpActorAdd: true, session.OpActorUpdate: true, session.OpFollowUpUpdate: true,
	session.OpParticipantRename: true,
}

// lockableOps fail with "locked" for participants while the workshop is locked.
var lockableOps = map[string]bool{
	session.OpActorAdd: true, session.OpActorUpdate: true, session.OpFollowUpUpdate: true,
}

func TestEveryOpHasValidData(t *testing.T) {
	for _, op := range allOps {
		if !session.KnownOp(op) {
			t.Errorf("KnownOp(%q) = false", op)
		}
		if _, ok := validData[op]; !ok {
			t.Errorf("no valid data for %s", op)
		}
	}
	for _, op := range []string{"", session.OpVoteCast, session.OpEstimateSet, "Actor.Add", "actor.add ", "round.open "} {
		if session.KnownOp(op) {
			t.Errorf("KnownOp(%q) = true", op)
		}
	}
}

func TestPermissions(t *testing.T) {
	lockedFor := func(op string) func(testing.TB) *session.State {
		return func(tb testing.TB) *session.State {
			tb.Helper()
			return must(tb, stateFor(op)(tb), facilitator, session.OpLockSet, `{"locked":true}`)
		}
	}
	type tc struct {
		name   string
		state  func(testing.TB) *session.State
		caller session.Caller
		op     string
		code   string // "" when allowed
	}
	var tests []tc
	for _, op := range allOps {
		base, locked := stateFor(op), lockedFor(op)
		tests = append(tests,
			tc{op + "/facilitator", base, facilitator, op, ""},
			tc{op + "/facilitator while locked", locked, facilitator, op, ""},
			tc{op + "/viewer", base, viewer, op, session.CodeForbidden},
			tc{op + "/viewer with a participant id", base, session.Caller{ID: idP1, Role: session.RoleViewer}, op, session.CodeForbidden},
			tc{op + "/viewer while locked", locked, viewer, op, session.CodeForbidden},
			tc{op + "/unknown role", base, session.Caller{ID: idP1, Role: "admin"}, op, session.CodeForbidden},
			tc{op + "/empty role", base, session.Caller{ID: idP1}, op, session.CodeForbidden},
			tc{op + "/participant not in the workshop", base, stranger, op, session.CodeForbidden},
			tc{op + "/facilitator not in the workshop", base, session.Caller{ID: "ghost", Role: session.RoleFacilitator}, op, session.CodeForbidden},
		)
		switch {
		case !participantOps[op]:
			tests = append(tests,
				tc{op + "/participant", base, participant1, op, session.CodeForbidden},
				tc{op + "/participant while locked", locked, participant1, op, session.CodeForbidden},
			)
		case lockableOps[op]:
			tests = append(tests,
				tc{op + "/participant", base, participant1, op, ""},
				tc{op + "/participant while locked", locked, participant1, op, session.CodeLocked},
			)
		default:
			tests = append(tests,
				tc{op + "/participant", base, participant1, op, ""},
				tc{op + "/participant while locked", locked, participant1, op, ""},
			)
		}
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := tt.state(t)
			if tt.code == "" {
				applyOK(t, s, tt.caller, tt.op, validData[tt.op])
				return
			}
			applyErr(t, s, tt.caller, tt.op, validData[tt.op], tt.code, "*")
		})
	}
}

func TestUnknownOp(t *testing.T) {
	for _, op := range []string{"", session.OpVoteCast, session.OpEstimateSet, "round.delete", "actor.delete", "ACTOR.ADD", "actor.add\x00"} {
		for _, c := range []session.Caller{facilitator, participant1, viewer, stranger} {
			t.Run(op+"/"+c.Role+"/"+c.ID, func(t *testing.T) {
				applyErr(t, fixture(t), c, op, `{}`, session.CodeBadMessage, "op")
			})
		}
	}
}

// TestRemovedParticipant checks that a removed participant can no longer send ops.
func TestRemovedParticipant(t *testing.T) {
	s := must(t, fixture(t), facilitator, session.OpParticipantRemove, `{"participantId":"`+idP2+`"}`)
	for _, op := range []string{session.OpActorAdd, session.OpParticipantRename} {
		t.Run(op, func(t *testing.T) {
			applyErr(t, s, participant2, op, validData[op], session.CodeForbidden, "*")
		})
	}
}
