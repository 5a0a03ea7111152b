package hub

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"go.etcd.io/bbolt"

	"github.com/arena-workshop/arena/session"
)

const (
	// logKeep is how many events a workshop's log holds for resumption with lastSeq; a
	// client further behind gets a snapshot.
	logKeep = 1000
	// snapEvery is how often (in events) the state is written whole, so that a restart
	// replays at most this many events.
	snapEvery = 100
	// maxBatch bounds one group commit: enough to absorb bursts, small enough to keep
	// the latency of one transaction low.
	maxBatch = 512
	// commitQueue is the number of commits waiting for the writer before Update blocks.
	commitQueue = 4096
)

var (
	bucketCodes = []byte("codes")
	bucketMeta  = []byte("meta")
	keySnap     = []byte("snap")
	keyLast     = []byte("last") // Unix ms of the last change, for Expire
)

// Local is the embedded engine: workshops in memory, made durable in a bbolt file with
// group commit (one transaction and one fsync for all the commits that queued while the
// previous one was written). Safe for concurrent use.
type Local struct {
	db      *bbolt.DB
	deliver Deliver
	live    Live

	smu    sync.Mutex
	shares map[string]map[string]Share // workshop -> instance -> share

	mu sync.Mutex
	ws map[string]*localWS

	closeMu sync.RWMutex
	closed  bool
	reqs    chan *commitReq
	written chan []*commitReq // batches on disk, for the deliverer
	done    chan struct{}     // closed when the deliverer ends

	commitTime Histogram // one bbolt transaction with its fsync, per batch
}

// CommitTime is how long each batch's transaction took, its fsync included.
func (l *Local) CommitTime() *Histogram { return &l.commitTime }

var _ Engine = (*Local)(nil)

type localWS struct {
	meta  Meta
	stale atomic.Bool // a write failed: drop this replica and reload from disk

	mu    sync.Mutex // orders Updates
	state *session.State
	seq   uint64

	// lmu guards the log and the tokens; it is never held while blocking, because
	// readers (Since, Participant) run under a room's lock.
	lmu    sync.Mutex
	tokens map[string]string // token hash -> participant id
	log    [][]byte          // events logSeq-len(log)+1 .. logSeq
	logSeq uint64

	dmu          sync.Mutex // the durable view, written by the writer
	durableSeq   uint64
	durableState *session.State

	// pmu guards votes and estimates; writes to them are queued to the writer under it,
	// so the file sees them in the order memory did.
	pmu       sync.Mutex
	ballots   map[string]map[string]session.Ballot   // round -> participant -> ballot
	closed    map[string]bool                        // rounds whose ballots are final
	estimates map[string]map[string]session.Estimate // actor -> participant -> estimate
}

type commitReq struct {
	w        *localWS
	seq      uint64
	state    *session.State
	event    []byte
	grant    *Grant
	puts     []kv // ballots and estimates; a nil value deletes
	snapshot bool
	done     chan error

	delivered bool // the deliverer's: sent with an earlier event of its group
}

type kv struct{ k, v []byte }

// OpenLocal opens (or creates) the store in dir.
func OpenLocal(dir string) (*Local, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("hub: open local store: %w", err)
	}
	db, err := bbolt.Open(filepath.Join(dir, "arena.db"), 0o600, &bbolt.Options{Timeout: 2 * time.Second, NoFreelistSync: true})
	if err != nil {
		return nil, fmt.Errorf("hub: open local store in %s: %w", dir, err)
	}
	err = db.Update(func(tx *bbolt.Tx) error {
		for _, b := range [][]byte{bucketCodes, bucketMeta} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("hub: open local store: %w", err)
	}
	l := &Local{db: db, ws: map[string]*localWS{}, reqs: make(chan *commitReq, commitQueue), done: make(chan struct{}), deliver: func(string, uint64, []byte) {}, live: func(string, []byte) {}, shares: map[string]map[string]Share{}}
	l.written = make(chan []*commitReq, 4)
	go l.writer()
	go l.deliverer()
	return l, nil
}

