package session_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/arena-workshop/arena/session"
)

// textEditData is the data of a text.edit op.
func textEditData(tb testing.TB, target, id, field string, base int, key string, e session.Edit) string {
	tb.Helper()
	d := map[string]any{"target": target, "field": field, "base": base, "edit": e}
	if id != "" {
		d["id"] = id
	}
	if key != "" {
		d["key"] = key
	}
	return js(tb, d)
}

// Ahmed and Lien type into one actor's resources from two phones at the same moment,
// both against the version they saw: both words survive, in the order of their places.
func TestTextEditConcurrent(t *testing.T) {
	s := fixture(t)
	key := session.TextKey("actor", idActorB, "resources")
	base := s.TextVersion(key)
	if base != 0 {
		t.Fatalf("version of an untouched text = %d, want 0", base)
	}
	// "mensen": Ahmed puts "geld, " before it, Lien ", ruimte" after it.
	r1 := applyOK(t, s, participant1, session.OpTextEdit, textEditData(t, "actor", idActorB, "resources", base, "k1", session.Edit{{Pos: 0, Ins: "geld, "}}))
	r2 := applyOK(t, r1.State, participant2, session.OpTextEdit, textEditData(t, "actor", idActorB, "resources", base, "k2", session.Edit{{Pos: 6, Ins: ", ruimte"}}))
	if got, want := actor(t, r2.State, idActorB).Resources, "geld, mensen, ruimte"; got != want {
		t.Fatalf("resources = %q, want %q", got, want)
	}
	if v := r2.State.TextVersion(key); v != 2 {
		t.Errorf("version = %d, want 2", v)
	}
	// The event carries the change as committed: Lien's splice moved by Ahmed's six characters.
	d := r2.Event.Data.(*session.ActorData)
	if d.Text == nil || d.Text.Field != key || d.Text.Version != 2 || d.Text.Key != "k2" ||
		len(d.Text.Edit) != 1 || d.Text.Edit[0] != (session.Splice{Pos: 12, Ins: ", ruimte"}) {
		t.Fatalf("event's text change = %+v", d.Text)
	}
	if d.Actor.Version != actor(t, r1.State, idActorB).Version+1 {
		t.Errorf("actor version %d after %d", d.Actor.Version, actor(t, r1.State, idActorB).Version)
	}
	raw, _ := json.Marshal(r2.Event.Data)
	if !strings.Contains(string(raw), `"text":{"field":"`+key+`","version":2,"edit":[{"pos":12,"ins":", ruimte"}],"key":"k2"}`) {
		t.Errorf("encoded event %s", raw)
	}
}

// An absolute actor.update of a text (an API client) counts as a change of it: an edit typed
// against the text before it is transformed against the difference, and the version moves.
func TestTextEditAfterAbsoluteUpdate(t *testing.T) {
	s := fixture(t)
	key := session.TextKey("actor", idActorA, "name")
	s1 := applyOK(t, s, facilitator, session.OpActorUpdate, `{"id":"`+idActorA+`","name":"Gemeente Gent"}`).State
	if v := s1.TextVersion(key); v != 1 {
		t.Fatalf("version after actor.update = %d, want 1", v)
	}
	// Typed against "Gemeente" (version 0): "De " in front.
	r := applyOK(t, s1, participant1, session.OpTextEdit, textEditData(t, "actor", idActorA, "name", 0, "", session.Edit{{Pos: 0, Ins: "De "}}))
	if got := actor(t, r.State, idActorA).Name; got != "De Gemeente Gent" {
		t.Fatalf("name = %q", got)
	}
	// An update that changes nothing textual moves no version.
	s2 := applyOK(t, r.State, facilitator, session.OpActorUpdate, `{"id":"`+idActorA+`","importance":1}`).State
	if v := s2.TextVersion(key); v != 2 {
		t.Errorf("version = %d, want 2", v)
	}
}

