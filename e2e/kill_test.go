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
)

// TestKillNineLosesNothingAcknowledged kills the server with SIGKILL while four clients
// add actors as fast as their rate limit allows; after a restart on the same data
// directory every acknowledged actor is in the workshop.
func TestKillNineLosesNothingAcknowledged(t *testing.T) {
	dir := t.TempDir()
	a := startArenaIn(t, dir)
	resp, err := http.Post(a.base+"/api/workshops", "application/json", strings.NewReader(`{"title":"kill -9"}`))
	if err != nil {
		t.Fatal(err)
	}
	var w struct{ Code string }
	json.NewDecoder(resp.Body).Decode(&w)
	resp.Body.Close()

	var mu sync.Mutex
	acked := map[string]bool{}
	killed := make(chan struct{})
	var wg sync.WaitGroup
	for i := range 4 {
		ws := dialWS(t, a.base, w.Code)
		sendJSON(t, ws, map[string]any{"type": "hello", "role": "participant", "name": fmt.Sprintf("P%d", i)})
		wg.Go(func() {
			// Reader: record every ack until the connection dies with the server.
			for {
				_, data, err := ws.Read(context.Background())
				if err != nil {
					return
				}
				for _, line := range bytes.Split(data, []byte("\n")) {
					var m struct{ Type, Ref, ID string }
					json.Unmarshal(line, &m)
					if m.Type == "ack" && strings.HasPrefix(m.Ref, "add-") {
						mu.Lock()
						acked[m.ID] = true
						mu.Unlock()
					}
				}
			}
		})
		wg.Go(func() {
			for j := range 40 { // within the burst of 40
				id := fmt.Sprintf("00000000-0000-4000-8000-%012d", i*1000+j)
				err := ws.Write(context.Background(), websocket.MessageText, fmt.Appendf(nil,
					`{"type":"op","ref":"add-%d-%d","op":"actor.add","data":{"id":%q,"name":"Actor %d-%d"}}`, i, j, id, i, j))
				if err != nil {
					return
				}
				select {
				case <-killed:
					return
				case <-time.After(2 * time.Millisecond):
				}
			}
		})
	}
	// Kill once some ops are acknowledged and others are surely in flight.
	deadline := time.Now().Add(10 * time.Second)
	for {
		mu.Lock()
		n := len(acked)
		mu.Unlock()
		if n >= 40 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("only %d acks within 10 s", n)
		}
		time.Sleep(time.Millisecond)
	}
	if err := a.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	close(killed)
	<-a.done
	wg.Wait()

	b := startArenaIn(t, dir)
	t.Cleanup(func() { b.stop(t) })
	ws := dialWS(t, b.base, w.Code)
	sendJSON(t, ws, map[string]any{"type": "hello", "role": "viewer"})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, data, err := ws.Read(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var welcome struct {
		State struct {
			Actors []struct{ ID string }
		}
	}
	if err := json.Unmarshal(bytes.Split(data, []byte("\n"))[0], &welcome); err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	for _, a := range welcome.State.Actors {
		have[a.ID] = true
	}
	mu.Lock()
	defer mu.Unlock()
	for id := range acked {
		if !have[id] {
			t.Errorf("acknowledged actor %s lost after kill -9", id)
		}
	}
	t.Logf("%d acknowledged before the kill, %d actors after the restart", len(acked), len(have))
}

func dialWS(t *testing.T, base, code string) *websocket.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	ws, _, err := websocket.Dial(ctx, strings.Replace(base, "http", "ws", 1)+"/api/workshops/"+code+"/ws", nil)
	if err != nil {
		t.Fatal(err)
	}
	ws.SetReadLimit(1 << 20)
	t.Cleanup(func() { ws.CloseNow() })
	return ws
}

func sendJSON(t *testing.T, ws *websocket.Conn, v any) {
	t.Helper()
	b, _ := json.Marshal(v)
	if err := ws.Write(context.Background(), websocket.MessageText, b); err != nil {
		t.Fatal(err)
	}
}
