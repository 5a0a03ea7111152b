package hub

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"go.etcd.io/bbolt"

	"github.com/arena-workshop/arena/session"
)

// Keys of votes and estimates in a workshop's bucket: b:{round}|{participant} holds a
// ballot, x:{round} marks a closed round, s:{actor}|{participant} an estimate.
func ballotKey(round, pid string) []byte { return []byte("b:" + round + "|" + pid) }
func closedKey(round string) []byte      { return []byte("x:" + round) }
func estimateKey(actor, pid string) []byte {
	return []byte("s:" + actor + "|" + pid)
}

// loadPolls reads the votes and estimates of a workshop from its bucket.
func (w *localWS) loadPolls(c *bbolt.Cursor) error {
	for k, v := c.Seek([]byte("b:")); k != nil && bytes.HasPrefix(k, []byte("b:")); k, v = c.Next() {
		round, pid, _ := strings.Cut(string(k[2:]), "|")
		var b session.Ballot
		if err := json.Unmarshal(v, &b); err != nil {
			return err
		}
		if w.ballots[round] == nil {
			w.ballots[round] = map[string]session.Ballot{}
		}
		w.ballots[round][pid] = b
	}
	for k, _ := c.Seek([]byte("x:")); k != nil && bytes.HasPrefix(k, []byte("x:")); k, _ = c.Next() {
		w.closed[string(k[2:])] = true
	}
	for k, v := c.Seek([]byte("s:")); k != nil && bytes.HasPrefix(k, []byte("s:")); k, v = c.Next() {
		actor, pid, _ := strings.Cut(string(k[2:]), "|")
		var e session.Estimate
		if err := json.Unmarshal(v, &e); err != nil {
			return err
		}
		if w.estimates[actor] == nil {
			w.estimates[actor] = map[string]session.Estimate{}
		}
		w.estimates[actor][pid] = e
	}
	return nil
}

// persist queues writes of votes or estimates to the writer; w.pmu is held, so the file
// gets them in the order memory did. Wait on the returned channel before answering.
func (l *Local) persist(ctx context.Context, w *localWS, puts []kv) (chan error, error) {
	req := &commitReq{w: w, puts: puts, done: make(chan error, 1)}
	if err := l.enqueue(ctx, req); err != nil {
		return nil, err
	}
	return req.done, nil
}

