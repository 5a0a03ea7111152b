package hub

import (
	"bytes"
	"context"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
	"golang.org/x/time/rate"
)

const (
	// sendQueue is how many messages of its own, or deliveries to its room (ringMax),
	// may wait for a connection's writer; a client that falls this far behind is a slow
	// consumer and is closed, never waited for.
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
	// The frames of a busy connection are spaced by a gap: a message that comes soon
	// after the previous frame waits for the connection's next slot (slotWait) and
	// leaves with whatever queued meanwhile, in one frame. An idle connection writes at
	// once. The gap grows with the room (gapPerConn a connection, at most maxFrameGap),
	// so the frames of a room, whose write system calls are the server's main cost, stay
	// under about 1/gapPerConn a second whatever the event rate: 500 connections get
	// 8 ms, a workshop of 40 phones 0.64 ms. It adds up to 1¼ gaps to a message (a frame
	// that ends less than a quarter gap before the connection's slot skips to the next
	// one). (bench/README.md, section 3: with the writers spread over the gap, 16 µs
	// gave a lower p99 at 500 clients than 20 or 13.)
	gapPerConn  = 16 * time.Microsecond
	maxFrameGap = 16 * time.Millisecond
	// closeFlush bounds how long Close waits for the queue to be written.
	closeFlush = time.Second
)

// StatusSlowConsumer is the close status of a connection whose queue overflowed.
const StatusSlowConsumer = websocket.StatusPolicyViolation