// Every free text can be edited: issue and goal, the actor's texts, the follow-up's notes,
// a criterion.
func TestTextEditEveryText(t *testing.T) {
	s := fixture(t)
	for _, c := range []struct {
		target, id, field string
		get               func(*session.State) string
		want              string
	}{
		{"workshop", "", "issue", func(s *session.State) string { return s.Issue }, "Eenzaamheid!"},
		{"workshop", "", "goal", func(s *session.State) string { return s.Goal }, "Minder eenzaamheid!"},
		{"actor", idActorB, "name", func(s *session.State) string { return actor(t, s, idActorB).Name }, "Woningcorporatie!"},
		{"actor", idActorB, "resources", func(s *session.State) string { return actor(t, s, idActorB).Resources }, "mensen!"},
		{"actor", idActorB, "replaceableBy", func(s *session.State) string { return actor(t, s, idActorB).ReplaceableBy }, "Provincie!"},
		{"actor", idActorB, "notes", func(s *session.State) string { return actor(t, s, idActorB).FollowUp.Notes }, "!"},
		{"criterion", idCrit1, "text", criterionText(t, idCrit1), "Draagvlak!"},
	} {
		n := utf8.RuneCountInString(strings.TrimSuffix(c.want, "!"))
		key := session.TextKey(c.target, c.id, c.field)
		base := s.TextVersion(key) // 1 for the issue and the goal, which the fixture set
		r := applyOK(t, s, facilitator, session.OpTextEdit, textEditData(t, c.target, c.id, c.field, base, "", session.Edit{{Pos: n, Ins: "!"}}))
		if got := c.get(r.State); got != c.want {
			t.Errorf("%s %s: %q, want %q", c.target, c.field, got, c.want)
		}
		if v := r.State.TextVersion(key); v != base+1 {
			t.Errorf("%s %s: version %d", c.target, c.field, v)
		}
	}
}

// Bad edits are refused with a clear error and change nothing; the rules of the absolute
// ops hold (who may, the lock, the limits); a typed text is not trimmed.
func TestTextEditRefused(t *testing.T) {
	s := fixture(t)
	ed := func(target, id, field string, base int, e session.Edit) string {
		return textEditData(t, target, id, field, base, "", e)
	}
	ins := func(pos int, text string) session.Edit { return session.Edit{{Pos: pos, Ins: text}} }
	applyErr(t, s, participant1, session.OpTextEdit, ed("workshop", "", "issue", 0, ins(0, "x")), session.CodeForbidden, "")
	applyErr(t, s, participant1, session.OpTextEdit, ed("criterion", idCrit1, "text", 0, ins(0, "x")), session.CodeForbidden, "")
	applyErr(t, s, viewer, session.OpTextEdit, ed("actor", idActorA, "name", 0, ins(0, "x")), session.CodeForbidden, "")
	locked := must(t, s, facilitator, session.OpLockSet, `{"locked":true}`)
	applyErr(t, locked, participant1, session.OpTextEdit, ed("actor", idActorA, "name", 0, ins(0, "x")), session.CodeLocked, "")
	applyOK(t, locked, facilitator, session.OpTextEdit, ed("actor", idActorA, "name", 0, ins(0, "x")))

	applyErr(t, s, participant1, session.OpTextEdit, ed("actor", idActorA, "colour", 0, ins(0, "x")), session.CodeInvalid, "field")
	applyErr(t, s, participant1, session.OpTextEdit, ed("actor", idNone, "name", 0, ins(0, "x")), session.CodeNotFound, "id")
	applyErr(t, s, participant1, session.OpTextEdit, ed("actor", "", "name", 0, ins(0, "x")), session.CodeInvalid, "id")
	applyErr(t, s, participant1, session.OpTextEdit, `{"target":"actor","id":"`+idActorA+`","field":"name","edit":[{"pos":0,"ins":"x"}]}`, session.CodeInvalid, "base")
	applyErr(t, s, participant1, session.OpTextEdit, ed("actor", idActorA, "name", 1, ins(0, "x")), session.CodeInvalid, "base")
	applyErr(t, s, participant1, session.OpTextEdit, ed("actor", idActorA, "name", 0, nil), session.CodeInvalid, "edit")
	applyErr(t, s, participant1, session.OpTextEdit, ed("actor", idActorA, "name", 0, ins(9, "x")), session.CodeInvalid, "edit")                                       // beyond "Gemeente"
	applyErr(t, s, participant1, session.OpTextEdit, ed("actor", idActorA, "name", 0, session.Edit{{Pos: 0, Del: 8}}), session.CodeInvalid, "name")                    // empties a required name
	applyErr(t, s, participant1, session.OpTextEdit, ed("actor", idActorA, "name", 0, ins(0, strings.Repeat("a", session.MaxActorName))), session.CodeInvalid, "name") // over the limit
	applyErr(t, s, participant1, session.OpTextEdit, ed("actor", idActorA, "name", 0, ins(3, "\u200b")), session.CodeInvalid, "name")                                  // a zero-width space
	applyErr(t, s, participant1, session.OpTextEdit, ed("actor", idActorA, "name", 0, ins(3, "\n")), session.CodeInvalid, "name")                                      // one line only
	applyErr(t, s, participant1, session.OpTextEdit, ed("actor", idActorA, "name", 0, ins(3, "\u202e")), session.CodeInvalid, "name")
	applyErr(t, s, participant1, session.OpTextEdit, `{"target":"actor","id":"`+idActorA+`","field":"name","base":0,"edit":[{"pos":0,"ins":"x"}],"colour":1}`, session.CodeInvalid, "colour")

	// Typed text keeps its spaces (the next word follows); resources take new lines.
	r := applyOK(t, s, participant1, session.OpTextEdit, ed("actor", idActorA, "name", 0, ins(8, " ")))
	if got := actor(t, r.State, idActorA).Name; got != "Gemeente " {
		t.Errorf("name = %q, want the typed space kept", got)
	}
	r = applyOK(t, s, participant1, session.OpTextEdit, ed("actor", idActorA, "resources", 0, ins(4, "\nmensen")))
	if got := actor(t, r.State, idActorA).Resources; got != "geld\nmensen" {
		t.Errorf("resources = %q", got)
	}
}