// enqueue hands req to the writer, unless the engine is closed or ctx ends first.
func (l *Local) enqueue(ctx context.Context, req *commitReq) error {
	l.closeMu.RLock()
	defer l.closeMu.RUnlock()
	if l.closed {
		return ErrClosed
	}
	select {
	case l.reqs <- req:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func waitDone(ctx context.Context, done chan error) error {
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

func ballotValue(b session.Ballot) []byte {
	if len(b) == 0 {
		return nil
	}
	v, _ := json.Marshal(b)
	return v
}

// CastVote decides and stores pid's ballot; durable before it returns.
func (l *Local) CastVote(ctx context.Context, id string, rd *session.Round, pid string, decide func(session.Ballot) (session.Ballot, error)) (session.Ballot, error) {
	roundID := rd.ID
	w, err := l.get(id)
	if err != nil {
		return nil, err
	}
	w.pmu.Lock()
	if w.closed[roundID] {
		w.pmu.Unlock()
		return nil, session.Errorf(session.CodeClosed, "this round is closed")
	}
	nb, err := decide(w.ballots[roundID][pid])
	if err == nil {
		err = withinRules(rd, nb)
	}
	if err != nil {
		w.pmu.Unlock()
		return nil, err
	}
	done, err := l.persist(ctx, w, []kv{{ballotKey(roundID, pid), ballotValue(nb)}})
	if err != nil {
		w.pmu.Unlock()
		return nil, err
	}
	if w.ballots[roundID] == nil {
		w.ballots[roundID] = map[string]session.Ballot{}
	}
	if len(nb) == 0 {
		delete(w.ballots[roundID], pid)
	} else {
		w.ballots[roundID][pid] = nb
	}
	w.pmu.Unlock()
	if err := waitDone(ctx, done); err != nil {
		return nil, err
	}
	return nb, nil
}

// withinRules checks a ballot against its round's rules once more, where it is stored
// (the Redis engine does the same in its script): only candidates, at most the cap per
// actor, at most the dots in all.
func withinRules(rd *session.Round, b session.Ballot) error {
	per := rd.MaxPerActor
	if rd.Mode == session.ModeApprove || per <= 0 {
		per = 1
	}
	total := 0
	for id, n := range b {
		if !slices.Contains(rd.Candidates, id) {
			return session.Errorf(session.CodeInvalid, "this actor is not a candidate in this round")
		}
		if n > per {
			return session.Errorf(session.CodeBudget, "at most %d for one actor in this round", per)
		}
		total += n
	}
	if rd.Mode == session.ModeDots && total > rd.Dots {
		return session.Errorf(session.CodeBudget, "%d dots in all", rd.Dots)
	}
	return nil
}

// CloseRound makes the ballots of a round final.
func (l *Local) CloseRound(ctx context.Context, id, roundID string) error {
	w, err := l.get(id)
	if err != nil {
		return err
	}
	w.pmu.Lock()
	if w.closed[roundID] {
		w.pmu.Unlock()
		return nil
	}
	done, err := l.persist(ctx, w, []kv{{closedKey(roundID), []byte("1")}})
	if err == nil {
		w.closed[roundID] = true
	}
	w.pmu.Unlock()
	if err != nil {
		return err
	}
	return waitDone(ctx, done)
}

// Ballots returns a copy of the ballots of a round.
func (l *Local) Ballots(ctx context.Context, id, roundID string) (map[string]session.Ballot, error) {
	w, err := l.get(id)
	if err != nil {
		return nil, err
	}
	w.pmu.Lock()
	defer w.pmu.Unlock()
	out := make(map[string]session.Ballot, len(w.ballots[roundID]))
	for pid, b := range w.ballots[roundID] {
		out[pid] = b // ballots are never changed in place
	}
	return out, nil
}

// SetEstimate decides and stores pid's estimate of an actor; durable before it returns.
func (l *Local) SetEstimate(ctx context.Context, id, actorID, pid string, decide func(session.Estimate) (session.Estimate, error)) (session.Estimate, error) {
	w, err := l.get(id)
	if err != nil {
		return session.Estimate{}, err
	}
	w.pmu.Lock()
	ne, err := decide(w.estimates[actorID][pid])
	if err != nil {
		w.pmu.Unlock()
		return session.Estimate{}, err
	}
	var v []byte
	if !ne.Empty() {
		v, _ = json.Marshal(ne)
	}
	done, err := l.persist(ctx, w, []kv{{estimateKey(actorID, pid), v}})
	if err != nil {
		w.pmu.Unlock()
		return session.Estimate{}, err
	}
	if w.estimates[actorID] == nil {
		w.estimates[actorID] = map[string]session.Estimate{}
	}
	if ne.Empty() {
		delete(w.estimates[actorID], pid)
	} else {
		w.estimates[actorID][pid] = ne
	}
	w.pmu.Unlock()
	if err := waitDone(ctx, done); err != nil {
		return session.Estimate{}, err
	}
	return ne, nil
}

// Estimates returns the estimates of the given actors.
func (l *Local) Estimates(ctx context.Context, id string, actorIDs []string) (map[string]map[string]session.Estimate, error) {
	w, err := l.get(id)
	if err != nil {
		return nil, err
	}
	w.pmu.Lock()
	defer w.pmu.Unlock()
	out := make(map[string]map[string]session.Estimate, len(actorIDs))
	for _, a := range actorIDs {
		m := make(map[string]session.Estimate, len(w.estimates[a]))
		for pid, e := range w.estimates[a] {
			m[pid] = e
		}
		out[a] = m
	}
	return out, nil
}

// MoveActor moves ballots and estimates of from onto into.
func (l *Local) MoveActor(ctx context.Context, id, from, into string, rounds []*session.Round) error {
	w, err := l.get(id)
	if err != nil {
		return err
	}
	w.pmu.Lock()
	var puts []kv
	newBallots := map[string]map[string]session.Ballot{}
	for _, r := range rounds {
		for pid, b := range w.ballots[r.ID] {
			if b[from] == 0 {
				continue
			}
			nb := session.MergeBallot(r, b, from, into)
			puts = append(puts, kv{ballotKey(r.ID, pid), ballotValue(nb)})
			if newBallots[r.ID] == nil {
				newBallots[r.ID] = map[string]session.Ballot{}
			}
			newBallots[r.ID][pid] = nb
		}
	}
	newEst := map[string]session.Estimate{}
	for pid, e := range w.estimates[from] {
		ne := session.MergeEstimate(e, w.estimates[into][pid])
		v, _ := json.Marshal(ne)
		puts = append(puts, kv{estimateKey(into, pid), v}, kv{estimateKey(from, pid), nil})
		newEst[pid] = ne
	}
	if len(puts) == 0 {
		w.pmu.Unlock()
		return nil
	}
	done, err := l.persist(ctx, w, puts)
	if err != nil {
		w.pmu.Unlock()
		return fmt.Errorf("hub: move actor: %w", err)
	}
	for r, m := range newBallots {
		for pid, b := range m {
			if len(b) == 0 {
				delete(w.ballots[r], pid)
			} else {
				w.ballots[r][pid] = b
			}
		}
	}
	if len(newEst) > 0 {
		if w.estimates[into] == nil {
			w.estimates[into] = map[string]session.Estimate{}
		}
		for pid, e := range newEst {
			w.estimates[into][pid] = e
		}
		delete(w.estimates, from)
	}
	w.pmu.Unlock()
	return waitDone(ctx, done)
}
