package session_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/arena-workshop/arena/session"
)

// go test ./session -run Golden -update rewrites the golden files.
var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

const goldenDir = "testdata/golden"

// eventNames reads the event names from the Ev constants of event.go, so that an event
// added there without a golden fails TestGoldenEveryEvent.
func eventNames(tb testing.TB) []string {
	tb.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "event.go", nil, 0)
	if err != nil {
		tb.Fatal(err)
	}
	var names []string
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.CONST {
			continue
		}
		for _, s := range g.Specs {
			vs := s.(*ast.ValueSpec)
			for i, n := range vs.Names {
				if !strings.HasPrefix(n.Name, "Ev") || i >= len(vs.Values) {
					continue
				}
				lit, ok := vs.Values[i].(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING {
					tb.Fatalf("event constant %s is not a string literal", n.Name)
				}
				v, _ := strconv.Unquote(lit.Value)
				names = append(names, v)
			}
		}
	}
	if len(names) < 18 {
		tb.Fatalf("read %d event names from event.go: %v", len(names), names)
	}
	return names
}

func boolp(b bool) *bool    { return &b }
func int64p(v int64) *int64 { return &v }

const (
	gWS   = "11111111-1111-4111-8111-111111111111"
	gA1   = "aaaaaaaa-0000-4000-8000-000000000001"
	gA2   = "aaaaaaaa-0000-4000-8000-000000000002"
	gC1   = "cccccccc-0000-4000-8000-000000000001"
	gR1   = "dddddddd-0000-4000-8000-000000000001"
	gFac  = "ffffffff-0000-4000-8000-000000000001"
	gP1   = "eeeeeeee-0000-4000-8000-000000000001"
	gTime = int64(1_765_000_000_000)
)

func goldenActor() *session.Actor {
	return &session.Actor{
		ID: gA1, Name: "Gemeente \"Noord\" & <partners>", Category: "public", Resources: "geld\nmensen",
		Importance: 3, Replaceability: "ratherSmall", ReplaceableBy: "provincie", Dependency: "large",
		Rank: 2, Form: "alliance", Selected: true,
		FollowUp: session.FollowUp{Owner: gP1, Status: "planned", AssessmentRight: boolp(true), Interest: "high",
			Willingness: "medium", Notes: "é\t🙂"},
		CreatedBy: gP1, Version: 4,
	}
}

func goldenRound(closed bool) *session.Round {
	r := &session.Round{
		ID: gR1, Status: session.RoundStatusOpen, Mode: session.ModeDots, Dots: 5, MaxPerActor: 3,
		Anonymous: true, Reveal: session.RevealOnClose, Candidates: []string{gA1, gA2},
		Tally: map[string]int{gA1: 4, gA2: 1}, Voters: 2, OpenedAt: gTime, FacilitatorVotes: true,
	}
	if closed {
		r.Status, r.ClosedAt, r.Reveal = session.RoundStatusClosed, int64p(gTime+60_000), session.RevealLive
	}
	return r
}

func goldenText() *session.TextChange {
	return &session.TextChange{Field: "actor/" + gA1 + "/name", Version: 7,
		Edit: session.Edit{{Pos: 0, Del: 2, Ins: "Ge"}, {Pos: 9, Ins: "é"}}, Key: "k-1", Prior: "k-0"}
}

