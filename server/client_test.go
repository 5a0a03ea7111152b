package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/arena-workshop/arena/hub"
	"github.com/arena-workshop/arena/session"
)

// testServer is the real program started on :0 with its own data directory.
type testServer struct {
	base    string // http://127.0.0.1:port
	admin   string // http://127.0.0.1:port of the admin listener (/metrics)
	dataDir string
	stop    func()
}

func startServer(tb testing.TB, dataDir string) *testServer {
	tb.Helper()
	if dataDir == "" {
		dataDir = tb.TempDir()
	}
	return startServerArgs(tb, dataDir, "--data-dir", dataDir)
}

// startServerArgs starts the program with args beside its address and grace.
func startServerArgs(tb testing.TB, dataDir string, args ...string) *testServer {
	tb.Helper()
	return startServerLog(tb, io.Discard, dataDir, args...)
}

// startServerLog is startServerArgs with the program's log written to logs.
func startServerLog(tb testing.TB, logs io.Writer, dataDir string, args ...string) *testServer {
	tb.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan listening, 1)
	done := make(chan error, 1)
	args = append([]string{"--addr", "127.0.0.1:0", "--admin-addr", "127.0.0.1:0", "--shutdown-grace", "3s"}, args...)
	go func() {
		done <- run(ctx, args, func(string) string { return "" }, logs, ready)
	}()
	var at listening
	select {
	case at = <-ready:
	case err := <-done:
		tb.Fatalf("server did not start: %v", err)
	case <-time.After(10 * time.Second):
		tb.Fatal("server did not start within 10 s")
	}
	var once sync.Once
	s := &testServer{base: "http://" + at.Addr, admin: "http://" + at.Admin, dataDir: dataDir}
	s.stop = func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				tb.Errorf("server stopped with %v", err)
			}
		})
	}
	tb.Cleanup(s.stop)
	return s
}

func (s *testServer) do(tb testing.TB, method, path, token string, body any) (int, []byte, http.Header) {
	tb.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	default:
		j, _ := json.Marshal(b)
		r = bytes.NewReader(j)
	}
	req, _ := http.NewRequest(method, s.base+path, r)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, out, resp.Header
}

type created struct {
	ID, Code, Title, Locale, FacilitatorToken string
	Links                                     struct{ Join, Present, Facilitate string }
}

func (s *testServer) create(tb testing.TB, title string) created {
	tb.Helper()
	status, body, _ := s.do(tb, "POST", "/api/workshops", "", map[string]string{"title": title})
	if status != http.StatusCreated {
		tb.Fatalf("create: %d %s", status, body)
	}
	var c created
	if err := json.Unmarshal(body, &c); err != nil {
		tb.Fatal(err)
	}
	return c
}

// msg is any server message, decoded loosely.
type msg struct {
	Type    string            `json:"type"`
	Seq     uint64            `json:"seq"`
	Event   string            `json:"event"`
	By      string            `json:"by"`
	Data    json.RawMessage   `json:"data"`
	Ref     string            `json:"ref"`
	ID      string            `json:"id"`
	Code    string            `json:"code"`
	Message string            `json:"message"`
	Field   string            `json:"field"`
	You     hub.You           `json:"you"`
	State   *session.State    `json:"state"`
	Events  []json.RawMessage `json:"events"`
	Online  []string          `json:"online"`
	Viewers int               `json:"viewers"`
	raw     []byte
}

// client is a websocket client that keeps the workshop state as a browser would: it
// applies every event and checks that seq rises by exactly 1.
type client struct {
	tb     testing.TB
	ws     *websocket.Conn
	msgs   chan msg
	closed chan websocket.StatusCode

	mu     sync.Mutex
	state  *session.State
	seq    uint64
	you    hub.You
	gapErr error
	events int
	seen   []msg // every message, in order
}

func dial(tb testing.TB, s *testServer, code string) (*websocket.Conn, error) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	ws, _, err := websocket.Dial(ctx, strings.Replace(s.base, "http", "ws", 1)+"/api/workshops/"+code+"/ws", nil)
	if err == nil {
		ws.SetReadLimit(16 << 20)
	}
	return ws, err
}

// connect dials, says hello and waits for the welcome.
func connect(tb testing.TB, s *testServer, code string, hello map[string]any) *client {
	tb.Helper()
	c := connectRaw(tb, s, code, hello)
	m := c.next(5 * time.Second)
	if m.Type != "welcome" {
		tb.Fatalf("first message is %q, want welcome (%s)", m.Type, m.raw)
	}
	return c
}

func connectRaw(tb testing.TB, s *testServer, code string, hello map[string]any) *client {
	tb.Helper()
	return resumeRaw(tb, s, code, hello, nil, 0)
}

