package hub

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

// A batch of events goes to each connection once, without what its welcome held and
// without what the room delivered before.
func TestFanoutBatch(t *testing.T) {
	r, conns := benchRoom(3)
	conns[0].from, conns[1].from, conns[2].from = 0, 6, 9
	ev := func(seqs ...int) []byte {
		lines := make([]string, len(seqs))
		for i, s := range seqs {
			lines[i] = fmt.Sprintf(`{"type":"event","seq":%d}`, s)
		}
		return []byte(strings.Join(lines, "\n"))
	}
	got := func(c *Conn) string {
		var out []string
		for len(c.send) > 0 {
			out = append(out, string(<-c.send))
		}
		return strings.Join(out, "|")
	}
	r.fanout(7, ev(5, 6, 7)) // first delivery: seq 5..7
	if g, w := got(conns[0]), string(ev(5, 6, 7)); g != w {
		t.Errorf("conn from 0 got %q, want %q", g, w)
	}
	if g, w := got(conns[1]), string(ev(7)); g != w {
		t.Errorf("conn from 6 got %q, want %q", g, w)
	}
	if g := got(conns[2]); g != "" {
		t.Errorf("conn from 9 got %q, want nothing", g)
	}
	r.fanout(7, ev(7))          // again: nothing new
	r.fanout(9, ev(6, 7, 8, 9)) // overlaps what was delivered: only 8 and 9 are new
	if g, w := got(conns[0]), string(ev(8, 9)); g != w {
		t.Errorf("overlap: conn from 0 got %q, want %q", g, w)
	}
	if g, w := got(conns[1]), string(ev(8, 9)); g != w {
		t.Errorf("overlap: conn from 6 got %q, want %q", g, w)
	}
	if g := got(conns[2]); g != "" {
		t.Errorf("overlap: conn from 9 got %q, want nothing", g)
	}
	if r.hub.stats.Events.Load() != 5 {
		t.Errorf("%d events counted, want 5", r.hub.stats.Events.Load())
	}
}

// A newcomer whose welcome is older than an earlier newcomer's (a replica's snapshot
// behind the log) still gets every event after its own welcome.
func TestJoinOlderWelcomeAfterNewer(t *testing.T) {
	l, err := OpenLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	h := New(l, slog.New(slog.DiscardHandler))
	defer h.Shutdown(context.Background())
	r := newRoom(h, "w")
	a := newConn(nil, "a", "participant", &h.stats)
	b := newConn(nil, "b", "participant", &h.stats)
	if err := r.join(a, func() ([]byte, uint64, error) { return []byte("welcome a"), 50, nil }); err != nil {
		t.Fatal(err)
	}
	if err := r.join(b, func() ([]byte, uint64, error) { return []byte("welcome b"), 48, nil }); err != nil {
		t.Fatal(err)
	}
	for s := uint64(49); s <= 51; s++ {
		r.fanout(s, fmt.Appendf(nil, `{"type":"event","seq":%d}`, s))
	}
	got := func(c *Conn) []string {
		var out []string
		for len(c.send) > 0 {
			out = append(out, string(<-c.send))
		}
		return out
	}
	if g := got(a); len(g) != 2 || g[1] != `{"type":"event","seq":51}` {
		t.Errorf("a got %q, want its welcome and 51", g)
	}
	if g := got(b); len(g) != 4 || g[1] != `{"type":"event","seq":49}` || g[3] != `{"type":"event","seq":51}` {
		t.Errorf("b got %q, want its welcome and 49, 50, 51", g)
	}
}
