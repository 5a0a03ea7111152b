package session_test

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/arena-workshop/arena/session"
)

// logged is an event as an engine stores it: name, author and the JSON of its data.
type logged struct {
	name, by string
	raw      json.RawMessage
}

// recorder runs a script of ops against a state, as the deciding instance does, and keeps
// the event log and every state in between.
type recorder struct {
	tb     testing.TB
	env    session.Env
	s      *session.State
	log    []logged
	states []string // encoding of the state after each logged event
}

func (r *recorder) record(ev *session.Event) {
	r.tb.Helper()
	raw, err := json.Marshal(ev.Data)
	if err != nil {
		r.tb.Fatalf("marshal %s: %v", ev.Name, err)
	}
	r.log = append(r.log, logged{ev.Name, ev.By, raw})
	r.states = append(r.states, encode(r.tb, r.s))
}

func (r *recorder) join(id, name, role string) {
	r.tb.Helper()
	res, err := session.Join(r.s, session.Participant{ID: id, Name: name, Role: role})
	if err != nil {
		r.tb.Fatalf("Join %s: %v", id, err)
	}
	r.s = res.State
	if res.Event != nil {
		r.record(res.Event)
	}
}

// op applies an op; wantCode "" means it must succeed.
func (r *recorder) op(c session.Caller, name, data, wantCode string) {
	r.tb.Helper()
	before := encode(r.tb, r.s)
	res, err := session.Apply(r.s, c, name, []byte(data), r.env)
	if got := session.ErrorCode(err); got != wantCode {
		r.tb.Fatalf("Apply(%s, %s): error %v, want code %q", name, data, err, wantCode)
	}
	if encode(r.tb, r.s) != before {
		r.tb.Fatalf("Apply(%s) changed its input", name)
	}
	if err != nil {
		return
	}
	r.s = res.State
	if res.Event != nil {
		r.record(res.Event)
	}
}

