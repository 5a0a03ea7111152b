package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/arena-workshop/arena/hub"
	"github.com/arena-workshop/arena/hub/redistest"
	"github.com/arena-workshop/arena/session"
)

// wsClient follows a workshop as a browser does: it applies every event to its state,
// checks that seq rises by exactly 1, and records the ids of its acknowledged adds.
type wsClient struct {
	t    *testing.T
	ws   *websocket.Conn
	gone chan struct{} // closed when the connection ends

	mu      sync.Mutex
	state   *session.State
	seq     uint64
	token   string
	gapErr  error
	acked   map[string]bool
	welcome chan struct{}
}

func followWS(t *testing.T, base, code string, hello map[string]any, prev *wsClient) *wsClient {
	t.Helper()
	c := &wsClient{t: t, ws: dialWS(t, base, code), gone: make(chan struct{}), acked: map[string]bool{}, welcome: make(chan struct{})}
	if prev != nil {
		prev.mu.Lock()
		c.state, c.seq, c.acked = prev.state, prev.seq, prev.acked
		hello["participantToken"] = prev.token
		hello["lastSeq"] = prev.seq
		prev.mu.Unlock()
	}
	hello["type"] = "hello"
	sendJSON(t, c.ws, hello)
	go c.read()
	select {
	case <-c.welcome:
	case <-time.After(5 * time.Second):
		t.Fatal("no welcome within 5 s")
	}
	return c
}

func (c *wsClient) read() {
	defer close(c.gone)
	for {
		_, data, err := c.ws.Read(context.Background())
		if err != nil {
			return
		}
		for _, line := range bytes.Split(data, []byte("\n")) {
			c.handle(line)
		}
	}
}

func (c *wsClient) handle(line []byte) {
	var m struct {
		Type, Ref, ID string
		Seq           uint64
		You           struct{ ParticipantToken string }
		State         *session.State
		Events        []json.RawMessage
	}
	if err := json.Unmarshal(line, &m); err != nil {
		c.t.Errorf("not JSON: %q", line)
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	apply := func(raw []byte) {
		seq, ev, err := hub.DecodeEvent(raw)
		if err == nil && seq != c.seq+1 {
			err = fmt.Errorf("seq %d after %d", seq, c.seq)
		}
		if err == nil {
			c.state, err = session.ApplyEvent(c.state, ev)
		}
		if err != nil && c.gapErr == nil {
			c.gapErr = err
		}
		c.seq = seq
	}
	switch m.Type {
	case "welcome":
		c.token = m.You.ParticipantToken
		if m.State != nil {
			c.state, c.seq = m.State, m.Seq
		}
		for _, e := range m.Events {
			apply(e)
		}
		close(c.welcome)
	case "event":
		apply(line)
	case "ack":
		if m.ID != "" {
			c.acked[m.ID] = true
		}
	}
}

func (c *wsClient) add(id, name string) error {
	b := fmt.Appendf(nil, `{"type":"op","ref":"add-%s","op":"actor.add","data":{"id":%q,"name":%q}}`, id, id, name)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	return c.ws.Write(ctx, websocket.MessageText, b)
}

func (c *wsClient) ackedN() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.acked)
}

// TestInstanceKilled kills (SIGKILL) one of two instances on one Redis while its clients
// add actors: they reconnect to the other instance with lastSeq and their token, see
// no gap, and every acknowledged actor is in everyone's final state.
func TestInstanceKilled(t *testing.T) {
	rc := redistest.Need(t)
	prefix := redistest.Prefix(t, rc)
	args := []string{"--redis-url", redistest.URL(), "--redis-prefix", prefix}
	a := startArenaIn(t, t.TempDir(), args...)
	t.Cleanup(func() { a.stop(t) })
	b := startArenaIn(t, t.TempDir(), args...)
	resp, err := http.Post(a.base+"/api/workshops", "application/json", strings.NewReader(`{"title":"kill an instance"}`))
	if err != nil {
		t.Fatal(err)
	}
	var w struct{ Code, FacilitatorToken string }
	json.NewDecoder(resp.Body).Decode(&w)
	resp.Body.Close()

	fac := followWS(t, a.base, w.Code, map[string]any{"role": "participant", "name": "Fien", "facilitatorToken": w.FacilitatorToken}, nil)
	clients := make([]*wsClient, 4)
	for i := range clients {
		clients[i] = followWS(t, b.base, w.Code, map[string]any{"role": "participant", "name": fmt.Sprintf("P%d", i)}, nil)
	}
	var wg sync.WaitGroup
	send := func(i, from, to int) {
		c := clients[i]
		wg.Go(func() {
			for k := from; k < to; k++ {
				id := fmt.Sprintf("00000000-0000-4000-8000-%012d", i*1000+k)
				if c.add(id, fmt.Sprintf("c%d-%d", i, k)) != nil {
					return
				}
				select {
				case <-c.gone:
					return
				case <-time.After(5 * time.Millisecond):
				}
			}
		})
	}
	for i := range clients {
		send(i, 0, 35)
	}
	deadline := time.Now().Add(10 * time.Second)
	for clients[0].ackedN()+clients[1].ackedN()+clients[2].ackedN()+clients[3].ackedN() < 40 {
		if time.Now().After(deadline) {
			t.Fatal("fewer than 40 acks within 10 s")
		}
		time.Sleep(time.Millisecond)
	}
	if err := b.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-b.done
	wg.Wait()
	for i, c := range clients {
		<-c.gone
		c.mu.Lock()
		if c.gapErr != nil {
			t.Errorf("client %d before the kill: %v", i, c.gapErr)
		}
		c.mu.Unlock()
		// Reconnect to the other instance, as the browser does, and go on.
		clients[i] = followWS(t, a.base, w.Code, map[string]any{"role": "participant"}, c)
		send(i, 100, 110)
	}
	wg.Wait()
	// One more event that everyone must reach.
	sendJSON(t, fac.ws, map[string]any{"type": "op", "ref": "last", "op": "step.set", "data": map[string]any{"step": 2}})
	deadline = time.Now().Add(10 * time.Second)
	var final []byte
	for _, c := range append([]*wsClient{fac}, clients...) {
		for {
			c.mu.Lock()
			done := c.state != nil && c.state.Step == 2
			st, gap := c.state, c.gapErr
			c.mu.Unlock()
			if gap != nil {
				t.Fatalf("gap: %v", gap)
			}
			if done {
				j, _ := json.Marshal(st)
				if final == nil {
					final = j
				} else if !bytes.Equal(j, final) {
					t.Fatalf("clients differ:\n%s\n%s", j, final)
				}
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("a client did not reach the last event within 10 s")
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	total := 0
	for i, c := range clients {
		c.mu.Lock()
		for id := range c.acked {
			total++
			if !bytes.Contains(final, []byte(id)) {
				t.Errorf("client %d: acknowledged actor %s lost", i, id)
			}
		}
		c.mu.Unlock()
	}
	t.Logf("%d acknowledged adds, all present on every client", total)
}
