package hub

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// presenceDelay coalesces presence messages: a room that 40 phones join at once gets a
// few updates, not 40 × 40.
const presenceDelay = 150 * time.Millisecond

const (
	// shareBeat is how often an instance restates its share of a room's presence, so
	// that the share of an instance that died goes stale.
	shareBeat = 10 * time.Second
	// shareTTL is the age after which a share is ignored.
	shareTTL = 3 * shareBeat
)

// room is the set of connections of one workshop on this instance.
type room struct {
	id  string
	hub *Hub

	size   atomic.Int64 // len(conns), for the writers' frame spacing
	mu     sync.RWMutex
	conns  map[*Conn]struct{}
	seq    uint64               // the last event delivered to this room
	list   []*Conn              // under mu: conns, for iterating (Conn.idx is the index)
	ring   atomic.Pointer[ring] // the last entries delivered; replaced under mu when it grows
	head   atomic.Uint64        // entries ever added to the ring; written under mu
	slab   []entry              // under mu: entries to use, allocated entrySlab at a time
	online map[string]int       // participant id -> open connections
	views  int

	presenceQueued bool   // under mu
	presence       []byte // under mu: the last presence message sent, for newcomers
	dead           bool   // emptied and dropped from the hub: join a new room instead

	pmu      sync.Mutex // one sendPresence at a time; guards the fields below
	shared   Share      // this instance's share as last stated to the engine
	sharedAt time.Time

	vmu   sync.Mutex // guards polls but its queue (under mu); taken before mu, never after
	polls polls
}

var (
	errRoomGone   = errors.New("room gone")
	errConnClosed = errors.New("connection closed while joining")
)

func newRoom(h *Hub, id string) *room {
	r := &room{id: id, hub: h, conns: map[*Conn]struct{}{}, online: map[string]int{}, polls: newPolls()}
	r.ring.Store(&ring{slots: make([]atomic.Pointer[entry], ringMin)})
	return r
}

// The ring of a room starts at ringMin entries and doubles, up to ringMax, only when a
// connection still needs the entry that the next one would overwrite. A connection
// that falls ringMax entries (commit groups) behind is a slow consumer.
const (
	ringMin = 16
	ringMax = sendQueue
	// A ring over ringShrink slots goes back to ringMin when everyone caught up.
	ringShrink = 4 * ringMin
	// entrySlab entries are allocated at once: one allocation per entrySlab deliveries
	// to the room, whatever its size.
	entrySlab = 64
)

// ring holds entry k in slot k%len(slots). Writers read it without a lock: an entry is
// immutable, and one whose idx is not the one looked for was overwritten.
type ring struct {
	slots []atomic.Pointer[entry]
}

// at returns entry k, or nil when it was overwritten (or is not there yet).
func (g *ring) at(k uint64) *entry {
	e := g.slots[k%uint64(len(g.slots))].Load()
	if e == nil || e.idx != k {
		return nil
	}
	return e
}

// entry is one delivery to the room: events first..last joined by '\n', the idx-th
// entry of the room.
type entry struct {
	idx         uint64
	msg         []byte
	first, last uint64
}

// forConn is what of e goes to a connection whose welcome held the events up to from.
func (e *entry) forConn(from uint64) []byte {
	switch {
	case e.last <= from:
		return nil
	case e.first > from:
		return e.msg
	default:
		return after(e.msg, from-e.first+1)
	}
}

// fanout sends events to every connection, in seq order, the same bytes to each: msg
// holds one or more consecutive events joined by '\n', the last at seq. It adds them to
// the room's ring once, whatever the room size, and wakes the writers that wait; each
// writer takes the entries after its cursor (without what its welcome held: a slice,
// nothing is copied). Events the room delivered before are left out.
func (r *room) fanout(seq uint64, msg []byte) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if seq <= r.seq {
		return
	}
	n := uint64(bytes.Count(msg, newline)) + 1
	first := seq - n + 1
	if first <= r.seq {
		msg, first = after(msg, r.seq-first+1), r.seq+1
	}
	if len(r.slab) == 0 {
		r.slab = make([]entry, entrySlab)
	}
	e := &r.slab[0]
	r.slab = r.slab[1:]
	*e = entry{msg: msg, first: first, last: seq}
	r.add(e)
	fresh := seq - first + 1
	r.seq = seq
	r.hub.stats.Events.Add(int64(fresh))
	r.hub.stats.Deliveries.Add(int64(fresh) * int64(len(r.conns)))
	for _, c := range r.list {
		c.poke()
	}
}

