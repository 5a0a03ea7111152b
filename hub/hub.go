package hub

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
	"github.com/google/uuid"

	"github.com/arena-workshop/arena/session"
)

// Close codes of PROTOCOL.md.
const (
	CloseGoingAway = 1001
	CloseTooBig    = 1009
	CloseProtocol  = 4000
	CloseForbidden = 4003
	CloseDeleted   = 4004
	CloseFlooding  = 4008
)

func statusCode(c int) websocket.StatusCode { return websocket.StatusCode(c) }

// CloseError ends a connection with a close code of PROTOCOL.md.
type CloseError struct {
	Code   int
	Reason string
}

func (e *CloseError) Error() string { return fmt.Sprintf("close %d: %s", e.Code, e.Reason) }

// Stats are counters for /metrics; read them with Load.
type Stats struct {
	Conns, Events, Deliveries, Frames, SlowConsumers, Ops, OpErrors atomic.Int64
}

// Hub is the set of rooms on this instance. Its methods may be called concurrently.
type Hub struct {
	eng      Engine
	log      *slog.Logger
	stats    Stats
	instance string // names this instance's share of presence
	stop     chan struct{}
	stopOnce sync.Once

	mu    sync.Mutex
	rooms map[string]*room
	conns map[*Conn]struct{}
	down  bool
}

// New returns a hub over eng; it takes over eng's delivery handler.
func New(eng Engine, log *slog.Logger) *Hub {
	h := &Hub{eng: eng, log: log, rooms: map[string]*room{}, conns: map[*Conn]struct{}{}, instance: uuid.NewString(), stop: make(chan struct{})}
	eng.SetDeliver(h.deliver)
	eng.SetLive(h.onLive)
	go h.every(shareBeat, h.beat)
	go h.every(time.Second, h.closeStalled)
	return h
}

// every runs fn every d until the hub stops.
func (h *Hub) every(d time.Duration, fn func()) {
	t := time.NewTicker(d)
	defer t.Stop()
	for {
		select {
		case <-h.stop:
			return
		case <-t.C:
		}
		fn()
	}
}

// closeStalled closes the connections whose write has taken longer than writeWait (a
// phone gone without closing); it runs every second: one watchdog instead of a timer a
// frame.
func (h *Hub) closeStalled() {
	now := time.Now().UnixNano()
	h.mu.Lock()
	defer h.mu.Unlock()
	for c := range h.conns {
		if c.stalled(now) {
			go c.ws.CloseNow() // the write fails now; the writer closes the rest
		}
	}
}

// onLive handles a live notice of another instance (or this one).
func (h *Hub) onLive(id string, msg []byte) {
	h.mu.Lock()
	r := h.rooms[id]
	h.mu.Unlock()
	if r == nil {
		return
	}
	if bytes.Equal(msg, PresenceNotice) {
		r.mu.Lock()
		r.queuePresence()
		r.mu.Unlock()
		return
	}
	var n notice
	if json.Unmarshal(msg, &n) == nil {
		r.onNotice(n)
	}
}

// beat restates this instance's share of presence of every room (every shareBeat), so
// that other instances can tell a live share from the share of an instance that died.
func (h *Hub) beat() {
	h.mu.Lock()
	rooms := make([]*room, 0, len(h.rooms))
	for _, r := range h.rooms {
		rooms = append(rooms, r)
	}
	h.mu.Unlock()
	for _, r := range rooms {
		r.mu.Lock()
		r.queuePresence()
		r.mu.Unlock()
	}
}

// Stats returns the hub's counters.
func (h *Hub) Stats() *Stats { return &h.stats }

// Engine returns the engine behind the hub.
func (h *Hub) Engine() Engine { return h.eng }

var removedPrefix = []byte(`"event":"participant.removed"`)

