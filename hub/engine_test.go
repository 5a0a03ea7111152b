package hub

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/arena-workshop/arena/session"
)

// engineFactory opens an engine for one test.
type engineFactory struct {
	name string
	open func(tb testing.TB) Engine
	// reopen closes e and opens the same store again (a restart of the instance).
	reopen func(tb testing.TB, e Engine) Engine
	// another opens a second instance on the same store, or is nil when the engine
	// lives in one process.
	another func(tb testing.TB, e Engine) Engine
}

// testEngines is the one engine suite; every engine runs all of it.
func testEngines(t *testing.T, f engineFactory) {
	t.Run("CreateResolveSnapshot", func(t *testing.T) { testCreateResolve(t, f) })
	t.Run("ConcurrentUpdatesOneOrder", func(t *testing.T) { testConcurrentUpdates(t, f) })
	t.Run("Since", func(t *testing.T) { testSince(t, f) })
	t.Run("ErrorsChangeNothing", func(t *testing.T) { testErrorsChangeNothing(t, f) })
	t.Run("Tokens", func(t *testing.T) { testTokens(t, f) })
	t.Run("Durable", func(t *testing.T) { testDurable(t, f) })
	t.Run("Delete", func(t *testing.T) { testDelete(t, f) })
	t.Run("Instances", func(t *testing.T) { testInstances(t, f) })
	t.Run("VotesConcurrent", func(t *testing.T) { testVotesConcurrent(t, f) })
	t.Run("PollsCloseMergeDurable", func(t *testing.T) { testPollsCloseMergeDurable(t, f) })
	t.Run("StoreEnforcesBudget", func(t *testing.T) { testStoreEnforcesBudget(t, f) })
}

func TestLocalEngine(t *testing.T) {
	testEngines(t, engineFactory{
		name: "local",
		open: func(tb testing.TB) Engine {
			tb.Helper()
			dir := tb.TempDir()
			l, err := OpenLocal(dir)
			if err != nil {
				tb.Fatal(err)
			}
			tb.Cleanup(func() { l.Close() })
			localDirs.Store(l, dir)
			return l
		},
		reopen: reopenLocal,
	})
}

var localDirs sync.Map // *Local -> dir, for reopening

func reopenLocal(tb testing.TB, e Engine) Engine {
	tb.Helper()
	if err := e.Close(); err != nil {
		tb.Fatal(err)
	}
	dir, ok := localDirs.Load(e)
	if !ok {
		tb.Fatal("no directory for engine")
	}
	l, err := OpenLocal(dir.(string))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { l.Close() })
	return l
}

type delivered struct {
	mu  sync.Mutex
	seq map[string][]uint64
}

// handler records the seq of every event delivered (a message may hold several) and
// checks that the last one is at seq.
func (d *delivered) handler(id string, seq uint64, msg []byte) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if msg == nil {
		d.seq[id] = append(d.seq[id], seq)
		return
	}
	var last uint64
	for line := range bytes.SplitSeq(msg, []byte("\n")) {
		s, _, err := DecodeEvent(line)
		if err != nil {
			s = 1 << 62 // shows up as out of order
		}
		d.seq[id] = append(d.seq[id], s)
		last = s
	}
	if last != seq {
		d.seq[id] = append(d.seq[id], 1<<62)
	}
}

func newWorkshop(tb testing.TB, e Engine) (Meta, *session.State) {
	tb.Helper()
	st := session.New(newID(), NewCode(), "Test", "nl", 1)
	m := Meta{ID: st.ID, Code: st.Code, FacilitatorHash: HashToken("fac"), CreatedAt: 1}
	if err := e.Create(context.Background(), m, st); err != nil {
		tb.Fatal(err)
	}
	// A facilitator to run ops as.
	commit(tb, e, m.ID, func(st *session.State) (Change, error) {
		r, err := session.Join(st, session.Participant{ID: "fac", Name: "Fien", Role: session.RoleFacilitator})
		return Change{Result: r}, err
	})
	return m, st
}

var facCaller = session.Caller{ID: "fac", Role: session.RoleFacilitator}

