package hub

import (
	"bytes"
	"encoding/json"
	"flag"
	"go/ast"
	"go/parser"
	"go/token"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/arena-workshop/arena/session"
)

// go test ./hub -run Golden -update rewrites the golden files. The golden tests pin the
// bytes every client receives: a change of structure must leave them as they are.
var updateGolden = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

const wireGoldenDir = "testdata/golden"

// sessionEventNames reads the Ev constants of the session package's event.go, found
// through the module root, so that a new event without a golden fails.
func sessionEventNames(tb testing.TB) []string {
	tb.Helper()
	dir, _ := os.Getwd()
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		up := filepath.Dir(dir)
		if up == dir {
			tb.Fatal("no go.mod above the test's directory")
		}
		dir = up
	}
	f, err := parser.ParseFile(token.NewFileSet(), filepath.Join(dir, "session", "event.go"), nil, 0)
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
		tb.Fatalf("read %d event names: %v", len(names), names)
	}
	return names
}

const (
	wA1   = "aaaaaaaa-0000-4000-8000-000000000001"
	wA2   = "aaaaaaaa-0000-4000-8000-000000000002"
	wC1   = "cccccccc-0000-4000-8000-000000000001"
	wR1   = "dddddddd-0000-4000-8000-000000000001"
	wFac  = "ffffffff-0000-4000-8000-000000000001"
	wP1   = "eeeeeeee-0000-4000-8000-000000000001"
	wP2   = "eeeeeeee-0000-4000-8000-000000000002"
	wTime = int64(1_765_000_000_000)
)

func wireActor() *session.Actor {
	t := true
	return &session.Actor{ID: wA1, Name: "Gemeente \"Noord\" & <partners>", Category: "public", Resources: "geld\nmensen",
		Importance: 3, Replaceability: "ratherSmall", ReplaceableBy: "provincie", Dependency: "large", Rank: 2,
		Form: "alliance", Selected: true, FollowUp: session.FollowUp{Owner: wP1, Status: "planned", AssessmentRight: &t,
			Interest: "high", Willingness: "medium", Notes: "é\t🙂\u2028"}, CreatedBy: wP1, Version: 4}
}

func wireRound(status string) *session.Round {
	r := &session.Round{ID: wR1, Status: status, Mode: session.ModeDots, Dots: 5, MaxPerActor: 3, Anonymous: true,
		Reveal: session.RevealOnClose, Candidates: []string{wA1, wA2}, Tally: map[string]int{wA1: 4, wA2: 1}, Voters: 2,
		OpenedAt: wTime, FacilitatorVotes: true}
	if status == session.RoundStatusClosed {
		at := wTime + 60_000
		r.ClosedAt = &at
	}
	return r
}