func TestReplay(t *testing.T) {
	initial := session.New("w1", "ABC234", "Arena", "nl", testNow)
	r := &recorder{tb: t, env: testEnv(), s: initial}
	F, P1, P2 := facilitator, participant1, participant2
	q := func(format string, args ...any) string { return fmt.Sprintf(format, args...) }

	r.join(idFac, "Fien", session.RoleFacilitator)
	r.join(idP1, "Piet", session.RoleParticipant)
	r.join(idP2, "Ans", session.RoleParticipant)
	r.join(idP1, "Piet again", session.RoleParticipant) // known: no event
	r.op(F, session.OpWorkshopUpdate, `{"title":"Samen","issue":"Eenzaamheid\nin de wijk","goal":"Minder","locale":"en"}`, "")
	r.op(F, session.OpStepSet, `{"step":2}`, "")
	r.op(F, session.OpTimerSet, `{"seconds":600}`, "")
	var ids []string
	for i := range 12 {
		c := []session.Caller{F, P1, P2}[i%3]
		r.op(c, session.OpActorAdd, q(`{"name":"Actor %d 🙂","category":%q,"importance":%d,"resources":"r%d\nmore"}`,
			i, session.Categories[i%4], i%5, i), "")
		ids = append(ids, genID(i+1))
	}
	r.op(P1, session.OpActorAdd, q(`{"id":%q,"name":"dup"}`, ids[0]), "") // idempotent: no event
	r.op(P2, session.OpActorAdd, `{"id":"`+idActorA+`","name":"Gemeente","replaceability":"ratherLarge","dependency":"small","form":"network","replaceableBy":"Rijk"}`, "")
	r.op(P1, session.OpActorUpdate, q(`{"id":%q,"name":"Renamed","importance":4}`, ids[1]), "")
	r.op(P1, session.OpActorUpdate, q(`{"id":%q,"name":"Renamed"}`, ids[1]), "") // unchanged: no event
	r.op(P1, session.OpActorUpdate, q(`{"id":%q,"importance":9}`, ids[1]), session.CodeInvalid)
	r.op(F, session.OpStepSet, `{"step":3}`, "")
	r.op(F, session.OpRankingSet, q(`{"order":[%q,%q,%q,%q,%q]}`, ids[3], ids[0], idActorA, ids[5], ids[1]), "")
	r.op(F, session.OpCriterionAdd, `{"text":"Draagvlak"}`, "")
	r.op(F, session.OpCriterionAdd, `{"id":"`+idCrit1+`","text":"Middelen"}`, "")
	r.op(F, session.OpCriterionAdd, `{"id":"`+idCrit1+`","text":"Middelen"}`, "")
	r.op(F, session.OpCriterionAdd, `{"id":"`+idCrit2+`","text":"Wil"}`, "")
	r.op(F, session.OpCriterionUpdate, `{"id":"`+idCrit2+`","text":"Bereidheid"}`, "")
	r.op(F, session.OpCriterionRemove, `{"id":"`+idCrit1+`"}`, "")
	r.op(F, session.OpStepSet, `{"step":4}`, "")
	const round1, round2 = "ffffffff-0000-4000-8000-000000000001", "ffffffff-0000-4000-8000-000000000002"
	r.op(F, session.OpRoundOpen, q(`{"id":%q,"mode":"dots","dots":5,"maxPerActor":2,"reveal":"onClose","candidates":[%q,%q,%q,%q,%q,%q]}`,
		round1, ids[0], ids[1], ids[3], idActorA, ids[5], ids[7]), "")
	r.op(F, session.OpRoundOpen, q(`{"id":%q,"mode":"approve"}`, round1), "")                  // existing id: no event
	r.op(F, session.OpRoundOpen, q(`{"id":%q,"mode":"approve"}`, round2), session.CodeInvalid) // one open at a time
	r.op(F, session.OpActorRemove, q(`{"id":%q}`, ids[0]), "")                                 // rank 2: compacts, leaves round r1
	r.op(F, session.OpActorMerge, q(`{"id":%q,"into":%q}`, ids[7], idActorA), "")
	r.op(F, session.OpActorMerge, q(`{"id":%q,"into":%q}`, ids[3], ids[5]), "") // rank 1 into rank 3
	r.env.Ballots = func(id string) map[string]session.Ballot {
		if id != round1 {
			return nil // round 2: nobody voted
		}
		return map[string]session.Ballot{idP1: {idActorA: 2, ids[5]: 1}, idP2: {idActorA: 1, ids[1]: 2}, idFac: {ids[0]: 2}}
	}
	r.op(F, session.OpRoundClose, q(`{"roundId":%q}`, round1), "")
	r.op(F, session.OpRoundClose, q(`{"roundId":%q}`, round1), session.CodeClosed)
	r.op(F, session.OpActorMerge, q(`{"id":%q,"into":%q}`, ids[1], idActorA), "") // a closed tally moves: A 3+2
	r.op(F, session.OpRoundOpen, q(`{"id":%q,"mode":"approve","anonymous":false,"facilitatorVotes":true}`, round2), "")
	r.op(F, session.OpRoundClose, q(`{"roundId":%q}`, round2), "")
	r.op(F, session.OpStepSet, `{"step":5}`, "")
	r.op(F, session.OpActorSelect, `{"id":"`+idActorA+`","selected":true}`, "")
	r.op(F, session.OpActorSelect, q(`{"id":%q,"selected":true}`, ids[5]), "")
	r.op(F, session.OpActorSelect, q(`{"id":%q,"selected":true}`, ids[5]), "")
	r.op(F, session.OpActorSelect, q(`{"id":%q,"selected":false}`, ids[5]), "")
	r.op(F, session.OpLockSet, `{"locked":true}`, "")
	r.op(P1, session.OpFollowUpUpdate, `{"actorId":"`+idActorA+`","status":"todo"}`, session.CodeLocked)
	r.op(F, session.OpFollowUpUpdate, `{"actorId":"`+idActorA+`","owner":"p1","status":"contacted","assessmentRight":true,"interest":"high","willingness":"medium","notes":"Gebeld\n\tterugbellen"}`, "")
	r.op(F, session.OpLockSet, `{"locked":false}`, "")
	r.op(F, session.OpProjectorSet, `{"view":"both"}`, "")
	r.op(P1, session.OpProjectorSet, `{"view":"map"}`, session.CodeForbidden)
	r.op(P2, session.OpFollowUpUpdate, `{"actorId":"`+idActorA+`","assessmentRight":null,"status":"agreed"}`, "")
	r.op(P2, session.OpParticipantRename, `{"name":"Anneke"}`, "")
	r.join("p3", "Kees", session.RoleParticipant)
	r.op(session.Caller{ID: "p3", Role: session.RoleParticipant}, session.OpActorAdd, `{"name":"Late"}`, "")
	r.op(F, session.OpParticipantRemove, `{"participantId":"p3"}`, "")
	r.op(session.Caller{ID: "p3", Role: session.RoleParticipant}, session.OpActorAdd, `{"name":"Later"}`, session.CodeForbidden)
	r.op(F, session.OpStepSet, `{"step":6}`, "")
	r.op(F, session.OpTimerSet, `{"seconds":null}`, "")
	r.op(F, session.OpRankingSet, `{"order":[]}`, "")
	r.op(F, session.OpWorkshopUpdate, `{"goal":"  "}`, "")

	if len(r.log) < 40 {
		t.Fatalf("script logged %d events, want at least 40", len(r.log))
	}
	// Replay the log from the initial state, each event decoded from its JSON.
	s := initial
	for i, e := range r.log {
		ev, err := session.DecodeEvent(e.name, e.by, e.raw)
		if err != nil {
			t.Fatalf("event %d: DecodeEvent(%s, %s): %v", i, e.name, e.raw, err)
		}
		if s, err = session.ApplyEvent(s, ev); err != nil {
			t.Fatalf("event %d: ApplyEvent(%s): %v", i, e.name, err)
		}
		if got := encode(t, s); got != r.states[i] {
			t.Fatalf("after event %d (%s %s) the replica differs:\nreplica %s\nsource  %s", i, e.name, e.raw, got, r.states[i])
		}
	}
	if got, want := encode(t, s), encode(t, r.s); got != want {
		t.Fatalf("replayed state differs:\nreplica %s\nsource  %s", got, want)
	}
	// Spot-check that the script did what it says, so the replay compares something.
	if len(s.Actors) != 10 || s.Step != 6 || s.Timer != nil || s.Locale != "en" || s.Goal != "" || len(s.Participants) != 3 {
		t.Errorf("final state: %d actors, step %d, timer %v, locale %s, %d participants", len(s.Actors), s.Step, s.Timer, s.Locale, len(s.Participants))
	}
	if c := s.Rounds[0].Candidates; !reflect.DeepEqual(c, []string{idActorA, ids[5]}) {
		t.Errorf("round candidates %v", c)
	}
	if r1 := s.Rounds[0]; !reflect.DeepEqual(r1.Tally, map[string]int{idActorA: 5, ids[5]: 1}) || r1.Voters != 2 || r1.Status != session.RoundStatusClosed {
		t.Errorf("round 1 %+v", r1)
	}
	if r2 := s.Rounds[1]; len(s.Rounds) != 2 || r2.Mode != session.ModeApprove || r2.Anonymous || !r2.FacilitatorVotes || len(r2.Tally) != 9 || r2.Voters != 0 {
		t.Errorf("round 2 %+v", s.Rounds[1])
	}
	if len(s.Baseline) != 13 || s.Baseline[ids[0]] == nil || s.Baseline[ids[0]].Name != "Actor 0 🙂" {
		t.Errorf("baseline of %d actors, want the 13 of step 3, removed ones included: %v", len(s.Baseline), s.Baseline)
	}
}

