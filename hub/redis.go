package hub

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/arena-workshop/arena/session"
)

const (
	// DefaultRetention is how long a workshop's keys live after its last change.
	DefaultRetention = 30 * 24 * time.Hour
	// DefaultRedisPrefix starts every key and channel, so that several deployments (or
	// tests) can share one Redis.
	DefaultRedisPrefix = "arena:"
	// redisOpTimeout bounds one call to Redis: past it, a write answers unavailable.
	redisOpTimeout = 3 * time.Second
	// redisCheckEvery is how often every watched workshop compares its seq with Redis:
	// the last safety net when a published event and its successor were both lost.
	redisCheckEvery = 3 * time.Second
	// codeRefresh is how often an instance extends the expiry of a busy workshop's code key
	// (it lives on another shard, so the commit script cannot touch it).
	codeRefresh = time.Hour
	// maxConflicts bounds the catch-up-and-retry loop of one batch; each conflict means
	// another instance committed, so the loop always makes progress, but a cap keeps a
	// pathological case from spinning.
	maxConflicts = 100
)

// RedisOptions configure the Redis engine.
type RedisOptions struct {
	URL        string        // redis://[user:pass@]host:port/db
	Prefix     string        // key prefix; DefaultRedisPrefix when empty
	Retention  time.Duration // expiry after inactivity; DefaultRetention when zero
	ClientName string        // CLIENT SETNAME of every connection (operators find it in CLIENT LIST)
	Log        *slog.Logger
}

// Redis is the engine for several instances: state, log, tokens and codes live in
// Redis; events reach every instance over one pub/sub connection, checked for gaps.
// Safe for concurrent use.
type Redis struct {
	rdb     *redis.Client
	ps      *redis.PubSub
	prefix  string
	ttl     time.Duration
	log     *slog.Logger
	deliver Deliver
	live    Live

	mu   sync.Mutex
	reps map[string]*replica // workshops in use on this instance

	smu sync.Mutex // orders SUBSCRIBE and UNSUBSCRIBE with the watch counts

	stats      RedisStats
	commitTime Histogram // calls of the commit script and of the vote and estimate script

	closeMu  sync.RWMutex
	isClosed bool
	inflight sync.WaitGroup // Updates and their leaders' commits, waited for by Close

	kick   chan *replica // replicas that need a catch-up
	cancel context.CancelFunc
	wg     sync.WaitGroup
	closed chan struct{}
	once   sync.Once
}

var _ Engine = (*Redis)(nil)

// RedisStats count what the Redis engine does, for /metrics.
type RedisStats struct {
	Commits, Conflicts, CatchUps atomic.Int64
}

// Stats returns the engine's counters.
func (e *Redis) Stats() *RedisStats { return &e.stats }

// CommitTime is how long each call of the commit script (ops) and of the compare-and-set
// script (votes, estimates) took, calls refused because another writer came first
// included (with appendfsync always, Redis answers after its fsync).
func (e *Redis) CommitTime() *Histogram { return &e.commitTime }

// replica is this instance's copy of one workshop, kept current by events.
type replica struct {
	id string

	refs    int  // under Redis.mu: users in flight plus one while watched
	watchN  int  // under Redis.mu: Watch calls not yet ended by Unwatch
	watched bool // under Redis.mu: watchN > 0

	// dl orders deliveries: held from applying an event until it is delivered, so events
	// leave in seq order. mu guards the fields below and is never held while delivering.
	dl     sync.Mutex
	mu     sync.Mutex
	loaded bool
	live   bool // watched: deliver its events
	meta   Meta
	state  *session.State
	seq    uint64
	ahead  uint64 // the highest seq seen on pub/sub beyond seq+1: a gap to fill
	kicked bool   // queued for the catcher
	code   time.Time

	// Updates of this instance are batched: the first caller commits for all queued.
	qmu        sync.Mutex
	queue      []*redisReq
	committing bool
}

type redisReq struct {
	fn   func(*session.State) (Change, error)
	res  *Committed
	err  error
	done chan struct{}
}

