package session_test

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/arena-workshop/arena/session"
)

// dotsState is the fixture with round 1 open: dots 5, at most 3 per actor, candidates A and
// B (not C), the facilitator not voting.
func dotsState(tb testing.TB) *session.State {
	tb.Helper()
	return openRound(tb, fixture(tb), `{"id":"`+idRound1+`","mode":"dots","dots":5,"maxPerActor":3,"candidates":["`+idActorA+`","`+idActorB+`"]}`)
}

// approveState is the fixture with round 2 open: approve, candidates A and B, the
// facilitator voting too.
func approveState(tb testing.TB) *session.State {
	tb.Helper()
	return openRound(tb, fixture(tb), `{"id":"`+idRound2+`","mode":"approve","facilitatorVotes":true,"candidates":["`+idActorA+`","`+idActorB+`"]}`)
}

func TestDecodeVote(t *testing.T) {
	ok := []struct {
		name, data string
		want       session.Vote
	}{
		{"count 0", `{"roundId":"r","actorId":"a","count":0}`, session.Vote{RoundID: "r", ActorID: "a"}},
		{"count 3", ` {"count":3, "actorId":"a", "roundId":"r"} `, session.Vote{RoundID: "r", ActorID: "a", Count: 3}},
		{"negative count decodes (CastVote refuses it)", `{"roundId":"r","actorId":"a","count":-1}`, session.Vote{RoundID: "r", ActorID: "a", Count: -1}},
	}
	for _, tt := range ok {
		t.Run(tt.name, func(t *testing.T) {
			v, err := session.DecodeVote([]byte(tt.data))
			if err != nil || v != tt.want {
				t.Errorf("= %+v, %v; want %+v", v, err, tt.want)
			}
		})
	}
	errs := []struct {
		name, data, field string
	}{
		{"empty data", ``, "roundId"},
		{"no roundId", `{"actorId":"a","count":1}`, "roundId"},
		{"empty roundId", `{"roundId":"","actorId":"a","count":1}`, "roundId"},
		{"roundId a number", `{"roundId":1,"actorId":"a","count":1}`, "roundId"},
		{"no actorId", `{"roundId":"r","count":1}`, "actorId"},
		{"actorId null", `{"roundId":"r","actorId":null,"count":1}`, "actorId"},
		{"no count", `{"roundId":"r","actorId":"a"}`, "count"},
		{"count null", `{"roundId":"r","actorId":"a","count":null}`, "count"},
		{"count a string", `{"roundId":"r","actorId":"a","count":"1"}`, "count"},
		{"count a fraction", `{"roundId":"r","actorId":"a","count":1.5}`, "count"},
		{"count too large", `{"roundId":"r","actorId":"a","count":99999999999999999999}`, "count"},
		{"count true", `{"roundId":"r","actorId":"a","count":true}`, "count"},
		{"unknown field", `{"roundId":"r","actorId":"a","count":1,"weight":2}`, "weight"},
		{"not an object", `[1]`, "*"},
		{"two objects", `{"roundId":"r","actorId":"a","count":1}{}`, "*"},
	}
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) {
			v, err := session.DecodeVote([]byte(tt.data))
			wantError(t, fmt.Sprintf("DecodeVote(%s)", tt.data), err, session.CodeInvalid, tt.field)
			if v != (session.Vote{}) {
				t.Errorf("vote %+v with an error", v)
			}
		})
	}
}

