// Command loadgen puts a running Arena under websocket load and reports how events reach
// the clients: it creates a workshop, connects many clients, has a few driver
// connections send actor.update ops at a steady total rate, and measures at every client
// the delivery latency of each event (receive time minus the send time that the op wrote
// into the actor's name; the generator and the server must share a clock, e.g. one
// machine), the events per second, the seq continuity, errors and close codes.
//
//	go run ./bench/loadgen --url http://127.0.0.1:8080 --clients 500 --rate 1000 --duration 10s
//
// See bench/README.md for figures. It exits 1 when a client saw a gap in seq, lost
// events, or was closed by the server.
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/google/uuid"
)

type config struct {
	url         string
	metricsURL  string   // the admin listener of the first instance (/metrics)
	urls        []string // url split on commas: client i dials urls[i % len]
	clients     int
	drivers     int
	rate        float64
	duration    time.Duration
	actors      int
	role        string
	dialConc    int
	drain       time.Duration
	warmup      time.Duration
	cpuprofile  string
	readLimit   int64
	participant int // receivers (besides drivers) that join as participants
	ws          string
}

func main() {
	var cfg config
	flag.StringVar(&cfg.metricsURL, "metrics", "http://127.0.0.1:9091", "base URL of the first instance's admin listener (its --admin-addr), where /metrics answers")
	flag.StringVar(&cfg.url, "url", "http://127.0.0.1:8080", "base URL of a running Arena; several, separated by commas, spread the clients over instances (the workshop is made on the first)")
	flag.IntVar(&cfg.clients, "clients", 500, "websocket clients in the workshop, drivers included")
	flag.IntVar(&cfg.drivers, "drivers", 60, "participant connections that send the ops (each may send 20 ops/s)")
	flag.Float64Var(&cfg.rate, "rate", 1000, "ops (hence events) per second, in all")
	flag.DurationVar(&cfg.duration, "duration", 10*time.Second, "how long the drivers send")
	flag.IntVar(&cfg.actors, "actors", 20, "actors created first and updated by the ops (at most 200)")
	flag.StringVar(&cfg.role, "role", "viewer", "role of the receiving clients that do not drive: viewer or participant (a workshop holds 300 participants)")
	flag.IntVar(&cfg.dialConc, "dial-concurrency", 50, "clients connecting at once")
	flag.DurationVar(&cfg.drain, "drain", 10*time.Second, "how long to wait after the run for the last events to arrive")
	flag.DurationVar(&cfg.warmup, "warmup", 0, "ops sent in this first part of the run are left out of the latency figures")
	flag.StringVar(&cfg.cpuprofile, "cpuprofile", "", "write a CPU profile of the generator to this file")
	flag.Int64Var(&cfg.readLimit, "read-limit", 8<<20, "largest frame a client accepts (bytes)")
	flag.StringVar(&cfg.ws, "ws", "lean", "websocket client: lean (a minimal RFC 6455 client, cheapest on a CPU shared with the server) or coder (coder/websocket)")
	flag.Parse()
	if err := validate(&cfg); err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(2)
	}
	os.Exit(mainCode(cfg))
}

func mainCode(cfg config) int {
	if cfg.cpuprofile != "" {
		f, err := os.Create(cfg.cpuprofile)
		if err != nil {
			fmt.Fprintln(os.Stderr, "loadgen:", err)
			return 2
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintln(os.Stderr, "loadgen:", err)
			return 2
		}
		defer pprof.StopCPUProfile()
	}
	ok, err := run(cfg, os.Stdout)
	switch {
	case err != nil:
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		return 2
	case !ok:
		return 1
	}
	return 0
}

func validate(cfg *config) error {
	for _, u := range strings.Split(cfg.url, ",") {
		cfg.urls = append(cfg.urls, strings.TrimRight(strings.TrimSpace(u), "/"))
	}
	cfg.url = cfg.urls[0]
	switch {
	case cfg.clients < 1:
		return errors.New("--clients must be at least 1")
	case cfg.ws != "lean" && cfg.ws != "coder":
		return errors.New("--ws must be lean or coder")
	case cfg.drivers < 1 || cfg.drivers > cfg.clients:
		return errors.New("--drivers must be 1 to --clients")
	case cfg.rate <= 0:
		return errors.New("--rate must be positive")
	case cfg.rate/float64(cfg.drivers) > 20:
		return fmt.Errorf("--rate %.0f over %d drivers is %.1f ops/s each: over the server's 20 a connection; add drivers", cfg.rate, cfg.drivers, cfg.rate/float64(cfg.drivers))
	case cfg.actors < 1 || cfg.actors > 200:
		return errors.New("--actors must be 1 to 200")
	case cfg.role != "viewer" && cfg.role != "participant":
		return errors.New("--role must be viewer or participant")
	}
	if cfg.role == "participant" {
		cfg.participant = cfg.clients - cfg.drivers
	}
	if cfg.drivers+cfg.participant > 299 {
		return errors.New("a workshop holds 300 participants: use fewer drivers or --role viewer")
	}
	return nil
}