// deliver is the engine's handler: it hands each committed event to its room.
func (h *Hub) deliver(id string, seq uint64, msg []byte) {
	h.mu.Lock()
	r := h.rooms[id]
	h.mu.Unlock()
	if r == nil {
		return
	}
	if seq == 0 && msg == nil { // deleted, maybe by another instance
		go r.closeAll(CloseDeleted, "workshop deleted", "")
		return
	}
	r.fanout(seq, msg)
	// A removed participant's connections close 4003 on every instance that holds them.
	if bytes.Contains(msg, removedPrefix) {
		for line := range bytes.SplitSeq(msg, newline) {
			if !bytes.Contains(line, removedPrefix) {
				continue
			}
			if _, ev, err := DecodeEvent(line); err == nil {
				if d, ok := ev.Data.(*session.IDData); ok {
					go r.closeAll(CloseForbidden, "removed by the facilitator", d.ID)
				}
			}
		}
	}
}

// room returns the room of workshop id, making it (and watching the workshop's events)
// when there is none.
func (h *Hub) room(id string) *room {
	h.mu.Lock()
	r := h.rooms[id]
	made := r == nil
	if made {
		r = newRoom(h, id)
		h.rooms[id] = r
	}
	h.mu.Unlock()
	if made {
		h.eng.Watch(id)
	}
	return r
}

func (h *Hub) dropRoom(r *room) {
	h.mu.Lock()
	dropped := h.rooms[r.id] == r
	if dropped {
		delete(h.rooms, r.id)
	}
	h.mu.Unlock()
	if dropped {
		h.eng.Unwatch(r.id)
	}
}

// NewCode returns a random join code (session.NewCode).
func NewCode() string { return session.NewCode() }

