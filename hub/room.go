package hub

import (
	"encoding/json"
	"errors"
	"slices"
	"sync"
	"time"
)

// presenceDelay coalesces presence messages: a room that 40 phones join at once gets a
// few updates, not 40 × 40.
const presenceDelay = 150 * time.Millisecond

// room is the set of connections of one workshop on this instance.
type room struct {
	id  string
	hub *Hub

	mu     sync.RWMutex
	conns  map[*Conn]struct{}
	seq    uint64         // the last event delivered to this room
	online map[string]int // participant id -> open connections
	views  int

	presenceQueued bool // under mu
	dead           bool // emptied and dropped from the hub: join a new room instead
}

var errRoomGone = errors.New("room gone")

func newRoom(h *Hub, id string) *room {
	return &room{id: id, hub: h, conns: map[*Conn]struct{}{}, online: map[string]int{}}
}

// fanout sends one event to every connection, in seq order, the same bytes to each.
// Events at or below a connection's welcome are in its welcome already.
func (r *room) fanout(seq uint64, msg []byte) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if seq <= r.seq {
		return
	}
	r.seq = seq
	for c := range r.conns {
		if seq > c.from {
			c.enqueue(msg)
		}
	}
	r.hub.stats.Events.Add(1)
	r.hub.stats.Deliveries.Add(int64(len(r.conns)))
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
	c.from = seq
	if len(r.conns) == 0 && seq > r.seq {
		r.seq = seq
	}
	c.room = r
	c.send <- welcome // the queue is new and empty
	r.conns[c] = struct{}{}
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

func (r *room) presenceLocked() []byte {
	online := make([]string, 0, len(r.online))
	for id := range r.online {
		online = append(online, id)
	}
	slices.Sort(online)
	b, _ := json.Marshal(presenceMsg{Type: "presence", Online: online, Viewers: r.views})
	return b
}

func (r *room) sendPresence() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.presenceQueued = false
	msg := r.presenceLocked()
	for c := range r.conns {
		c.enqueue(msg)
	}
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