func opFn(name, data string) func(*session.State) (Change, error) {
	return func(st *session.State) (Change, error) {
		r, err := session.Apply(st, facCaller, name, []byte(data), session.Env{Now: 1, NewID: newID})
		return Change{Result: r}, err
	}
}

func commit(tb testing.TB, e Engine, id string, fn func(*session.State) (Change, error)) *Committed {
	tb.Helper()
	c, err := e.Update(context.Background(), id, fn)
	if err != nil {
		tb.Fatalf("update: %v", err)
	}
	if err := c.Wait(context.Background()); err != nil {
		tb.Fatalf("wait: %v", err)
	}
	return c
}

func testCreateResolve(t *testing.T, f engineFactory) {
	e := f.open(t)
	m, _ := newWorkshop(t, e)
	got, err := e.Resolve(context.Background(), m.Code)
	if err != nil || got != m {
		t.Fatalf("resolve: %+v %v, want %+v", got, err, m)
	}
	if _, err := e.Resolve(context.Background(), "ZZZZZZ"); !errors.Is(err, ErrNotFound) {
		t.Errorf("resolve unknown: %v", err)
	}
	if err := e.Create(context.Background(), Meta{ID: newID(), Code: m.Code}, session.New(newID(), m.Code, "x", "nl", 1)); !errors.Is(err, ErrCodeTaken) {
		t.Errorf("create with a taken code: %v", err)
	}
	st, seq, err := e.Snapshot(context.Background(), m.ID)
	if err != nil || seq != 1 || st.Title != "Test" || len(st.Participants) != 1 {
		t.Errorf("snapshot: seq %d, %+v, %v", seq, st, err)
	}
}

func testConcurrentUpdates(t *testing.T, f engineFactory) {
	e := f.open(t)
	d := &delivered{seq: map[string][]uint64{}}
	e.SetDeliver(d.handler)
	m, _ := newWorkshop(t, e)
	e.Watch(m.ID)
	defer e.Unwatch(m.ID)
	_, start, err := e.Snapshot(context.Background(), m.ID) // delivered from here on
	if err != nil {
		t.Fatal(err)
	}
	_, commitsBefore, _ := e.CommitTime().Read()
	const writers, each = 8, 24 // 192 actors, under the limit of 200
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				commit(t, e, m.ID, opFn(session.OpActorAdd, fmt.Sprintf(`{"name":"a%d-%d"}`, w, i)))
			}
		})
	}
	wg.Wait()
	st, seq, _ := e.Snapshot(context.Background(), m.ID)
	if len(st.Actors) != writers*each || seq != writers*each+1 {
		t.Fatalf("%d actors at seq %d", len(st.Actors), seq)
	}
	// Every commit was timed: one or more ops a commit.
	if _, n, sum := e.CommitTime().Read(); n-commitsBefore < 1 || n-commitsBefore > writers*each || sum <= 0 {
		t.Errorf("commit time: %d commits for %d ops (sum %v)", n-commitsBefore, writers*each, sum)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	got := d.seq[m.ID]
	want := start + 1
	for _, s := range got {
		if s <= start {
			continue // the local engine delivers every commit, watched or not
		}
		if s != want {
			t.Fatalf("deliveries out of order after %d: %v", start, got)
		}
		want++
	}
	if want != seq+1 {
		t.Errorf("delivered up to %d, want %d", want-1, seq)
	}
}

func testSince(t *testing.T, f engineFactory) {
	e := f.open(t)
	m, _ := newWorkshop(t, e)
	for i := range 10 {
		commit(t, e, m.ID, opFn(session.OpActorAdd, fmt.Sprintf(`{"name":"a%d"}`, i)))
	}
	evs, err := e.Since(context.Background(), m.ID, 4)
	if err != nil || len(evs) != 7 {
		t.Fatalf("since 4: %d events, %v", len(evs), err)
	}
	for i, b := range evs {
		seq, _, err := DecodeEvent(b)
		if err != nil || seq != uint64(5+i) {
			t.Errorf("event %d: seq %d, %v", i, seq, err)
		}
	}
	if evs, err := e.Since(context.Background(), m.ID, 11); err != nil || len(evs) != 0 {
		t.Errorf("since the latest: %d events, %v", len(evs), err)
	}
	if _, err := e.Since(context.Background(), m.ID, 12); !errors.Is(err, ErrTooOld) {
		t.Errorf("since beyond the latest: %v, want ErrTooOld", err)
	}
}