// client is one websocket; its reader goroutine owns every field below mu-free until
// done is closed.
type client struct {
	idx    int
	ws     wsConn
	driver bool

	welcome  chan struct{} // closed at the welcome
	welcomed bool
	acks     chan ack      // driver only: acks and errors of its ops
	done     chan struct{} // closed when the reader ends

	lastSeq   atomic.Uint64 // last event seq seen (the welcome's at first)
	startSeq  uint64        // welcome seq
	events    int64         // events with a load timestamp
	gaps      int64         // times seq jumped forward by more than 1
	missing   uint64
	backwards int64 // seq not rising
	lat       []uint32
	ackLat    []uint32 // driver only: op sent to ack received, µs
	secMax    []uint32 // by second of the run (send time): the largest latency, µs
	secSlow   []int64  // by second of the run: deliveries over 20 ms
	maxLat    time.Duration
	errs      map[string]int
	frames    int64
	closeCode int // -1: not closed by the server
	readErr   error
}

type ack struct {
	ref   string
	seq   uint64
	id    string
	isErr bool
	code  string
}

var (
	pfxEvent   = []byte(`{"type":"event","seq":`)
	pfxWelcome = []byte(`{"type":"welcome"`)
	pfxAck     = []byte(`{"type":"ack"`)
	pfxError   = []byte(`{"type":"error"`)
	keyStamp   = []byte(`"name":"lg `)
)

// stopping is set when the run closes the connections.
var stopping atomic.Bool

// measureFrom is the UnixNano before which an op's latency is not recorded (warm-up).
var measureFrom atomic.Int64

func (c *client) read(ctx context.Context) {
	defer close(c.done)
	for {
		frame, err := c.ws.next()
		if err != nil {
			c.ended(ctx, err)
			return
		}
		c.onFrame(frame, time.Now().UnixNano())
	}
}

// ended records why the connection ended, unless the run closed it.
func (c *client) ended(ctx context.Context, err error) {
	if err == nil || stopping.Load() || ctx.Err() != nil {
		return
	}
	c.closeCode = closeStatus(err)
	c.readErr = err
}

// onFrame handles one message from the server, received at now (UnixNano).
func (c *client) onFrame(frame []byte, now int64) {
	c.frames++
	for len(frame) > 0 {
		line := frame
		if i := bytes.IndexByte(frame, '\n'); i >= 0 {
			line, frame = frame[:i], frame[i+1:]
		} else {
			frame = nil
		}
		switch {
		case bytes.HasPrefix(line, pfxEvent):
			seq, _ := parseUint(line[len(pfxEvent):])
			c.event(seq, line, now)
		case bytes.HasPrefix(line, pfxWelcome):
			var w struct {
				Seq    uint64            `json:"seq"`
				Events []json.RawMessage `json:"events"`
			}
			if err := json.Unmarshal(line, &w); err != nil {
				c.errs["bad welcome"]++
				continue
			}
			c.startSeq = w.Seq
			c.lastSeq.Store(w.Seq)
			if !c.welcomed {
				c.welcomed = true
				close(c.welcome)
			}
		case bytes.HasPrefix(line, pfxAck), bytes.HasPrefix(line, pfxError):
			var a struct {
				Type, Ref, ID, Code string
				Seq                 uint64
			}
			if err := json.Unmarshal(line, &a); err != nil {
				c.errs["bad message"]++
				continue
			}
			if a.Type == "error" {
				c.errs[a.Code]++
			}
			if sent, ok := parseUint([]byte(strings.TrimPrefix(a.Ref, "t"))); ok && strings.HasPrefix(a.Ref, "t") && int64(sent) >= measureFrom.Load() {
				c.ackLat = append(c.ackLat, toUS(time.Duration(now-int64(sent))))
			}
			if c.acks != nil {
				select {
				case c.acks <- ack{ref: a.Ref, seq: a.Seq, id: a.ID, isErr: a.Type == "error", code: a.Code}:
				default:
					c.errs["ack queue full"]++
				}
			}
		}
	}
}