// OpenRedis connects to Redis and starts the subscriber.
func OpenRedis(ctx context.Context, o RedisOptions) (*Redis, error) {
	opt, err := redis.ParseURL(o.URL)
	if err != nil {
		return nil, fmt.Errorf("hub: redis url: %w", err)
	}
	// No automatic retries: a commit whose answer was lost must not run twice; the
	// caller answers unavailable and the client resends (ops are idempotent).
	opt.MaxRetries = -1
	opt.DialTimeout = time.Second
	opt.ReadTimeout = redisOpTimeout
	opt.WriteTimeout = redisOpTimeout
	if o.ClientName != "" {
		opt.ClientName = o.ClientName
	}
	if o.Prefix == "" {
		o.Prefix = DefaultRedisPrefix
	}
	if o.Retention <= 0 {
		o.Retention = DefaultRetention
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	rdb := redis.NewClient(opt)
	pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := rdb.Ping(pctx).Err(); err != nil {
		rdb.Close()
		return nil, fmt.Errorf("hub: redis %s: %w", opt.Addr, err)
	}
	e := &Redis{
		rdb: rdb, prefix: o.Prefix, ttl: o.Retention, log: o.Log,
		deliver: func(string, uint64, []byte) {},
		live:    func(string, []byte) {},
		reps:    map[string]*replica{},
		kick:    make(chan *replica, 1024),
		closed:  make(chan struct{}),
	}
	e.ps = rdb.Subscribe(ctx) // no channels yet; Watch adds them
	rctx, rcancel := context.WithCancel(context.Background())
	e.cancel = rcancel
	e.wg.Add(3)
	go e.receive(rctx)
	go e.catcher(rctx)
	go e.checker(rctx)
	return e, nil
}

// SetDeliver sets the handler of committed events.
func (e *Redis) SetDeliver(d Deliver) { e.deliver = d }

// Keys. Every key of a workshop carries the hash tag {id}: one cluster shard holds it.
func (e *Redis) kWS(id string) string   { return e.prefix + "{" + id + "}:ws" }
func (e *Redis) kLog(id string) string  { return e.prefix + "{" + id + "}:log" }
func (e *Redis) kTok(id string) string  { return e.prefix + "{" + id + "}:tok" }
func (e *Redis) kChan(id string) string { return e.prefix + "{" + id + "}:ev" }
func (e *Redis) kPres(id string) string { return e.prefix + "{" + id + "}:pres" }
func (e *Redis) kCode(c string) string  { return e.prefix + "code:" + c }

// idOfChannel returns the workshop id of an event channel.
func (e *Redis) idOfChannel(ch string) (string, bool) {
	s, ok := strings.CutPrefix(ch, e.prefix+"{")
	if !ok {
		return "", false
	}
	id, ok := strings.CutSuffix(s, "}:ev")
	return id, ok
}

// unavailable wraps a Redis failure as ErrUnavailable (redis.Nil is handled by callers).
func unavailable(op string, err error) error {
	return fmt.Errorf("hub: redis %s: %w", op, errors.Join(ErrUnavailable, err))
}

// Create stores a new workshop at seq 0.
func (e *Redis) Create(ctx context.Context, m Meta, st *session.State) error {
	meta, err := json.Marshal(m)
	if err != nil {
		return fmt.Errorf("hub: create %s: %w", m.ID, err)
	}
	snap, err := json.Marshal(st)
	if err != nil {
		return fmt.Errorf("hub: create %s: %w", m.ID, err)
	}
	ok, err := e.rdb.SetNX(ctx, e.kCode(m.Code), m.ID, e.ttl).Result()
	if err != nil {
		return unavailable("create", err)
	}
	if !ok {
		return fmt.Errorf("hub: create %s: %w", m.ID, ErrCodeTaken)
	}
	_, err = e.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.HSet(ctx, e.kWS(m.ID), "meta", meta, "seq", 0, "snapSeq", 0, "snap", snap)
		p.PExpire(ctx, e.kWS(m.ID), e.ttl)
		return nil
	})
	if err != nil {
		e.rdb.Del(context.Background(), e.kCode(m.Code))
		return unavailable("create", err)
	}
	return nil
}

// Resolve finds a workshop by its code.
func (e *Redis) Resolve(ctx context.Context, code string) (Meta, error) {
	id, err := e.rdb.Get(ctx, e.kCode(code)).Result()
	if errors.Is(err, redis.Nil) {
		return Meta{}, fmt.Errorf("hub: resolve %s: %w", code, ErrNotFound)
	}
	if err != nil {
		return Meta{}, unavailable("resolve", err)
	}
	raw, err := e.rdb.HGet(ctx, e.kWS(id), "meta").Result()
	if errors.Is(err, redis.Nil) {
		return Meta{}, fmt.Errorf("hub: resolve %s: %w", code, ErrNotFound)
	}
	if err != nil {
		return Meta{}, unavailable("resolve", err)
	}
	var m Meta
	if err := json.Unmarshal([]byte(raw), &m); err != nil {
		return Meta{}, fmt.Errorf("hub: resolve %s: %w", code, err)
	}
	return m, nil
}

