package hub

import (
	"bytes"
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
)

const (
	// sendQueue is how many messages may wait for a connection's writer; a client that
	// falls this far behind is a slow consumer and is closed, never waited for.
	sendQueue = 1024
	// writeWait bounds one network write; a phone on bad Wi-Fi gets this long.
	writeWait = 10 * time.Second
	// pingPeriod is how often the server pings; pongWait is how long a client may take
	// to answer before it is dropped (PROTOCOL.md: 30 s).
	pingPeriod = 20 * time.Second
	pongWait   = 30 * time.Second
	// maxFrame bounds one batched frame from the server, so a slow start does not grow
	// one write without limit.
	maxFrame = 256 << 10
	// The frames of a busy connection are spaced: a message that comes within the gap
	// of the previous frame waits for the rest of it and leaves with whatever queued
	// meanwhile, in one frame. An idle connection writes at once. The gap grows with the
	// room (gapPerConn a connection, at most maxFrameGap), so the frames of a room, whose
	// write system calls are the server's main cost, stay under about 1/gapPerConn a
	// second whatever the event rate: 500 connections get 12.5 ms, a workshop of 40
	// phones 1 ms. It adds at most the gap to a message.
	gapPerConn  = 25 * time.Microsecond
	maxFrameGap = 16 * time.Millisecond
	// closeFlush bounds how long Close waits for the queue to be written.
	closeFlush = time.Second
)

// StatusSlowConsumer is the close status of a connection whose queue overflowed.
const StatusSlowConsumer = websocket.StatusPolicyViolation

// Conn is one live websocket of a workshop on this instance. Its methods may be called
// concurrently; one writer goroutine owns the network writes, one pinger the pings.
type Conn struct {
	ws      *websocket.Conn
	room    *room
	send    chan []byte
	from    uint64 // the welcome's seq: events up to it are in the welcome already
	limiter limiter

	ParticipantID string
	Role          string

	closing   atomic.Bool
	closeOnce sync.Once
	quit      chan struct{} // closed by Close: the writer finishes
	drain     atomic.Bool   // the writer writes what is queued before it ends
	written   chan struct{} // closed when the writer ended
	started   atomic.Bool
	ctx       context.Context // ends when the connection is being closed (the pinger)
	cancel    context.CancelFunc
	wg        sync.WaitGroup
	stats     *Stats
}

func newConn(ws *websocket.Conn, pid, role string, stats *Stats) *Conn {
	ctx, cancel := context.WithCancel(context.Background())
	return &Conn{ws: ws, send: make(chan []byte, sendQueue), ParticipantID: pid, Role: role, ctx: ctx, cancel: cancel, stats: stats, limiter: newLimiter(),
		quit: make(chan struct{}), written: make(chan struct{})}
}

// start runs the writer and the pinger.
func (c *Conn) start() {
	c.started.Store(true)
	c.wg.Add(2)
	go c.writer()
	go c.pinger()
}

// enqueue queues msg without blocking; a full queue closes the connection as a slow
// consumer. It reports whether msg was queued.
func (c *Conn) enqueue(msg []byte) bool {
	if c.closing.Load() {
		return false
	}
	select {
	case c.send <- msg:
		return true
	default:
		c.stats.SlowConsumers.Add(1)
		go c.Close(StatusSlowConsumer, "slow consumer")
		return false
	}
}