func (c *client) event(seq uint64, line []byte, now int64) {
	last := c.lastSeq.Load()
	switch {
	case seq == last+1:
	case seq > last+1:
		c.gaps++
		c.missing += seq - last - 1
	default:
		c.backwards++
		return
	}
	c.lastSeq.Store(seq)
	i := bytes.Index(line, keyStamp)
	if i < 0 {
		return
	}
	sent, ok := parseUint(line[i+len(keyStamp):])
	if !ok {
		return
	}
	c.events++
	if int64(sent) < measureFrom.Load() {
		return
	}
	d := time.Duration(now - int64(sent))
	if d > c.maxLat {
		c.maxLat = d
	}
	us := toUS(d)
	c.lat = append(c.lat, us)
	if sec := (int64(sent) - measureFrom.Load()) / int64(time.Second); sec < int64(len(c.secMax)) {
		c.secMax[sec] = max(c.secMax[sec], us)
		if d > slowLatency {
			c.secSlow[sec]++
		}
	}
}

// slowLatency is the target: p99 under 20 ms.
const slowLatency = 20 * time.Millisecond

func toUS(d time.Duration) uint32 {
	return uint32(min(max(d.Microseconds(), 0), 1<<32-1))
}

func parseUint(b []byte) (uint64, bool) {
	var n uint64
	i := 0
	for ; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
		n = n*10 + uint64(b[i]-'0')
	}
	return n, i > 0
}

type created struct {
	ID, Code, FacilitatorToken string
}

func createWorkshop(base string) (created, error) {
	body := strings.NewReader(`{"title":"loadgen ` + time.Now().Format(time.RFC3339) + `","locale":"en"}`)
	resp, err := http.Post(base+"/api/workshops", "application/json", body)
	if err != nil {
		return created{}, err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusCreated {
		return created{}, fmt.Errorf("create workshop: %s: %s", resp.Status, b)
	}
	var c created
	return c, json.Unmarshal(b, &c)
}

// commitLine reports the server's commit times during the run (arena_commit_seconds,
// whose differences d gives), so a stall in the run can be told from one on disk.
func commitLine(d func(string) float64) string {
	n := d("arena_commit_seconds_count")
	if n == 0 {
		return "server commits: none counted (a server without arena_commit_seconds?)"
	}
	bucket := func(le string) float64 { return d(`arena_commit_seconds_bucket{le="` + le + `"}`) }
	slowest := "over 1s"
	for _, le := range []string{"1", "0.25", "0.1", "0.05", "0.025", "0.01", "0.005", "0.0025", "0.001", "0.0005", "0.00025", "0.0001"} {
		if bucket(le) < n {
			break
		}
		slowest = "at most " + le + "s"
	}
	return fmt.Sprintf("server commits: %.0f (%.1f ops received a commit), mean %.2fms, over 5ms %.0f, over 25ms %.0f, slowest %s",
		n, d("arena_ops_total")/n, 1000*d("arena_commit_seconds_sum")/n, n-bucket("0.005"), n-bucket("0.025"), slowest)
}

// metrics reads the server's counters (those this report uses) from /metrics.
func metrics(base string) map[string]float64 {
	out := map[string]float64{}
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		return out
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") {
			continue
		}
		name, val, ok := strings.Cut(line, " ")
		if !ok {
			continue
		}
		if v, err := strconv.ParseFloat(val, 64); err == nil {
			out[name] = v
		}
	}
	return out
}