func TestCastVote(t *testing.T) {
	removedP2 := func(tb testing.TB) *session.State {
		tb.Helper()
		return must(tb, dotsState(tb), facilitator, session.OpParticipantRemove, `{"participantId":"`+idP2+`"}`)
	}
	locked := func(tb testing.TB) *session.State {
		tb.Helper()
		return must(tb, dotsState(tb), facilitator, session.OpLockSet, `{"locked":true}`)
	}
	closed := func(tb testing.TB) *session.State {
		tb.Helper()
		return closeRound(tb, dotsState(tb), idRound1, nil)
	}
	withoutB := func(tb testing.TB) *session.State {
		tb.Helper()
		return must(tb, dotsState(tb), facilitator, session.OpActorRemove, `{"id":"`+idActorB+`"}`)
	}
	dotsDefault := func(tb testing.TB) *session.State { // dots 2, maxPerActor defaults to 2
		tb.Helper()
		return openRound(tb, fixture(tb), `{"id":"`+idRound1+`","mode":"dots","dots":2}`)
	}
	vote := func(round, actor string, n int) session.Vote {
		return session.Vote{RoundID: round, ActorID: actor, Count: n}
	}
	dots := func(actor string, n int) session.Vote { return vote(idRound1, actor, n) }
	approve := func(actor string, n int) session.Vote { return vote(idRound2, actor, n) }
	tests := []struct {
		name   string
		state  func(testing.TB) *session.State
		caller session.Caller
		vote   session.Vote
		mine   session.Ballot
		want   session.Ballot // when code is ""
		code   string
		field  string
	}{
		// who
		{name: "participant", state: dotsState, caller: participant1, vote: dots(idActorA, 2), want: session.Ballot{idActorA: 2}},
		{name: "participant while locked", state: locked, caller: participant2, vote: dots(idActorA, 1), want: session.Ballot{idActorA: 1}},
		{name: "viewer", state: dotsState, caller: viewer, vote: dots(idActorA, 1), code: session.CodeForbidden, field: ""},
		{name: "viewer with a participant id", state: dotsState, caller: session.Caller{ID: idP1, Role: session.RoleViewer}, vote: dots(idActorA, 1), code: session.CodeForbidden},
		{name: "unknown role", state: dotsState, caller: session.Caller{ID: idP1, Role: "admin"}, vote: dots(idActorA, 1), code: session.CodeForbidden},
		{name: "no participant of the workshop", state: dotsState, caller: stranger, vote: dots(idActorA, 1), code: session.CodeForbidden},
		{name: "removed participant", state: removedP2, caller: participant2, vote: dots(idActorA, 1), code: session.CodeForbidden},
		{name: "facilitator without facilitatorVotes", state: dotsState, caller: facilitator, vote: dots(idActorA, 1), code: session.CodeForbidden},
		{name: "facilitator with facilitatorVotes", state: approveState, caller: facilitator, vote: approve(idActorA, 1), want: session.Ballot{idActorA: 1}},
		{name: "facilitator not in the workshop", state: approveState, caller: session.Caller{ID: "ghost", Role: session.RoleFacilitator}, vote: approve(idActorA, 1), code: session.CodeForbidden},
		// what
		{name: "unknown round", state: dotsState, caller: participant1, vote: vote(idNone, idActorA, 1), code: session.CodeNotFound, field: "roundId"},
		{name: "unknown actor", state: dotsState, caller: participant1, vote: dots(idNone, 1), code: session.CodeNotFound, field: "actorId"},
		{name: "closed round", state: closed, caller: participant1, vote: dots(idActorA, 1), code: session.CodeClosed, field: "roundId"},
		{name: "not a candidate", state: dotsState, caller: participant1, vote: dots(idActorC, 1), code: session.CodeInvalid, field: "actorId"},
		{name: "not a candidate, count 0", state: dotsState, caller: participant1, vote: dots(idActorC, 0), code: session.CodeInvalid, field: "actorId"},
		{name: "removed candidate", state: withoutB, caller: participant1, vote: dots(idActorB, 1), code: session.CodeNotFound, field: "actorId"},
		{name: "negative count", state: dotsState, caller: participant1, vote: dots(idActorA, -1), code: session.CodeInvalid, field: "count"},
		// approve
		{name: "approve 1", state: approveState, caller: participant1, vote: approve(idActorB, 1), mine: session.Ballot{idActorA: 1}, want: session.Ballot{idActorA: 1, idActorB: 1}},
		{name: "approve 0 withdraws", state: approveState, caller: participant1, vote: approve(idActorA, 0), mine: session.Ballot{idActorA: 1, idActorB: 1}, want: session.Ballot{idActorB: 1}},
		{name: "approve 0 on nothing", state: approveState, caller: participant1, vote: approve(idActorA, 0), want: session.Ballot{}},
		{name: "approve 1 twice", state: approveState, caller: participant1, vote: approve(idActorA, 1), mine: session.Ballot{idActorA: 1}, want: session.Ballot{idActorA: 1}},
		{name: "approve every candidate", state: approveState, caller: participant2, vote: approve(idActorA, 1), mine: session.Ballot{idActorB: 1}, want: session.Ballot{idActorA: 1, idActorB: 1}},
		{name: "approve 2", state: approveState, caller: participant1, vote: approve(idActorA, 2), code: session.CodeInvalid, field: "count"},
		// dots: per actor
		{name: "dots at maxPerActor", state: dotsState, caller: participant1, vote: dots(idActorA, 3), want: session.Ballot{idActorA: 3}},
		{name: "dots over maxPerActor", state: dotsState, caller: participant1, vote: dots(idActorA, 4), code: session.CodeBudget, field: "count"},
		{name: "dots default maxPerActor at the limit", state: dotsDefault, caller: participant1, vote: dots(idActorC, 2), want: session.Ballot{idActorC: 2}},
		{name: "dots default maxPerActor over", state: dotsDefault, caller: participant1, vote: dots(idActorC, 3), code: session.CodeBudget, field: "count"},
		// dots: in all
		{name: "dots total at the budget", state: dotsState, caller: participant1, vote: dots(idActorB, 2), mine: session.Ballot{idActorA: 3}, want: session.Ballot{idActorA: 3, idActorB: 2}},
		{name: "dots total over the budget", state: dotsState, caller: participant1, vote: dots(idActorB, 3), mine: session.Ballot{idActorA: 3}, code: session.CodeBudget, field: "count"},
		{name: "count is absolute, not added", state: dotsState, caller: participant1, vote: dots(idActorA, 3), mine: session.Ballot{idActorA: 3, idActorB: 2}, want: session.Ballot{idActorA: 3, idActorB: 2}},
		{name: "lowering within a full ballot", state: dotsState, caller: participant1, vote: dots(idActorA, 1), mine: session.Ballot{idActorA: 3, idActorB: 2}, want: session.Ballot{idActorA: 1, idActorB: 2}},
		{name: "0 removes the entry", state: dotsState, caller: participant1, vote: dots(idActorA, 0), mine: session.Ballot{idActorA: 3, idActorB: 2}, want: session.Ballot{idActorB: 2}},
		{name: "counts on a non-candidate are dropped and free", state: dotsState, caller: participant1, vote: dots(idActorB, 2),
			mine: session.Ballot{idActorC: 3, idActorA: 3}, want: session.Ballot{idActorA: 3, idActorB: 2}},
		{name: "counts on a removed actor are dropped and free", state: withoutB, caller: participant1, vote: dots(idActorA, 3),
			mine: session.Ballot{idActorB: 3, idActorA: 1}, want: session.Ballot{idActorA: 3}},
		{name: "zero entries are dropped", state: dotsState, caller: participant1, vote: dots(idActorA, 1),
			mine: session.Ballot{idActorB: 0}, want: session.Ballot{idActorA: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := tt.state(t)
			before, mineBefore := encode(t, s), js(t, tt.mine)
			got, err := session.CastVote(s, tt.caller, tt.vote, tt.mine)
			if encode(t, s) != before {
				t.Error("CastVote changed the state")
			}
			if js(t, tt.mine) != mineBefore {
				t.Errorf("CastVote changed mine: %s, was %s", js(t, tt.mine), mineBefore)
			}
			if tt.code != "" {
				wantError(t, "CastVote", err, tt.code, tt.field)
				if got != nil {
					t.Errorf("ballot %v with an error", got)
				}
				return
			}
			if err != nil {
				t.Fatalf("CastVote: %v", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ballot %v, want %v", got, tt.want)
			}
			if tt.mine != nil {
				got[idNone] = 1
				if _, shared := tt.mine[idNone]; shared {
					t.Error("the new ballot shares its map with mine")
				}
			}
		})
	}
}

func TestLeft(t *testing.T) {
	dots := dotsState(t).Rounds[0]       // 5 dots, candidates A B
	approve := approveState(t).Rounds[0] // candidates A B
	tests := []struct {
		name  string
		round *session.Round
		b     session.Ballot
		want  int
	}{
		{"dots, no ballot", dots, nil, 5},
		{"dots, empty ballot", dots, session.Ballot{}, 5},
		{"dots, some spent", dots, session.Ballot{idActorA: 2}, 3},
		{"dots, all spent", dots, session.Ballot{idActorA: 3, idActorB: 2}, 0},
		{"dots, non-candidates do not count", dots, session.Ballot{idActorC: 3, idActorA: 1}, 4},
		{"dots, never below 0", dots, session.Ballot{idActorA: 3, idActorB: 3}, 0},
		{"approve, no ballot", approve, nil, 2},
		{"approve, one approved", approve, session.Ballot{idActorA: 1}, 1},
		{"approve, all approved", approve, session.Ballot{idActorA: 1, idActorB: 1}, 0},
		{"approve, non-candidates do not count", approve, session.Ballot{idActorC: 1}, 2},
		{"approve, zero is not approved", approve, session.Ballot{idActorA: 0}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := session.Left(tt.round, tt.b); got != tt.want {
				t.Errorf("Left = %d, want %d", got, tt.want)
			}
		})
	}
}

