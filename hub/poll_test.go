package hub

import (
	"context"
	"fmt"
	"log/slog"
	"reflect"
	"strings"
	"testing"

	"github.com/arena-workshop/arena/session"
)

// mergeBetween runs merge once, just before the first CastVote or SetEstimate reaches
// the engine: a vote or estimate decided on a state from before an actor.merge and
// stored after the merge moved the ballots and estimates.
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

// Votes and estimates racing an actor.merge A → B keep counting, for B: one decided
// before the merge and stored after the merge moved everything, and one decided after
// the merge committed but before its MoveActor ran (the voter's earlier dots on A must
// not be dropped).
func TestVotesAndEstimatesRacingAMerge(t *testing.T) {
	t.Run("local", func(t *testing.T) {
		l, err := OpenLocal(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		testRacingAMerge(t, l)
	})
	t.Run("redis", func(t *testing.T) { testRacingAMerge(t, redisFactory().open(t)) })
}

func testRacingAMerge(t *testing.T, l Engine) {
	eng := &mergeBetween{Engine: l}
	h := New(eng, slog.New(slog.DiscardHandler))
	defer h.Shutdown(context.Background())
	ctx := context.Background()
	merge := func(m Meta, a, b string, move bool) *session.State {
		c := commit(t, l, m.ID, opFn(session.OpActorMerge, fmt.Sprintf(`{"id":%q,"into":%q}`, a, b)))
		if move {
			if err := l.MoveActor(ctx, m.ID, a, b, c.State.Rounds); err != nil {
				t.Fatal(err)
			}
		}
		return c.State
	}
	answer := func(c *Conn) string {
		got := queued(t, c)
		if len(got) != 1 {
			t.Fatalf("answers %q", got)
		}
		return got[0]
	}

	// 1. Decided before the merge, stored after it moved everything.
	m, st, rd := pollWorkshop(t, l, 1)
	a, b := st.Actors[0].ID, st.Actors[1].ID
	var after *session.State
	eng.merge = func() { after = merge(m, a, b, true) }
	c := newConn(nil, "p0", session.RoleParticipant, &h.stats)
	h.vote(ctx, c, m.ID, "v1", fmt.Appendf(nil, `{"roundId":%q,"actorId":%q,"count":2}`, rd.ID, a))
	if got := answer(c); !strings.Contains(got, `"type":"ack"`) {
		t.Fatalf("vote: %s", got)
	}
	ballots, _ := l.Ballots(ctx, m.ID, rd.ID)
	if tally, voters := after.TallyOf(after.Rounds[0], ballots); tally[b] != 2 || voters != 1 {
		t.Errorf("tally after a vote decided before the merge: %v (%d voters), want B:2", tally, voters)
	}
	// The voter's ballot message shows it as it counts now, in a room.
	m, st, rd = pollWorkshop(t, l, 1)
	a, b = st.Actors[0].ID, st.Actors[1].ID
	eng.merge = func() { merge(m, a, b, true) }
	inRoom := newConn(nil, "p0", session.RoleParticipant, &h.stats)
	if err := h.room(m.ID).join(inRoom, func() ([]byte, uint64, error) { return []byte("welcome"), 0, nil }); err != nil {
		t.Fatal(err)
	}
	h.vote(ctx, inRoom, m.ID, "v9", fmt.Appendf(nil, `{"roundId":%q,"actorId":%q,"count":2}`, rd.ID, a))
	var ballotMsg string
	for _, msg := range queued(t, inRoom) {
		if strings.HasPrefix(msg, `{"type":"ballot"`) {
			ballotMsg = msg
		}
	}
	if !strings.Contains(ballotMsg, fmt.Sprintf(`"mine":{%q:2}`, b)) {
		t.Errorf("ballot message %s, want the 2 dots on B", ballotMsg)
	}

	// 2. The same for an estimate, over an older one on A: the newer value wins on B;
	// and a later merge of B into C, not moved yet, still reads it on C.
	m, st, _ = pollWorkshop(t, l, 1)
	a, b, cc := st.Actors[0].ID, st.Actors[1].ID, st.Actors[2].ID
	h.estimate(ctx, c, m.ID, "e0", fmt.Appendf(nil, `{"actorId":%q,"importance":1}`, a))
	answer(c)
	eng.merge = func() { after = merge(m, a, b, true) }
	h.estimate(ctx, c, m.ID, "e1", fmt.Appendf(nil, `{"actorId":%q,"importance":3}`, a))
	if got := answer(c); !strings.Contains(got, `"type":"ack"`) {
		t.Fatalf("estimate: %s", got)
	}
	est, err := ReadEstimates(ctx, l, m.ID, after, []string{a, b})
	if err != nil || len(est[a]) != 0 || est[b]["p0"].Importance != 3 {
		t.Errorf("estimates after one decided before the merge: %v %v, want p0's 3 on B", est, err)
	}
	after = merge(m, b, cc, false)
	if est, err := ReadEstimates(ctx, l, m.ID, after, []string{cc}); err != nil || est[cc]["p0"].Importance != 3 {
		t.Errorf("estimates of C after B → C, not moved: %v %v, want p0's 3", est, err)
	}

	// 3. Dots on A, then the merge commits; a vote on C before MoveActor ran keeps them.
	m, st, rd = pollWorkshop(t, l, 1)
	a, b, cc = st.Actors[0].ID, st.Actors[1].ID, st.Actors[2].ID
	h.vote(ctx, c, m.ID, "v2", fmt.Appendf(nil, `{"roundId":%q,"actorId":%q,"count":2}`, rd.ID, a))
	answer(c)
	merge(m, a, b, false) // MoveActor has not run yet
	h.vote(ctx, c, m.ID, "v3", fmt.Appendf(nil, `{"roundId":%q,"actorId":%q,"count":1}`, rd.ID, cc))
	if got := answer(c); !strings.Contains(got, `"type":"ack"`) {
		t.Fatalf("vote after the merge: %s", got)
	}
	ballots, _ = l.Ballots(ctx, m.ID, rd.ID)
	if !reflect.DeepEqual(ballots["p0"], session.Ballot{b: 2, cc: 1}) {
		t.Errorf("ballot %v, want the 2 dots of A on B and 1 on C", ballots["p0"])
	}
}