func dial(ctx context.Context, cfg config, code string, idx int, role, name string) (*client, error) {
	u := "ws" + strings.TrimPrefix(cfg.urls[idx%len(cfg.urls)], "http") + "/api/workshops/" + code + "/ws"
	dctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	ws, err := dialWS(dctx, cfg.ws, u, cfg.readLimit)
	if err != nil {
		return nil, fmt.Errorf("client %d: dial: %w", idx, err)
	}
	c := &client{idx: idx, ws: ws, welcome: make(chan struct{}), done: make(chan struct{}), errs: map[string]int{}, closeCode: -1}
	if name != "" && strings.HasPrefix(name, "driver") {
		c.driver = true
		c.acks = make(chan ack, 4096)
	}
	c.lat = make([]uint32, 0, int(cfg.rate*cfg.duration.Seconds())+64)
	secs := int(cfg.duration/time.Second) + 2
	c.secMax, c.secSlow = make([]uint32, secs), make([]int64, secs)
	go c.read(ctx)
	hello, _ := json.Marshal(map[string]string{"type": "hello", "role": role, "name": name})
	if err := ws.write(dctx, hello); err != nil {
		ws.closeNow()
		return nil, fmt.Errorf("client %d: hello: %w", idx, err)
	}
	select {
	case <-c.welcome:
		return c, nil
	case <-c.done:
		return nil, fmt.Errorf("client %d: closed before welcome: %v", idx, c.readErr)
	case <-dctx.Done():
		ws.closeNow()
		return nil, fmt.Errorf("client %d: no welcome within 30 s", idx)
	}
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func run(cfg config, out io.Writer) (bool, error) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	measureFrom.Store(math.MaxInt64) // nothing is measured before the run
	w, err := createWorkshop(cfg.url)
	if err != nil {
		return false, err
	}
	fmt.Fprintf(out, "workshop %s: %d clients (%d drivers, %d %s receivers), %.0f ops/s for %s, %d actors, GOMAXPROCS %d, %s websocket client\n",
		w.Code, cfg.clients, cfg.drivers, cfg.clients-cfg.drivers, cfg.role, cfg.rate, cfg.duration, cfg.actors, runtime.GOMAXPROCS(0), cfg.ws)

	// Connect: drivers first (participants), then the receivers.
	clients := make([]*client, cfg.clients)
	var dialErr error
	var mu sync.Mutex
	sem := make(chan struct{}, cfg.dialConc)
	var wg sync.WaitGroup
	t0 := time.Now()
	for i := range clients {
		role, name := cfg.role, ""
		if i < cfg.drivers {
			role, name = "participant", fmt.Sprintf("driver %d", i)
		} else if cfg.role == "participant" {
			name = fmt.Sprintf("client %d", i)
		}
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			c, err := dial(ctx, cfg, w.Code, i, role, name)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				dialErr = errors.Join(dialErr, err)
				return
			}
			clients[i] = c
		})
	}
	wg.Wait()
	if dialErr != nil {
		return false, dialErr
	}
	fmt.Fprintf(out, "connected %d clients in %s\n", len(clients), time.Since(t0).Round(time.Millisecond))
	defer func() {
		var wg sync.WaitGroup
		for _, c := range clients {
			wg.Go(func() { c.ws.close() })
		}
		wg.Wait()
	}()

	// Pre-create the actors (driver 0, at most 20 a second to stay under the limit).
	d0 := clients[0]
	actorIDs := make([]string, cfg.actors)
	var setupSeq uint64
	for i := range actorIDs {
		actorIDs[i] = uuid.NewString()
		op := fmt.Sprintf(`{"type":"op","ref":"add-%d","op":"actor.add","data":{"id":%q,"name":"actor %d","category":"core"}}`, i, actorIDs[i], i)
		if err := d0.ws.write(ctx, []byte(op)); err != nil {
			return false, fmt.Errorf("add actor: %w", err)
		}
		select {
		case a := <-d0.acks:
			if a.isErr {
				return false, fmt.Errorf("add actor: error %s", a.code)
			}
			setupSeq = max(setupSeq, a.seq)
		case <-time.After(10 * time.Second):
			return false, errors.New("add actor: no ack within 10 s")
		}
		time.Sleep(50 * time.Millisecond)
	}
	if !waitSeq(clients, setupSeq, 10*time.Second) {
		return false, fmt.Errorf("the clients did not all reach seq %d after setup", setupSeq)
	}
	time.Sleep(2 * time.Second) // the rate limiters refill, presence settles
	before := metrics(cfg.metricsURL)
	cpu0 := cpuTime()

	// Drive: driver i sends every drivers/rate seconds, offset by i/rate.
	interval := time.Duration(float64(time.Second) * float64(cfg.drivers) / cfg.rate)
	start := time.Now().Add(50 * time.Millisecond)
	end := start.Add(cfg.duration)
	measureFrom.Store(start.Add(cfg.warmup).UnixNano())
	var sent, sendErrs atomic.Int64
	for i := 0; i < cfg.drivers; i++ {
		c := clients[i]
		actor := actorIDs[i%len(actorIDs)]
		offset := time.Duration(float64(time.Second) * float64(i) / cfg.rate)
		wg.Go(func() {
			buf := make([]byte, 0, 256)
			for next := start.Add(offset); next.Before(end); next = next.Add(interval) {
				time.Sleep(time.Until(next))
				// The ref and the name carry the send time: the ack and the event
				// tell their latency.
				now := time.Now().UnixNano()
				buf = buf[:0]
				buf = append(buf, `{"type":"op","ref":"t`...)
				buf = strconv.AppendInt(buf, now, 10)
				buf = append(buf, `","op":"actor.update","data":{"id":"`...)
				buf = append(buf, actor...)
				buf = append(buf, `","name":"lg `...)
				buf = strconv.AppendInt(buf, now, 10)
				buf = append(buf, ` d`...)
				buf = strconv.AppendInt(buf, int64(i), 10)
				buf = append(buf, `"}}`...)
				if err := c.ws.write(ctx, buf); err != nil {
					sendErrs.Add(1)
					return
				}
				sent.Add(1)
			}
		})
	}
	wg.Wait()
	sendDone := time.Now()

	// Collect the acks; the last acked seq is what every client must reach.
	finalSeq := setupSeq
	var acked, opErrs int64
	opErrCodes := map[string]int{}
	deadline := time.After(cfg.drain)
