package hub

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/arena-workshop/arena/session"
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
		return strings.Join(queued(t, c), "|")
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
	got := func(c *Conn) []string { return queued(t, c) }
	if g := got(a); len(g) != 2 || g[1] != `{"type":"event","seq":51}` {
		t.Errorf("a got %q, want its welcome and 51", g)
	}
	if g := got(b); len(g) != 4 || g[1] != `{"type":"event","seq":49}` || g[3] != `{"type":"event","seq":51}` {
		t.Errorf("b got %q, want its welcome and 49, 50, 51", g)
	}
}

// queued takes what c's writer would write now, message by message.
func queued(t testing.TB, c *Conn) []string {
	t.Helper()
	msgs, ok := c.take(nil)
	if !ok {
		t.Fatal("slow consumer: a ring's worth behind")
	}
	out := make([]string, len(msgs))
	for i, m := range msgs {
		out[i] = string(m)
	}
	return out
}

func evMsg(seq uint64) []byte { return fmt.Appendf(nil, `{"type":"event","seq":%d}`, seq) }

// A connection's own messages and the room's events leave in the order they were
// queued, also when the writer takes them in several goes.
func TestQueueOrder(t *testing.T) {
	r, conns := benchRoom(2)
	c := conns[0]
	r.fanout(1, evMsg(1))
	c.enqueue([]byte("a"))
	r.fanout(2, evMsg(2))
	if g, w := strings.Join(queued(t, c), "|"), string(evMsg(1))+"|a|"+string(evMsg(2)); g != w {
		t.Fatalf("got %q, want %q", g, w)
	}
	r.fanout(3, evMsg(3))
	c.enqueue([]byte("b"))
	c.enqueue([]byte("c"))
	r.fanout(5, []byte(string(evMsg(4))+"\n"+string(evMsg(5))))
	c.enqueue([]byte("d"))
	if g, w := strings.Join(queued(t, c), "|"), string(evMsg(3))+"|b|c|"+string(evMsg(4))+"\n"+string(evMsg(5))+"|d"; g != w {
		t.Fatalf("got %q, want %q", g, w)
	}
	if g := queued(t, c); len(g) != 0 {
		t.Fatalf("taken twice: %q", g)
	}
	// The other connection, which took nothing yet, gets every event and none of c's.
	if g := queued(t, conns[1]); len(g) != 4 || g[3] != string(evMsg(4))+"\n"+string(evMsg(5)) {
		t.Fatalf("other conn got %q", g)
	}
}

// The ring grows while a connection lags, so the laggard loses nothing; it stays small
// while everyone keeps up.
func TestRingGrowsForLaggard(t *testing.T) {
	r, conns := benchRoom(2)
	for s := uint64(1); s <= 3*ringMin; s++ {
		r.fanout(s, evMsg(s))
		queued(t, conns[1])
	}
	if n := len(r.ring.Load().slots); n != 4*ringMin {
		t.Errorf("ring of %d slots for a connection %d behind, want %d", n, 3*ringMin, 4*ringMin)
	}
	got := queued(t, conns[0])
	if len(got) != 3*ringMin {
		t.Fatalf("laggard got %d events, want %d", len(got), 3*ringMin)
	}
	for i, m := range got {
		if m != string(evMsg(uint64(i+1))) {
			t.Fatalf("laggard's event %d is %q", i, m)
		}
	}
	// A ring grown past ringShrink goes back to ringMin once everyone caught up.
	for s := uint64(3*ringMin + 1); s <= 8*ringMin; s++ {
		r.fanout(s, evMsg(s))
		queued(t, conns[1])
	}
	if n := len(r.ring.Load().slots); n != 8*ringMin {
		t.Fatalf("ring of %d slots for a laggard %d behind, want %d", n, 5*ringMin, 8*ringMin)
	}
	if g := queued(t, conns[0]); len(g) != 5*ringMin || g[len(g)-1] != string(evMsg(8*ringMin)) {
		t.Fatalf("laggard got %d", len(g))
	}
	r.fanout(8*ringMin+1, evMsg(8*ringMin+1))
	if n := len(r.ring.Load().slots); n != ringMin {
		t.Errorf("ring of %d slots after everyone caught up, want %d", n, ringMin)
	}
	for _, c := range conns {
		if g := queued(t, c); len(g) != 1 || g[0] != string(evMsg(8*ringMin+1)) {
			t.Errorf("after the shrink got %q", g)
		}
	}
	r2, conns2 := benchRoom(3)
	for s := uint64(1); s <= 10*ringMin; s++ {
		r2.fanout(s, evMsg(s))
		for _, c := range conns2 {
			queued(t, c)
		}
	}
	if n := len(r2.ring.Load().slots); n != ringMin {
		t.Errorf("ring of %d slots with nobody behind, want %d", n, ringMin)
	}
	if s := r.hub.stats.SlowConsumers.Load() + r2.hub.stats.SlowConsumers.Load(); s != 0 {
		t.Errorf("%d slow consumers", s)
	}
}

