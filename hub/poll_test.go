package hub

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/arena-workshop/arena/session"
)

// mergeBetween runs merge once, just before the first CastVote or SetEstimate reaches
// the engine: the interleaving where a vote or estimate was decided on a state from
// before an actor.merge and is stored after the merge moved ballots and estimates.
type mergeBetween struct {
	Engine
	merge func()
}

func (m *mergeBetween) once() {
	if f := m.merge; f != nil {
		m.merge = nil
		f()
	}
}

func (m *mergeBetween) CastVote(ctx context.Context, id string, rd *session.Round, pid string, decide func(session.Ballot) (session.Ballot, error)) (session.Ballot, error) {
	m.once()
	return m.Engine.CastVote(ctx, id, rd, pid, decide)
}

func (m *mergeBetween) SetEstimate(ctx context.Context, id, actorID, pid string, decide func(session.Estimate) (session.Estimate, error)) (session.Estimate, error) {
	m.once()
	return m.Engine.SetEstimate(ctx, id, actorID, pid, decide)
}

// A vote or estimate for an actor merged away between its decision and its store gets
// a clear error, not an ack for a count that nobody would see; the hub decides again
// on the merged state.
func TestVoteAndEstimateRacingAMerge(t *testing.T) {
	l, err := OpenLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	eng := &mergeBetween{Engine: l}
	h := New(eng, slog.New(slog.DiscardHandler))
	defer h.Shutdown(context.Background())
	ctx := context.Background()
	for _, tc := range []struct{ op, data, wantCode string }{
		{"vote", `{"roundId":%q,"actorId":%q,"count":1}`, session.CodeNotFound},
		{"estimate", `{"actorId":%q,"importance":2}`, session.CodeNotFound},
	} {
		m, st, rd := pollWorkshop(t, l, 1)
		a, b := st.Actors[0].ID, st.Actors[1].ID
		eng.merge = func() {
			c := commit(t, l, m.ID, opFn(session.OpActorMerge, fmt.Sprintf(`{"id":%q,"into":%q}`, a, b)))
			if err := l.MoveActor(ctx, m.ID, a, b, c.State.Rounds); err != nil {
				t.Fatal(err)
			}
		}
		c := newConn(nil, "p0", session.RoleParticipant, &h.stats)
		if tc.op == "vote" {
			h.vote(ctx, c, m.ID, "r1", []byte(fmt.Sprintf(tc.data, rd.ID, a)))
		} else {
			h.estimate(ctx, c, m.ID, "r1", []byte(fmt.Sprintf(tc.data, a)))
		}
		if eng.merge != nil {
			t.Fatalf("%s: the merge did not run between decision and store", tc.op)
		}
		got := queued(t, c)
		if len(got) != 1 || !strings.Contains(got[0], `"type":"error"`) || !strings.Contains(got[0], `"code":"`+tc.wantCode+`"`) {
			t.Errorf("%s for the merged-away actor answered %q, want error %s", tc.op, got, tc.wantCode)
		}
		ballots, _ := l.Ballots(ctx, m.ID, rd.ID)
		est, _ := l.Estimates(ctx, m.ID, []string{a, b})
		if len(ballots) != 0 || len(est[a]) != 0 || len(est[b]) != 0 {
			t.Errorf("%s: stored %v / %v, want nothing", tc.op, ballots, est)
		}
	}
}