// loadScript reads a workshop atomically: meta, seq, the snapshot and the log after it.
var loadScript = redis.NewScript(`
local v = redis.call('HMGET', KEYS[1], 'meta', 'seq', 'snapSeq', 'snap')
if not v[1] then return false end
local evs = redis.call('XRANGE', KEYS[2], tonumber(v[3]) + 1, '+')
return {v[1], v[2], v[3], v[4], evs}
`)

// sinceScript returns the current seq and the log entries after ARGV[1] ({-1} when the
// workshop is behind ARGV[1]).
var sinceScript = redis.NewScript(`
local seq = redis.call('HGET', KEYS[1], 'seq')
if not seq then return false end
seq = tonumber(seq)
local after = tonumber(ARGV[1])
if after > seq then return {-1} end
if after == seq then return {seq, {}} end
return {seq, redis.call('XRANGE', KEYS[2], after + 1, '+', 'COUNT', seq - after)}
`)

// commitScript commits a batch if the workshop is still at ARGV[1]: grants, events as
// the next seqs, a snapshot, expiry, and one publish of the events joined by '\n'.
// KEYS: ws, log, tokens, channel. ARGV: expect, ttl ms, log length, snapSeq (0: none),
// snapshot, number of grants, then hash, participant per grant, then the events.
// Answers {0} unknown workshop, {1, seq} moved on, {2, seq} committed.
var commitScript = redis.NewScript(`
local cur = redis.call('HGET', KEYS[1], 'seq')
if not cur then return {0} end
cur = tonumber(cur)
if cur ~= tonumber(ARGV[1]) then return {1, cur} end
local i = 7
for g = 1, tonumber(ARGV[6]) do
  redis.call('HSET', KEYS[3], ARGV[i], ARGV[i+1])
  i = i + 2
end
local n = cur
local out = {}
while i <= #ARGV do
  n = n + 1
  redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[3], n .. '-1', 'e', ARGV[i])
  out[#out+1] = ARGV[i]
  i = i + 1
end
if n > cur then
  redis.call('HSET', KEYS[1], 'seq', n)
  if ARGV[4] ~= '0' then redis.call('HSET', KEYS[1], 'snapSeq', ARGV[4], 'snap', ARGV[5]) end
  redis.call('PUBLISH', KEYS[4], table.concat(out, '\n'))
end
for k = 1, 3 do redis.call('PEXPIRE', KEYS[k], ARGV[2]) end
return {2, n}
`)