// SetDeliver sets the handler of committed events.
func (l *Local) SetDeliver(d Deliver) { l.deliver = d }

// Watch does nothing: one process sees every commit.
func (l *Local) Watch(string) {}

// Unwatch does nothing.
func (l *Local) Unwatch(string) {}

// SetLive sets the handler of live notices.
func (l *Local) SetLive(f Live) { l.live = f }

// PublishLive hands msg to this process's handler.
func (l *Local) PublishLive(_ context.Context, id string, msg []byte) error {
	l.live(id, msg)
	return nil
}

// SetShare keeps this process's share of presence (one process: the only share).
func (l *Local) SetShare(ctx context.Context, id, instance string, s Share) error {
	l.smu.Lock()
	if len(s.Online) == 0 && s.Viewers == 0 {
		delete(l.shares[id], instance)
		if len(l.shares[id]) == 0 {
			delete(l.shares, id)
		}
	} else {
		if l.shares[id] == nil {
			l.shares[id] = map[string]Share{}
		}
		l.shares[id][instance] = s
	}
	l.smu.Unlock()
	return l.PublishLive(ctx, id, PresenceNotice)
}

// Shares returns the shares of presence of a workshop.
func (l *Local) Shares(_ context.Context, id string) (map[string]Share, error) {
	l.smu.Lock()
	defer l.smu.Unlock()
	out := make(map[string]Share, len(l.shares[id]))
	for k, v := range l.shares[id] {
		out[k] = v
	}
	return out, nil
}

func wsBucket(id string) []byte { return []byte("w:" + id) }

func seqKey(seq uint64) []byte {
	k := make([]byte, 10)
	copy(k, "e:")
	binary.BigEndian.PutUint64(k[2:], seq)
	return k
}

func tokenKey(hash string) []byte { return []byte("t:" + hash) }

type snapshot struct {
	Seq   uint64         `json:"seq"`
	State *session.State `json:"state"`
}

// Create stores a new workshop at seq 0.
func (l *Local) Create(ctx context.Context, m Meta, st *session.State) error {
	meta, err := json.Marshal(m)
	if err != nil {
		return fmt.Errorf("hub: create %s: %w", m.ID, err)
	}
	snap, err := json.Marshal(snapshot{State: st})
	if err != nil {
		return fmt.Errorf("hub: create %s: %w", m.ID, err)
	}
	err = l.db.Update(func(tx *bbolt.Tx) error {
		codes := tx.Bucket(bucketCodes)
		if codes.Get([]byte(m.Code)) != nil {
			return ErrCodeTaken
		}
		if err := codes.Put([]byte(m.Code), []byte(m.ID)); err != nil {
			return err
		}
		if err := tx.Bucket(bucketMeta).Put([]byte(m.ID), meta); err != nil {
			return err
		}
		b, err := tx.CreateBucket(wsBucket(m.ID))
		if err != nil {
			return err
		}
		return b.Put(keySnap, snap)
	})
	if err != nil {
		return fmt.Errorf("hub: create %s: %w", m.ID, err)
	}
	return nil
}

// Resolve finds a workshop by its code.
func (l *Local) Resolve(ctx context.Context, code string) (Meta, error) {
	var m Meta
	err := l.db.View(func(tx *bbolt.Tx) error {
		id := tx.Bucket(bucketCodes).Get([]byte(code))
		if id == nil {
			return ErrNotFound
		}
		raw := tx.Bucket(bucketMeta).Get(id)
		if raw == nil {
			return ErrNotFound
		}
		return json.Unmarshal(raw, &m)
	})
	if err != nil {
		return Meta{}, fmt.Errorf("hub: resolve %s: %w", code, err)
	}
	return m, nil
}

