package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/arena-workshop/arena/hub/redistest"
)

// needRedis returns the URL of the test Redis, or skips loudly (fails under CI=true).
func needRedis(tb testing.TB) string {
	tb.Helper()
	redistest.Need(tb)
	return redistest.URL()
}

// redisPrefix returns a fresh key prefix, deleted when the test ends.
func redisPrefix(tb testing.TB, url string) string {
	tb.Helper()
	return redistest.Prefix(tb, redistest.Need(tb))
}

// startInstances starts n instances of the program on one Redis and key prefix.
func startInstances(tb testing.TB, n int, url, prefix string, args ...string) []*testServer {
	tb.Helper()
	out := make([]*testServer, n)
	for i := range out {
		out[i] = startServerArgs(tb, "", append([]string{"--redis-url", url, "--redis-prefix", prefix}, args...)...)
	}
	return out
}

// settle sends one facilitator op and waits until every client has seen its event and
// none saw a gap; it returns the common state as JSON.
func settle(tb testing.TB, fac *client, clients []*client, step int) string {
	tb.Helper()
	ack := fac.mustOp("step.set", map[string]any{"step": step})
	deadline := time.Now().Add(15 * time.Second)
	for _, c := range clients {
		for {
			_, seq, gap := c.snapshot()
			if gap != nil {
				tb.Fatalf("client %s: %v", c.you.Name, gap)
			}
			if seq >= ack.Seq {
				break
			}
			if time.Now().After(deadline) {
				tb.Fatalf("client %s at seq %d, want %d", c.you.Name, seq, ack.Seq)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	want := ""
	for i, c := range clients {
		st, seq, _ := c.snapshot()
		if seq != ack.Seq {
			tb.Fatalf("client %s moved past the last op: seq %d, want %d", c.you.Name, seq, ack.Seq)
		}
		got := stateJSON(tb, st)
		if i == 0 {
			want = got
		} else if got != want {
			tb.Fatalf("client %s differs from client %s:\n%s\n%s", c.you.Name, clients[0].you.Name, got, want)
		}
	}
	return want
}

// Clients spread over 2 and 3 instances add and edit at once: every client ends with
// the same state and an unbroken seq.
func TestInstancesConverge(t *testing.T) {
	url := needRedis(t)
	for _, n := range []int{2, 3} {
		t.Run(fmt.Sprintf("instances=%d", n), func(t *testing.T) {
			srvs := startInstances(t, n, url, redisPrefix(t, url))
			w := srvs[0].create(t, "Cluster")
			fac := connect(t, srvs[n-1], w.Code, map[string]any{"role": "participant", "name": "Fien", "facilitatorToken": w.FacilitatorToken})
			const nClients, adds = 6, 12
			clients := []*client{fac}
			for i := range nClients {
				clients = append(clients, connect(t, srvs[i%n], w.Code, map[string]any{"role": "participant", "name": fmt.Sprintf("P%d", i)}))
			}
			viewer := connect(t, srvs[1], w.Code, map[string]any{"role": "viewer"})
			clients = append(clients, viewer)

			ids := make([][]string, nClients)
			var wg sync.WaitGroup
			for i := range nClients {
				c := clients[1+i]
				wg.Go(func() {
					for k := range adds {
						a := c.mustOp("actor.add", map[string]any{"name": fmt.Sprintf("c%d-%d", i, k)})
						ids[i] = append(ids[i], a.ID)
					}
				})
			}
			wg.Wait()
			// Then each edits the actors of its neighbour, on another instance.
			for i := range nClients {
				c := clients[1+i]
				wg.Go(func() {
					for k, id := range ids[(i+1)%nClients][:6] {
						c.mustOp("actor.update", map[string]any{"id": id, "importance": 1 + k%4, "resources": fmt.Sprintf("by c%d", i)})
					}
				})
			}
			wg.Wait()
			final := settle(t, fac, clients, 2)
			for i := range nClients {
				for _, id := range ids[i] {
					if !strings.Contains(final, id) {
						t.Errorf("acknowledged actor %s missing", id)
					}
				}
			}
			st, _, _ := fac.snapshot()
			if len(st.Actors) != nClients*adds {
				t.Errorf("%d actors, want %d", len(st.Actors), nClients*adds)
			}
			// Presence is the union over the instances: every instance counts the six
			// participants (not the facilitator), and a client's presence lists all seven.
			for i, srv := range srvs {
				deadline := time.Now().Add(5 * time.Second)
				for {
					_, body, _ := srv.do(t, "GET", "/api/workshops/"+w.Code, "", nil)
					var got struct{ Participants int }
					json.Unmarshal(body, &got)
					if got.Participants == nClients {
						break
					}
					if time.Now().After(deadline) {
						t.Fatalf("instance %d counts %d participants online, want %d", i, got.Participants, nClients)
					}
					time.Sleep(20 * time.Millisecond)
				}
			}
			viewer.waitFor("presence of all", func(m msg) bool { return m.Type == "presence" && len(m.Online) == nClients+1 && m.Viewers == 1 })
			// A late joiner on another instance gets the same state.
			late := connect(t, srvs[0], w.Code, map[string]any{"role": "viewer"})
			lst, _, _ := late.snapshot()
			if got := stateJSON(t, lst); got != final {
				t.Errorf("late joiner differs:\n%s\n%s", got, final)
			}
		})
	}
}

// Redis is killed under load and started again a few seconds later: writes during the
// outage answer unavailable, /readyz says 503, no acknowledged op is lost, and every
// client converges without reconnecting.
func TestRedisOutage(t *testing.T) {
	dir := t.TempDir()
	rp := redistest.StartServer(t, redistest.FreePort(t), dir)
	srvs := startInstances(t, 2, rp.URL(), "arena:")
	w := srvs[0].create(t, "Outage")
	fac := connect(t, srvs[0], w.Code, map[string]any{"role": "participant", "name": "Fien", "facilitatorToken": w.FacilitatorToken})
	clients := []*client{fac}
	for i := range 4 {
		clients = append(clients, connect(t, srvs[i%2], w.Code, map[string]any{"role": "participant", "name": fmt.Sprintf("P%d", i)}))
	}

	var (
		mu          sync.Mutex
		acked       []string
		unavailable int
		otherErrs   []string
	)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for i, c := range clients[1:] {
		wg.Go(func() {
			for k := 0; ; k++ {
				select {
				case <-stop:
					return
				case <-time.After(120 * time.Millisecond):
				}
				id := fmt.Sprintf("00000000-0000-4000-8000-%012d", i*1000+k)
				m := c.op("actor.add", map[string]any{"id": id, "name": fmt.Sprintf("c%d-%d", i, k)})
				mu.Lock()
				switch {
				case m.Type == "ack":
					acked = append(acked, id)
				case m.Code == "unavailable":
					unavailable++
				default:
					otherErrs = append(otherErrs, m.Code+": "+m.Message)
				}
				mu.Unlock()
			}
		})
	}
	time.Sleep(time.Second)
	rp.Kill()
	time.Sleep(500 * time.Millisecond)
	for i, s := range srvs {
		if status, _, _ := s.do(t, "GET", "/readyz", "", nil); status != http.StatusServiceUnavailable {
			t.Errorf("instance %d: /readyz %d during the outage, want 503", i, status)
		}
	}
	time.Sleep(2 * time.Second)
	mu.Lock()
	ackedDuring := len(acked)
	mu.Unlock()
	redistest.StartServer(t, rp.Port, dir)
	// Back: writes are acknowledged again.
	deadline := time.Now().Add(10 * time.Second)
	for {
		mu.Lock()
		n := len(acked)
		mu.Unlock()
		if n > ackedDuring+8 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no writes acknowledged within 10 s of Redis coming back (%d acked)", n)
		}
		time.Sleep(20 * time.Millisecond)
	}
	for i, s := range srvs {
		if status, _, _ := s.do(t, "GET", "/readyz", "", nil); status != http.StatusOK {
			t.Errorf("instance %d: /readyz %d after the outage, want 200", i, status)
		}
	}
	close(stop)
	wg.Wait()

	final := settle(t, fac, clients, 2)
	mu.Lock()
	defer mu.Unlock()
	if unavailable == 0 {
		t.Error("no write answered unavailable during the outage")
	}
	if len(otherErrs) > 0 {
		t.Errorf("unexpected errors: %v", otherErrs)
	}
	for _, id := range acked {
		if !strings.Contains(final, id) {
			t.Errorf("acknowledged actor %s lost", id)
		}
	}
	for _, c := range clients {
		select {
		case code := <-c.closed:
			t.Errorf("client %s was disconnected (%d)", c.you.Name, code)
		default:
		}
	}
	t.Logf("%d acknowledged, %d unavailable during the outage", len(acked), unavailable)
}

// Many phones join at once on an instance that did not make the workshop, while the
// others' joins commit there: every one gets its welcome (a lock-order deadlock between
// delivering an event and building a welcome once hung exactly this).
func TestConcurrentJoinsOnInstances(t *testing.T) {
	url := needRedis(t)
	srvs := startInstances(t, 2, url, redisPrefix(t, url))
	w := srvs[0].create(t, "Burst")
	fac := connect(t, srvs[0], w.Code, map[string]any{"role": "participant", "name": "Fien", "facilitatorToken": w.FacilitatorToken})
	const n = 40
	clients := make([]*client, n)
	var wg sync.WaitGroup
	for i := range clients {
		wg.Go(func() {
			hello := map[string]any{"role": "participant", "name": fmt.Sprintf("P%d", i)}
			if i%4 == 3 {
				hello = map[string]any{"role": "viewer"}
			}
			clients[i] = connect(t, srvs[i%2], w.Code, hello)
		})
	}
	wg.Wait()
	settle(t, fac, append([]*client{fac}, clients...), 2)
}

// The pub/sub connections of the instances are killed while clients keep editing: every
// client still receives every event, in order, without reconnecting.
func TestPubSubKilledClientsKeepEverything(t *testing.T) {
	url := needRedis(t)
	prefix := redisPrefix(t, url)
	srvs := startInstances(t, 2, url, prefix)
	w := srvs[0].create(t, "Pub/sub")
	fac := connect(t, srvs[0], w.Code, map[string]any{"role": "participant", "name": "Fien", "facilitatorToken": w.FacilitatorToken})
	clients := []*client{fac}
	for i := range 4 {
		clients = append(clients, connect(t, srvs[i%2], w.Code, map[string]any{"role": "participant", "name": fmt.Sprintf("P%d", i)}))
	}
	rc := redistest.Need(t)
	host, _ := os.Hostname()
	name := clientName(host, prefix)
	var wg sync.WaitGroup
	for i, c := range clients[1:] {
		wg.Go(func() {
			for k := range 30 {
				c.mustOp("actor.add", map[string]any{"name": fmt.Sprintf("c%d-%d", i, k)})
				time.Sleep(3 * time.Millisecond)
			}
		})
	}
	killed := 0
	for range 3 {
		time.Sleep(60 * time.Millisecond)
		killed += killPubSubNamed(t, rc, name)
	}
	wg.Wait()
	if killed < 3 {
		t.Fatalf("killed %d pub/sub connections", killed)
	}
	final := settle(t, fac, clients, 2)
	if n := strings.Count(final, `"createdBy"`); n != 4*30 {
		t.Errorf("%d actors in the final state, want %d", n, 4*30)
	}
	for _, c := range clients {
		select {
		case code := <-c.closed:
			t.Errorf("client %s was disconnected (%d)", c.you.Name, code)
		default:
		}
	}
}

// killPubSubNamed kills the pub/sub connections of the clients named name.
func killPubSubNamed(tb testing.TB, c *redis.Client, name string) int {
	tb.Helper()
	list, err := c.ClientList(context.Background()).Result()
	if err != nil {
		tb.Fatal(err)
	}
	n := 0
	for _, line := range strings.Split(list, "\n") {
		if !strings.Contains(line, " name="+name+" ") || strings.Contains(line, " sub=0 ") {
			continue
		}
		for _, f := range strings.Fields(line) {
			if id, ok := strings.CutPrefix(f, "id="); ok && c.Do(context.Background(), "CLIENT", "KILL", "ID", id).Err() == nil {
				n++
			}
		}
	}
	return n
}