func testErrorsChangeNothing(t *testing.T, f engineFactory) {
	e := f.open(t)
	m, _ := newWorkshop(t, e)
	_, before, _ := e.Snapshot(context.Background(), m.ID)
	_, err := e.Update(context.Background(), m.ID, opFn(session.OpStepSet, `{"step":9}`))
	if session.ErrorCode(err) != session.CodeInvalid {
		t.Fatalf("invalid op: %v", err)
	}
	if _, err := e.Update(context.Background(), m.ID, opFn("actor.explode", `{}`)); session.ErrorCode(err) != session.CodeBadMessage {
		t.Fatalf("unknown op: %v", err)
	}
	if _, err := e.Update(context.Background(), m.ID, opFn(session.OpActorRemove, `{"id":"nope"}`)); session.ErrorCode(err) != session.CodeNotFound {
		t.Fatalf("unknown actor: %v", err)
	}
	_, after, _ := e.Snapshot(context.Background(), m.ID)
	if after != before {
		t.Errorf("seq moved from %d to %d on errors", before, after)
	}
}

func testTokens(t *testing.T, f engineFactory) {
	e := f.open(t)
	m, _ := newWorkshop(t, e)
	commit(t, e, m.ID, func(*session.State) (Change, error) {
		return Change{Grant: &Grant{Hash: HashToken("tok"), ParticipantID: "fac"}}, nil
	})
	if pid, err := e.Participant(context.Background(), m.ID, HashToken("tok")); err != nil || pid != "fac" {
		t.Errorf("token: %q %v", pid, err)
	}
	if _, err := e.Participant(context.Background(), m.ID, HashToken("other")); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown token: %v", err)
	}
}

func testDurable(t *testing.T, f engineFactory) {
	e := f.open(t)
	m, _ := newWorkshop(t, e)
	// Past a snapshot, so reopening reads a snapshot and replays the log after it.
	var last *Committed
	for i := range snapEvery + 17 {
		last = commit(t, e, m.ID, opFn(session.OpActorAdd, fmt.Sprintf(`{"name":"a%d"}`, i)))
	}
	commit(t, e, m.ID, func(*session.State) (Change, error) {
		return Change{Grant: &Grant{Hash: HashToken("tok"), ParticipantID: "fac"}}, nil
	})
	want, seq, _ := e.Snapshot(context.Background(), m.ID)
	if seq != last.Seq {
		t.Fatalf("seq %d, want %d", seq, last.Seq)
	}
	e2 := f.reopen(t, e)
	got, seq2, err := e2.Snapshot(context.Background(), m.ID)
	if err != nil || seq2 != seq || len(got.Actors) != len(want.Actors) {
		t.Fatalf("after reopen: seq %d (want %d), %d actors (want %d), %v", seq2, seq, len(got.Actors), len(want.Actors), err)
	}
	if evs, err := e2.Since(context.Background(), m.ID, seq-5); err != nil || len(evs) != 5 {
		t.Errorf("since after reopen: %d, %v", len(evs), err)
	}
	if pid, err := e2.Participant(context.Background(), m.ID, HashToken("tok")); pid != "fac" || err != nil {
		t.Errorf("token after reopen: %q %v", pid, err)
	}
	if c := commit(t, e2, m.ID, opFn(session.OpStepSet, `{"step":2}`)); c.Seq != seq+1 {
		t.Errorf("next seq after reopen %d, want %d", c.Seq, seq+1)
	}
}