// get returns the in-memory workshop, loading it from disk on first use.
func (l *Local) get(id string) (*localWS, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if w := l.ws[id]; w != nil && !w.stale.Load() {
		return w, nil
	}
	w, err := l.load(id)
	if err != nil {
		return nil, err
	}
	l.ws[id] = w
	return w, nil
}

// load reads a workshop: its last snapshot, then the events after it.
func (l *Local) load(id string) (*localWS, error) {
	w := &localWS{tokens: map[string]string{}, ballots: map[string]map[string]session.Ballot{},
		closed: map[string]bool{}, estimates: map[string]map[string]session.Estimate{}}
	var snap snapshot
	err := l.db.View(func(tx *bbolt.Tx) error {
		raw := tx.Bucket(bucketMeta).Get([]byte(id))
		b := tx.Bucket(wsBucket(id))
		if raw == nil || b == nil {
			return ErrNotFound
		}
		if err := json.Unmarshal(raw, &w.meta); err != nil {
			return err
		}
		if err := json.Unmarshal(b.Get(keySnap), &snap); err != nil {
			return err
		}
		w.state, w.seq = snap.State, snap.Seq
		c := b.Cursor()
		for k, v := c.Seek([]byte("e:")); k != nil && bytes.HasPrefix(k, []byte("e:")); k, v = c.Next() {
			seq := binary.BigEndian.Uint64(k[2:])
			w.log = append(w.log, bytes.Clone(v))
			if seq <= w.seq {
				continue
			}
			if seq != w.seq+1 {
				return fmt.Errorf("log of %s jumps from %d to %d", id, w.seq, seq)
			}
			_, ev, err := DecodeEvent(v)
			if err != nil {
				return err
			}
			if w.state, err = session.ApplyEvent(w.state, ev); err != nil {
				return err
			}
			w.seq = seq
		}
		for k, v := c.Seek([]byte("t:")); k != nil && bytes.HasPrefix(k, []byte("t:")); k, v = c.Next() {
			w.tokens[string(k[2:])] = string(v)
		}
		return w.loadPolls(c)
	})
	if err != nil {
		return nil, fmt.Errorf("hub: load %s: %w", id, err)
	}
	if len(w.log) > logKeep {
		w.log = w.log[len(w.log)-logKeep:]
	}
	w.logSeq = w.seq
	w.durableSeq, w.durableState = w.seq, w.state
	return w, nil
}

// Snapshot returns the latest durable state.
func (l *Local) Snapshot(ctx context.Context, id string) (*session.State, uint64, error) {
	w, err := l.get(id)
	if err != nil {
		return nil, 0, err
	}
	w.dmu.Lock()
	defer w.dmu.Unlock()
	return w.durableState, w.durableSeq, nil
}

