package hub

import (
	"testing"
	"time"
)

// PROTOCOL.md: 20 ops a second on average, bursts of 40.
func TestOpLimit(t *testing.T) {
	l := newLimiter()
	t0 := time.Unix(1_000_000, 0)
	n := 0
	for l.AllowN(t0, 1) {
		n++
		if n > 1000 {
			t.Fatal("the limiter never refuses")
		}
	}
	if n != opBurst {
		t.Fatalf("a burst allowed %d ops, want %d", n, opBurst)
	}
	// Over the next 10 s at 100 ops/s offered, about 20/s pass.
	n = 0
	for i := 1; i <= 1000; i++ {
		if l.AllowN(t0.Add(time.Duration(i)*10*time.Millisecond), 1) {
			n++
		}
	}
	if n < 195 || n > 205 {
		t.Errorf("10 s of 100 ops/s: %d allowed, want about %d", n, 10*opRate)
	}
	// A quiet second gives back 20 tokens, not more than the burst after a long pause.
	later := t0.Add(time.Hour)
	n = 0
	for l.AllowN(later, 1) {
		n++
	}
	if n != opBurst {
		t.Errorf("after an hour's pause a burst allowed %d, want %d", n, opBurst)
	}
}
