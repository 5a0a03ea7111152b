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
	seq    uint64         // the last event delivered to this room
	online map[string]int // participant id -> open connections
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

var errRoomGone = errors.New("room gone")

func newRoom(h *Hub, id string) *room {
	return &room{id: id, hub: h, conns: map[*Conn]struct{}{}, online: map[string]int{}, polls: newPolls()}
}

// fanout sends events to every connection, in seq order, the same bytes to each: msg
// holds one or more consecutive events joined by '\n', the last at seq. Events at or
// below a connection's welcome are in its welcome already; such a connection gets the
// tail of msg after them (a slice: nothing is copied).
func (r *room) fanout(seq uint64, msg []byte) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if seq <= r.seq {
		return
	}
	n := uint64(bytes.Count(msg, newline)) + 1
	first := seq - n + 1
	for c := range r.conns {
		from := max(c.from, r.seq)
		switch {
		case from >= seq:
		case from < first:
			c.enqueue(msg)
		default:
			c.enqueue(after(msg, from-first+1))
		}
	}
	fresh := seq - max(r.seq, first-1)
	r.seq = seq
	r.hub.stats.Events.Add(int64(fresh))
	r.hub.stats.Deliveries.Add(int64(fresh) * int64(len(r.conns)))
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
	c.room = r
	c.send <- welcome // the queue is new and empty
	r.conns[c] = struct{}{}
	r.size.Store(int64(len(r.conns)))
	if c.Role == "viewer" {
		r.views++
	} else {
		r.online[c.ParticipantID]++
	}
	r.queuePresence()
	return nil
}

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