// writer writes queued messages, batching what has queued meanwhile into one frame
// (one JSON object per line), until the connection closes. When Close asks it to quit,
// it writes what is queued (unless the connection is a slow consumer) and ends.
func (c *Conn) writer() {
	defer c.wg.Done()
	defer close(c.written)
	var buf bytes.Buffer
	// One timer for every write, instead of a context per frame (measurable at 500
	// connections): a write that takes longer than writeWait closes the connection.
	// Writes never use a context that Close cancels: coder/websocket would drop the
	// connection without a close frame.
	stall := time.AfterFunc(writeWait, func() { c.ws.CloseNow() })
	stall.Stop()
	defer stall.Stop()
	gap := time.NewTimer(time.Hour)
	gap.Stop()
	var last time.Time
	write := func(first []byte) bool {
		buf.Reset()
		buf.Write(first)
	drain:
		for buf.Len() < maxFrame {
			select {
			case m := <-c.send:
				buf.WriteByte('\n')
				buf.Write(m)
			default:
				break drain
			}
		}
		stall.Reset(writeWait)
		err := c.ws.Write(context.Background(), websocket.MessageText, buf.Bytes())
		stall.Stop()
		if err != nil {
			go c.Close(websocket.StatusGoingAway, "write failed")
			return false
		}
		c.stats.Frames.Add(1)
		last = time.Now()
		return true
	}
	// finish writes what is queued, in frames of up to maxFrame, and ends.
	finish := func(held []byte) {
		if !c.drain.Load() {
			return
		}
		if held == nil {
			select {
			case held = <-c.send:
			default:
				return
			}
		}
		for held != nil && write(held) {
			select {
			case held = <-c.send:
			default:
				held = nil
			}
		}
	}
	for {
		var msg []byte
		select {
		case <-c.quit:
			finish(nil)
			return
		case msg = <-c.send:
		}
		if wait := c.frameGap() - time.Since(last); wait > 0 {
			gap.Reset(wait)
			select {
			case <-gap.C:
			case <-c.quit:
				gap.Stop()
				finish(msg)
				return
			}
		}
		if !write(msg) {
			return
		}
	}
}

func (c *Conn) pinger() {
	defer c.wg.Done()
	t := time.NewTicker(pingPeriod)
	defer t.Stop()
	for {
		select {
		case <-c.ctx.Done():
			return
		case <-t.C:
			ctx, cancel := context.WithTimeout(c.ctx, pongWait)
			err := c.ws.Ping(ctx)
			cancel()
			if err != nil {
				go c.Close(websocket.StatusGoingAway, "no pong")
				return
			}
		}
	}
}

// frameGap is the spacing of this connection's frames, by the size of its room.
func (c *Conn) frameGap() time.Duration {
	if c.room == nil {
		return 0
	}
	return min(maxFrameGap, time.Duration(c.room.size.Load())*gapPerConn)
}

// Close leaves the room and closes the websocket with code and reason, once. Messages
// already queued are written first, for a short while (not to a slow consumer).
func (c *Conn) Close(code websocket.StatusCode, reason string) {
	c.closeOnce.Do(func() {
		c.closing.Store(true)
		if c.room != nil {
			c.room.leave(c)
		}
		c.drain.Store(code != StatusSlowConsumer)
		close(c.quit)
		if c.started.Load() {
			select {
			case <-c.written:
			case <-time.After(closeFlush):
			}
		}
		c.cancel()
		c.ws.Close(code, reason) // a writer still blocked on a dead client fails now
		c.wg.Wait()
	})
}

// limiter is a token bucket: PROTOCOL.md allows 20 ops a second on average, bursts of 40.
type limiter struct {
	mu     sync.Mutex
	tokens float64
	last   time.Time
}

const (
	opRate  = 20
	opBurst = 40
)

func newLimiter() limiter { return limiter{tokens: opBurst} }

// Allow takes one token if there is one.
func (l *limiter) Allow(now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.last.IsZero() {
		l.tokens += now.Sub(l.last).Seconds() * opRate
		if l.tokens > opBurst {
			l.tokens = opBurst
		}
	}
	l.last = now
	if l.tokens < 1 {
		return false
	}
	l.tokens--
	return true
}

// AllowOp reports whether the connection may send one more op now.
func (c *Conn) AllowOp(now time.Time) bool { return c.limiter.Allow(now) }

// Send queues one encoded message to this connection alone.
func (c *Conn) Send(msg []byte) { c.enqueue(msg) }