func TestTally(t *testing.T) {
	r := dotsState(t).Rounds[0] // candidates A B
	tests := []struct {
		name    string
		ballots map[string]session.Ballot
		tally   map[string]int
		voters  int
	}{
		{"no ballots", nil, map[string]int{idActorA: 0, idActorB: 0}, 0},
		{"one ballot", map[string]session.Ballot{idP1: {idActorA: 2}}, map[string]int{idActorA: 2, idActorB: 0}, 1},
		{"sums", map[string]session.Ballot{
			idP1: {idActorA: 2, idActorB: 3}, idP2: {idActorA: 3}, idFac: {idActorB: 1}, "p3": {idActorA: 1, idActorB: 1},
		}, map[string]int{idActorA: 6, idActorB: 5}, 4},
		{"non-candidates, zeros and negatives ignored", map[string]session.Ballot{
			idP1: {idActorC: 5}, idP2: {idActorA: 0, idActorB: -2}, "p3": {idActorB: 2, idActorC: 1}, "p4": nil,
		}, map[string]int{idActorA: 0, idActorB: 2}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tally, voters := session.Tally(r, tt.ballots)
			if !reflect.DeepEqual(tally, tt.tally) || voters != tt.voters {
				t.Errorf("Tally = %v, %d; want %v, %d", tally, voters, tt.tally, tt.voters)
			}
		})
	}
}