// A connection a whole ring (ringMax deliveries) behind is closed as a slow consumer,
// once, as soon as the ring would overwrite what it still needs; the others go on.
func TestSlowConsumerClosed(t *testing.T) {
	_, r, conns := testHubRoom(t, 2)
	slow, fast := conns[0], conns[1]
	for s := uint64(1); s <= ringMax+5; s++ {
		r.fanout(s, evMsg(s))
		if g := queued(t, fast); len(g) != 1 || g[0] != string(evMsg(s)) {
			t.Fatalf("fast conn got %q at %d", g, s)
		}
	}
	if !slow.slowed.Load() {
		t.Fatal("the laggard was not closed")
	}
	if s := r.hub.stats.SlowConsumers.Load(); s != 1 {
		t.Errorf("%d slow-consumer closes, want 1", s)
	}
	if _, ok := slow.take(nil); ok {
		t.Error("the laggard's take did not see that entries were overwritten")
	}
	slow.Close(StatusSlowConsumer, "") // returns when the Close that slow() started is done
	if slow.drain.Load() {
		t.Error("a slow consumer's queue is drained on close; it must not be")
	}
	if len(r.list) != 1 || r.list[0] != fast || fast.idx != 0 {
		t.Errorf("room list after the close: %v", r.list)
	}
	if len(r.ring.Load().slots) > ringMax {
		t.Errorf("ring grew past ringMax: %d", len(r.ring.Load().slots))
	}
}

