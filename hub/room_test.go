package hub

import (
	"fmt"
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