// TestDecodeEvent checks that every event name decodes into its payload type.
func TestDecodeEvent(t *testing.T) {
	tests := []struct {
		name string
		raw  string
		want any
	}{
		{session.EvWorkshopUpdated, `{"title":"T","issue":"I","goal":"G","locale":"en"}`, &session.WorkshopData{Title: "T", Issue: "I", Goal: "G", Locale: "en"}},
		{session.EvStepChanged, `{"step":4}`, &session.StepData{Step: 4}},
		{session.EvLockChanged, `{"locked":true}`, &session.LockData{Locked: true}},
		{session.EvTimerChanged, `{"timer":{"endsAt":5}}`, &session.TimerData{Timer: &session.Timer{EndsAt: 5}}},
		{session.EvTimerChanged, `{"timer":null}`, &session.TimerData{}},
		{session.EvActorAdded, `{"actor":{"id":"a","name":"N","version":1}}`, &session.ActorData{Actor: &session.Actor{ID: "a", Name: "N", Version: 1}}},
		{session.EvActorUpdated, `{"actor":{"id":"a","followUp":{"assessmentRight":false}}}`, &session.ActorData{Actor: &session.Actor{ID: "a", FollowUp: session.FollowUp{AssessmentRight: ptr(false)}}}},
		{session.EvActorRemoved, `{"id":"a"}`, &session.IDData{ID: "a"}},
		{session.EvActorMerged, `{"id":"a","into":"b","actor":{"id":"b"}}`, &session.MergeData{ID: "a", Into: "b", Actor: &session.Actor{ID: "b"}}},
		{session.EvRankingChanged, `{"ranks":{"a":1}}`, &session.RankingData{Ranks: map[string]int{"a": 1}}},
		{session.EvCriterionAdded, `{"criterion":{"id":"c","text":"T"}}`, &session.CriterionData{Criterion: &session.Criterion{ID: "c", Text: "T"}}},
		{session.EvCriterionUpdated, `{"criterion":{"id":"c","text":"T"}}`, &session.CriterionData{Criterion: &session.Criterion{ID: "c", Text: "T"}}},
		{session.EvCriterionRemoved, `{"id":"c"}`, &session.IDData{ID: "c"}},
		{session.EvRoundOpened, `{"round":{"id":"r","status":"open"}}`, &session.RoundData{Round: &session.Round{ID: "r", Status: "open"}}},
		{session.EvRoundClosed, `{"round":{"id":"r","status":"closed","closedAt":9}}`, &session.RoundData{Round: &session.Round{ID: "r", Status: "closed", ClosedAt: ptr(int64(9))}}},
		{session.EvParticipantJoined, `{"participant":{"id":"p","name":"N","role":"participant"}}`, &session.ParticipantData{Participant: &session.Participant{ID: "p", Name: "N", Role: "participant"}}},
		{session.EvParticipantUpdated, `{"participant":{"id":"p","name":"M"}}`, &session.ParticipantData{Participant: &session.Participant{ID: "p", Name: "M"}}},
		{session.EvParticipantRemoved, `{"id":"p"}`, &session.IDData{ID: "p"}},
	}
	for _, tt := range tests {
		t.Run(tt.name+" "+tt.raw, func(t *testing.T) {
			ev, err := session.DecodeEvent(tt.name, "by", []byte(tt.raw))
			if err != nil {
				t.Fatal(err)
			}
			if ev.Name != tt.name || ev.By != "by" || !reflect.DeepEqual(ev.Data, tt.want) {
				t.Errorf("= %+v, want data %+v", ev, tt.want)
			}
		})
	}

	errs := []struct{ caseName, name, raw string }{
		{"unknown event", "actor.exploded", `{}`},
		{"op name is no event", session.OpActorAdd, `{"actor":{}}`},
		{"empty name", "", `{}`},
		{"bad JSON", session.EvStepChanged, `{"step":`},
		{"wrong type", session.EvStepChanged, `{"step":"4"}`},
		{"not an object", session.EvActorAdded, `[1]`},
	}
	for _, tt := range errs {
		t.Run(tt.caseName, func(t *testing.T) {
			if ev, err := session.DecodeEvent(tt.name, "by", []byte(tt.raw)); err == nil {
				t.Errorf("DecodeEvent(%q, %s) = %+v, want an error", tt.name, tt.raw, ev)
			}
		})
	}
}