// GoldenEvents returns a representative event of every name, and variants (a text
// change beside the value); the key is the golden file's name.
func goldenEvents() map[string]session.Event {
	ev := func(name string, d any) session.Event { return session.Event{Name: name, By: gFac, Data: d} }
	wsText := &session.TextChange{Field: "goal", Version: 2, Edit: session.Edit{{Pos: 3, Del: 1}}, Key: "w"}
	critText := &session.TextChange{Field: "criterion/" + gC1 + "/text", Version: 1, Edit: session.Edit{{Pos: 0, Ins: "x"}}}
	return map[string]session.Event{
		session.EvWorkshopUpdated:               ev(session.EvWorkshopUpdated, &session.WorkshopData{Title: "Zorg <b>", Issue: "Wie\ndoet wat?", Goal: "Doel", Locale: "nl"}),
		session.EvWorkshopUpdated + "+text":     ev(session.EvWorkshopUpdated, &session.WorkshopData{Title: "T", Issue: "I", Goal: "Dol", Locale: "en", Text: wsText}),
		session.EvStepChanged:                   ev(session.EvStepChanged, &session.StepData{Step: 3}),
		session.EvLockChanged:                   ev(session.EvLockChanged, &session.LockData{Locked: true}),
		session.EvTimerChanged:                  ev(session.EvTimerChanged, &session.TimerData{Timer: &session.Timer{EndsAt: gTime + 300_000}}),
		session.EvTimerChanged + "+null":        ev(session.EvTimerChanged, &session.TimerData{}),
		session.EvActorAdded:                    ev(session.EvActorAdded, &session.ActorData{Actor: goldenActor()}),
		session.EvActorUpdated:                  ev(session.EvActorUpdated, &session.ActorData{Actor: &session.Actor{ID: gA2, Name: "B", Version: 1}}),
		session.EvActorUpdated + "+text":        ev(session.EvActorUpdated, &session.ActorData{Actor: goldenActor(), Text: goldenText()}),
		session.EvActorRemoved:                  ev(session.EvActorRemoved, &session.IDData{ID: gA2}),
		session.EvActorMerged:                   ev(session.EvActorMerged, &session.MergeData{ID: gA2, Into: gA1, Actor: goldenActor()}),
		session.EvRankingChanged:                ev(session.EvRankingChanged, &session.RankingData{Ranks: map[string]int{gA2: 1, gA1: 2}}),
		session.EvCriterionAdded:                ev(session.EvCriterionAdded, &session.CriterionData{Criterion: &session.Criterion{ID: gC1, Text: "Heeft middelen"}}),
		session.EvCriterionUpdated:              ev(session.EvCriterionUpdated, &session.CriterionData{Criterion: &session.Criterion{ID: gC1, Text: "Heeft tijd"}}),
		session.EvCriterionUpdated + "+text":    ev(session.EvCriterionUpdated, &session.CriterionData{Criterion: &session.Criterion{ID: gC1, Text: "xHeeft tijd"}, Text: critText}),
		session.EvCriterionRemoved:              ev(session.EvCriterionRemoved, &session.IDData{ID: gC1}),
		session.EvRoundOpened:                   ev(session.EvRoundOpened, &session.RoundData{Round: goldenRound(false)}),
		session.EvRoundClosed:                   ev(session.EvRoundClosed, &session.RoundData{Round: goldenRound(true)}),
		session.EvParticipantJoined:             ev(session.EvParticipantJoined, &session.ParticipantData{Participant: &session.Participant{ID: gP1, Name: "Ann", Role: session.RoleParticipant}}),
		session.EvParticipantUpdated:            ev(session.EvParticipantUpdated, &session.ParticipantData{Participant: &session.Participant{ID: gP1, Name: "Anne", Role: session.RoleParticipant}}),
		session.EvParticipantRemoved:            ev(session.EvParticipantRemoved, &session.IDData{ID: gP1}),
		session.EvProjectorChanged:              ev(session.EvProjectorChanged, &session.ProjectorData{View: session.ProjectorMap}),
		session.EvRoundOpened + "+approve-open": ev(session.EvRoundOpened, &session.RoundData{Round: &session.Round{ID: gR1, Status: session.RoundStatusOpen, Mode: session.ModeApprove, Candidates: []string{}, Tally: map[string]int{}, OpenedAt: gTime}}),
	}
}