// Update applies fn to the latest state and queues its commit for the writer.
func (l *Local) Update(ctx context.Context, id string, fn func(*session.State) (Change, error)) (*Committed, error) {
	w, err := l.get(id)
	if err != nil {
		return nil, err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	ch, err := fn(w.state)
	if err != nil {
		return nil, err
	}
	c := &Committed{Seq: w.seq, State: w.state, ID: ch.ID}
	if ch.Event == nil && ch.Grant == nil {
		return c, nil
	}
	req := &commitReq{w: w, grant: ch.Grant, done: make(chan error, 1)}
	if ch.Event != nil {
		seq := w.seq + 1
		b, err := EncodeEvent(seq, ch.Event)
		if err != nil {
			return nil, err
		}
		req.seq, req.state, req.event, req.snapshot = seq, ch.State, b, seq%snapEvery == 0
		c.Seq, c.State, c.Event = seq, ch.State, b
	}
	if err := l.enqueue(ctx, req); err != nil {
		return nil, err
	}
	// The replica moves on now, so the next op is decided while this one is written.
	w.lmu.Lock()
	if ch.Event != nil {
		w.state, w.seq = req.state, req.seq
		w.log = append(w.log, req.event)
		w.logSeq = req.seq
		if len(w.log) > 2*logKeep {
			w.log = append([][]byte(nil), w.log[len(w.log)-logKeep:]...)
		}
	}
	if ch.Grant != nil {
		w.tokens[ch.Grant.Hash] = ch.Grant.ParticipantID
	}
	w.lmu.Unlock()
	c.done = req.done
	return c, nil
}

// writer is the one goroutine that writes to disk: it takes every queued commit, writes
// them in one transaction, then hands them to the deliverer, and takes the next batch
// while those are delivered.
func (l *Local) writer() {
	defer close(l.written)
	batch := make([]*commitReq, 0, maxBatch)
	for req := range l.reqs {
		batch = append(batch[:0], req)
	fill:
		for len(batch) < maxBatch {
			select {
			case r, ok := <-l.reqs:
				if !ok {
					break fill
				}
				batch = append(batch, r)
			default:
				break fill
			}
		}
		began := time.Now()
		now := strconv.AppendInt(nil, began.UnixMilli(), 10)
		err := l.db.Update(func(tx *bbolt.Tx) error {
			for _, r := range batch {
				if r.w.stale.Load() {
					continue
				}
				if err := r.write(tx, now); err != nil {
					return err
				}
			}
			return nil
		})
		l.commitTime.Observe(time.Since(began))
		ok := make([]*commitReq, 0, len(batch))
		for _, r := range batch {
			switch {
			case err != nil || r.w.stale.Load():
				r.w.stale.Store(true)
				r.done <- fmt.Errorf("hub: commit %s: %w", r.w.meta.ID, errors.Join(ErrUnavailable, err))
			default:
				if r.event != nil {
					r.w.dmu.Lock()
					r.w.durableSeq, r.w.durableState = r.seq, r.state
					r.w.dmu.Unlock()
				}
				ok = append(ok, r)
			}
		}
		l.written <- ok
	}
}

// deliverer fans out each written batch: the events of one workshop go out joined in one
// message (one enqueue and one wake-up per connection, however many events), then the
// commits' Waits are released, so an op's sender gets the event before the ack.
func (l *Local) deliverer() {
	defer close(l.done)
	var group bytes.Buffer
	for batch := range l.written {
		for i, r := range batch {
			if r.event == nil || r.delivered {
				continue
			}
			msg, last, n := r.event, r, 1
			for _, o := range batch[i+1:] {
				if o.w == r.w && o.event != nil {
					n++
				}
			}
			if n > 1 {
				group.Reset()
				group.Write(r.event)
				for _, o := range batch[i+1:] {
					if o.w == r.w && o.event != nil {
						group.WriteByte('\n')
						group.Write(o.event)
						o.delivered, last = true, o
					}
				}
				msg = bytes.Clone(group.Bytes())
			}
			l.deliver(r.w.meta.ID, last.seq, msg)
		}
		for _, r := range batch {
			r.done <- nil
		}
	}
}

func (r *commitReq) write(tx *bbolt.Tx, now []byte) error {
	b := tx.Bucket(wsBucket(r.w.meta.ID))
	if b == nil {
		return nil // deleted meanwhile
	}
	if err := b.Put(keyLast, now); err != nil {
		return err
	}
	if r.grant != nil {
		if err := b.Put(tokenKey(r.grant.Hash), []byte(r.grant.ParticipantID)); err != nil {
			return err
		}
	}
	for _, p := range r.puts {
		var err error
		if p.v == nil {
			err = b.Delete(p.k)
		} else {
			err = b.Put(p.k, p.v)
		}
		if err != nil {
			return err
		}
	}
	if r.event == nil {
		return nil
	}
	if err := b.Put(seqKey(r.seq), r.event); err != nil {
		return err
	}
	if !r.snapshot {
		return nil
	}
	snap, err := json.Marshal(snapshot{Seq: r.seq, State: r.state})
	if err != nil {
		return err
	}
	if err := b.Put(keySnap, snap); err != nil {
		return err
	}
	// Trim the log to what resumption may still ask for.
	if r.seq <= logKeep {
		return nil
	}
	c := b.Cursor()
	limit := seqKey(r.seq - logKeep)
	for k, _ := c.Seek([]byte("e:")); k != nil && bytes.Compare(k, limit) <= 0; k, _ = c.Next() {
		if err := c.Delete(); err != nil {
			return err
		}
	}
	return nil
}

// Since returns the durable events after seq.
func (l *Local) Since(ctx context.Context, id string, after uint64) ([][]byte, error) {
	w, err := l.get(id)
	if err != nil {
		return nil, err
	}
	w.dmu.Lock()
	durable := w.durableSeq
	w.dmu.Unlock()
	if after > durable {
		return nil, ErrTooOld
	}
	w.lmu.Lock()
	defer w.lmu.Unlock()
	first := w.logSeq - uint64(len(w.log)) + 1 // seq of w.log[0]
	if after+1 < first {
		return nil, ErrTooOld
	}
	out := make([][]byte, 0, durable-after)
	for s := after + 1; s <= durable; s++ {
		out = append(out, w.log[s-first])
	}
	return out, nil
}

// Participant returns the participant bound to a token hash.
func (l *Local) Participant(ctx context.Context, id, hash string) (string, error) {
	w, err := l.get(id)
	if err != nil {
		return "", err
	}
	w.lmu.Lock()
	defer w.lmu.Unlock()
	pid, ok := w.tokens[hash]
	if !ok {
		return "", ErrNotFound
	}
	return pid, nil
}

// Delete removes a workshop from memory and disk.
func (l *Local) Delete(ctx context.Context, id string) error {
	l.mu.Lock()
	if w := l.ws[id]; w != nil {
		w.stale.Store(true)
		delete(l.ws, id)
	}
	l.mu.Unlock()
	err := l.db.Update(func(tx *bbolt.Tx) error {
		raw := tx.Bucket(bucketMeta).Get([]byte(id))
		if raw == nil {
			return ErrNotFound
		}
		var m Meta
		if err := json.Unmarshal(raw, &m); err != nil {
			return err
		}
		if err := tx.Bucket(bucketCodes).Delete([]byte(m.Code)); err != nil {
			return err
		}
		if err := tx.Bucket(bucketMeta).Delete([]byte(id)); err != nil {
			return err
		}
		return tx.DeleteBucket(wsBucket(id))
	})
	if err != nil {
		return fmt.Errorf("hub: delete %s: %w", id, err)
	}
	return nil
}

// Idle returns the workshops whose last change (or creation) is before cutoff: the
// local engine's retention (Hub.ExpireIdle deletes them; Redis expires keys itself).
func (l *Local) Idle(ctx context.Context, cutoff time.Time) ([]string, error) {
	var old []string
	err := l.db.View(func(tx *bbolt.Tx) error {
		return tx.Bucket(bucketMeta).ForEach(func(id, raw []byte) error {
			last := int64(0)
			if b := tx.Bucket(wsBucket(string(id))); b != nil {
				last, _ = strconv.ParseInt(string(b.Get(keyLast)), 10, 64)
			}
			if last == 0 {
				var m Meta
				if json.Unmarshal(raw, &m) == nil {
					last = m.CreatedAt
				}
			}
			if last < cutoff.UnixMilli() {
				old = append(old, string(id))
			}
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("hub: idle workshops: %w", err)
	}
	return old, nil
}

// Ping reports whether the store can be read.
func (l *Local) Ping(ctx context.Context) error {
	l.closeMu.RLock()
	defer l.closeMu.RUnlock()
	if l.closed {
		return ErrClosed
	}
	return l.db.View(func(tx *bbolt.Tx) error { return nil })
}

// Close writes what is queued and closes the store.
func (l *Local) Close() error {
	l.closeMu.Lock()
	if l.closed {
		l.closeMu.Unlock()
		return nil
	}
	l.closed = true
	close(l.reqs)
	l.closeMu.Unlock()
	<-l.done
	return l.db.Close()
}