// A state read back (an engine's snapshot) keeps the versions but not the log of changes:
// an edit against an older version is refused as stale, and one against the version now
// applies.
func TestTextEditStale(t *testing.T) {
	s := fixture(t)
	s = must(t, s, participant1, session.OpTextEdit, textEditData(t, "actor", idActorA, "name", 0, "", session.Edit{{Pos: 8, Ins: " Gent"}}))
	raw, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	var back session.State
	if err := json.Unmarshal(raw, &back); err != nil {
		t.Fatal(err)
	}
	if v := back.TextVersion(session.TextKey("actor", idActorA, "name")); v != 1 {
		t.Fatalf("version read back = %d, want 1", v)
	}
	applyErr(t, &back, participant1, session.OpTextEdit, textEditData(t, "actor", idActorA, "name", 0, "", session.Edit{{Pos: 0, Ins: "De "}}), session.CodeStale, "base")
	r := applyOK(t, &back, participant1, session.OpTextEdit, textEditData(t, "actor", idActorA, "name", 1, "", session.Edit{{Pos: 0, Ins: "De "}}))
	if got := actor(t, r.State, idActorA).Name; got != "De Gemeente Gent" {
		t.Errorf("name = %q", got)
	}
}

func TestDiff(t *testing.T) {
	for _, c := range []struct{ a, b string }{
		{"", ""}, {"", "abc"}, {"abc", ""}, {"abc", "abc"}, {"mensen", "geld, mensen"},
		{"aaa", "aaaa"}, {"kat", "kast"}, {"héé", "hé"}, {"👩‍👩‍👧", "👩‍👧"},
	} {
		e := session.Diff(c.a, c.b)
		got, err := e.Apply(c.a)
		if err != nil || got != c.b {
			t.Errorf("Diff(%q, %q) = %+v: gives %q, %v", c.a, c.b, e, got, err)
		}
		if c.a == c.b && e != nil {
			t.Errorf("Diff of equal texts = %+v", e)
		}
	}
}

// textClient is a phone as static/js/coedit.js models it: the text the server has
// confirmed (known, at version), at most one edit in flight (sent against known), and the
// edits typed since, one per input event, not sent yet (buffer). The field shows known
// with inflight and buffer applied.
type textClient struct {
	caller   session.Caller
	known    string
	version  int
	inflight session.Edit
	key      string
	buffer   []session.Edit
	inbox    []*session.TextChange
	sent     int
}