// Under concurrency (run with -race): writers that wait and take as the real ones do,
// a deliverer, and two senders of own messages. Every writer gets every event once in
// order; own messages keep their order; a message queued after an event was delivered
// comes after it and before the next.
func TestQueueConcurrent(t *testing.T) {
	const events = 1500 // 1,000 deliveries: under ringMax, so nobody can be a slow consumer
	r, conns := benchRoom(6)
	got := make([][]string, len(conns))
	var wg sync.WaitGroup
	for i, c := range conns {
		wg.Go(func() {
			var out [][]byte
			for c.await() {
				var ok bool
				if out, ok = c.take(out[:0]); !ok {
					t.Error("slow consumer")
					return
				}
				for _, m := range out {
					got[i] = append(got[i], string(m))
				}
			}
			out, _ = c.take(out[:0]) // what came with quit
			for _, m := range out {
				got[i] = append(got[i], string(m))
			}
		})
	}
	var senders sync.WaitGroup
	senders.Go(func() {
		for s := uint64(1); s <= events; s++ {
			if s%3 == 0 { // two events in one delivery
				r.fanout(s, []byte(string(evMsg(s-1))+"\n"+string(evMsg(s))))
			} else if s%3 == 1 {
				r.fanout(s, evMsg(s))
			} else {
				continue
			}
			if s%7 < 2 {
				for _, c := range conns {
					c.enqueue(fmt.Appendf(nil, "after %d", s))
				}
			}
		}
	})
	senders.Go(func() {
		for k := range 500 {
			for _, c := range conns {
				c.enqueue(fmt.Appendf(nil, "own %d", k))
			}
			if k%50 == 0 {
				time.Sleep(time.Millisecond)
			}
		}
	})
	senders.Wait()
	for _, c := range conns {
		close(c.quit)
	}
	wg.Wait()
	for i, msgs := range got {
		var seq uint64
		own := -1
		for _, m := range msgs {
			for line := range strings.SplitSeq(m, "\n") {
				var n uint64
				var k int
				switch {
				case strings.HasPrefix(line, `{"type":"event"`):
					fmt.Sscanf(line, `{"type":"event","seq":%d}`, &n)
					if n != seq+1 {
						t.Fatalf("conn %d: event %d after %d", i, n, seq)
					}
					seq = n
				case strings.HasPrefix(line, "after "):
					fmt.Sscanf(line, "after %d", &n)
					if n != seq {
						t.Fatalf("conn %d: %q came after event %d", i, line, seq)
					}
				case strings.HasPrefix(line, "own "):
					fmt.Sscanf(line, "own %d", &k)
					if k != own+1 {
						t.Fatalf("conn %d: %q after own %d", i, line, own)
					}
					own = k
				default:
					t.Fatalf("conn %d: unexpected %q", i, line)
				}
			}
		}
		if seq != events || own != 499 {
			t.Errorf("conn %d ended at event %d and own %d", i, seq, own)
		}
	}
}

// testHubRoom is benchRoom with a real hub (Local engine), for tests that close
// connections (closing sends presence through the engine).
func testHubRoom(t *testing.T, n int) (*Hub, *room, []*Conn) {
	t.Helper()
	l, err := OpenLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	h := New(l, slog.New(slog.DiscardHandler))
	t.Cleanup(func() { h.Shutdown(context.Background()) })
	r, conns := benchRoom(n)
	r.hub = h
	for _, c := range conns {
		c.stats = &h.stats
	}
	return h, r, conns
}

// A closing connection keeps what was queued for it until its writer wrote it, however
// many deliveries the others take meanwhile (the ring keeps its entries).
func TestClosingConnKeepsItsQueue(t *testing.T) {
	h, r, conns := testHubRoom(t, 2)
	c, other := conns[0], conns[1]
	r.fanout(1, evMsg(1))
	c.enqueue([]byte(`{"type":"ack","ref":"x"}`))
	c.leaveForTest(r) // what Close does before its writer's last flush
	for s := uint64(2); s <= 3*ringMin; s++ {
		r.fanout(s, evMsg(s))
		queued(t, other)
	}
	got := queued(t, c)
	if len(got) != 3*ringMin+1 || got[0] != string(evMsg(1)) || got[1] != `{"type":"ack","ref":"x"}` || got[len(got)-1] != string(evMsg(3*ringMin)) {
		t.Fatalf("the closing connection's last flush got %d messages: %q", len(got), got)
	}
	if s := h.stats.SlowConsumers.Load(); s != 0 {
		t.Errorf("%d slow consumers", s)
	}
	r.unlist(c)
	if len(r.list) != 1 || r.list[0] != other || c.idx != -1 {
		t.Errorf("list after unlist: %v", r.list)
	}
}

// leaveForTest is the part of Close before the writer's last flush.
func (c *Conn) leaveForTest(r *room) {
	c.closing.Store(true)
	r.leave(c)
}

