package session_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/arena-workshop/arena/session"
)

type E = session.Edit
type S = session.Splice

func TestEditApplyAndCheck(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		e          E
		want, err  string
	}{
		{"insert at start", "abc", E{{Pos: 0, Ins: "x"}}, "xabc", ""},
		{"insert at end", "abc", E{{Pos: 3, Ins: "x"}}, "abcx", ""},
		{"delete middle", "abcd", E{{Pos: 1, Del: 2}}, "ad", ""},
		{"replace", "abcd", E{{Pos: 1, Del: 2, Ins: "XY"}}, "aXYd", ""},
		{"two splices", "abcdef", E{{Pos: 0, Del: 1}, {Pos: 3, Ins: "-"}}, "bc-def", ""},
		{"code points, not bytes", "éé🙂é", E{{Pos: 2, Del: 1, Ins: "ü"}}, "ééüé", ""},
		{"empty edit", "abc", E{}, "abc", ""},
		{"beyond the end", "abc", E{{Pos: 2, Del: 2}}, "", "beyond the end"},
		{"negative", "abc", E{{Pos: -1, Ins: "x"}}, "", "negative"},
		{"overlapping", "abcdef", E{{Pos: 1, Del: 3}, {Pos: 2, Ins: "x"}}, "", "overlapping"},
		{"out of order", "abcdef", E{{Pos: 4, Ins: "x"}, {Pos: 1, Ins: "y"}}, "", "out of order"},
		{"a splice that changes nothing", "abc", E{{Pos: 1}}, "", "changes nothing"},
		{"invalid UTF-8", "abc", E{{Pos: 1, Ins: "\xff"}}, "", "UTF-8"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.e.Apply(tc.text)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err %v, want one with %q", err, tc.err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("got %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}

// Two people edit one text at once: b is committed first; a, transformed, applies after
// it. Both orders of applying reach the same text.
func TestTransform(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		a, b       E
		want       string
	}{
		{"Ahmed and Lien type at different places", "Middelen: ", E{{Pos: 10, Ins: "lokalen"}}, E{{Pos: 0, Ins: "Onze "}}, "Onze Middelen: lokalen"},
		{"both at one position: the first committed goes first", "x", E{{Pos: 1, Ins: "A"}}, E{{Pos: 1, Ins: "L"}}, "xLA"},
		{"both delete the same", "abcdef", E{{Pos: 1, Del: 3}}, E{{Pos: 2, Del: 3}}, "af"},
		{"an insert inside a range another deletes survives", "abcdef", E{{Pos: 1, Del: 4}}, E{{Pos: 3, Ins: "XY"}}, "aXYf"},
		{"a delete after an insert moves", "abcdef", E{{Pos: 4, Del: 2}}, E{{Pos: 0, Ins: "123"}}, "123abcd"},
		{"replace against replace", "de groep", E{{Pos: 0, Del: 2, Ins: "onze"}}, E{{Pos: 3, Del: 5, Ins: "buurt"}}, "onze buurt"},
		{"several splices each", "0123456789", E{{Pos: 1, Ins: "a"}, {Pos: 5, Del: 2}}, E{{Pos: 0, Del: 2}, {Pos: 6, Ins: "b"}}, "a234b789"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n := utf8.RuneCountInString(tc.text)
			ap, bp := session.TransformPair(tc.a, tc.b, n)
			afterB, _ := tc.b.Apply(tc.text)
			afterA, _ := tc.a.Apply(tc.text)
			x, err1 := ap.Apply(afterB)
			y, err2 := bp.Apply(afterA)
			if err1 != nil || err2 != nil || x != y || x != tc.want {
				t.Fatalf("b then a' = %q (%v), a then b' = %q (%v), want %q; a' %+v b' %+v", x, err1, y, err2, tc.want, ap, bp)
			}
			if got := session.Transform(tc.a, tc.b, n); !slices.Equal(got, ap) {
				t.Errorf("Transform %+v, TransformPair %+v", got, ap)
			}
		})
	}
}

// randomEdit makes an edit of text that inserts only runes never seen before (from
// *next), so that every inserted character can be followed to the end.
func randomEdit(r *rand.Rand, text []rune, next *rune) session.Edit {
	var e session.Edit
	at := 0
	for at <= len(text) && len(e) < 3 {
		pos := at + r.IntN(len(text)-at+1)
		del := 0
		if r.IntN(3) == 0 && pos < len(text) {
			del = 1 + r.IntN(min(3, len(text)-pos))
		}
		var ins []rune
		for range r.IntN(4) {
			ins = append(ins, *next)
			*next++
		}
		if del == 0 && len(ins) == 0 {
			ins = append(ins, *next)
			*next++
		}
		e = append(e, session.Splice{Pos: pos, Del: del, Ins: string(ins)})
		at = pos + del + 1
		if r.IntN(2) == 0 {
			break
		}
	}
	return e
}

// replica is one phone in the property test: the text it shows, the server version it
// has seen, the edits it sent and waits an ack for, and those it has not sent yet.
type replica struct {
	text     []rune
	version  int
	inflight []session.Edit
	buffer   []session.Edit
}