// goldenState is a state with every field set: the "state" of a welcome.
func goldenState() *session.State {
	s := session.New(gWS, "ABCD-2345", "Zorg in de wijk", "nl", gTime)
	s.Step, s.Locked, s.Issue, s.Goal = 4, true, "Wie doet wat?", "Een plan"
	s.Actors = []*session.Actor{goldenActor(), {ID: gA2, Name: "Buurtteam", Version: 1}}
	s.Criteria = []*session.Criterion{{ID: gC1, Text: "Heeft middelen"}}
	s.Rounds = []*session.Round{goldenRound(true)}
	s.Participants = []*session.Participant{{ID: gFac, Name: "Fac", Role: session.RoleFacilitator}, {ID: gP1, Name: "Ann", Role: session.RoleParticipant}}
	s.Timer = &session.Timer{EndsAt: gTime + 1}
	s.Baseline = map[string]*session.ActorBaseline{gA1: {Name: "Gemeente", Category: "public", Importance: 2, Replaceability: "small", ReplaceableBy: "x", Dependency: "large", Rank: 1}}
	s.Gone = map[string]string{"gone-1": gA1, "gone-2": ""}
	s.Projector = session.ProjectorBoth
	s.TextVersions = map[string]int{"goal": 2, "actor/" + gA1 + "/name": 7}
	return s
}

// checkGolden compares got with testdata/golden/name.json, or writes it under -update.
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join(goldenDir, name+".json")
	if *update {
		if err := os.MkdirAll(goldenDir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, append(slices.Clone(got), '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./session -run Golden -update to write it)", err)
	}
	want = bytes.TrimSuffix(want, []byte("\n"))
	if !bytes.Equal(got, want) {
		t.Errorf("%s: the encoding changed\n got: %s\nwant: %s", name, got, want)
	}
}

// TestGoldenEvents pins the encoded data of every event, and that decoding the golden
// bytes gives the same value back and encodes to the same bytes.
func TestGoldenEvents(t *testing.T) {
	for key, ev := range goldenEvents() {
		t.Run(key, func(t *testing.T) {
			b, err := json.Marshal(ev.Data)
			if err != nil {
				t.Fatal(err)
			}
			checkGolden(t, "event-"+key, b)
			back, err := session.DecodeEvent(ev.Name, ev.By, b)
			if err != nil {
				t.Fatalf("DecodeEvent of its own encoding: %v", err)
			}
			if !reflect.DeepEqual(back, ev) {
				t.Errorf("decoded %#v, want %#v", back, ev)
			}
			b2, _ := json.Marshal(back.Data)
			if !bytes.Equal(b, b2) {
				t.Errorf("encode(decode(b)) = %s, want %s", b2, b)
			}
		})
	}
}

func TestGoldenState(t *testing.T) {
	b, err := json.Marshal(goldenState())
	if err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "state", b)
	var back session.State
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	b2, _ := json.Marshal(&back)
	if !bytes.Equal(b, b2) {
		t.Errorf("state does not encode to the same bytes after decoding:\n got: %s\nwant: %s", b2, b)
	}
	// The state New returns (nil slices, no timer) as a welcome sends it to the first client.
	b, _ = json.Marshal(session.New(gWS, "ABCD-2345", "Nieuw", "en", gTime))
	checkGolden(t, "state-new", b)
}

// TestGoldenEveryEvent fails when an event name of event.go has no golden, when a golden
// file belongs to no case, or when DecodeEvent does not know a name.
func TestGoldenEveryEvent(t *testing.T) {
	cases := goldenEvents()
	for _, name := range eventNames(t) {
		ev, ok := cases[name]
		if !ok {
			t.Errorf("event %q has no golden case in goldenEvents", name)
			continue
		}
		if ev.Name != name {
			t.Errorf("case %q holds event %q", name, ev.Name)
		}
		if _, err := os.Stat(filepath.Join(goldenDir, "event-"+name+".json")); err != nil && !*update {
			t.Errorf("event %q: %v", name, err)
		}
	}
	known := map[string]bool{"state.json": true, "state-new.json": true}
	for key := range cases {
		known["event-"+key+".json"] = true
	}
	files, _ := filepath.Glob(filepath.Join(goldenDir, "*.json"))
	for _, f := range files {
		if !known[filepath.Base(f)] {
			t.Errorf("golden %s belongs to no case: remove it", f)
		}
	}
	if _, err := session.DecodeEvent("no.such.event", gFac, []byte(`{}`)); err == nil {
		t.Error("DecodeEvent took an unknown event name")
	}
}
