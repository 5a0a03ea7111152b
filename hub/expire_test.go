package hub

import (
	"context"
	"errors"
	"log/slog"
	"testing"
	"time"

	"github.com/arena-workshop/arena/session"
)

// Workshops without a change since the cutoff are deleted; a busy one stays, and so does
// everything after a restart.
func TestExpireIdleLocal(t *testing.T) {
	dir := t.TempDir()
	l, err := OpenLocal(dir)
	if err != nil {
		t.Fatal(err)
	}
	localDirs.Store(l, dir)
	h := New(l, slog.New(slog.DiscardHandler))
	defer h.Shutdown(context.Background())
	idle, _ := newWorkshop(t, l)
	busy, _ := newWorkshop(t, l)
	time.Sleep(20 * time.Millisecond)
	cutoff := time.Now()
	time.Sleep(5 * time.Millisecond)
	commit(t, l, busy.ID, opFn(session.OpStepSet, `{"step":2}`))

	n, err := h.ExpireIdle(context.Background(), cutoff)
	if err != nil || n != 1 {
		t.Fatalf("expired %d, %v; want 1", n, err)
	}
	if _, err := l.Resolve(context.Background(), idle.Code); !errors.Is(err, ErrNotFound) {
		t.Errorf("idle workshop still there: %v", err)
	}
	if _, err := l.Resolve(context.Background(), busy.Code); err != nil {
		t.Errorf("busy workshop gone: %v", err)
	}
	// The time of the last change survives a restart.
	l2 := reopenLocal(t, l)
	ids, err := l2.(*Local).Idle(context.Background(), cutoff)
	if err != nil || len(ids) != 0 {
		t.Errorf("after reopening: idle %v, %v", ids, err)
	}
	if ids, _ := l2.(*Local).Idle(context.Background(), time.Now().Add(time.Minute)); len(ids) != 1 || ids[0] != busy.ID {
		t.Errorf("with a later cutoff: %v, want the busy one", ids)
	}
}
