package main

import (
	"context"
	_ "embed"
	"log/slog"
	"net"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// Lookups of join codes per client address (issue 12: codes could be guessed without
// limit). Every lookup of a code takes a token; a lookup that finds a workshop gives it
// back and guessCredit more, so people who join for real never pay and a room behind one
// venue NAT earns room for its typos; a guesser finds almost nothing and runs dry after
// guessBurst misses, then gets one lookup every guessEvery. Measured figures and tuning:
// docs/OPERATIONS.md.
const (
	guessBurst  = 100             // lookups that miss, from one address, before the first 429
	guessEvery  = 3 * time.Second // one more lookup per this, up to guessBurst
	guessCredit = 2               // tokens a found code adds beyond the one it gives back
	// guessMaxAddrs bounds the local limiter's memory: beyond it, addresses whose
	// bucket is full again are forgotten (they would start full anyway).
	guessMaxAddrs = 100_000
)

// guessLimiter is the bucket of code lookups per client address.
type guessLimiter interface {
	// take charges one lookup; when there is none left it says how long until there is.
	take(ctx context.Context, addr string) (ok bool, retry time.Duration)
	// found credits a lookup that found a workshop.
	found(ctx context.Context, addr string)
}

// guessKey is the address a bucket counts: IPv4 as it is, IPv6 by its /64, which one
// household or phone gets whole.
func guessKey(addr string) string {
	ip := net.ParseIP(addr)
	if ip == nil || ip.To4() != nil {
		return addr
	}
	return ip.Mask(net.CIDRMask(64, 128)).String() + "/64"
}

// localGuesses is the limiter of one instance (the embedded engine).
type localGuesses struct {
	mu    sync.Mutex
	now   func() time.Time
	burst float64
	every time.Duration
	max   int
	b     map[string]*bucket
}

type bucket struct {
	tk float64
	at time.Time
}

func newLocalGuesses(now func() time.Time) *localGuesses {
	return &localGuesses{now: now, burst: guessBurst, every: guessEvery, max: guessMaxAddrs, b: map[string]*bucket{}}
}

// fill brings addr's bucket up to now; l.mu is held.
func (l *localGuesses) fill(addr string) *bucket {
	now := l.now()
	b := l.b[addr]
	if b == nil {
		if len(l.b) >= l.max {
			l.prune(now)
		}
		b = &bucket{tk: l.burst, at: now}
		l.b[addr] = b
	}
	if d := now.Sub(b.at); d > 0 {
		b.tk = min(l.burst, b.tk+float64(d)/float64(l.every))
	}
	b.at = now
	return b
}

// prune forgets the buckets that are full again; l.mu is held.
func (l *localGuesses) prune(now time.Time) {
	for k, b := range l.b {
		if b.tk+float64(now.Sub(b.at))/float64(l.every) >= l.burst {
			delete(l.b, k)
		}
	}
}

func (l *localGuesses) take(_ context.Context, addr string) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.fill(guessKey(addr))
	if b.tk < 1 {
		return false, time.Duration((1 - b.tk) * float64(l.every))
	}
	b.tk--
	return true, 0
}

func (l *localGuesses) found(_ context.Context, addr string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.fill(guessKey(addr))
	b.tk = min(l.burst, b.tk+1+guessCredit)
}

//go:embed lua/guess.lua
var guessLua string

var guessScript = redis.NewScript(guessLua)

// redisGuesses shares the buckets between every instance on one Redis, so that a
// round-robin balancer does not multiply them.
type redisGuesses struct {
	rdb    redis.Scripter
	prefix string
	log    *slog.Logger
}

func (r *redisGuesses) call(ctx context.Context, addr string, delta int) (bool, time.Duration) {
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	res, err := guessScript.Run(ctx, r.rdb, []string{r.prefix + "guess:" + guessKey(addr)},
		guessBurst, guessEvery.Milliseconds(), delta).Int64Slice()
	if err != nil || len(res) != 2 {
		// Redis does not answer: the lookup itself will answer unavailable, or find the
		// code; refusing here would add nothing.
		r.log.Debug("guess limiter", "err", err)
		return true, 0
	}
	return res[0] == 1, time.Duration(res[1]) * time.Millisecond
}

func (r *redisGuesses) take(ctx context.Context, addr string) (bool, time.Duration) {
	return r.call(ctx, addr, -1)
}

func (r *redisGuesses) found(ctx context.Context, addr string) {
	r.call(ctx, addr, 1+guessCredit)
}