func (c *textClient) local(tb testing.TB) string {
	tb.Helper()
	text := c.known
	for _, e := range append([]session.Edit{c.inflight}, c.buffer...) {
		var err error
		if text, err = e.Apply(text); err != nil {
			tb.Fatalf("phone %s: %+v does not apply to %q: %v", c.caller.ID, e, text, err)
		}
	}
	return text
}

// receive takes in a committed change: its own ends the wait; another's moves the known
// text on and what this phone has not had confirmed is transformed against it, so the
// field keeps what was typed in it.
func (c *textClient) receive(tb testing.TB, ch *session.TextChange) {
	tb.Helper()
	known, err := ch.Edit.Apply(c.known)
	if err != nil {
		tb.Fatalf("change %+v does not apply to %q: %v", ch.Edit, c.known, err)
	}
	if c.inflight != nil && ch.Key == c.key {
		c.known, c.version, c.inflight, c.key = known, ch.Version, nil, ""
		return
	}
	e, n := ch.Edit, utf8.RuneCountInString(c.known)
	if c.inflight != nil {
		next := n + c.inflight.Delta()
		c.inflight, e = session.TransformPair(c.inflight, e, n)
		n = next
	}
	buffer := c.buffer[:0]
	for _, b := range c.buffer {
		next := n + b.Delta()
		b, e = session.TransformPair(b, e, n)
		n = next
		if len(b) > 0 { // what another deleted too is nothing to send
			buffer = append(buffer, b)
		}
	}
	c.known, c.version, c.buffer = known, ch.Version, buffer
}

// Random concurrent typing on three phones into one text, with the server (session.Apply)
// deciding in a random interleaving and each phone hearing the changes late: every phone
// ends with the server's text, which holds every character typed and not deleted, once.
func TestTextEditConverges(t *testing.T) {
	for seed := range uint64(200) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			r := rand.New(rand.NewPCG(seed, 7))
			s := fixture(t)
			start := actor(t, s, idActorA).Resources
			clients := []*textClient{}
			for _, c := range []session.Caller{facilitator, participant1, participant2} {
				clients = append(clients, &textClient{caller: c, known: start})
			}
			next := rune(0x4E00)
			typed := map[rune]bool{}
			deleted := map[rune]bool{}
			type msg struct {
				c    *textClient
				data string
			}
			var queue []msg
			process := func() {
				i := r.IntN(len(queue))
				m := queue[i]
				queue = append(queue[:i], queue[i+1:]...)
				res, err := session.Apply(s, m.c.caller, session.OpTextEdit, []byte(m.data), testEnv())
				if err != nil {
					t.Fatalf("text.edit %s: %v", m.data, err)
				}
				s = res.State
				ch := res.Event.Data.(*session.ActorData).Text
				for _, c := range clients {
					c.inbox = append(c.inbox, ch)
				}
			}
			step := func(quiet bool) {
				c := clients[r.IntN(len(clients))]
				switch k := r.IntN(4); {
				case k == 0 && !quiet && utf8.RuneCountInString(c.local(t)) < 200:
					rs := []rune(c.local(t))
					e := randomEdit(r, rs, &next)
					for _, sp := range e {
						for _, x := range sp.Ins {
							typed[x] = true
						}
						for _, x := range rs[sp.Pos : sp.Pos+sp.Del] {
							deleted[x] = true
						}
					}
					if len(e) > 0 {
						c.buffer = append(c.buffer, e)
					}
				case k == 1 && c.inflight == nil && len(c.buffer) > 0:
					c.inflight, c.buffer = c.buffer[0], c.buffer[1:]
					c.sent++
					c.key = fmt.Sprintf("%s-%d", c.caller.ID, c.sent)
					queue = append(queue, msg{c, textEditData(t, "actor", idActorA, "resources", c.version, c.key, c.inflight)})
				case k == 2 && len(queue) > 0:
					process()
				case k == 3 && len(c.inbox) > 0:
					ch := c.inbox[0]
					c.inbox = c.inbox[1:]
					c.receive(t, ch)
				}
			}
			for range 300 {
				step(false)
			}
			for i := 0; ; i++ {
				busy := len(queue) > 0
				for _, c := range clients {
					busy = busy || len(c.inbox) > 0 || c.inflight != nil || len(c.buffer) > 0
				}
				if !busy {
					break
				}
				if i > 100000 {
					t.Fatal("does not settle")
				}
				step(true)
			}
			want := actor(t, s, idActorA).Resources
			for _, c := range clients {
				if c.local(t) != want || c.known != want || c.version != s.TextVersion(session.TextKey("actor", idActorA, "resources")) {
					t.Fatalf("phone %s shows %q at version %d, the server %q at %d", c.caller.ID, c.local(t), c.version, want, s.TextVersion(session.TextKey("actor", idActorA, "resources")))
				}
			}
			seen := map[rune]int{}
			for _, x := range want {
				seen[x]++
			}
			for x := range typed {
				if deleted[x] && seen[x] > 0 {
					t.Errorf("%q was deleted and is still there", x)
				}
				if !deleted[x] && seen[x] != 1 {
					t.Errorf("%q typed and not deleted is there %d times in %q", x, seen[x], want)
				}
			}
		})
	}
}