// wireEvents is a representative event of every name (the key).
func wireEvents() map[string]*session.Event {
	ev := func(name string, d any) *session.Event { return &session.Event{Name: name, By: wFac, Data: d} }
	text := &session.TextChange{Field: "actor/" + wA1 + "/name", Version: 7, Edit: session.Edit{{Pos: 0, Del: 2, Ins: "Ge"}, {Pos: 9, Ins: "é"}}, Key: "k-1", Prior: "k-0"}
	return map[string]*session.Event{
		session.EvWorkshopUpdated:    ev(session.EvWorkshopUpdated, &session.WorkshopData{Title: "Zorg <b>", Issue: "Wie\ndoet wat?", Goal: "Doel", Locale: "nl", Text: &session.TextChange{Field: "goal", Version: 2, Edit: session.Edit{{Pos: 3, Del: 1}}}}),
		session.EvStepChanged:        ev(session.EvStepChanged, &session.StepData{Step: 3}),
		session.EvLockChanged:        ev(session.EvLockChanged, &session.LockData{Locked: true}),
		session.EvTimerChanged:       ev(session.EvTimerChanged, &session.TimerData{Timer: &session.Timer{EndsAt: wTime + 300_000}}),
		session.EvActorAdded:         ev(session.EvActorAdded, &session.ActorData{Actor: wireActor()}),
		session.EvActorUpdated:       ev(session.EvActorUpdated, &session.ActorData{Actor: wireActor(), Text: text}),
		session.EvActorRemoved:       ev(session.EvActorRemoved, &session.IDData{ID: wA2}),
		session.EvActorMerged:        ev(session.EvActorMerged, &session.MergeData{ID: wA2, Into: wA1, Actor: wireActor()}),
		session.EvRankingChanged:     ev(session.EvRankingChanged, &session.RankingData{Ranks: map[string]int{wA2: 1, wA1: 2}}),
		session.EvCriterionAdded:     ev(session.EvCriterionAdded, &session.CriterionData{Criterion: &session.Criterion{ID: wC1, Text: "Heeft middelen"}}),
		session.EvCriterionUpdated:   ev(session.EvCriterionUpdated, &session.CriterionData{Criterion: &session.Criterion{ID: wC1, Text: "Heeft tijd"}}),
		session.EvCriterionRemoved:   ev(session.EvCriterionRemoved, &session.IDData{ID: wC1}),
		session.EvRoundOpened:        ev(session.EvRoundOpened, &session.RoundData{Round: wireRound(session.RoundStatusOpen)}),
		session.EvRoundClosed:        ev(session.EvRoundClosed, &session.RoundData{Round: wireRound(session.RoundStatusClosed)}),
		session.EvParticipantJoined:  ev(session.EvParticipantJoined, &session.ParticipantData{Participant: &session.Participant{ID: wP1, Name: "Ann", Role: session.RoleParticipant}}),
		session.EvParticipantUpdated: ev(session.EvParticipantUpdated, &session.ParticipantData{Participant: &session.Participant{ID: wP1, Name: "Anne", Role: session.RoleParticipant}}),
		session.EvParticipantRemoved: ev(session.EvParticipantRemoved, &session.IDData{ID: wP2}),
		session.EvProjectorChanged:   ev(session.EvProjectorChanged, &session.ProjectorData{View: session.ProjectorMap}),
	}
}

func wireState() *session.State {
	s := session.New("11111111-1111-4111-8111-111111111111", "ABCD-2345", "Zorg in de wijk", "nl", wTime)
	s.Step, s.Issue, s.Goal = 4, "Wie doet wat?", "Een plan"
	s.Actors = []*session.Actor{wireActor(), {ID: wA2, Name: "Buurtteam", Version: 1}}
	s.Criteria = []*session.Criterion{{ID: wC1, Text: "Heeft middelen"}}
	s.Rounds = []*session.Round{wireRound(session.RoundStatusOpen)}
	s.Participants = []*session.Participant{{ID: wFac, Name: "Fac", Role: session.RoleFacilitator}, {ID: wP1, Name: "Ann", Role: session.RoleParticipant}, {ID: wP2, Name: "Bob", Role: session.RoleParticipant}}
	s.Gone = map[string]string{"gone-1": wA1}
	s.Projector = session.ProjectorBoth
	s.TextVersions = map[string]int{"goal": 2}
	return s
}

