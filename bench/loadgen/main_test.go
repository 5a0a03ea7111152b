package main

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// The lean client against a coder/websocket server (the server's library): whole and
// fragmented messages, a ping it must answer, the close code.
func TestLeanClient(t *testing.T) {
	pinged := make(chan error, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ws, err := websocket.Accept(w, r, nil)
		if err != nil {
			return
		}
		ctx := context.Background()
		_, hello, err := ws.Read(ctx)
		if err != nil {
			return
		}
		ws.Write(ctx, websocket.MessageText, append([]byte("echo "), hello...))
		fw, _ := ws.Writer(ctx, websocket.MessageText) // each Write a frame: fragmented
		fw.Write([]byte("frag1 "))
		fw.Write([]byte("frag2"))
		fw.Close()
		big := bytes.Repeat([]byte("x"), 200<<10) // over the client's 64 KiB buffer
		ws.Write(ctx, websocket.MessageText, big)
		go ws.Read(ctx) // reads the pong; ends at the close
		pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		pinged <- ws.Ping(pctx)
		ws.Close(4004, "gone")
	}))
	defer srv.Close()
	c, err := dialLean(context.Background(), "ws"+strings.TrimPrefix(srv.URL, "http")+"/ws", 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	defer c.closeNow()
	if err := c.write(context.Background(), []byte("hi")); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"echo hi", "frag1 frag2"} {
		got, err := c.next()
		if err != nil || string(got) != want {
			t.Fatalf("got %q, %v; want %q", got, err, want)
		}
	}
	got, err := c.next()
	if err != nil || len(got) != 200<<10 || got[0] != 'x' {
		t.Fatalf("big message: %d bytes, %v", len(got), err)
	}
	closed := make(chan error, 1)
	go func() { // answers the ping, then gets the close
		_, err := c.next()
		closed <- err
	}()
	if err := <-pinged; err != nil {
		t.Fatalf("ping not answered: %v", err)
	}
	if code := closeStatus(<-closed); code != 4004 {
		t.Fatalf("close code %d, want 4004", code)
	}
}

// A short run against the real server, with each websocket client: every event reaches
// every client in order and the report says OK.
func TestRun(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and starts the server")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "arena")
	if out, err := exec.Command("go", "build", "-o", bin, "../../server").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	la, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	admin := la.Addr().String()
	la.Close()
	cmd := exec.Command(bin, "--addr", addr, "--admin-addr", admin, "--data-dir", filepath.Join(dir, "data"), "--log-level", "warn")
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	base := "http://" + addr
	for i := 0; ; i++ {
		if resp, err := http.Get(base + "/healthz"); err == nil {
			resp.Body.Close()
			break
		}
		if i > 100 {
			t.Fatal("the server did not start")
		}
		time.Sleep(50 * time.Millisecond)
	}
	for _, impl := range []string{"lean", "coder"} {
		t.Run(impl, func(t *testing.T) {
			stopping.Store(false)
			cfg := config{url: base, metricsURL: "http://" + admin, clients: 12, drivers: 4, rate: 40, duration: time.Second, actors: 3, role: "viewer",
				dialConc: 12, drain: 5 * time.Second, readLimit: 8 << 20, ws: impl}
			if err := validate(&cfg); err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			ok, err := run(cfg, &out)
			if err != nil || !ok {
				t.Fatalf("run: ok %v, err %v\n%s", ok, err, out.String())
			}
			for _, want := range []string{fmt.Sprintf("%s websocket client", impl), "acked 40,", "480 deliveries to 12 clients", "gaps 0 (0 events missing)", "result: OK"} {
				if !strings.Contains(out.String(), want) {
					t.Errorf("report lacks %q:\n%s", want, out.String())
				}
			}
			if !regexp.MustCompile(`server commits: [1-9]\d* \(`).MatchString(out.String()) {
				t.Errorf("report lacks the server's commits:\n%s", out.String())
			}
		})
	}
}

// The commit line reads the histogram's differences: how many commits, how many over 5
// and 25 ms, and the smallest bound that holds them all.
func TestCommitLine(t *testing.T) {
	bounds := []string{"0.0001", "0.00025", "0.0005", "0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "1"}
	for _, tc := range []struct {
		name string
		cum  []float64 // cumulative counts, one a bound
		n    float64
		want string
	}{
		{"all fast", []float64{0, 40, 90, 100, 100, 100, 100, 100, 100, 100, 100, 100}, 100, "server commits: 100 (2.0 ops received a commit), mean 0.50ms, over 5ms 0, over 25ms 0, slowest at most 0.001s"},
		{"a stall", []float64{0, 40, 90, 95, 96, 97, 98, 99, 99, 99, 100, 100}, 100, "over 5ms 3, over 25ms 1, slowest at most 0.25s"},
		{"over every bound", []float64{0, 40, 90, 95, 96, 97, 98, 99, 99, 99, 99, 99}, 100, "over 5ms 3, over 25ms 1, slowest over 1s"},
	} {
		m := map[string]float64{"arena_commit_seconds_count": tc.n, "arena_commit_seconds_sum": tc.n * 0.0005, "arena_ops_total": 2 * tc.n}
		for i, le := range bounds {
			m[`arena_commit_seconds_bucket{le="`+le+`"}`] = tc.cum[i]
		}
		if got := commitLine(func(k string) float64 { return m[k] }); !strings.Contains(got, tc.want) {
			t.Errorf("%s: %q, want it to contain %q", tc.name, got, tc.want)
		}
	}
	if got := commitLine(func(string) float64 { return 0 }); !strings.Contains(got, "none counted") {
		t.Errorf("no commits: %q", got)
	}
}