// Random concurrent edits from several replicas, delivered in random interleavings
// through one server that orders them: every replica ends with the server's text, and
// that text holds every inserted character that nobody deleted, each once.
func TestTransformConverges(t *testing.T) {
	for seed := range uint64(300) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			r := rand.New(rand.NewPCG(seed, 99))
			next := rune(0x4E00) // CJK: one code point, many bytes
			start := []rune("begin")
			server := slices.Clone(start)
			type committed struct {
				e    session.Edit
				from int // the replica that made it
			}
			var log []committed // version v is after log[:v]
			reps := make([]*replica, 2+r.IntN(3))
			for i := range reps {
				reps[i] = &replica{text: slices.Clone(start)}
			}
			deleted := map[rune]bool{}
			// queue of messages to each replica: the index into log it has yet to hear of
			heard := make([]int, len(reps))
			type sent struct {
				from, base int
				edits      []session.Edit
			}
			var wire []sent // to the server, in flight, in order per replica
			note := func(text []rune, e session.Edit) {
				for _, s := range e {
					for _, c := range text[s.Pos : s.Pos+s.Del] {
						deleted[c] = true
					}
				}
			}
			hear := func(i int, p *replica) {
				c := log[heard[i]]
				heard[i]++
				p.version = heard[i]
				if c.from == i { // its own: the ack
					p.inflight = p.inflight[1:]
					if len(p.inflight) == 0 {
						p.inflight = nil
						if len(p.buffer) > 0 {
							p.inflight, p.buffer = p.buffer, nil
							wire = append(wire, sent{from: i, base: p.version, edits: p.inflight})
						}
					}
					return
				}
				// Someone else's: transform it past what this replica has not had
				// acknowledged (inflight, then buffer), and those past it.
				in := c.e
				mine := append(append([]session.Edit(nil), p.inflight...), p.buffer...)
				n := len(p.text)
				for _, e := range mine {
					n -= e.Delta()
				}
				l := n
				for k, e := range mine {
					ep, inp := session.TransformPair(e, in, l)
					l += e.Delta()
					mine[k], in = ep, inp
				}
				p.inflight, p.buffer = mine[:len(p.inflight)], mine[len(p.inflight):]
				if len(p.inflight) == 0 {
					p.inflight = nil
				}
				out, err := in.Apply(string(p.text))
				if err != nil {
					t.Fatalf("replica %d apply %+v to %q: %v", i, in, string(p.text), err)
				}
				p.text = []rune(out)
			}
			for step := 0; step < 200; step++ {
				i := r.IntN(len(reps))
				p := reps[i]
				switch r.IntN(4) {
				case 0, 1: // the person types
					e := randomEdit(r, p.text, &next)
					note(p.text, e)
					out, err := e.Apply(string(p.text))
					if err != nil {
						t.Fatal(err)
					}
					p.text = []rune(out)
					if p.inflight == nil {
						p.inflight = []session.Edit{e}
						wire = append(wire, sent{from: i, base: p.version, edits: p.inflight})
					} else {
						p.buffer = append(p.buffer, e)
					}
				case 2: // the server takes the oldest message on the wire
					if len(wire) == 0 {
						continue
					}
					m := wire[0]
					wire = wire[1:]
					var since []session.Edit
					for _, c := range log[m.base:] {
						since = append(since, c.e)
					}
					n := len([]rune(string(server)))
					// the length of the text at m.base: undo the deltas since
					for _, c := range since {
						n -= c.Delta()
					}
					edits, err := session.Rebase(m.edits, n, since)
					if err != nil {
						t.Fatalf("rebase: %v", err)
					}
					for _, e := range edits {
						out, err := e.Apply(string(server))
						if err != nil {
							t.Fatalf("server apply %+v to %q: %v", e, string(server), err)
						}
						server = []rune(out)
						log = append(log, committed{e: e, from: m.from})
					}
				case 3: // replica i hears of the next committed edit
					if heard[i] < len(log) {
						hear(i, p)
					}
				}
			}
			// Everyone stops typing; the wire and the broadcasts drain.
			for busy := true; busy; {
				busy = false
				for len(wire) > 0 {
					busy = true
					m := wire[0]
					wire = wire[1:]
					var since []session.Edit
					n := len(server)
					for _, c := range log[m.base:] {
						since = append(since, c.e)
						n -= c.e.Delta()
					}
					edits, err := session.Rebase(m.edits, n, since)
					if err != nil {
						t.Fatalf("rebase: %v", err)
					}
					for _, e := range edits {
						out, _ := e.Apply(string(server))
						server = []rune(out)
						log = append(log, committed{e: e, from: m.from})
					}
				}
				for i, p := range reps {
					for heard[i] < len(log) {
						busy = true
						hear(i, p)
					}
				}
			}
			want := map[rune]bool{}
			for _, c := range start {
				want[c] = true
			}
			for c := rune(0x4E00); c < next; c++ {
				want[c] = true
			}
			for c := range deleted {
				delete(want, c)
			}
			got := map[rune]int{}
			for _, c := range server {
				got[c]++
			}
			for c := range want {
				if got[c] != 1 {
					t.Errorf("character %U (inserted, never deleted) is in the text %d times", c, got[c])
				}
			}
			if len(got) != len(want) {
				t.Errorf("the text holds %d distinct characters, want %d", len(got), len(want))
			}
			for i, p := range reps {
				if string(p.text) != string(server) {
					t.Errorf("replica %d ends with %q, the server with %q", i, string(p.text), string(server))
				}
			}
			t.Logf("%d replicas, %d edits committed, %d characters", len(reps), len(log), len(server))
		})
	}
}

// Compose of two edits one after the other gives the text both give.
func TestCompose(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 5))
	next := rune(0x4E00)
	for range 3000 {
		text := []rune("abcdefg"[:r.IntN(8)])
		a := randomEdit(r, text, &next)
		ta, err := a.Apply(string(text))
		if err != nil {
			t.Fatal(err)
		}
		b := randomEdit(r, []rune(ta), &next)
		want, _ := b.Apply(ta)
		c := session.Compose(a, b, len(text))
		if got, err := c.Apply(string(text)); err != nil || got != want {
			t.Fatalf("Compose(%+v, %+v) on %q = %+v: %q %v, want %q", a, b, string(text), c, got, err, want)
		}
	}
}
