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
	ctx       context.Context // ends when the connection is being closed
	cancel    context.CancelFunc
	wg        sync.WaitGroup
	stats     *Stats
}

func newConn(ws *websocket.Conn, pid, role string, stats *Stats) *Conn {
	ctx, cancel := context.WithCancel(context.Background())
	return &Conn{ws: ws, send: make(chan []byte, sendQueue), ParticipantID: pid, Role: role, ctx: ctx, cancel: cancel, stats: stats, limiter: newLimiter()}
}

// start runs the writer and the pinger.
func (c *Conn) start() {
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
// (one JSON object per line), until the connection closes.
func (c *Conn) writer() {
	defer c.wg.Done()
	var buf bytes.Buffer
	// One timer for every write, instead of a context per frame (measurable at 500
	// connections): a write that takes longer than writeWait closes the connection.
	stall := time.AfterFunc(writeWait, func() { c.ws.CloseNow() })
	stall.Stop()
	defer stall.Stop()
	for {
		select {
		case <-c.ctx.Done():
			return
		case msg := <-c.send:
			buf.Reset()
			buf.Write(msg)
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
			err := c.ws.Write(c.ctx, websocket.MessageText, buf.Bytes())
			stall.Stop()
			if err != nil {
				go c.Close(websocket.StatusGoingAway, "write failed")
				return
			}
			c.stats.Frames.Add(1)
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

// Flush waits until the queue is written or ctx ends (used before a planned close).
func (c *Conn) flush(ctx context.Context) {
	t := time.NewTicker(5 * time.Millisecond)
	defer t.Stop()
	for len(c.send) > 0 {
		select {
		case <-ctx.Done():
			return
		case <-c.ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Close leaves the room and closes the websocket with code and reason, once. Messages
// already queued are written first, for a short while.
func (c *Conn) Close(code websocket.StatusCode, reason string) {
	c.closeOnce.Do(func() {
		c.closing.Store(true)
		if c.room != nil {
			c.room.leave(c)
		}
		if code != StatusSlowConsumer {
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			c.flush(ctx)
			cancel()
		}
		c.cancel()
		c.wg.Wait()
		c.ws.Close(code, reason)
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