// add appends e to the ring; r.mu is held. When a connection still needs the entry that
// e would overwrite, the ring doubles; at ringMax such a connection is a slow consumer.
func (r *room) add(e *entry) {
	h := r.head.Load()
	g := r.ring.Load()
	if len(g.slots) > ringShrink && r.caughtUp(h) {
		// Everyone has written everything: a ring grown for a laggard that caught up
		// (or left) need not keep its entries and their messages. A writer never reads
		// an entry below its cursor, and reads the ring after the head it reads.
		g = &ring{slots: make([]atomic.Pointer[entry], ringMin)}
		r.ring.Store(g)
	}
	for h >= uint64(len(g.slots)) {
		old := h - uint64(len(g.slots)) // the entry e would overwrite
		behind := false
		for _, c := range r.list {
			if c.cursor.Load() <= old && !c.slowed.Load() {
				behind = true
				if len(g.slots) >= ringMax {
					c.slow()
				}
			}
		}
		if !behind || len(g.slots) >= ringMax {
			break
		}
		grown := &ring{slots: make([]atomic.Pointer[entry], 2*len(g.slots))}
		for k := old; k < h; k++ {
			grown.slots[k%uint64(len(grown.slots))].Store(g.at(k))
		}
		r.ring.Store(grown)
		g = grown
	}
	e.idx = h
	g.slots[h%uint64(len(g.slots))].Store(e)
	r.head.Store(h + 1)
}

var newline = []byte{'\n'}

// after returns msg without its first k lines.
func after(msg []byte, k uint64) []byte {
	for ; k > 0; k-- {
		i := bytes.IndexByte(msg, '\n')
		if i < 0 {
			return nil
		}
		msg = msg[i+1:]
	}
	return msg
}

// join adds c with the welcome that build makes. Both happen under the room's lock, so
// that no event is delivered between the welcome's seq and c's first event.
func (r *room) join(c *Conn, build func() ([]byte, uint64, error)) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.dead {
		return errRoomGone
	}
	welcome, seq, err := build()
	if err != nil {
		return err
	}
	// c.from alone filters what the welcome holds; r.seq is not raised, because another
	// welcome may be older (a snapshot of a replica behind the log) and still need the
	// events in between.
	c.from = seq
	c.cursor.Store(r.head.Load())
	// Close stores closing, then reads joined; join stores joined, then reads closing: a
	// Close that ran meanwhile either sees the room or is seen here.
	c.joined.Store(r)
	if c.closing.Load() {
		return errConnClosed
	}
	c.enqueue(welcome) // first: the queue is new and empty
	r.conns[c] = struct{}{}
	c.idx = len(r.list)
	r.list = append(r.list, c)
	r.size.Store(int64(len(r.conns)))
	if c.Role == "viewer" {
		r.views++
	} else {
		r.online[c.ParticipantID]++
	}
	r.queuePresence()
	return nil
}

// leave takes c out of the room's presence and counts. c stays in the ring's list
// (unlist) until its writer has written what was queued: the ring keeps what c still
// needs until then.
func (r *room) leave(c *Conn) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.conns[c]; !ok {
		return
	}
	delete(r.conns, c)
	r.size.Store(int64(len(r.conns)))
	if c.Role == "viewer" {
		r.views--
	} else if r.online[c.ParticipantID]--; r.online[c.ParticipantID] <= 0 {
		delete(r.online, c.ParticipantID)
	}
	r.queuePresence()
	if len(r.conns) == 0 {
		r.dead = true
		go r.hub.dropRoom(r)
	}
}