// A connection closed while it joins (Shutdown right after hello) does not stay in
// the room: nobody would ever read its cursor.
func TestCloseWhileJoining(t *testing.T) {
	h, r, _ := testHubRoom(t, 0)
	c := newConn(nil, "p9", session.RoleParticipant, &h.stats)
	c.Close(1001, "shutting down") // before join: joined is nil
	err := r.join(c, func() ([]byte, uint64, error) { return []byte("welcome"), 0, nil })
	if !errors.Is(err, errConnClosed) {
		t.Fatalf("join of a closed connection: %v", err)
	}
	if len(r.list) != 0 || len(r.conns) != 0 {
		t.Fatalf("the closed connection is in the room: %d / %d", len(r.list), len(r.conns))
	}
	// Concurrently, many times (run with -race).
	for i := range 200 {
		c := newConn(nil, fmt.Sprintf("q%d", i), session.RoleParticipant, &h.stats)
		done := make(chan error, 1)
		go func() { done <- r.join(c, func() ([]byte, uint64, error) { return []byte("welcome"), 0, nil }) }()
		c.Close(1001, "shutting down")
		<-done
		r.mu.RLock()
		_, in := r.conns[c]
		listed := c.idx >= 0
		r.mu.RUnlock()
		if in || listed {
			t.Fatalf("round %d: a closed connection stayed in the room", i)
		}
	}
}

// A busy writer's next frame falls on its own phase of the gap, at least a quarter of a
// gap after the last; writers that finished together write half a gap apart when their
// phases are.
func TestSlotWait(t *testing.T) {
	const gap = 10 * time.Millisecond
	g := int64(gap)
	base := time.Date(2026, 12, 5, 17, 0, 0, 0, time.UTC).UnixNano() // a multiple of gap
	for _, tc := range []struct {
		name  string
		now   int64
		phase float64
		want  time.Duration
	}{
		{"on its phase: one gap", base, 0, gap},
		{"just after its phase: the next one", base + int64(time.Millisecond), 0, 9 * time.Millisecond},
		{"phase ahead, far enough", base, 0.5, 5 * time.Millisecond},
		{"phase ahead, under a quarter gap: the one after", base + int64(4*time.Millisecond), 0.5, 11 * time.Millisecond},
		{"exactly a quarter gap ahead", base + int64(2500*time.Microsecond), 0.5, 2500 * time.Microsecond},
	} {
		if got := slotWait(tc.now, gap, tc.phase); got != tc.want {
			t.Errorf("%s: slotWait = %v, want %v", tc.name, got, tc.want)
		}
	}
	if a, b := slotWait(base, gap, 0.3), slotWait(base, gap, 0.8); b-a != 5*time.Millisecond {
		t.Errorf("phases 0.3 and 0.8 after the same instant: slots %v and %v, want half a gap apart", a, b)
	}
	// Any instant, gap and phase: the smallest wait of at least a quarter gap that ends on the phase.
	for i := range 10000 {
		now := base + int64(i)*7919*1013
		gap := time.Duration(1+i%997) * 13 * time.Microsecond
		g = int64(gap)
		phase := float64(i%1000) / 1000
		w := int64(slotWait(now, gap, phase))
		if w < g/4 || w >= g/4+g {
			t.Fatalf("now %d gap %v phase %v: wait %v, want [gap/4, gap/4+gap)", now, gap, phase, time.Duration(w))
		}
		if off := (now + w - int64(phase*float64(g))) % g; off != 0 {
			t.Fatalf("now %d gap %v phase %v: wait %v ends %d ns off its phase", now, gap, phase, time.Duration(w), off)
		}
	}
}

// Each duration counts in the first bucket whose bound it does not exceed; Read gives
// cumulative counts, the count of all (beyond the last bound too) and their sum.
func TestHistogram(t *testing.T) {
	var h Histogram
	for _, d := range []time.Duration{0, 100 * time.Microsecond, 101 * time.Microsecond, 7 * time.Millisecond, 2 * time.Second} {
		h.Observe(d)
	}
	cum, n, sum := h.Read()
	want := []uint64{2, 3, 3, 3, 3, 3, 4, 4, 4, 4, 4, 4} // ≤100µs, ≤250µs, … ≤10ms …
	if fmt.Sprint(cum) != fmt.Sprint(want) || n != 5 || sum != 2*time.Second+7201*time.Microsecond {
		t.Errorf("Read = %v, %d, %v; want %v, 5, 2.007201s", cum, n, sum, want)
	}
}