// NewToken returns a secret token for a participant or facilitator.
func NewToken() string {
	b := make([]byte, 24)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// Create makes a workshop and returns its state and facilitator token.
func (h *Hub) Create(ctx context.Context, title, locale string) (*session.State, string, error) {
	token := NewToken()
	now := time.Now().UnixMilli()
	for range 10 {
		st := session.New(uuid.NewString(), NewCode(), title, locale, now)
		m := Meta{ID: st.ID, Code: st.Code, FacilitatorHash: HashToken(token), CreatedAt: now}
		err := h.eng.Create(ctx, m, st)
		if errors.Is(err, ErrCodeTaken) {
			continue
		}
		if err != nil {
			return nil, "", err
		}
		return st, token, nil
	}
	return nil, "", fmt.Errorf("hub: create: no free code after 10 tries")
}

// Online counts the participants online on every instance (facilitator and viewers
// excluded), as the instances last stated it (within presenceDelay).
func (h *Hub) Online(ctx context.Context, id string) (int, error) {
	shares, err := h.eng.Shares(ctx, id)
	if err != nil {
		return 0, err
	}
	h.mu.Lock()
	r := h.rooms[id]
	h.mu.Unlock()
	if r != nil { // this instance's share as of now, not as last stated
		r.mu.Lock()
		shares[h.instance] = r.localShare()
		r.mu.Unlock()
	}
	online, _ := mergeShares(shares, time.Now())
	if len(online) == 0 {
		return 0, nil
	}
	st, _, err := h.eng.Snapshot(ctx, id)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, pid := range online {
		if p := st.Participant(pid); p != nil && p.Role == session.RoleParticipant {
			n++
		}
	}
	return n, nil
}

// Hello is the first message of a client.
type Hello struct {
	Type             string  `json:"type"`
	Role             string  `json:"role"`
	Name             string  `json:"name"`
	ParticipantToken string  `json:"participantToken"`
	FacilitatorToken string  `json:"facilitatorToken"`
	LastSeq          *uint64 `json:"lastSeq"`
}

func newID() string { return uuid.NewString() }

// Join admits a client that said hello to workshop m: it resolves or creates its
// participant, queues the welcome and the live messages, and starts the connection.
// A *CloseError says how to close the websocket; other errors are the store's.
func (h *Hub) Join(ctx context.Context, ws *websocket.Conn, m Meta, hello Hello) (*Conn, error) {
	you, err := h.identify(ctx, m, hello)
	if err != nil {
		return nil, err
	}
	c := newConn(ws, you.ParticipantID, you.Role, &h.stats)
	h.mu.Lock()
	if h.down {
		h.mu.Unlock()
		return nil, &CloseError{Code: CloseGoingAway, Reason: "server shutting down"}
	}
	h.conns[c] = struct{}{}
	h.mu.Unlock()

	for {
		r := h.room(m.ID)
		err := r.join(c, func() ([]byte, uint64, error) { return h.welcome(ctx, m.ID, you, hello.LastSeq) })
		if errors.Is(err, errRoomGone) {
			time.Sleep(time.Millisecond) // the emptied room is being dropped
			continue
		}
		if errors.Is(err, errConnClosed) { // Shutdown closed it meanwhile
			err = &CloseError{Code: CloseGoingAway, Reason: "server shutting down"}
		}
		if err != nil {
			h.forget(c)
			return nil, err
		}
		break
	}
	h.stats.Conns.Add(1)
	c.start()
	// The current presence is sent to everyone shortly (coalesced); send it to the newcomer now.
	r := c.home()
	r.mu.RLock()
	c.enqueue(r.presenceLocked())
	r.mu.RUnlock()
	r.welcomePolls(c)
	return c, nil
}

// identify resolves who says hello, creating the participant when it is new.
func (h *Hub) identify(ctx context.Context, m Meta, hello Hello) (You, error) {
	switch hello.Role {
	case session.RoleViewer:
		return You{Role: session.RoleViewer}, nil
	case session.RoleParticipant:
	default:
		return You{}, &CloseError{Code: CloseProtocol, Reason: "role must be participant or viewer"}
	}
	st, _, err := h.eng.Snapshot(ctx, m.ID)
	if err != nil {
		return You{}, err
	}
	if hello.FacilitatorToken != "" {
		if HashToken(hello.FacilitatorToken) != m.FacilitatorHash {
			return You{}, &CloseError{Code: CloseForbidden, Reason: "wrong facilitator token"}
		}
		for _, p := range st.Participants {
			if p.Role == session.RoleFacilitator {
				return h.resume(ctx, m.ID, p, hello.ParticipantToken)
			}
		}
		return h.admit(ctx, m.ID, hello.Name, session.RoleFacilitator)
	}
	if hello.ParticipantToken != "" {
		pid, err := h.eng.Participant(ctx, m.ID, HashToken(hello.ParticipantToken))
		switch {
		case err == nil:
			p := st.Participant(pid)
			if p == nil {
				return You{}, &CloseError{Code: CloseForbidden, Reason: "removed from this workshop"}
			}
			return You{ParticipantID: p.ID, ParticipantToken: hello.ParticipantToken, Role: p.Role, Name: p.Name}, nil
		case !errors.Is(err, ErrNotFound):
			return You{}, err
		}
	}
	return h.admit(ctx, m.ID, hello.Name, session.RoleParticipant)
}

// resume returns the facilitator p, with a participant token bound to it.
func (h *Hub) resume(ctx context.Context, id string, p *session.Participant, token string) (You, error) {
	if token != "" {
		if pid, err := h.eng.Participant(ctx, id, HashToken(token)); err == nil && pid == p.ID {
			return You{ParticipantID: p.ID, ParticipantToken: token, Role: p.Role, Name: p.Name}, nil
		}
	}
	token = NewToken()
	com, err := h.eng.Update(ctx, id, func(*session.State) (Change, error) {
		return Change{Grant: &Grant{Hash: HashToken(token), ParticipantID: p.ID}}, nil
	})
	if err == nil {
		err = com.Wait(ctx)
	}
	if err != nil {
		return You{}, err
	}
	return You{ParticipantID: p.ID, ParticipantToken: token, Role: p.Role, Name: p.Name}, nil
}

// admit adds a new named participant (or the facilitator) and binds a fresh token to it.
func (h *Hub) admit(ctx context.Context, id, name, role string) (You, error) {
	if _, err := session.CleanName(name); err != nil {
		return You{}, &CloseError{Code: CloseProtocol, Reason: "a new participant needs a name of 1-40 characters"}
	}
	token := NewToken()
	pid := newID()
	var p *session.Participant
	com, err := h.eng.Update(ctx, id, func(st *session.State) (Change, error) {
		if role == session.RoleFacilitator {
			for _, f := range st.Participants { // another device of the facilitator was first
				if f.Role == session.RoleFacilitator {
					p = f
					return Change{Result: session.Result{State: st}, Grant: &Grant{Hash: HashToken(token), ParticipantID: f.ID}}, nil
				}
			}
		}
		res, err := session.Join(st, session.Participant{ID: pid, Name: name, Role: role})
		if err != nil {
			return Change{}, err
		}
		p = res.State.Participant(pid)
		return Change{Result: res, Grant: &Grant{Hash: HashToken(token), ParticipantID: pid}}, nil
	})
	if err == nil {
		err = com.Wait(ctx)
	}
	var se *session.Error
	if errors.As(err, &se) {
		return You{}, &CloseError{Code: CloseProtocol, Reason: se.Message}
	}
	if err != nil {
		return You{}, err
	}
	return You{ParticipantID: p.ID, ParticipantToken: token, Role: p.Role, Name: p.Name}, nil
}

// welcome builds the welcome: the events after lastSeq when the log holds them all,
// else the state. The room's lock is held, so no event is delivered meanwhile.
func (h *Hub) welcome(ctx context.Context, id string, you You, lastSeq *uint64) ([]byte, uint64, error) {
	msg := welcomeMsg{Type: "welcome", You: you, ServerTime: time.Now().UnixMilli()}
	if lastSeq != nil {
		evs, err := h.eng.Since(ctx, id, *lastSeq)
		if err == nil {
			msg.Seq = *lastSeq + uint64(len(evs))
			raw := make([]json.RawMessage, len(evs))
			for i, e := range evs {
				raw[i] = e
			}
			msg.Events = &raw
			b, err := json.Marshal(msg)
			return b, msg.Seq, err
		}
		if !errors.Is(err, ErrTooOld) {
			return nil, 0, err
		}
	}
	st, seq, err := h.eng.Snapshot(ctx, id)
	if err != nil {
		return nil, 0, err
	}
	msg.Seq, msg.State = seq, ViewOf(st, you.Role)
	b, err := json.Marshal(msg)
	return b, seq, err
}

// ViewOf returns what role may see of st: hidden tallies of open rounds are the
// facilitator's alone.
func ViewOf(st *session.State, role string) *session.State {
	if role == session.RoleFacilitator {
		return st
	}
	hide := false
	for _, r := range st.Rounds {
		if r.Status == "open" && r.Reveal == "onClose" && r.Tally != nil {
			hide = true
		}
	}
	if !hide {
		return st
	}
	v := *st
	v.Rounds = make([]*session.Round, len(st.Rounds))
	for i, r := range st.Rounds {
		if r.Status == "open" && r.Reveal == "onClose" {
			c := *r
			c.Tally = nil
			r = &c
		}
		v.Rounds[i] = r
	}
	return &v
}

// Apply runs one op of c and answers it: an ack after the commit is durable, or an error.
func (h *Hub) Apply(ctx context.Context, c *Conn, wsID, ref, name string, data json.RawMessage) {
	h.stats.Ops.Add(1)
	caller := session.Caller{ID: c.ParticipantID, Role: c.Role}
	env := session.Env{Now: time.Now().UnixMilli(), NewID: newID}
	switch name {
	case session.OpVoteCast:
		h.vote(ctx, c, wsID, ref, data)
		return
	case session.OpEstimateSet:
		h.estimate(ctx, c, wsID, ref, data)
		return
	case session.OpRoundClose:
		if c.Role != session.RoleFacilitator {
			break // session answers forbidden; nothing may close the round before
		}
		ballots, err := h.closeRound(ctx, wsID, data)
		if err != nil {
			h.answer(c, ref, 0, err)
			return
		}
		env.Ballots = ballots
	}
	com, err := h.eng.Update(ctx, wsID, func(st *session.State) (Change, error) {
		res, err := session.Apply(st, caller, name, data, env)
		return Change{Result: res}, err
	})
	if err == nil {
		err = com.Wait(ctx)
	}
	if err != nil {
		h.stats.OpErrors.Add(1)
		c.enqueue(EncodeError(ref, h.asError(err)))
		return
	}
	c.enqueue(encodeAck(ref, com.Seq, com.ID))
	switch name {
	case session.OpActorMerge, session.OpActorRemove, session.OpRoundOpen, session.OpRoundClose:
		if com.Event == nil {
			break
		}
		if _, ev, err := DecodeEvent(com.Event); err == nil {
			h.afterCommit(wsID, &ev, com.State)
		}
	}
}

// asError turns any error of the apply path into what a client is told.
func (h *Hub) asError(err error) *session.Error {
	var se *session.Error
	if errors.As(err, &se) {
		return se
	}
	if errors.Is(err, ErrNotFound) {
		return session.Errorf(session.CodeNotFound, "this workshop no longer exists")
	}
	h.log.Error("apply", "err", err)
	return session.Errorf(session.CodeUnavailable, "the change could not be stored; try again")
}

// Leave closes c (normal closure) after its read loop ended.
func (h *Hub) Leave(c *Conn, code websocket.StatusCode, reason string) {
	c.Close(code, reason)
	h.forget(c)
}

func (h *Hub) forget(c *Conn) {
	h.mu.Lock()
	if _, ok := h.conns[c]; ok {
		delete(h.conns, c)
		h.stats.Conns.Add(-1)
	}
	h.mu.Unlock()
}

// Delete removes workshop id and closes its connections with 4004.
func (h *Hub) Delete(ctx context.Context, id string) error {
	if err := h.eng.Delete(ctx, id); err != nil {
		return err
	}
	h.mu.Lock()
	r := h.rooms[id]
	h.mu.Unlock()
	if r != nil {
		r.closeAll(CloseDeleted, "workshop deleted", "")
	}
	return nil
}

// ExpireIdle deletes the workshops without a change since cutoff, closing their
// connections with 4004, when the engine does not expire them itself (the local engine).
// It returns how many it deleted.
func (h *Hub) ExpireIdle(ctx context.Context, cutoff time.Time) (int, error) {
	idler, ok := h.eng.(interface {
		Idle(context.Context, time.Time) ([]string, error)
	})
	if !ok {
		return 0, nil
	}
	ids, err := idler.Idle(ctx, cutoff)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, id := range ids {
		if err := h.Delete(ctx, id); err != nil && !errors.Is(err, ErrNotFound) {
			return n, err
		}
		n++
	}
	return n, nil
}

// Shutdown refuses new connections and closes every open one with 1001 (going away),
// flushing what is queued, until ctx ends.
func (h *Hub) Shutdown(ctx context.Context) {
	h.stopOnce.Do(func() { close(h.stop) })
	h.mu.Lock()
	h.down = true
	cs := make([]*Conn, 0, len(h.conns))
	for c := range h.conns {
		cs = append(cs, c)
	}
	h.mu.Unlock()
	var wg sync.WaitGroup
	for _, c := range cs {
		wg.Go(func() { c.Close(websocket.StatusGoingAway, "server going away") })
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
	}
}