// TestApplyEventRefuses checks events that ApplyEvent cannot apply: it answers an error.
func TestApplyEventRefuses(t *testing.T) {
	tests := []struct {
		name string
		ev   session.Event
	}{
		{"merge into an unknown actor", session.Event{Name: session.EvActorMerged, Data: &session.MergeData{ID: idActorB, Into: idNone, Actor: &session.Actor{ID: idNone}}}},
		{"id data under another name", session.Event{Name: session.EvStepChanged, Data: &session.IDData{ID: "x"}}},
		{"data not a pointer", session.Event{Name: session.EvStepChanged, Data: session.StepData{Step: 2}}},
		{"no data", session.Event{Name: session.EvStepChanged}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := fixture(t)
			before := encode(t, s)
			n, err := session.ApplyEvent(s, tt.ev)
			if err == nil || n != nil {
				t.Errorf("= %v, %v; want nil and an error", n, err)
			}
			if encode(t, s) != before {
				t.Error("ApplyEvent changed its input")
			}
		})
	}
}

// TestDecodedEventWithoutPayload feeds ApplyEvent events that DecodeEvent accepts but that
// lack their object (a truncated or foreign log entry). A replica rebuilding from its log
// must get an error, not a panic that takes the engine down.
func TestDecodedEventWithoutPayload(t *testing.T) {
	tests := []struct{ name, raw string }{
		{session.EvActorAdded, `{}`},
		{session.EvActorUpdated, `{"actor":null}`},
		{session.EvActorMerged, `{"id":"` + idActorB + `","into":"` + idActorA + `"}`},
		{session.EvCriterionAdded, `{}`},
		{session.EvCriterionUpdated, `{"criterion":null}`},
		{session.EvRoundOpened, `{}`},
		{session.EvRoundClosed, `{"round":null}`},
		{session.EvParticipantJoined, `{}`},
		{session.EvParticipantUpdated, `{"participant":null}`},
	}
	for _, tt := range tests {
		t.Run(tt.name+" "+tt.raw, func(t *testing.T) {
			s := fixture(t)
			defer func() {
				if p := recover(); p != nil {
					t.Errorf("DecodeEvent + ApplyEvent(%s, %s) panicked: %v", tt.name, tt.raw, p)
				}
			}()
			ev, err := session.DecodeEvent(tt.name, idFac, []byte(tt.raw))
			if err != nil {
				return // refused at decoding: fine
			}
			if n, err := session.ApplyEvent(s, ev); err == nil {
				t.Errorf("ApplyEvent(%s, %s) = %v, want an error", tt.name, tt.raw, strings.TrimSpace(encode(t, n)))
			}
		})
	}
}

// TestApplyEventRemovesUnknown checks that a removal of something already gone changes
// nothing (a replica may see a removal twice after a reconnect with lastSeq).
func TestApplyEventRemovesUnknown(t *testing.T) {
	for _, name := range []string{session.EvActorRemoved, session.EvCriterionRemoved, session.EvParticipantRemoved} {
		t.Run(name, func(t *testing.T) {
			s := roundsState(t)
			n, err := session.ApplyEvent(s, session.Event{Name: name, By: idFac, Data: &session.IDData{ID: idNone}})
			if err != nil {
				t.Fatal(err)
			}
			if encode(t, n) != encode(t, s) {
				t.Error("removing an unknown id changed the state")
			}
		})
	}
}