// load reads a workshop from Redis: its meta, and its state at the latest seq.
func (e *Redis) load(ctx context.Context, id string) (Meta, *session.State, uint64, error) {
	v, err := loadScript.Run(ctx, e.rdb, []string{e.kWS(id), e.kLog(id)}).Slice()
	if errors.Is(err, redis.Nil) {
		return Meta{}, nil, 0, fmt.Errorf("hub: load %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return Meta{}, nil, 0, unavailable("load", err)
	}
	var m Meta
	if err := json.Unmarshal([]byte(v[0].(string)), &m); err != nil {
		return Meta{}, nil, 0, fmt.Errorf("hub: load %s: %w", id, err)
	}
	snapSeq, _ := strconv.ParseUint(v[2].(string), 10, 64)
	var st *session.State
	if err := json.Unmarshal([]byte(v[3].(string)), &st); err != nil {
		return Meta{}, nil, 0, fmt.Errorf("hub: load %s: %w", id, err)
	}
	seq := snapSeq
	for _, raw := range entries(v[4]) {
		if raw.seq <= seq {
			continue
		}
		if raw.seq != seq+1 {
			return Meta{}, nil, 0, fmt.Errorf("hub: load %s: log jumps from %d to %d", id, seq, raw.seq)
		}
		_, ev, err := DecodeEvent(raw.msg)
		if err != nil {
			return Meta{}, nil, 0, fmt.Errorf("hub: load %s: %w", id, err)
		}
		if st, err = session.ApplyEvent(st, ev); err != nil {
			return Meta{}, nil, 0, fmt.Errorf("hub: load %s: %w", id, err)
		}
		seq = raw.seq
	}
	return m, st, seq, nil
}

type logEntry struct {
	seq uint64
	msg []byte
}

// entries reads the reply of XRANGE: [[id, [field, value]], ...].
func entries(v any) []logEntry {
	list, _ := v.([]any)
	out := make([]logEntry, 0, len(list))
	for _, x := range list {
		e, _ := x.([]any)
		if len(e) != 2 {
			continue
		}
		id, _ := e[0].(string)
		seqStr, _, _ := strings.Cut(id, "-")
		seq, err := strconv.ParseUint(seqStr, 10, 64)
		fv, _ := e[1].([]any)
		if err != nil || len(fv) != 2 {
			continue
		}
		s, _ := fv[1].(string)
		out = append(out, logEntry{seq: seq, msg: []byte(s)})
	}
	return out
}

// since returns the current seq and the events after `after`, or ErrTooOld.
func (e *Redis) since(ctx context.Context, id string, after uint64) (uint64, []logEntry, error) {
	v, err := sinceScript.Run(ctx, e.rdb, []string{e.kWS(id), e.kLog(id)}, after).Slice()
	if errors.Is(err, redis.Nil) {
		return 0, nil, fmt.Errorf("hub: since %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return 0, nil, unavailable("since", err)
	}
	cur, _ := v[0].(int64)
	if cur < 0 {
		return 0, nil, ErrTooOld
	}
	evs := entries(v[1])
	if uint64(len(evs)) != uint64(cur)-after || (len(evs) > 0 && evs[0].seq != after+1) {
		return 0, nil, ErrTooOld
	}
	return uint64(cur), evs, nil
}

// acquire returns the replica of id, loaded and, unless it is watched, brought up to date.
// Call release when done.
func (e *Redis) acquire(ctx context.Context, id string) (*replica, error) {
	e.mu.Lock()
	r := e.replicaLocked(id)
	r.refs++
	watched := r.watched
	e.mu.Unlock()
	var err error
	if !watched {
		err = e.catchUp(ctx, r)
	} else {
		err = e.ensureLoaded(ctx, r)
	}
	if err != nil {
		e.release(r)
		return nil, err
	}
	return r, nil
}

// replicaLocked returns the replica of id, making it when there is none; e.mu is held.
func (e *Redis) replicaLocked(id string) *replica {
	r := e.reps[id]
	if r == nil {
		r = &replica{id: id}
		e.reps[id] = r
	}
	return r
}

func (e *Redis) release(r *replica) {
	e.mu.Lock()
	defer e.mu.Unlock()
	r.refs--
	if r.refs == 0 && e.reps[r.id] == r {
		delete(e.reps, r.id)
	}
}

// ensureLoaded loads r when it is not. It never delivers and never takes r.dl, so it may
// run under a room's lock (the welcome); catching up a watched replica is the catcher's.
func (e *Redis) ensureLoaded(ctx context.Context, r *replica) error {
	r.mu.Lock()
	loaded := r.loaded
	r.mu.Unlock()
	if loaded {
		return nil
	}
	return e.reload(ctx, r)
}

// reload reads r whole from Redis. Events between the old seq and the new one are not
// delivered: clients see the gap and resume with lastSeq (this happens only when a
// replica fell further behind than the log holds, or could not follow an event).
func (e *Redis) reload(ctx context.Context, r *replica) error {
	m, st, s, err := e.load(ctx, r.id)
	if err != nil {
		return err
	}
	r.mu.Lock()
	if !r.loaded { // else another caller loaded it meanwhile, and events since may be delivered
		r.meta, r.state, r.seq, r.loaded = m, st, s, true
	}
	r.mu.Unlock()
	return nil
}

// catchUp brings r up to the latest seq in Redis, delivering the events it missed in
// order; a replica that is too far behind (or not loaded) is loaded whole. It takes r.dl
// and delivers, so it must not run under a room's lock.
func (e *Redis) catchUp(ctx context.Context, r *replica) error {
	for {
		r.mu.Lock()
		loaded, seq := r.loaded, r.seq
		r.mu.Unlock()
		if !loaded {
			if err := e.reload(ctx, r); err != nil {
				return err
			}
			continue
		}
		_, evs, err := e.since(ctx, r.id, seq)
		if errors.Is(err, ErrTooOld) {
			r.mu.Lock()
			r.loaded = false
			r.mu.Unlock()
			continue
		}
		if err != nil {
			return err
		}
		for _, ev := range evs {
			if err := e.advance(r, ev.seq, ev.msg, nil); err != nil {
				return err
			}
		}
		r.mu.Lock()
		done := r.ahead <= r.seq
		r.mu.Unlock()
		if done {
			return nil
		}
	}
}

// advance applies the event at seq to r and delivers it, when it is the next one. st is
// the state after it when the caller knows it (its own commit), else nil.
func (e *Redis) advance(r *replica, seq uint64, msg []byte, st *session.State) error {
	r.dl.Lock()
	defer r.dl.Unlock()
	r.mu.Lock()
	if !r.loaded || seq <= r.seq {
		r.mu.Unlock()
		return nil
	}
	if seq != r.seq+1 {
		if seq > r.ahead {
			r.ahead = seq
		}
		r.mu.Unlock()
		return errGap
	}
	if st == nil {
		_, ev, err := DecodeEvent(msg)
		if err == nil {
			st, err = session.ApplyEvent(r.state, ev)
		}
		if err != nil {
			r.loaded = false // cannot follow: reload whole
			r.mu.Unlock()
			return fmt.Errorf("hub: apply %s at %d: %w", r.id, seq, err)
		}
	}
	r.state, r.seq = st, seq
	live := r.live
	r.mu.Unlock()
	if live {
		e.deliver(r.id, seq, msg)
	}
	return nil
}

var errGap = errors.New("gap")

// Snapshot returns the state of a workshop: a watched one's replica (kept current by
// events), else a fresh read. It never takes a replica's delivery lock, because the hub
// calls it under a room's lock (the welcome) and a delivery holds that lock while it
// waits for the room.
func (e *Redis) Snapshot(ctx context.Context, id string) (*session.State, uint64, error) {
	e.mu.Lock()
	r := e.reps[id]
	watched := r != nil && r.watched
	if watched {
		r.refs++
	}
	e.mu.Unlock()
	if !watched {
		_, st, seq, err := e.load(ctx, id)
		return st, seq, err
	}
	defer e.release(r)
	if err := e.ensureLoaded(ctx, r); err != nil {
		return nil, 0, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.state, r.seq, nil
}

// Since returns the events after seq from the log in Redis.
func (e *Redis) Since(ctx context.Context, id string, after uint64) ([][]byte, error) {
	_, evs, err := e.since(ctx, id, after)
	if err != nil {
		return nil, err
	}
	out := make([][]byte, len(evs))
	for i, ev := range evs {
		out[i] = ev.msg
	}
	return out, nil
}

// Participant returns the participant bound to a token hash.
func (e *Redis) Participant(ctx context.Context, id, hash string) (string, error) {
	pid, err := e.rdb.HGet(ctx, e.kTok(id), hash).Result()
	if errors.Is(err, redis.Nil) {
		return "", fmt.Errorf("hub: participant: %w", ErrNotFound)
	}
	if err != nil {
		return "", unavailable("participant", err)
	}
	return pid, nil
}

// Update queues fn for this workshop; the first caller of a batch commits for all the
// callers that queued meanwhile, in one script call.
func (e *Redis) Update(ctx context.Context, id string, fn func(*session.State) (Change, error)) (*Committed, error) {
	e.closeMu.RLock()
	if e.isClosed {
		e.closeMu.RUnlock()
		return nil, ErrClosed
	}
	e.inflight.Add(1)
	e.closeMu.RUnlock()
	defer e.inflight.Done()
	r, err := e.acquire(ctx, id)
	if err != nil {
		return nil, err
	}
	defer e.release(r)
	req := &redisReq{fn: fn, done: make(chan struct{})}
	r.qmu.Lock()
	r.queue = append(r.queue, req)
	lead := !r.committing
	r.committing = true
	r.qmu.Unlock()
	if lead {
		e.commitAll(r)
	}
	select {
	case <-req.done:
		return req.res, req.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// commitAll commits the first batch of the queue (which holds the caller's request);
// when more queued meanwhile it hands them to a new leader goroutine, so that no caller
// waits for others' commits after its own.
func (e *Redis) commitAll(r *replica) {
	r.qmu.Lock()
	batch := r.queue
	if len(batch) > maxBatch {
		batch = batch[:maxBatch]
	}
	r.queue = r.queue[len(batch):]
	r.qmu.Unlock()
	if len(batch) > 0 {
		ctx, cancel := context.WithTimeout(context.Background(), redisOpTimeout)
		e.commitBatch(ctx, r, batch)
		cancel()
		for _, q := range batch {
			close(q.done)
		}
	}
	r.qmu.Lock()
	defer r.qmu.Unlock()
	if len(r.queue) == 0 {
		r.committing = false
		return
	}
	e.mu.Lock()
	r.refs++ // the new leader's hold on the replica
	e.mu.Unlock()
	go func() {
		defer e.release(r)
		e.commitAll(r)
	}()
}

// commitBatch decides every request of batch on the latest state and commits them in
// one script call; when another instance committed first it catches up and decides again.
func (e *Redis) commitBatch(ctx context.Context, r *replica, batch []*redisReq) {
	// fail answers err to every request that fn did not refuse itself.
	fail := func(err error) {
		for _, q := range batch {
			if q.err == nil {
				q.res, q.err = nil, err
			}
		}
	}
	for range maxConflicts {
		r.mu.Lock()
		st, base := r.state, r.seq
		r.mu.Unlock()
		var (
			events [][]byte
			states []*session.State
			args   []any
			grants []any
		)
		seq := base
		for _, q := range batch {
			q.res, q.err = nil, nil
			ch, err := q.fn(st)
			if err != nil {
				q.err = err
				continue
			}
			q.res = &Committed{Seq: seq, State: st, ID: ch.ID}
			if ch.Grant != nil {
				grants = append(grants, ch.Grant.Hash, ch.Grant.ParticipantID)
			}
			if ch.Event == nil {
				continue
			}
			seq++
			b, err := EncodeEvent(seq, ch.Event)
			if err != nil {
				q.res, q.err = nil, err
				seq--
				continue
			}
			st = ch.State
			q.res.Seq, q.res.State, q.res.Event = seq, st, b
			events = append(events, b)
			states = append(states, st)
		}
		if len(events) == 0 && len(grants) == 0 {
			return
		}
		snapSeq, snap := uint64(0), []byte(nil)
		if seq/snapEvery != base/snapEvery {
			var err error
			if snap, err = json.Marshal(st); err != nil {
				fail(err)
				return
			}
			snapSeq = seq
		}
		args = append(args, base, e.ttl.Milliseconds(), logKeep, snapSeq, snap, len(grants)/2)
		args = append(args, grants...)
		for _, b := range events {
			args = append(args, b)
		}
		began := time.Now()
		v, err := commitScript.Run(ctx, e.rdb, []string{e.kWS(r.id), e.kLog(r.id), e.kTok(r.id), e.kChan(r.id)}, args...).Slice()
		e.commitTime.Observe(time.Since(began))
		if err != nil {
			// The script may or may not have run: the replica is still right at base, and
			// a catch-up delivers what did commit (an unwatched replica catches up on its
			// next use).
			if e.watchedReplica(r.id) != nil {
				go e.queueCatchUp(r)
			}
			fail(unavailable("commit", err))
			return
		}
		switch v[0].(int64) {
		case 0:
			fail(fmt.Errorf("hub: commit %s: %w", r.id, ErrNotFound))
			return
		case 1:
			e.stats.Conflicts.Add(1)
			if err := e.catchUp(ctx, r); err != nil {
				fail(err)
				return
			}
			continue
		}
		for i, b := range events {
			// A gap here is impossible (the script checked base); errors mean a reload.
			e.advance(r, base+uint64(i)+1, b, states[i])
		}
		e.stats.Commits.Add(1)
		e.refreshCode(r)
		return
	}
	fail(fmt.Errorf("hub: commit %s: %w: too many conflicts", r.id, ErrUnavailable))
}

// refreshCode extends the code key's expiry now and then (it lives outside the hash tag).
func (e *Redis) refreshCode(r *replica) {
	r.mu.Lock()
	due := time.Since(r.code) > codeRefresh && r.meta.Code != ""
	if due {
		r.code = time.Now()
	}
	code := r.meta.Code
	r.mu.Unlock()
	if due {
		ctx, cancel := context.WithTimeout(context.Background(), redisOpTimeout)
		defer cancel()
		e.rdb.PExpire(ctx, e.kCode(code), e.ttl)
	}
}

// Delete removes every key of a workshop and tells the other instances.
func (e *Redis) Delete(ctx context.Context, id string) error {
	raw, err := e.rdb.HGet(ctx, e.kWS(id), "meta").Result()
	if errors.Is(err, redis.Nil) {
		return fmt.Errorf("hub: delete %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return unavailable("delete", err)
	}
	var m Meta
	if err := json.Unmarshal([]byte(raw), &m); err != nil {
		return fmt.Errorf("hub: delete %s: %w", id, err)
	}
	keys := []string{e.kWS(id), e.kLog(id), e.kTok(id), e.kPres(id), e.kClosed(id)}
	if _, st, _, err := e.load(ctx, id); err == nil {
		// Ballots of every round and estimates of every actor; those of actors removed
		// earlier expire with the retention.
		for _, r := range st.Rounds {
			keys = append(keys, e.kBallots(id, r.ID))
		}
		for _, a := range st.Actors {
			keys = append(keys, e.kEst(id, a.ID))
		}
	}
	if err := e.rdb.Del(ctx, keys...).Err(); err != nil {
		return unavailable("delete", err)
	}
	e.rdb.Del(ctx, e.kCode(m.Code))
	e.rdb.Publish(ctx, e.kChan(id), deletedMsg)
	return nil
}

// deletedMsg is published on a workshop's channel when it is deleted; live notices
// are published with livePrefix before them.
const (
	deletedMsg = "deleted"
	livePrefix = "live:"
)

// SetLive sets the handler of live notices.
func (e *Redis) SetLive(l Live) { e.live = l }

// PublishLive publishes msg on the workshop's channel.
func (e *Redis) PublishLive(ctx context.Context, id string, msg []byte) error {
	if err := e.rdb.Publish(ctx, e.kChan(id), livePrefix+string(msg)).Err(); err != nil {
		return unavailable("publish", err)
	}
	return nil
}

// SetShare stores this instance's share of presence in the workshop's presence hash.
func (e *Redis) SetShare(ctx context.Context, id, instance string, s Share) error {
	_, err := e.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		if len(s.Online) == 0 && s.Viewers == 0 {
			p.HDel(ctx, e.kPres(id), instance)
		} else {
			b, _ := json.Marshal(s)
			p.HSet(ctx, e.kPres(id), instance, b)
			p.PExpire(ctx, e.kPres(id), 2*shareTTL)
		}
		p.Publish(ctx, e.kChan(id), livePrefix+string(PresenceNotice))
		return nil
	})
	if err != nil {
		return unavailable("presence", err)
	}
	return nil
}

// Shares reads every instance's share of presence.
func (e *Redis) Shares(ctx context.Context, id string) (map[string]Share, error) {
	raw, err := e.rdb.HGetAll(ctx, e.kPres(id)).Result()
	if err != nil {
		return nil, unavailable("presence", err)
	}
	out := make(map[string]Share, len(raw))
	for k, v := range raw {
		var s Share
		if json.Unmarshal([]byte(v), &s) == nil {
			out[k] = s
		}
	}
	return out, nil
}

// Ping reports whether Redis answers.
func (e *Redis) Ping(ctx context.Context) error {
	select {
	case <-e.closed:
		return ErrClosed
	default:
	}
	if err := e.rdb.Ping(ctx).Err(); err != nil {
		return unavailable("ping", err)
	}
	return nil
}

// Watch subscribes this instance to a workshop's events: from now on they are delivered
// (the hub watches the workshops it has rooms for). Calls nest with Unwatch.
func (e *Redis) Watch(id string) {
	e.smu.Lock()
	defer e.smu.Unlock()
	e.mu.Lock()
	r := e.replicaLocked(id)
	r.watchN++
	first := r.watchN == 1
	if first {
		r.refs++
		r.watched = true
	}
	e.mu.Unlock()
	if !first {
		return
	}
	r.mu.Lock()
	r.live = true
	r.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), redisOpTimeout)
	defer cancel()
	// The confirmation comes back on the receive loop, which then catches up. When the
	// connection is down, go-redis keeps the channel and subscribes on reconnecting.
	if err := e.ps.Subscribe(ctx, e.kChan(id)); err != nil {
		e.log.Warn("redis subscribe", "workshop", id, "err", err)
	}
}

// Unwatch ends a Watch.
func (e *Redis) Unwatch(id string) {
	e.smu.Lock()
	defer e.smu.Unlock()
	e.mu.Lock()
	r := e.reps[id]
	if r == nil || r.watchN == 0 {
		e.mu.Unlock()
		return
	}
	r.watchN--
	if r.watchN > 0 {
		e.mu.Unlock()
		return
	}
	r.watched = false
	r.refs--
	if r.refs == 0 {
		delete(e.reps, id)
	}
	e.mu.Unlock()
	r.mu.Lock()
	r.live = false
	r.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), redisOpTimeout)
	defer cancel()
	e.ps.Unsubscribe(ctx, e.kChan(id))
}