// Conn is one live websocket of a workshop on this instance. Its methods may be called
// concurrently; one writer goroutine owns the network writes, one pinger the pings.
//
// What a connection is sent comes from two queues: the room's ring of events, shared by
// every connection of the room (the fan-out appends once, whatever the room size; each
// writer keeps its own cursor), and the connection's own queue of messages to it alone
// (welcome, acks, errors, live messages). A message of its own records the ring's head
// when it was queued, so the writer sends both in the order they were queued.
type Conn struct {
	ws      *websocket.Conn
	from    uint64 // the welcome's seq: events up to it are in the welcome already
	limiter *rate.Limiter

	idx     int                  // in room.list, under the room's mu; -1 when not in it
	joined  atomic.Pointer[room] // set by join, under the room's mu; read it with home
	cursor  atomic.Uint64        // the next ring entry to write; the writer's (and join's)
	pmu     sync.Mutex
	priv    []privMsg    // under pmu
	npriv   atomic.Int32 // len(priv), written under pmu
	spare   []privMsg    // the writer's: priv's other buffer
	parked  atomic.Bool
	wake    chan struct{} // a token when parked and there is something to write
	writing atomic.Int64  // UnixNano when the write in progress began; 0 between writes
	phase   float64       // where in each frame gap this connection writes, 0 to 1

	ParticipantID string
	Role          string

	closing   atomic.Bool
	slowed    atomic.Bool
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

// privMsg is a message to one connection, queued when the room's ring head was pos: it
// goes after the ring's entries before pos and before the others.
type privMsg struct {
	pos uint64
	msg []byte
}

func newConn(ws *websocket.Conn, pid, role string, stats *Stats) *Conn {
	ctx, cancel := context.WithCancel(context.Background())
	return &Conn{ws: ws, idx: -1, phase: rand.Float64(), wake: make(chan struct{}, 1), ParticipantID: pid, Role: role, ctx: ctx, cancel: cancel, stats: stats, limiter: newLimiter(),
		quit: make(chan struct{}), written: make(chan struct{})}
}

// start runs the writer and the pinger.
func (c *Conn) start() {
	c.started.Store(true)
	c.wg.Add(2)
	go c.writer()
	go c.pinger()
}

// enqueue queues msg to this connection alone, without blocking; a full queue closes
// the connection as a slow consumer. It reports whether msg was queued.
func (c *Conn) enqueue(msg []byte) bool {
	if c.closing.Load() {
		return false
	}
	var pos uint64
	if r := c.home(); r != nil {
		pos = r.head.Load()
	}
	c.pmu.Lock()
	if len(c.priv) >= sendQueue {
		c.pmu.Unlock()
		c.slow()
		return false
	}
	c.priv = append(c.priv, privMsg{pos: pos, msg: msg})
	c.npriv.Store(int32(len(c.priv)))
	c.pmu.Unlock()
	c.poke()
	return true
}

// home is the room c joined, or nil before.
func (c *Conn) home() *room { return c.joined.Load() }

// poke wakes the writer if it waits for something to write.
func (c *Conn) poke() {
	if c.parked.Load() {
		select {
		case c.wake <- struct{}{}:
		default:
		}
	}
}

// slow closes the connection as a slow consumer, once.
func (c *Conn) slow() {
	if c.slowed.CompareAndSwap(false, true) {
		c.stats.SlowConsumers.Add(1)
		go c.Close(StatusSlowConsumer, "slow consumer")
	}
}

// pending reports whether there is something to write.
func (c *Conn) pending() bool {
	r := c.home()
	return c.npriv.Load() > 0 || r != nil && r.head.Load() > c.cursor.Load()
}

// await waits until there is something to write; false when Close asked the writer to
// quit first.
func (c *Conn) await() bool {
	for !c.pending() {
		c.parked.Store(true)
		if c.pending() { // queued between the check and parked: no poke came
			c.parked.Store(false)
			break
		}
		select {
		case <-c.wake:
		case <-c.quit:
			c.parked.Store(false)
			return false
		}
		c.parked.Store(false)
	}
	return true
}

// take appends to out everything due to c, in the order it was queued: the room's
// entries from c's cursor on (without what c's welcome held) and c's own messages. It
// reports false when c fell a whole ring behind: entries it needed were overwritten.
//
// The ring's head is read before c's own messages are taken, so that an entry added
// after a message of c's was queued is not written before it; an own message queued
// later than head takes the entries before its pos along (they are in the ring).
func (c *Conn) take(out [][]byte) ([][]byte, bool) {
	r := c.home()
	var head uint64
	if r != nil {
		head = r.head.Load()
	}
	var priv []privMsg
	if c.npriv.Load() > 0 {
		c.pmu.Lock()
		priv = c.priv
		c.priv = c.spare[:0]
		c.npriv.Store(0)
		c.pmu.Unlock()
		defer func() {
			clear(priv)
			c.spare = priv[:0]
		}()
	}
	if r == nil {
		for _, p := range priv {
			out = append(out, p.msg)
		}
		return out, true
	}
	g := r.ring.Load() // after head: it holds every entry up to head not yet overwritten
	cur := c.cursor.Load()
	upTo := func(pos uint64) bool {
		for ; cur < pos; cur++ {
			e := g.at(cur)
			if e == nil {
				return false
			}
			if m := e.forConn(c.from); m != nil {
				out = append(out, m)
			}
		}
		return true
	}
	for _, p := range priv {
		if !upTo(p.pos) {
			return out, false
		}
		out = append(out, p.msg)
	}
	if !upTo(head) {
		return out, false
	}
	c.cursor.Store(cur)
	return out, true
}

// writer writes what is queued, batching what queued meanwhile into one frame (one JSON
// object per line), until the connection closes. When Close asks it to quit, it writes
// what is queued (unless the connection is a slow consumer) and ends.
func (c *Conn) writer() {
	defer c.wg.Done()
	defer close(c.written)
	var out [][]byte
	// flush takes what is due and writes it, in frames of up to maxFrame. Writes never
	// use a context that Close cancels (coder/websocket would drop the connection without
	// a close frame) nor one per frame (measurable at 500 connections): the hub's
	// watchdog closes a connection whose write takes longer than writeWait.
	flush := func() bool {
		var ok bool
		if out, ok = c.take(out[:0]); !ok {
			c.slow()
			return false
		}
		defer clear(out)
		var buf *bytes.Buffer
		for i := 0; i < len(out); {
			// out[i:j] make one frame of up to maxFrame; a lone message is written as is.
			j, size := i+1, len(out[i])
			for j < len(out) && size+1+len(out[j]) <= maxFrame {
				size += 1 + len(out[j])
				j++
			}
			frame := out[i]
			if j-i > 1 {
				if buf == nil {
					buf = framePool.Get().(*bytes.Buffer) // shared: a smaller working set than one a connection
					defer framePool.Put(buf)
				}
				buf.Reset()
				for k := i; k < j; k++ {
					if k > i {
						buf.WriteByte('\n')
					}
					buf.Write(out[k])
				}
				frame = buf.Bytes()
			}
			i = j
			c.writing.Store(time.Now().UnixNano())
			err := c.ws.Write(context.Background(), websocket.MessageText, frame)
			c.writing.Store(0)
			if err != nil {
				go c.Close(websocket.StatusGoingAway, "write failed")
				return false
			}
			c.stats.Frames.Add(1)
		}
		return true
	}
	for c.await() && !c.quitting() {
		if !flush() {
			return
		}
		// Space the frames: what queues meanwhile leaves in one frame at this connection's
		// next slot. (A sleep, not a timer and a select: Close waits for the writer anyway.)
		if gap := c.frameGap(); gap > 0 {
			time.Sleep(slotWait(time.Now().UnixNano(), gap, c.phase))
		}
	}
	if c.drain.Load() { // Close asked to quit: write what is queued and end
		flush()
	}
}

// framePool holds the buffers frames are put together in.
var framePool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// quitting reports whether Close asked the writer to quit.
func (c *Conn) quitting() bool {
	select {
	case <-c.quit:
		return true
	default:
		return false
	}
}

// stalled reports whether the write in progress began more than writeWait before now.
func (c *Conn) stalled(now int64) bool {
	w := c.writing.Load()
	return w != 0 && now-w > int64(writeWait)
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

// slotWait is how long a writer that finished a frame at now (UnixNano) sleeps before
// its next one: until the next instant of its own phase of the gap (phase×gap, modulo
// gap) that is at least a quarter of a gap away. A busy connection so writes once a gap,
// on its phase, and the connections of a room, whose phases are random, write spread
// over the gap instead of in bursts: a room that became busy at one instant would
// otherwise keep writing all at once, gap after gap, and a message would wait for the
// burst as well as the gap. (bench/README.md, section 3: p99 1 ms lower at 500 clients,
// 1–2 ms with the cores taken by something else.) A writer more than ¾ of a gap late
// skips to the phase after, which spaces its frames further when the CPU is short.
func slotWait(now int64, gap time.Duration, phase float64) time.Duration {
	g := int64(gap)
	earliest := now + g/4
	r := (earliest - int64(phase*float64(g))) % g // how far past its phase earliest is
	if r < 0 {
		r += g
	}
	if r == 0 {
		return time.Duration(earliest - now)
	}
	return time.Duration(earliest + g - r - now)
}

// frameGap is the spacing of this connection's frames, by the size of its room.
func (c *Conn) frameGap() time.Duration {
	r := c.home()
	if r == nil {
		return 0
	}
	return min(maxFrameGap, time.Duration(r.size.Load())*gapPerConn)
}

// Close leaves the room and closes the websocket with code and reason, once. Messages
// already queued are written first, for a short while (not to a slow consumer).
func (c *Conn) Close(code websocket.StatusCode, reason string) {
	c.closeOnce.Do(func() {
		c.closing.Store(true)
		r := c.home()
		if r != nil {
			r.leave(c)
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
		if c.ws != nil { // nil only in tests of the queues
			c.ws.Close(code, reason) // a writer still blocked on a dead client fails now
		}
		c.wg.Wait()
		if r != nil {
			r.unlist(c)
		}
	})
}

// PROTOCOL.md allows 20 ops a second on average, bursts of 40.
const (
	opRate  = 20
	opBurst = 40
)

func newLimiter() *rate.Limiter { return rate.NewLimiter(opRate, opBurst) }

// AllowOp reports whether the connection may send one more op now.
func (c *Conn) AllowOp(now time.Time) bool { return c.limiter.AllowN(now, 1) }

// Send queues one encoded message to this connection alone.
func (c *Conn) Send(msg []byte) { c.enqueue(msg) }