func testDelete(t *testing.T, f engineFactory) {
	e := f.open(t)
	m, _ := newWorkshop(t, e)
	if err := e.Delete(context.Background(), m.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Resolve(context.Background(), m.Code); !errors.Is(err, ErrNotFound) {
		t.Errorf("resolve after delete: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if _, err := e.Update(ctx, m.ID, opFn(session.OpStepSet, `{"step":2}`)); !errors.Is(err, ErrNotFound) {
		t.Errorf("update after delete: %v", err)
	}
}

// testInstances runs several instances on one store: writers on each, one order, and
// every instance delivers every event in order.
func testInstances(t *testing.T, f engineFactory) {
	if f.another == nil {
		t.Skipf("%s runs in one process", f.name)
	}
	e1 := f.open(t)
	e2 := f.another(t, e1)
	e3 := f.another(t, e1)
	m, _ := newWorkshop(t, e1)
	engines := []Engine{e1, e2, e3}
	ds := make([]*delivered, len(engines))
	starts := make([]uint64, len(engines))
	for i, e := range engines {
		ds[i] = &delivered{seq: map[string][]uint64{}}
		e.SetDeliver(ds[i].handler)
		e.Watch(m.ID)
		defer e.Unwatch(m.ID)
		_, starts[i], _ = e.Snapshot(context.Background(), m.ID)
	}
	const each = 30 // per writer; 2 writers per instance: 180 actors
	var wg sync.WaitGroup
	for i, e := range engines {
		for w := range 2 {
			wg.Go(func() {
				for k := range each {
					commit(t, e, m.ID, opFn(session.OpActorAdd, fmt.Sprintf(`{"name":"i%d-w%d-%d"}`, i, w, k)))
				}
			})
		}
	}
	wg.Wait()
	_, last, _ := e1.Snapshot(context.Background(), m.ID)
	want := uint64(1 + len(engines)*2*each)
	if last != want {
		// e1's replica may lag a moment behind the others' commits.
		waitFor(t, func() bool { _, last, _ = e1.Snapshot(context.Background(), m.ID); return last == want })
	}
	for i, e := range engines {
		waitFor(t, func() bool {
			ds[i].mu.Lock()
			defer ds[i].mu.Unlock()
			got := ds[i].seq[m.ID]
			return len(got) > 0 && got[len(got)-1] == want
		})
		ds[i].mu.Lock()
		next := starts[i] + 1
		for _, s := range ds[i].seq[m.ID] {
			if s <= starts[i] {
				continue
			}
			if s != next {
				t.Errorf("instance %d delivered out of order: %v", i, ds[i].seq[m.ID])
				break
			}
			next++
		}
		ds[i].mu.Unlock()
		st, seq, err := e.Snapshot(context.Background(), m.ID)
		if err != nil || seq != want || len(st.Actors) != len(engines)*2*each {
			t.Errorf("instance %d: seq %d, %d actors, %v", i, seq, len(st.Actors), err)
		}
	}
	// A delete on one instance reaches the watchers of the others.
	if err := e2.Delete(context.Background(), m.ID); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool {
		ds[0].mu.Lock()
		defer ds[0].mu.Unlock()
		got := ds[0].seq[m.ID]
		return got[len(got)-1] == 0
	})
}

// waitFor polls cond for up to 10 s.
func waitFor(tb testing.TB, cond func() bool) {
	tb.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			tb.Fatal("condition not met within 10 s")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// pollWorkshop makes a workshop with n participants p0.., three actors and an open dots
// round (5 dots, at most 3 per actor); it returns the state and the round.
func pollWorkshop(t *testing.T, e Engine, n int) (Meta, *session.State, *session.Round) {
	t.Helper()
	m, _ := newWorkshop(t, e)
	for i := range n {
		commit(t, e, m.ID, func(st *session.State) (Change, error) {
			r, err := session.Join(st, session.Participant{ID: fmt.Sprintf("p%d", i), Name: fmt.Sprintf("P%d", i), Role: session.RoleParticipant})
			return Change{Result: r}, err
		})
	}
	for _, name := range []string{"A", "B", "C"} {
		commit(t, e, m.ID, opFn(session.OpActorAdd, fmt.Sprintf(`{"name":%q}`, name)))
	}
	c := commit(t, e, m.ID, opFn(session.OpRoundOpen, `{"mode":"dots","dots":5,"maxPerActor":3}`))
	return m, c.State, c.State.Rounds[0]
}

// Votes from 40 participants, each on two "connections" at once (and on two instances
// when the engine has them): the budget holds for every ballot and the tally is exact.
func testVotesConcurrent(t *testing.T, f engineFactory) {
	e := f.open(t)
	engines := []Engine{e}
	if f.another != nil {
		engines = append(engines, f.another(t, e))
	}
	const n = 40
	m, st, rd := pollWorkshop(t, e, n)
	a, b, c := st.Actors[0].ID, st.Actors[1].ID, st.Actors[2].ID
	// Per participant: 2 on A, 3 on B and 1 on C at once. 2+3+1 = 6 > 5 dots, so exactly
	// one of the three is refused with budget, whatever the order.
	votes := []session.Vote{{RoundID: rd.ID, ActorID: a, Count: 2}, {RoundID: rd.ID, ActorID: b, Count: 3}, {RoundID: rd.ID, ActorID: c, Count: 1}}
	var mu sync.Mutex
	refused := map[string]int{}
	var wg sync.WaitGroup
	for i := range n {
		pid := fmt.Sprintf("p%d", i)
		caller := session.Caller{ID: pid, Role: session.RoleParticipant}
		for k, v := range votes {
			eng := engines[(i+k)%len(engines)]
			wg.Go(func() {
				_, err := eng.CastVote(context.Background(), m.ID, rd, pid, func(mine session.Ballot) (session.Ballot, error) {
					return session.CastVote(st, caller, v, mine)
				})
				if err != nil {
					if session.ErrorCode(err) != session.CodeBudget {
						t.Errorf("%s: %v", pid, err)
					}
					mu.Lock()
					refused[pid]++
					mu.Unlock()
				}
			})
		}
	}
	wg.Wait()
	ballots, err := e.Ballots(context.Background(), m.ID, rd.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{}
	for i := range n {
		pid := fmt.Sprintf("p%d", i)
		bal := ballots[pid]
		total := bal[a] + bal[b] + bal[c]
		if refused[pid] != 1 || total > 5 || total < 3 {
			t.Errorf("%s: %d refused, ballot %v (total %d)", pid, refused[pid], bal, total)
		}
		for id, k := range bal {
			want[id] += k
		}
	}
	tally, voters := session.Tally(rd, ballots)
	if voters != n {
		t.Errorf("%d voters, want %d", voters, n)
	}
	for id, k := range tally {
		if want[id] != k {
			t.Errorf("tally of %s is %d, the ballots give %d", id, k, want[id])
		}
	}
	// Every instance reads the same ballots.
	for i, eng := range engines {
		got, _ := eng.Ballots(context.Background(), m.ID, rd.ID)
		if len(got) != n {
			t.Errorf("instance %d reads %d ballots", i, len(got))
		}
	}
}

// A closed round refuses votes and keeps its ballots; a merge moves ballots (capped) and
// estimates; votes and estimates survive a restart.
func testPollsCloseMergeDurable(t *testing.T, f engineFactory) {
	e := f.open(t)
	ctx := context.Background()
	m, st, rd := pollWorkshop(t, e, 2)
	a, b := st.Actors[0].ID, st.Actors[1].ID
	cast := func(e Engine, pid, actor string, count int) error {
		caller := session.Caller{ID: pid, Role: session.RoleParticipant}
		_, err := e.CastVote(ctx, m.ID, rd, pid, func(mine session.Ballot) (session.Ballot, error) {
			return session.CastVote(st, caller, session.Vote{RoundID: rd.ID, ActorID: actor, Count: count}, mine)
		})
		return err
	}
	for _, v := range []struct {
		pid, actor string
		n          int
	}{{"p0", a, 2}, {"p0", b, 2}, {"p1", b, 1}} {
		if err := cast(e, v.pid, v.actor, v.n); err != nil {
			t.Fatal(err)
		}
	}
	estimate := func(e Engine, pid, actor, data string) {
		set, err := session.DecodeEstimate(st, session.Caller{ID: pid, Role: session.RoleParticipant}, []byte(data))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.SetEstimate(ctx, m.ID, actor, pid, func(cur session.Estimate) (session.Estimate, error) { return set.Apply(cur), nil }); err != nil {
			t.Fatal(err)
		}
	}
	estimate(e, "p0", a, fmt.Sprintf(`{"actorId":%q,"importance":4}`, a))
	estimate(e, "p0", b, fmt.Sprintf(`{"actorId":%q,"importance":2,"dependency":3}`, b))
	estimate(e, "p1", a, fmt.Sprintf(`{"actorId":%q,"dependency":1}`, a))

	// Merge A into B: p0 had 2 + 2, capped at 3 per actor; p1 keeps 1 on B.
	c := commit(t, e, m.ID, opFn(session.OpActorMerge, fmt.Sprintf(`{"id":%q,"into":%q}`, a, b)))
	if err := e.MoveActor(ctx, m.ID, a, b, c.State.Rounds); err != nil {
		t.Fatal(err)
	}
	got, _ := e.Ballots(ctx, m.ID, rd.ID)
	if got["p0"][b] != 3 || got["p0"][a] != 0 || got["p1"][b] != 1 {
		t.Errorf("ballots after the merge: %v", got)
	}
	est, _ := e.Estimates(ctx, m.ID, []string{a, b})
	if len(est[a]) != 0 || est[b]["p0"].Importance != 2 || est[b]["p0"].Dependency != 3 || est[b]["p1"].Dependency != 1 {
		t.Errorf("estimates after the merge: %v", est)
	}

	if err := e.CloseRound(ctx, m.ID, rd.ID); err != nil {
		t.Fatal(err)
	}
	if err := cast(e, "p1", b, 2); session.ErrorCode(err) != session.CodeClosed {
		t.Errorf("vote after close: %v, want closed", err)
	}
	e2 := f.reopen(t, e)
	got2, err := e2.Ballots(ctx, m.ID, rd.ID)
	if err != nil || got2["p0"][b] != 3 || got2["p1"][b] != 1 {
		t.Errorf("ballots after reopening: %v %v", got2, err)
	}
	if err := cast(e2, "p1", b, 2); session.ErrorCode(err) != session.CodeClosed {
		t.Errorf("vote after close and reopen: %v, want closed", err)
	}
	est2, err := e2.Estimates(ctx, m.ID, []string{b})
	if err != nil || est2[b]["p0"].Importance != 2 {
		t.Errorf("estimates after reopening: %v %v", est2, err)
	}
}

// The store checks a ballot against the round's rules itself, whatever decide returns.
func testStoreEnforcesBudget(t *testing.T, f engineFactory) {
	e := f.open(t)
	m, st, rd := pollWorkshop(t, e, 1) // 5 dots, at most 3 per actor
	a, b := st.Actors[0].ID, st.Actors[1].ID
	for _, tc := range []struct {
		name   string
		ballot session.Ballot
		code   string
	}{
		{"over the cap per actor", session.Ballot{a: 4}, session.CodeBudget},
		{"over the dots in all", session.Ballot{a: 3, b: 3}, session.CodeBudget},
		{"not a candidate", session.Ballot{"someone-else": 1}, session.CodeInvalid},
	} {
		_, err := e.CastVote(context.Background(), m.ID, rd, "p0", func(session.Ballot) (session.Ballot, error) { return tc.ballot, nil })
		if session.ErrorCode(err) != tc.code {
			t.Errorf("%s: %v, want %s", tc.name, err, tc.code)
		}
	}
	if got, _ := e.Ballots(context.Background(), m.ID, rd.ID); len(got) != 0 {
		t.Errorf("refused ballots were stored: %v", got)
	}
	if _, err := e.CastVote(context.Background(), m.ID, rd, "p0", func(session.Ballot) (session.Ballot, error) { return session.Ballot{a: 3, b: 2}, nil }); err != nil {
		t.Errorf("a ballot within the rules: %v", err)
	}
}