func (e *Redis) watchedReplica(id string) *replica {
	e.mu.Lock()
	defer e.mu.Unlock()
	if r := e.reps[id]; r != nil && r.watched {
		return r
	}
	return nil
}

func (e *Redis) watchedAll() []*replica {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make([]*replica, 0, len(e.reps))
	for _, r := range e.reps {
		if r.watched {
			out = append(out, r)
		}
	}
	return out
}

// queueCatchUp hands r to the catcher unless it is queued already.
func (e *Redis) queueCatchUp(r *replica) {
	r.mu.Lock()
	if r.kicked {
		r.mu.Unlock()
		return
	}
	r.kicked = true
	r.mu.Unlock()
	select {
	case e.kick <- r:
	case <-e.closed:
	}
}

// receive reads the pub/sub connection with Receive (never Channel, which drops
// messages when its buffer is full). After any error the connection is re-established
// by go-redis with every subscription, and each confirmation triggers a catch-up.
func (e *Redis) receive(ctx context.Context) {
	defer e.wg.Done()
	broken := false
	for ctx.Err() == nil {
		msg, err := e.ps.ReceiveTimeout(ctx, 10*time.Second)
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				e.ps.Ping(ctx) // keeps an idle connection honest
				continue
			}
			if !broken {
				e.log.Warn("redis pub/sub connection lost; reconnecting", "err", err)
			}
			broken = true
			select {
			case <-time.After(200 * time.Millisecond):
			case <-ctx.Done():
				return
			}
			continue
		}
		if broken {
			broken = false
			e.log.Info("redis pub/sub connection back; catching up")
			for _, r := range e.watchedAll() {
				e.queueCatchUp(r)
			}
		}
		switch m := msg.(type) {
		case *redis.Subscription:
			if m.Kind == "subscribe" {
				if id, ok := e.idOfChannel(m.Channel); ok {
					if r := e.watchedReplica(id); r != nil {
						e.queueCatchUp(r)
					}
				}
			}
		case *redis.Message:
			e.onMessage(m.Channel, m.Payload)
		}
	}
}