func TestMergeBallot(t *testing.T) {
	dots := dotsState(t).Rounds[0]       // max 3 per actor, candidates A B
	approve := approveState(t).Rounds[0] // candidates A B
	tests := []struct {
		name       string
		round      *session.Round
		b          session.Ballot
		from, into string
		want       session.Ballot
	}{
		{"dots, moves", dots, session.Ballot{idActorB: 2}, idActorB, idActorA, session.Ballot{idActorA: 2}},
		{"dots, adds", dots, session.Ballot{idActorA: 1, idActorB: 1}, idActorB, idActorA, session.Ballot{idActorA: 2}},
		{"dots, capped at maxPerActor", dots, session.Ballot{idActorA: 2, idActorB: 2}, idActorB, idActorA, session.Ballot{idActorA: 3}},
		{"dots, nothing to move", dots, session.Ballot{idActorA: 2}, idActorB, idActorA, session.Ballot{idActorA: 2}},
		{"dots, into a non-candidate drops", dots, session.Ballot{idActorA: 1, idActorB: 2}, idActorB, idActorC, session.Ballot{idActorA: 1}},
		{"dots, other entries stay", dots, session.Ballot{idActorA: 1, idActorC: 2}, idActorA, idActorB, session.Ballot{idActorB: 1, idActorC: 2}},
		{"into itself", dots, session.Ballot{idActorA: 1, idActorB: 2}, idActorA, idActorA, session.Ballot{idActorA: 1, idActorB: 2}},
		{"approve, both approved", approve, session.Ballot{idActorA: 1, idActorB: 1}, idActorB, idActorA, session.Ballot{idActorA: 1}},
		{"approve, moves", approve, session.Ballot{idActorB: 1}, idActorB, idActorA, session.Ballot{idActorA: 1}},
		{"no ballot", dots, nil, idActorB, idActorA, session.Ballot{}},
		{"zeros are dropped", dots, session.Ballot{idActorA: 0, idActorB: 0}, idActorB, idActorA, session.Ballot{}},
		{"dots without maxPerActor caps at the dots", &session.Round{Mode: session.ModeDots, Dots: 4, Candidates: []string{idActorA, idActorB}},
			session.Ballot{idActorA: 3, idActorB: 3}, idActorB, idActorA, session.Ballot{idActorA: 4}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := js(t, tt.b)
			got := session.MergeBallot(tt.round, tt.b, tt.from, tt.into)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("MergeBallot = %v, want %v", got, tt.want)
			}
			if js(t, tt.b) != before {
				t.Errorf("MergeBallot changed its input: %v", tt.b)
			}
		})
	}

	// Every ballot of a dots round: into gets min(a+b, max), from is gone, nothing is
	// spent that was not spent before.
	t.Run("never grows", func(t *testing.T) {
		for a := range 4 {
			for b := range 4 {
				got := session.MergeBallot(dots, session.Ballot{idActorA: a, idActorB: b}, idActorB, idActorA)
				if _, ok := got[idActorB]; ok || got[idActorA] != min(a+b, 3) || session.Left(dots, got) < 5-a-b {
					t.Errorf("A %d + B %d: %v, left %d", a, b, got, session.Left(dots, got))
				}
			}
		}
	})
}

