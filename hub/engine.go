package hub

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"

	"github.com/arena-workshop/arena/session"
)

// Engine errors. Engines wrap them; read them with errors.Is.
var (
	ErrNotFound    = errors.New("not found")
	ErrTooOld      = errors.New("events no longer held")
	ErrUnavailable = errors.New("store unavailable")
	ErrClosed      = errors.New("engine closed")
)

// Meta is what an engine keeps of a workshop beside its state.
type Meta struct {
	ID              string `json:"id"`
	Code            string `json:"code"`
	FacilitatorHash string `json:"facilitatorHash"` // HashToken of the facilitator token
	CreatedAt       int64  `json:"createdAt"`
}

// Grant binds a participant token (by its hash) to a participant, stored with a commit.
type Grant struct {
	Hash          string
	ParticipantID string
}

// Change is what an Update function decides: the session result, and a token to store
// with it. A Result without Event commits nothing.
type Change struct {
	session.Result
	Grant *Grant
}

// Committed is the outcome of an Update.
type Committed struct {
	Seq   uint64         // the seq of the event, or the current seq when nothing changed
	State *session.State // the state at Seq
	Event []byte         // the encoded event message, nil when nothing changed
	ID    string         // what an add created

	done <-chan error
}

// Wait blocks until the commit is durable (or failed). The op may be acknowledged only
// after Wait returns nil.
func (c *Committed) Wait(ctx context.Context) error {
	if c.done == nil {
		return nil
	}
	select {
	case err := <-c.done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Deliver receives the committed events of every watched workshop in seq order per
// workshop: msg holds one or more consecutive encoded events joined by '\n' (as one
// frame of PROTOCOL.md may), the last of them at seq. It must not block: it is called on
// the engine's delivery path. A call with seq 0 and a nil msg says that the workshop was
// deleted (by any instance).
type Deliver func(workshopID string, seq uint64, msg []byte)

// Engine stores workshops and orders their events. All methods may be called concurrently.
type Engine interface {
	// Create stores a new workshop; its code must not be taken (ErrCodeTaken).
	Create(ctx context.Context, m Meta, st *session.State) error
	// Resolve finds a workshop by its canonical code.
	Resolve(ctx context.Context, code string) (Meta, error)
	// Snapshot returns the latest durable state and its seq.
	Snapshot(ctx context.Context, id string) (*session.State, uint64, error)
	// Update runs fn on the latest state and commits what it decides as the next seq,
	// atomically: fn may run more than once (when another writer committed first) and must
	// be pure. Errors that fn returns come back unchanged.
	Update(ctx context.Context, id string, fn func(*session.State) (Change, error)) (*Committed, error)
	// Since returns the encoded events after seq, up to the latest durable one, or
	// ErrTooOld when the log no longer holds them all.
	Since(ctx context.Context, id string, after uint64) ([][]byte, error)
	// Participant returns the participant id bound to a token hash, or ErrNotFound.
	Participant(ctx context.Context, id, tokenHash string) (string, error)
	// Delete removes a workshop and everything it holds.
	Delete(ctx context.Context, id string) error
	// Ping reports whether the store answers.
	Ping(ctx context.Context) error
	// CommitTime is how long the engine's commits took: each makes one or more ops,
	// votes or estimates durable (for /metrics; a stalling disk or Redis shows there
	// first).
	CommitTime() *Histogram
	// SetDeliver sets the handler of committed events; call it once, before any Update.
	SetDeliver(d Deliver)
	// Watch asks for the delivery of a workshop's events on this instance (the hub
	// watches the workshops it has connections of); Unwatch ends one Watch. Calls nest.
	// They do not block on the store: events missed while subscribing are caught up.
	Watch(id string)
	Unwatch(id string)
	// SetShare states this instance's share of a workshop's presence (an empty share
	// removes it) and sends PresenceNotice to the instances watching the workshop.
	SetShare(ctx context.Context, id, instance string, s Share) error
	// Shares returns every instance's share of a workshop's presence.
	Shares(ctx context.Context, id string) (map[string]Share, error)
	// SetLive sets the handler of live notices (PublishLive, PresenceNotice) from any
	// instance, this one included; call it once, before any Watch. It must not block.
	SetLive(l Live)
	// PublishLive sends msg to every instance watching workshop id, this one included.
	PublishLive(ctx context.Context, id string, msg []byte) error

	// Votes and estimates live beside the state document (DESIGN.md): one ballot per
	// participant and round, one estimate per participant and actor, each changed
	// atomically; their aggregates go out as live messages.

	// CastVote replaces participant pid's ballot in round rd with what decide makes of
	// the current one (nil for none), atomically: decide may run more than once and must
	// be pure. The store checks the new ballot against rd's rules (candidates, the cap per
	// actor, the dots in all) in the same atomic step. After CloseRound it fails with a
	// session error "closed".
	CastVote(ctx context.Context, id string, rd *session.Round, pid string, decide func(session.Ballot) (session.Ballot, error)) (session.Ballot, error)
	// CloseRound refuses every later CastVote of the round: its ballots are final.
	CloseRound(ctx context.Context, id, roundID string) error
	// Ballots returns every ballot of a round by participant.
	Ballots(ctx context.Context, id, roundID string) (map[string]session.Ballot, error)
	// SetEstimate replaces pid's estimate of an actor with what decide makes of the
	// current one (the zero Estimate for none), atomically.
	SetEstimate(ctx context.Context, id, actorID, pid string, decide func(session.Estimate) (session.Estimate, error)) (session.Estimate, error)
	// Estimates returns the estimates of the given actors, by actor and participant.
	Estimates(ctx context.Context, id string, actorIDs []string) (map[string]map[string]session.Estimate, error)
	// MoveActor moves the ballots (by session.MergeBallot) and the estimates (by
	// session.MergeEstimate) of actor from onto actor into, after an actor.merge.
	MoveActor(ctx context.Context, id, from, into string, rounds []*session.Round) error
	// Close stops the engine after pending commits are written.
	Close() error
}

// Live receives the live notices of watched workshops.
type Live func(workshopID string, msg []byte)

// PresenceNotice is the live notice that an instance's share of presence changed.
var PresenceNotice = []byte(`{"type":"presence.changed"}`)

// Share is one instance's part of a workshop's presence.
type Share struct {
	Online  []string `json:"online"` // participant ids connected to that instance (the facilitator too)
	Viewers int      `json:"viewers"`
	At      int64    `json:"at"` // Unix ms when stated; stale after shareTTL (the instance died)
}

// ErrCodeTaken is returned by Create when the join code is in use.
var ErrCodeTaken = errors.New("code taken")

// HashToken returns the form in which a token is stored: engines never keep tokens.
func HashToken(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}