func mustJSON(tb testing.TB, v any) []byte {
	tb.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// wireMessages returns every server-to-client message kind (and the live notices
// between instances), built by the code that builds them where it can be called alone.
func wireMessages(t testing.TB) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	names := slices.Sorted(func(yield func(string) bool) {
		for k := range wireEvents() {
			if !yield(k) {
				return
			}
		}
	})
	var frames [][]byte
	for i, name := range names {
		b, err := EncodeEvent(uint64(40+i), wireEvents()[name])
		if err != nil {
			t.Fatal(err)
		}
		out["event-"+name] = b
		frames = append(frames, b)
	}
	you := You{ParticipantID: wP1, ParticipantToken: "tok-p1", Role: session.RoleParticipant, Name: "Ann"}
	st := wireState()
	// The welcome as Hub.welcome builds it, with serverTime fixed.
	out["welcome-state-participant"] = mustJSON(t, welcomeMsg{Type: "welcome", You: you, Seq: 57, ServerTime: wTime, State: ViewOf(st, you.Role)})
	fac := You{ParticipantID: wFac, ParticipantToken: "tok-fac", Role: session.RoleFacilitator, Name: "Fac"}
	out["welcome-state-facilitator"] = mustJSON(t, welcomeMsg{Type: "welcome", You: fac, Seq: 57, ServerTime: wTime, State: ViewOf(st, fac.Role)})
	raw := []json.RawMessage{frames[0], frames[1]}
	out["welcome-events"] = mustJSON(t, welcomeMsg{Type: "welcome", You: you, Seq: 41, ServerTime: wTime, Events: &raw})
	none := []json.RawMessage{}
	out["welcome-events-none"] = mustJSON(t, welcomeMsg{Type: "welcome", You: You{Role: session.RoleViewer}, Seq: 9, ServerTime: wTime, Events: &none})
	out["ack"] = encodeAck("r-1", 42, "")
	out["ack-id"] = encodeAck("r-2", 43, wA2)
	out["error"] = EncodeError("r-3", &session.Error{Code: session.CodeInvalid, Message: "name is required", Field: "name"})
	out["error-noref"] = EncodeError("", &session.Error{Code: session.CodeBadMessage, Message: "not JSON: \"x<\""})
	online, viewers := mergeShares(map[string]Share{
		"i1": {Online: []string{wP2, wFac}, Viewers: 2, At: time.Now().UnixMilli()},
		"i2": {Online: []string{wP1, wP2}, Viewers: 1, At: time.Now().UnixMilli()},
	}, time.Now())
	out["presence"] = mustJSON(t, presenceMsg{Type: "presence", Online: online, Viewers: viewers})
	online, viewers = mergeShares(map[string]Share{}, time.Now())
	out["presence-empty"] = mustJSON(t, presenceMsg{Type: "presence", Online: online, Viewers: viewers})
	r := &room{polls: newPolls()}
	ballots := map[string]session.Ballot{wP1: {wA1: 3, wA2: 1}, wP2: {wA1: 1}, wFac: {}}
	r.setBallots(wireRound(session.RoundStatusOpen), ballots, false)
	t2 := r.polls.tallies[wR1]
	out["tally-full"], out["tally-hidden"] = t2[0], t2[1]
	out["ballot"] = ballotFor(wireRound(session.RoundStatusOpen), ballots[wP1])
	out["ballot-empty"] = ballotFor(wireRound(session.RoundStatusOpen), nil)
	e1 := session.Estimate{Importance: 3, Replaceability: 2, Dependency: 4, Form: &session.Form{Interests: 10, FactualDecisions: 20, FormalDecisions: 30, Resources: 40, Engagement: 50, Identification: 65}}
	e2 := session.Estimate{Importance: 1, Dependency: 2}
	out["estimate"] = marshal(estimateMsg{Type: "estimate", ActorID: wA1, Mine: e1})
	out["estimate-empty"] = marshal(estimateMsg{Type: "estimate", ActorID: wA1})
	out["estimates"] = marshal(session.Aggregate(wA1, []session.Estimate{e1, e2}))
	out["estimates-none"] = marshal(session.Aggregate(wA2, nil))
	out["progress"] = marshal(session.Progress(st, map[string]map[string]session.Estimate{wA1: {wP1: e1, wP2: e2}, wA2: {wP1: e1}}))
	out["notice-tally"] = marshal(notice{Type: "tally.changed", RoundID: wR1})
	out["notice-estimates"] = marshal(notice{Type: "estimates.changed", ActorID: wA1})
	out["notice-presence"] = PresenceNotice
	return out
}

func checkWireGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join(wireGoldenDir, name+".json")
	if *updateGolden {
		if err := os.MkdirAll(wireGoldenDir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, append(slices.Clone(got), '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test ./hub -run Golden -update writes it)", err)
	}
	want = bytes.TrimSuffix(want, []byte("\n"))
	if !bytes.Equal(got, want) {
		t.Errorf("%s: the bytes on the wire changed\n got: %s\nwant: %s", name, got, want)
	}
}

// TestGoldenWire pins the bytes of every live message, and that the event messages
// decode back to their events and encode to the same bytes.
func TestGoldenWire(t *testing.T) {
	msgs := wireMessages(t)
	for name, b := range msgs {
		checkWireGolden(t, name, b)
		if !json.Valid(b) || bytes.ContainsAny(b, "\n") {
			t.Errorf("%s is not one line of JSON: %q", name, b)
		}
	}
	evs := wireEvents()
	for name, ev := range evs {
		b := msgs["event-"+name]
		seq, back, err := DecodeEvent(b)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !reflect.DeepEqual(&back, ev) {
			t.Errorf("%s decoded to %#v, want %#v", name, back, *ev)
		}
		b2, _ := EncodeEvent(seq, &back)
		if !bytes.Equal(b, b2) {
			t.Errorf("%s: encode(decode(b)) = %s, want %s", name, b2, b)
		}
	}
}

// TestGoldenEveryWireEvent fails when an event of session has no golden event message,
// or a golden file belongs to no message.
func TestGoldenEveryWireEvent(t *testing.T) {
	msgs := wireMessages(t)
	for _, name := range sessionEventNames(t) {
		if _, ok := msgs["event-"+name]; !ok {
			t.Errorf("event %q has no golden event message (add it to wireEvents)", name)
		}
	}
	files, _ := filepath.Glob(filepath.Join(wireGoldenDir, "*.json"))
	if len(files) == 0 && !*updateGolden {
		t.Fatal("no golden files")
	}
	for _, f := range files {
		if _, ok := msgs[strings.TrimSuffix(filepath.Base(f), ".json")]; !ok {
			t.Errorf("golden %s belongs to no message: remove it", f)
		}
	}
}

// TestEventBytesReaders pins what eventSeq (Redis gap detection) and removedPrefix
// (closing a removed participant's connections) read from an encoded event by position:
// for random events, eventSeq must give the seq and removedPrefix must match exactly the
// participant.removed events, alone and within a frame of several lines.
func TestEventBytesReaders(t *testing.T) {
	rng := rand.New(rand.NewPCG(10, 20))
	evs := wireEvents()
	names := slices.Sorted(func(yield func(string) bool) {
		for k := range evs {
			if !yield(k) {
				return
			}
		}
	})
	seqs := []uint64{0, 1, 9, 10, 1<<53 + 1, 1<<64 - 1}
	for i := range 2000 {
		name := names[rng.IntN(len(names))]
		ev := *evs[name]
		// A by or payload text that spells the removed event must not fool the reader.
		switch rng.IntN(4) {
		case 0:
			ev.By = `"event":"participant.removed"`
		case 1:
			ev.By = "p-" + strconv.Itoa(i)
		}
		seq := rng.Uint64()
		if i < len(seqs) {
			seq = seqs[i]
		}
		b, err := EncodeEvent(seq, &ev)
		if err != nil {
			t.Fatal(err)
		}
		got, ok := eventSeq(b)
		if !ok || got != seq {
			t.Fatalf("eventSeq(%s) = %d, %v; want %d", b, got, ok, seq)
		}
		removed := name == session.EvParticipantRemoved
		if bytes.Contains(b, removedPrefix) != removed {
			t.Fatalf("removedPrefix in %s: %v, want %v", b, !removed, removed)
		}
		// deliver's path: find the line, decode it, take the id.
		frame := bytes.Join([][]byte{mustEncode(t, 1, evs[session.EvStepChanged]), b, mustEncode(t, 2, evs[session.EvLockChanged])}, newline)
		var ids []string
		for line := range bytes.SplitSeq(frame, newline) {
			if !bytes.Contains(line, removedPrefix) {
				continue
			}
			if _, d, err := DecodeEvent(line); err == nil {
				if id, ok := d.Data.(*session.IDData); ok {
					ids = append(ids, id.ID)
				}
			}
		}
		if removed != (len(ids) == 1 && ids[0] == wP2) || (!removed && len(ids) != 0) {
			t.Fatalf("frame %s: removed ids %v", frame, ids)
		}
	}
	// Not an event message: eventSeq refuses it.
	for _, b := range [][]byte{PresenceNotice, encodeAck("r", 5, ""), []byte(`{"type":"event","seq":x,`), []byte(`{"type":"event","seq":5`), nil} {
		if seq, ok := eventSeq(b); ok {
			t.Errorf("eventSeq(%s) = %d, true", b, seq)
		}
	}
}

func mustEncode(tb testing.TB, seq uint64, ev *session.Event) []byte {
	tb.Helper()
	b, err := EncodeEvent(seq, ev)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}