// TestVoteFlow plays what an engine does with votes: ballots through CastVote, an actor
// merged while the round is open (MergeBallot on every ballot), then round.close with the
// ballots the engine holds.
func TestVoteFlow(t *testing.T) {
	s := openRound(t, fixture(t), `{"id":"`+idRound1+`","mode":"dots","dots":4,"maxPerActor":2}`)
	ballots := map[string]session.Ballot{}
	cast := func(c session.Caller, actor string, n int, code string) {
		t.Helper()
		b, err := session.CastVote(s, c, session.Vote{RoundID: idRound1, ActorID: actor, Count: n}, ballots[c.ID])
		if session.ErrorCode(err) != code {
			t.Fatalf("%s votes %d on %s: %v, want code %q", c.ID, n, actor, err, code)
		}
		if err == nil {
			ballots[c.ID] = b
		}
	}
	cast(participant1, idActorA, 2, "")
	cast(participant1, idActorB, 2, "")
	cast(participant1, idActorC, 1, session.CodeBudget)
	cast(participant2, idActorB, 2, "")
	cast(participant2, idActorC, 1, "")
	cast(facilitator, idActorC, 1, session.CodeForbidden)
	if l := session.Left(s.Rounds[0], ballots[idP1]); l != 0 {
		t.Errorf("p1 has %d left, want 0", l)
	}

	// B merges into A: p1's 2+2 is capped at 2, p2's 2 moves.
	s = applyOK(t, s, facilitator, session.OpActorMerge, `{"id":"`+idActorB+`","into":"`+idActorA+`"}`).State
	for id, b := range ballots {
		ballots[id] = session.MergeBallot(s.Rounds[0], b, idActorB, idActorA)
	}
	want := map[string]session.Ballot{idP1: {idActorA: 2}, idP2: {idActorA: 2, idActorC: 1}}
	if !reflect.DeepEqual(ballots, want) {
		t.Fatalf("ballots after the merge %v, want %v", ballots, want)
	}
	if l := session.Left(s.Rounds[0], ballots[idP1]); l != 2 {
		t.Errorf("p1 has %d left after the merge, want 2", l)
	}
	cast(participant1, idActorC, 2, "")
	cast(participant1, idActorB, 1, session.CodeNotFound)

	r := applyEnvOK(t, s, facilitator, session.OpRoundClose, `{"roundId":"`+idRound1+`"}`,
		ballotsEnv(map[string]map[string]session.Ballot{idRound1: ballots}))
	got := r.State.Rounds[0]
	if !reflect.DeepEqual(got.Tally, map[string]int{idActorA: 4, idActorC: 3}) || got.Voters != 2 {
		t.Errorf("tally %v, voters %d; want A 4, C 3, 2 voters", got.Tally, got.Voters)
	}
	cast(participant2, idActorC, 0, "") // against the old state: still open there
	s = r.State
	cast(participant2, idActorC, 0, session.CodeClosed)
}