collect:
	for acked+opErrs < sent.Load() {
		for _, c := range clients[:cfg.drivers] {
			for {
				select {
				case a := <-c.acks:
					if a.isErr {
						opErrs++
						opErrCodes[a.code]++
					} else {
						acked++
						finalSeq = max(finalSeq, a.seq)
					}
					continue
				default:
				}
				break
			}
		}
		select {
		case <-deadline:
			break collect
		case <-time.After(5 * time.Millisecond):
		}
	}
	caughtUp := waitSeq(clients, finalSeq, max(cfg.drain-time.Since(sendDone), time.Second))
	lastArrival := time.Since(sendDone)
	cpu := cpuTime() - cpu0
	after := metrics(cfg.metricsURL)
	stopping.Store(true)
	cancel()
	for _, c := range clients {
		c.ws.closeNow() // the readers end; nothing below reads the clients concurrently
		<-c.done
	}
	return report(out, cfg, clients, reportIn{
		sent: sent.Load(), sendErrs: sendErrs.Load(), acked: acked, opErrs: opErrs, opErrCodes: opErrCodes,
		finalSeq: finalSeq, setupSeq: setupSeq, caughtUp: caughtUp, tail: lastArrival,
		elapsed: sendDone.Sub(start), cpu: cpu, before: before, after: after,
	}), nil
}