func criterionText(tb testing.TB, id string) func(*session.State) string {
	return func(s *session.State) string {
		for _, c := range s.Criteria {
			if c.ID == id {
				return c.Text
			}
		}
		tb.Fatalf("criterion %s missing", id)
		return ""
	}
}

// An edit sent again (its answer was lost with the connection) is made once; an edit sent
// with its author's unanswered edit before it (prior: the page went away meanwhile) holds
// that one when it did not come, follows it when it came as it was, and is stale when it
// came after others' changes.
func TestTextEditRepeatAndPrior(t *testing.T) {
	s := fixture(t) // actor B's resources: "mensen"
	ed := func(base int, key string, e session.Edit, prior map[string]any) string {
		d := map[string]any{"target": "actor", "id": idActorB, "field": "resources", "base": base, "key": key, "edit": e}
		if prior != nil {
			d["prior"] = prior
		}
		return js(t, d)
	}
	res := func(s *session.State) string { return actor(t, s, idActorB).Resources }
	k1 := session.Edit{{Pos: 0, Ins: "geld, "}}
	once := applyOK(t, s, participant1, session.OpTextEdit, ed(0, "k1", k1, nil)).State
	again := applyOK(t, once, participant1, session.OpTextEdit, ed(0, "k1", k1, nil))
	if again.Event != nil || res(again.State) != "geld, mensen" {
		t.Errorf("a repeat: event %v, resources %q", again.Event, res(again.State))
	}

	// k1 never came: k2 with prior k1 makes both; k1 coming late then changes nothing.
	k2 := session.Edit{{Pos: 12, Ins: " en een zaal"}} // against "geld, mensen"
	both := applyOK(t, s, participant1, session.OpTextEdit, ed(0, "k2", k2, map[string]any{"key": "k1", "edit": k1}))
	if got := res(both.State); got != "geld, mensen en een zaal" {
		t.Fatalf("prior not committed: %q", got)
	}
	if ch := both.Event.Data.(*session.ActorData).Text; ch.Prior != "k1" || ch.Key != "k2" {
		t.Errorf("change %+v, want prior k1", ch)
	}
	late := applyOK(t, both.State, participant1, session.OpTextEdit, ed(0, "k1", k1, nil))
	if late.Event != nil || res(late.State) != "geld, mensen en een zaal" {
		t.Errorf("prior coming late: event %v, %q", late.Event, res(late.State))
	}

	// k1 came right after base: k2 follows it, k1 is not made twice.
	after := applyOK(t, once, participant1, session.OpTextEdit, ed(0, "k2", k2, map[string]any{"key": "k1", "edit": k1}))
	if got := res(after.State); got != "geld, mensen en een zaal" {
		t.Errorf("prior committed: %q", got)
	}

	// k1 came after another's change: stale, nothing changes.
	other := must(t, s, participant2, session.OpTextEdit, ed(0, "x", session.Edit{{Pos: 6, Ins: "!"}}, nil))
	otherThenK1 := must(t, other, participant1, session.OpTextEdit, ed(0, "k1", k1, nil))
	applyErr(t, otherThenK1, participant1, session.OpTextEdit, ed(0, "k2", k2, map[string]any{"key": "k1", "edit": k1}), session.CodeStale, "base")
	applyErr(t, s, participant1, session.OpTextEdit, ed(0, "k2", k2, map[string]any{"key": "k1"}), session.CodeInvalid, "prior")
}
