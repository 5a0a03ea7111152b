package hub

import (
	"context"
	"errors"
	"sync"
	"time"
)

// A Redis that stops answering (frozen, SIGSTOP, a stalled network) must not hold every op
// for the commit deadline, nor keep a balancer sending traffic here: a watcher pings Redis
// every healthEvery, and after healthFailures pings without an answer within healthTimeout
// the engine counts Redis as down: new ops, lookups and /readyz answer unavailable at once,
// and the commits in flight are cut short (their clients send again; ops are idempotent).
// The first answered ping counts it up again.
const (
	healthEvery    = 200 * time.Millisecond
	healthTimeout  = 250 * time.Millisecond
	healthFailures = 2
)

var errRedisDown = errors.New("redis does not answer (its health ping failed)")

type redisHealth struct {
	mu       sync.Mutex
	down     bool
	fails    int
	upCtx    context.Context // cancelled when Redis is found down
	upCancel context.CancelFunc
}

func newRedisHealth() *redisHealth {
	ctx, cancel := context.WithCancel(context.Background())
	return &redisHealth{upCtx: ctx, upCancel: cancel}
}

func (h *redisHealth) isDown() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.down
}

// ctx is a context that ends when Redis is found down.
func (h *redisHealth) ctx() context.Context {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.upCtx
}

// report takes the outcome of one ping and answers whether Redis went down or came up.
func (h *redisHealth) report(err error) (changed, down bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if err == nil {
		h.fails = 0
		if h.down {
			h.down = false
			h.upCtx, h.upCancel = context.WithCancel(context.Background())
			return true, false
		}
		return false, false
	}
	h.fails++
	if !h.down && h.fails >= healthFailures {
		h.down = true
		h.upCancel()
		return true, true
	}
	return false, h.down
}

// watchHealth pings Redis until ctx ends.
func (e *Redis) watchHealth(ctx context.Context) {
	defer e.wg.Done()
	t := time.NewTicker(healthEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		pctx, cancel := context.WithTimeout(ctx, healthTimeout)
		err := e.rdb.Ping(pctx).Err()
		cancel()
		if ctx.Err() != nil {
			return
		}
		if changed, down := e.health.report(err); changed && down {
			e.log.Warn("redis does not answer: ops answer unavailable until it does", "err", err)
		} else if changed {
			e.log.Info("redis answers again")
		}
	}
}