// waitSeq waits until every client still open has seen seq.
func waitSeq(clients []*client, seq uint64, d time.Duration) bool {
	deadline := time.Now().Add(d)
	for {
		all := true
		for _, c := range clients {
			select {
			case <-c.done:
				continue
			default:
			}
			if c.lastSeq.Load() < seq {
				all = false
				break
			}
		}
		if all {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(5 * time.Millisecond)
	}
}

type reportIn struct {
	sent, sendErrs, acked, opErrs int64
	opErrCodes                    map[string]int
	finalSeq, setupSeq            uint64
	caughtUp                      bool
	tail, elapsed, cpu            time.Duration
	before, after                 map[string]float64
}

func report(out io.Writer, cfg config, clients []*client, in reportIn) bool {
	ok := true
	var all []uint32
	n := 0
	for _, c := range clients {
		n += len(c.lat)
	}
	all = make([]uint32, 0, n)
	var maxLat time.Duration
	rates := make([]float64, 0, len(clients))
	var gaps, missing, backwards, frames, events, behind int64
	closes := map[string]int{}
	errs := map[string]int{}
	for _, c := range clients {
		all = append(all, c.lat...)
		maxLat = max(maxLat, c.maxLat)
		rates = append(rates, float64(c.events)/in.elapsed.Seconds())
		gaps += c.gaps
		missing += int64(c.missing)
		backwards += c.backwards
		frames += c.frames
		events += c.events
		if c.lastSeq.Load() < in.finalSeq {
			behind++
		}
		if c.closeCode != -1 || (c.readErr != nil && !errors.Is(c.readErr, context.Canceled)) {
			closes[fmt.Sprintf("%d %v", int(c.closeCode), c.readErr)]++
		}
		for k, v := range c.errs {
			errs[k] += v
		}
	}
	var acks []uint32
	for _, c := range clients {
		acks = append(acks, c.ackLat...)
	}
	slices.Sort(all)
	slices.Sort(acks)
	slices.Sort(rates)
	pctOf := func(xs []uint32, p float64) string {
		if len(xs) == 0 {
			return "-"
		}
		i := min(len(xs)-1, int(p*float64(len(xs))))
		return fmtUS(xs[i])
	}
	pct := func(p float64) string { return pctOf(all, p) }
	fmt.Fprintf(out, "ops: sent %d in %s (%.0f/s), acked %d, op errors %d %v, send errors %d\n",
		in.sent, in.elapsed.Round(time.Millisecond), float64(in.sent)/in.elapsed.Seconds(), in.acked, in.opErrs, in.opErrCodes, in.sendErrs)
	fmt.Fprintf(out, "events: seq %d..%d; %d deliveries to %d clients (%.0f/s in all), %d frames (%.1f messages a frame)\n",
		in.setupSeq+1, in.finalSeq, events, len(clients), float64(events)/in.elapsed.Seconds(), frames, float64(events)/max(1, float64(frames)))
	if len(rates) > 0 {
		fmt.Fprintf(out, "events/s per client: min %.0f, median %.0f, max %.0f\n", rates[0], rates[len(rates)/2], rates[len(rates)-1])
	}
	fmt.Fprintf(out, "delivery latency (%d samples%s): p50 %s, p95 %s, p99 %s, p99.9 %s, max %s\n",
		len(all), warmupNote(cfg), pct(0.50), pct(0.95), pct(0.99), pct(0.999), maxLat.Round(10*time.Microsecond))
	fmt.Fprintf(out, "op to ack latency at the drivers (%d samples; the ack follows the durable commit and the fan-out): p50 %s, p95 %s, p99 %s, max %s\n",
		len(acks), pctOf(acks, 0.50), pctOf(acks, 0.95), pctOf(acks, 0.99), pctOf(acks, 1))
	fmt.Fprintf(out, "continuity: gaps %d (%d events missing), seq not rising %d, clients behind the last seq %d (all caught up: %v, last arrival %s after the last send)\n",
		gaps, missing, backwards, behind, in.caughtUp, in.tail.Round(time.Millisecond))
	fmt.Fprintf(out, "closes by the server: %v; client errors: %v\n", closes, errs)
	d := func(k string) float64 { return in.after[k] - in.before[k] }
	if len(cfg.urls) > 1 {
		fmt.Fprintf(out, "the server lines below are of the first instance only (%s)\n", cfg.url)
	}
	fmt.Fprintf(out, "server (/metrics, during the run): events %.0f, deliveries %.0f, frames %.0f, slow-consumer closes %.0f, op errors %.0f, CPU %.2f s (%.0f%% of one core)\n",
		d("arena_events_total"), d("arena_deliveries_total"), d("arena_frames_total"), d("arena_slow_consumers_total"),
		d("arena_op_errors_total"), d("process_cpu_seconds_total"), 100*d("process_cpu_seconds_total")/in.elapsed.Seconds())
	fmt.Fprintln(out, commitLine(d))
	fmt.Fprintf(out, "by second of the run (send time): max latency / deliveries over %s:", slowLatency)
	for sec := range clients[0].secMax {
		var m uint32
		var slow int64
		for _, c := range clients {
			m = max(m, c.secMax[sec])
			slow += c.secSlow[sec]
		}
		if float64(sec) >= (cfg.duration - cfg.warmup).Seconds() {
			break
		}
		fmt.Fprintf(out, " %s/%d", fmtMS(m), slow)
	}
	fmt.Fprintln(out)
	fmt.Fprintf(out, "generator CPU: %.2f s (%.0f%% of one core)\n", in.cpu.Seconds(), 100*in.cpu.Seconds()/in.elapsed.Seconds())
	if gaps > 0 || backwards > 0 || behind > 0 || len(closes) > 0 || in.sendErrs > 0 || d("arena_slow_consumers_total") > 0 {
		ok = false
	}
	if ok {
		fmt.Fprintln(out, "result: OK (no gaps, no lost events, no closes)")
	} else {
		fmt.Fprintln(out, "result: FAIL")
	}
	return ok
}

func warmupNote(cfg config) string {
	if cfg.warmup == 0 {
		return ""
	}
	return ", first " + cfg.warmup.String() + " left out"
}

func fmtMS(us uint32) string { return strconv.FormatFloat(float64(us)/1000, 'f', 0, 64) + "ms" }

func fmtUS(us uint32) string {
	return (time.Duration(us) * time.Microsecond).Round(10 * time.Microsecond).String()
}