// resumeRaw is connectRaw for a client that already holds st at seq (a reconnect).
func resumeRaw(tb testing.TB, s *testServer, code string, hello map[string]any, st *session.State, seq uint64) *client {
	tb.Helper()
	ws, err := dial(tb, s, code)
	if err != nil {
		tb.Fatalf("dial: %v", err)
	}
	c := &client{tb: tb, ws: ws, msgs: make(chan msg, 100000), closed: make(chan websocket.StatusCode, 1), state: st, seq: seq}
	tb.Cleanup(func() { ws.CloseNow() })
	if hello != nil {
		hello["type"] = "hello"
		c.sendJSON(hello)
	}
	go c.read()
	return c
}

func (c *client) sendJSON(v any) {
	b, _ := json.Marshal(v)
	c.sendRaw(b)
}

func (c *client) sendRaw(b []byte) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := c.ws.Write(ctx, websocket.MessageText, b); err != nil {
		c.tb.Logf("write: %v", err)
	}
}

func (c *client) read() {
	for {
		_, data, err := c.ws.Read(context.Background())
		if err != nil {
			c.closed <- websocket.CloseStatus(err)
			close(c.msgs)
			return
		}
		for _, line := range bytes.Split(data, []byte("\n")) {
			var m msg
			if err := json.Unmarshal(line, &m); err != nil {
				c.tb.Errorf("server sent a line that is not JSON: %q", line)
				continue
			}
			m.raw = line
			c.mu.Lock()
			c.seen = append(c.seen, m)
			c.mu.Unlock()
			c.track(m)
			c.msgs <- m
		}
	}
}

// track keeps state and seq like a browser client.
func (c *client) track(m msg) {
	c.mu.Lock()
	defer c.mu.Unlock()
	apply := func(raw []byte) {
		seq, ev, err := hub.DecodeEvent(raw)
		if err != nil {
			c.gapErr = err
			return
		}
		if seq != c.seq+1 && c.gapErr == nil {
			c.gapErr = fmt.Errorf("seq %d after %d", seq, c.seq)
		}
		c.seq = seq
		c.events++
		if c.state != nil {
			if c.state, err = session.ApplyEvent(c.state, ev); err != nil {
				c.gapErr = err
			}
		}
	}
	switch m.Type {
	case "welcome":
		c.you = m.You
		if m.State != nil {
			c.state, c.seq = m.State, m.Seq
			return
		}
		for _, e := range m.Events {
			apply(e)
		}
		if c.seq != m.Seq && c.gapErr == nil {
			c.gapErr = fmt.Errorf("welcome seq %d but events end at %d", m.Seq, c.seq)
		}
	case "event":
		apply(m.raw)
	}
}

// next returns the next message, failing after d.
func (c *client) next(d time.Duration) msg {
	c.tb.Helper()
	select {
	case m, ok := <-c.msgs:
		if !ok {
			c.tb.Fatalf("connection closed while waiting for a message")
		}
		return m
	case <-time.After(d):
		c.tb.Fatalf("no message within %v", d)
	}
	return msg{}
}

// waitFor reads messages until one matches.
func (c *client) waitFor(what string, match func(msg) bool) msg {
	c.tb.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case m, ok := <-c.msgs:
			if !ok {
				c.tb.Fatalf("connection closed while waiting for %s", what)
			}
			if match(m) {
				return m
			}
		case <-deadline:
			c.tb.Fatalf("timed out waiting for %s", what)
		}
	}
}

var refN struct {
	sync.Mutex
	n int
}

// op sends an op and returns its answer (ack or error).
func (c *client) op(name string, data any) msg {
	c.tb.Helper()
	refN.Lock()
	refN.n++
	ref := fmt.Sprintf("r%d", refN.n)
	refN.Unlock()
	c.sendJSON(map[string]any{"type": "op", "ref": ref, "op": name, "data": data})
	return c.waitFor("answer to "+ref, func(m msg) bool { return (m.Type == "ack" || m.Type == "error") && m.Ref == ref })
}

// mustOp sends an op and fails unless it is acknowledged.
func (c *client) mustOp(name string, data any) msg {
	c.tb.Helper()
	m := c.op(name, data)
	if m.Type != "ack" {
		c.tb.Fatalf("%s: %s %s", name, m.Code, m.Message)
	}
	return m
}

// waitClose waits for the connection to close and returns its close code.
func (c *client) waitClose(d time.Duration) websocket.StatusCode {
	c.tb.Helper()
	timeout := time.After(d)
	for {
		select {
		case code := <-c.closed:
			return code
		case <-c.msgs:
		case <-timeout:
			c.tb.Fatalf("connection still open after %v", d)
			return 0
		}
	}
}

func (c *client) snapshot() (*session.State, uint64, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.state, c.seq, c.gapErr
}

func stateJSON(tb testing.TB, s *session.State) string {
	tb.Helper()
	b, err := json.Marshal(s)
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}