// caughtUp reports whether every listed connection has written up to head h; r.mu is
// held.
func (r *room) caughtUp(h uint64) bool {
	for _, c := range r.list {
		if c.cursor.Load() != h {
			return false
		}
	}
	return true
}

// unlist takes c out of the list whose cursors the ring protects, after its writer
// ended.
func (r *room) unlist(c *Conn) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if c.idx < 0 || c.idx >= len(r.list) || r.list[c.idx] != c {
		return
	}
	last := r.list[len(r.list)-1]
	r.list[c.idx], last.idx = last, c.idx
	r.list[len(r.list)-1] = nil
	r.list = r.list[:len(r.list)-1]
	c.idx = -1
}

// queuePresence schedules one presence message for everyone; r.mu is held.
func (r *room) queuePresence() {
	if r.presenceQueued {
		return
	}
	r.presenceQueued = true
	time.AfterFunc(presenceDelay, r.sendPresence)
}

// localShare is this instance's share of the room's presence; r.mu is held.
func (r *room) localShare() Share {
	online := make([]string, 0, len(r.online))
	for id := range r.online {
		online = append(online, id)
	}
	slices.Sort(online)
	return Share{Online: online, Viewers: r.views, At: time.Now().UnixMilli()}
}

// presenceLocked is the presence message for a newcomer: the last one sent, or this
// instance's own share until the first is sent; r.mu is held.
func (r *room) presenceLocked() []byte {
	if r.presence != nil {
		return r.presence
	}
	s := r.localShare()
	b, _ := json.Marshal(presenceMsg{Type: "presence", Online: s.Online, Viewers: s.Viewers})
	return b
}

// sendPresence states this instance's share to the engine when it changed (or is due
// again), merges every instance's share and sends the result to everyone here when it
// changed.
func (r *room) sendPresence() {
	r.pmu.Lock()
	defer r.pmu.Unlock()
	r.mu.Lock()
	r.presenceQueued = false
	mine := r.localShare()
	r.mu.Unlock()

	eng := r.hub.eng
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if !slices.Equal(mine.Online, r.shared.Online) || mine.Viewers != r.shared.Viewers || time.Since(r.sharedAt) > shareBeat/2 {
		if err := eng.SetShare(ctx, r.id, r.hub.instance, mine); err != nil {
			r.hub.log.Warn("presence", "workshop", r.id, "err", err)
		} else {
			r.shared, r.sharedAt = mine, time.Now()
		}
	}
	shares, err := eng.Shares(ctx, r.id)
	if err != nil {
		shares = map[string]Share{} // show what this instance knows
	}
	shares[r.hub.instance] = mine
	online, viewers := mergeShares(shares, time.Now())
	msg, _ := json.Marshal(presenceMsg{Type: "presence", Online: online, Viewers: viewers})

	r.mu.Lock()
	defer r.mu.Unlock()
	if bytes.Equal(msg, r.presence) {
		return
	}
	r.presence = msg
	for c := range r.conns {
		c.enqueue(msg)
	}
}

// mergeShares is the union of the fresh shares: participant ids sorted, viewers summed.
func mergeShares(shares map[string]Share, now time.Time) ([]string, int) {
	seen := map[string]bool{}
	viewers := 0
	for _, s := range shares {
		if now.UnixMilli()-s.At > shareTTL.Milliseconds() {
			continue
		}
		for _, id := range s.Online {
			seen[id] = true
		}
		viewers += s.Viewers
	}
	online := make([]string, 0, len(seen))
	for id := range seen {
		online = append(online, id)
	}
	slices.Sort(online)
	return online, viewers
}

// closeAll closes every connection with code (in parallel: each close may flush).
func (r *room) closeAll(code int, reason string, only string) {
	r.mu.RLock()
	cs := make([]*Conn, 0, len(r.conns))
	for c := range r.conns {
		if only == "" || c.ParticipantID == only {
			cs = append(cs, c)
		}
	}
	r.mu.RUnlock()
	var wg sync.WaitGroup
	for _, c := range cs {
		wg.Go(func() { c.Close(statusCode(code), reason) })
	}
	wg.Wait()
}