// A ballot stored or decided before an actor.merge counts for the actor merged into,
// whether the store moved it yet or not: CastVote, TallyOf (round.close) and
// FoldBallot read it folded through the merges, following chains, capped like
// MergeBallot.
func TestBallotsFoldedThroughMerges(t *testing.T) {
	s := openRound(t, fixture(t), `{"id":"`+idRound1+`","mode":"dots","dots":5,"maxPerActor":3,"candidates":["`+idActorA+`","`+idActorB+`","`+idActorC+`"]}`)
	before := session.Ballot{idActorA: 2} // stored before the merge, not moved yet
	s = must(t, s, facilitator, session.OpActorMerge, `{"id":"`+idActorA+`","into":"`+idActorB+`"}`)
	if got := s.Gone[idActorA]; got != idActorB {
		t.Fatalf("gone %v, want A → B", s.Gone)
	}
	r := s.Rounds[0]
	if got := s.FoldBallot(r, before); !reflect.DeepEqual(got, session.Ballot{idActorB: 2}) {
		t.Errorf("folded %v, want B:2", got)
	}
	if !reflect.DeepEqual(before, session.Ballot{idActorA: 2}) {
		t.Error("FoldBallot changed its input")
	}
	// A vote on the merged state keeps the dots that were on A (now on B).
	b, err := session.CastVote(s, session.Caller{ID: idP1, Role: session.RoleParticipant}, session.Vote{RoundID: idRound1, ActorID: idActorC, Count: 1}, before)
	if err != nil || !reflect.DeepEqual(b, session.Ballot{idActorB: 2, idActorC: 1}) {
		t.Errorf("vote after the merge: %v, %v; want B:2 C:1", b, err)
	}
	// The budget counts the folded dots: A:2 and B:1 are B:3 now, and 3 more on C is 6.
	if _, err := session.CastVote(s, session.Caller{ID: idP1, Role: session.RoleParticipant}, session.Vote{RoundID: idRound1, ActorID: idActorC, Count: 3}, session.Ballot{idActorA: 2, idActorB: 1}); session.ErrorCode(err) != session.CodeBudget {
		t.Errorf("over the budget with folded dots: %v, want budget", err)
	}
	// A chain: B into C. Ballots on A and on B (capped at 3 per actor) end on C.
	s2 := must(t, s, facilitator, session.OpActorMerge, `{"id":"`+idActorB+`","into":"`+idActorC+`"}`)
	ballots := map[string]session.Ballot{idP1: {idActorA: 2, idActorB: 2}, idP2: {idActorB: 1}}
	tally, voters := s2.TallyOf(s2.Rounds[0], ballots)
	if !reflect.DeepEqual(tally, map[string]int{idActorC: 4}) || voters != 2 {
		t.Errorf("tally through A → B → C: %v, %d voters; want C:4 (3 capped + 1), 2 voters", tally, voters)
	}
	// round.close folds too.
	closed := closeRound(t, s2, idRound1, ballots)
	if got := closed.Rounds[0].Tally; !reflect.DeepEqual(got, map[string]int{idActorC: 4}) {
		t.Errorf("closed tally %v, want C:4", got)
	}
	// A resent actor.add of a merged-away or removed id adds nothing and answers its id.
	s3 := must(t, s2, facilitator, session.OpActorRemove, `{"id":"`+idActorC+`"}`)
	for _, id := range []string{idActorA, idActorC} {
		res := applyOK(t, s3, facilitator, session.OpActorAdd, `{"id":"`+id+`","name":"again"}`)
		if res.Event != nil || res.ID != id || len(res.State.Actors) != len(s3.Actors) {
			t.Errorf("re-add of %s: event %v, id %q, %d actors", id, res.Event, res.ID, len(res.State.Actors))
		}
	}
	// A chain that ends at a removed actor folds nowhere: the dots are returned.
	if got := s3.FoldBallot(s3.Rounds[0], session.Ballot{idActorA: 2}); !reflect.DeepEqual(got, session.Ballot{idActorA: 2}) || s3.MergedInto(idActorA) != "" {
		t.Errorf("fold through a removed actor: %v, into %q", got, s3.MergedInto(idActorA))
	}
}