// onMessage handles one publish: events joined by '\n', or the deletion marker.
func (e *Redis) onMessage(channel, payload string) {
	id, ok := e.idOfChannel(channel)
	if !ok {
		return
	}
	if payload == deletedMsg {
		e.deliver(id, 0, nil)
		return
	}
	if msg, ok := strings.CutPrefix(payload, livePrefix); ok {
		e.live(id, []byte(msg))
		return
	}
	r := e.watchedReplica(id)
	if r == nil {
		return
	}
	b := []byte(payload)
	for len(b) > 0 {
		line, rest, _ := bytes.Cut(b, []byte{'\n'})
		b = rest
		seq, ok := eventSeq(line)
		if !ok {
			e.log.Warn("redis: unreadable event", "workshop", id)
			continue
		}
		if err := e.advance(r, seq, line, nil); err != nil {
			e.queueCatchUp(r)
			return
		}
	}
}

var seqPrefix = []byte(`{"type":"event","seq":`)

// eventSeq reads the seq of an encoded event without decoding the rest.
func eventSeq(b []byte) (uint64, bool) {
	rest, ok := bytes.CutPrefix(b, seqPrefix)
	if !ok {
		return 0, false
	}
	end := bytes.IndexByte(rest, ',')
	if end < 0 {
		return 0, false
	}
	seq, err := strconv.ParseUint(string(rest[:end]), 10, 64)
	return seq, err == nil
}

