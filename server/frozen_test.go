package main

import (
	"fmt"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/arena-workshop/arena/hub/redistest"
)

// A Redis that stops answering (SIGSTOP: the process is there, its socket open, nothing
// answers) neither holds the ops for the commit deadline (3 s) nor keeps /readyz answering
// 200: within about half a second the instance counts it down, /readyz answers 503 at once,
// ops answer unavailable within a second; once it answers again ops are acknowledged again
// and nothing acknowledged is lost. Issue 12 measured 3 s for both before.
func TestRedisFrozen(t *testing.T) {
	dir := t.TempDir()
	rp := redistest.StartServer(t, redistest.FreePort(t), dir)
	srv := startInstances(t, 1, rp.URL(), "arena:")[0]
	w := srv.create(t, "Bevroren")
	fac := connect(t, srv, w.Code, map[string]any{"role": "participant", "name": "Fien", "facilitatorToken": w.FacilitatorToken})
	var acked []string
	add := func(k int) (string, time.Duration) {
		id := fmt.Sprintf("00000000-0000-4000-8000-%012d", k)
		start := time.Now()
		m := fac.op("actor.add", map[string]any{"id": id, "name": fmt.Sprintf("a%d", k)})
		if m.Type == "ack" {
			acked = append(acked, id)
		}
		return m.Type + " " + m.Code, time.Since(start)
	}
	if got, _ := add(1); got != "ack " {
		t.Fatalf("before: %s", got)
	}

	pid := rp.Pid()
	if err := syscall.Kill(pid, syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	resumed := false
	resume := func() {
		if !resumed {
			resumed = true
			syscall.Kill(pid, syscall.SIGCONT)
		}
	}
	t.Cleanup(resume)

	// The op sent at the moment Redis froze: cut short once the pings fail.
	got, first := add(2)
	if !strings.HasPrefix(got, "error unavailable") {
		t.Errorf("the op during the freeze answered %q, want unavailable", got)
	}
	// Then every op and every probe answers at once.
	var slowest time.Duration
	for k := 3; k < 8; k++ {
		got, d := add(k)
		if !strings.HasPrefix(got, "error unavailable") {
			t.Errorf("op %d during the freeze answered %q", k, got)
		}
		slowest = max(slowest, d)
	}
	var probe time.Duration
	for range 3 {
		start := time.Now()
		status, _, _ := srv.do(t, "GET", "/readyz", "", nil)
		probe = max(probe, time.Since(start))
		if status != http.StatusServiceUnavailable {
			t.Errorf("/readyz %d during the freeze, want 503", status)
		}
	}
	t.Logf("frozen Redis: the first op answered in %v, later ops within %v, /readyz within %v", first.Round(time.Millisecond), slowest.Round(time.Millisecond), probe.Round(time.Millisecond))
	// Generous bounds for a loaded machine; before the watch it was 3 s for each.
	if first > 1500*time.Millisecond || slowest > 500*time.Millisecond || probe > 500*time.Millisecond {
		t.Errorf("a frozen Redis held the op %v (then %v) and /readyz %v", first, slowest, probe)
	}

	resume()
	deadline := time.Now().Add(10 * time.Second)
	for k := 100; ; k++ {
		if got, _ := add(k); got == "ack " {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no op acknowledged within 10 s of Redis answering again")
		}
		time.Sleep(50 * time.Millisecond)
	}
	if status, _, _ := srv.do(t, "GET", "/readyz", "", nil); status != http.StatusOK {
		t.Errorf("/readyz %d after the freeze", status)
	}
	final := settle(t, fac, []*client{fac}, 2)
	for _, id := range acked {
		if !strings.Contains(final, id) {
			t.Errorf("acknowledged actor %s lost", id)
		}
	}
}