// catcher runs the catch-ups that gaps and re-subscriptions ask for, one at a time.
func (e *Redis) catcher(ctx context.Context) {
	defer e.wg.Done()
	for {
		select {
		case <-ctx.Done():
			return
		case r := <-e.kick:
			r.mu.Lock()
			r.kicked = false
			live := r.live
			r.mu.Unlock()
			if !live {
				continue
			}
			e.stats.CatchUps.Add(1)
			cctx, cancel := context.WithTimeout(ctx, redisOpTimeout)
			err := e.catchUp(cctx, r)
			cancel()
			if err != nil && ctx.Err() == nil {
				e.log.Warn("redis catch-up", "workshop", r.id, "err", err)
				time.AfterFunc(500*time.Millisecond, func() { e.queueCatchUp(r) })
			}
		}
	}
}

// checker compares every watched workshop's seq with Redis now and then: the net under
// the pub/sub hint.
func (e *Redis) checker(ctx context.Context) {
	defer e.wg.Done()
	t := time.NewTicker(redisCheckEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		reps := e.watchedAll()
		if len(reps) == 0 {
			continue
		}
		cctx, cancel := context.WithTimeout(ctx, redisOpTimeout)
		cmds := make([]*redis.StringCmd, len(reps))
		_, err := e.rdb.Pipelined(cctx, func(p redis.Pipeliner) error {
			for i, r := range reps {
				cmds[i] = p.HGet(cctx, e.kWS(r.id), "seq")
			}
			return nil
		})
		cancel()
		if err != nil && !errors.Is(err, redis.Nil) {
			continue
		}
		for i, r := range reps {
			s, err := cmds[i].Uint64()
			if err != nil {
				continue
			}
			r.mu.Lock()
			behind := r.loaded && s > r.seq
			r.mu.Unlock()
			if behind {
				e.queueCatchUp(r)
			}
		}
	}
}

// Close stops the subscriber and closes the connections.
func (e *Redis) Close() error {
	var err error
	e.once.Do(func() {
		e.closeMu.Lock()
		e.isClosed = true
		e.closeMu.Unlock()
		e.inflight.Wait() // commits in flight end within redisOpTimeout
		close(e.closed)
		e.cancel()
		e.ps.Close()
		e.wg.Wait()
		err = e.rdb.Close()
	})
	return err
}
