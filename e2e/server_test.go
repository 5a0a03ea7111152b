package e2e

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// arenaBin is the program built once by TestMain.
var arenaBin string

func TestMain(m *testing.M) {
	os.Exit(buildAndRun(m))
}

func buildAndRun(m *testing.M) int {
	dir, err := os.MkdirTemp("", "arena-e2e-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	root, err := moduleRoot()
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	arenaBin = filepath.Join(dir, "arena")
	cmd := exec.Command(goTool(), "build", "-o", arenaBin, "./server")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "e2e: go build ./server: %v\n%s", err, out)
		return 1
	}
	return m.Run()
}

// goTool is the go command that runs this test, so the build uses the same toolchain.
func goTool() string {
	if root := os.Getenv("GOROOT"); root != "" {
		if p := filepath.Join(root, "bin", "go"); fileExists(p) {
			return p
		}
	}
	return "go"
}

// moduleRoot is the directory of the go.mod that holds this package.
func moduleRoot() (string, error) {
	out, err := exec.Command(goTool(), "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		return "", errors.New("go env GOMOD: not inside a module")
	}
	return filepath.Dir(gomod), nil
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// arena is the real program, started as a subprocess.
type arena struct {
	base string // http://127.0.0.1:port
	cmd  *exec.Cmd
	out  *lockedBuffer // its stderr and stdout, shown when the test fails
	done chan error    // the result of cmd.Wait
}

type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// startArena starts the program on a free port of 127.0.0.1 with a temporary data
// directory, waits until /healthz answers, and stops it with SIGTERM at the end of the
// test, failing the test unless it exits cleanly.
func startArena(t *testing.T) *arena {
	t.Helper()
	var lastErr error
	// A free port can be taken between asking for it and the server binding it; try again.
	for range 3 {
		a, err := tryStartArena(t)
		if err == nil {
			t.Cleanup(func() { a.stop(t) })
			return a
		}
		lastErr = err
	}
	t.Fatalf("arena did not start: %v", lastErr)
	return nil
}

func tryStartArena(t *testing.T) (*arena, error) {
	return tryStartArenaIn(t, t.TempDir())
}

// startArenaIn starts the program on the data directory dir and leaves stopping it to
// the caller (a test of hard stops kills it instead).
func startArenaIn(t *testing.T, dir string, extra ...string) *arena {
	t.Helper()
	var lastErr error
	for range 3 {
		a, err := tryStartArenaIn(t, dir, extra...)
		if err == nil {
			return a
		}
		lastErr = err
	}
	t.Fatalf("arena did not start: %v", lastErr)
	return nil
}

func tryStartArenaIn(t *testing.T, dir string, extra ...string) (*arena, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	return tryStartArenaAt(t, dir, net.JoinHostPort("127.0.0.1", port), extra...)
}

// tryStartArenaAt starts the program on addr (a restart on the address its clients know).
func tryStartArenaAt(t *testing.T, dir, addr string, extra ...string) (*arena, error) {
	a := &arena{base: "http://" + addr, out: &lockedBuffer{}, done: make(chan error, 1)}
	a.cmd = exec.Command(arenaBin, append([]string{"--addr", addr, "--admin-addr", "127.0.0.1:0", "--data-dir", dir, "--shutdown-grace", "3s"}, extra...)...)
	a.cmd.Env = envWithout("ARENA_", "REDIS_URL=") // flags decide, not the developer's environment
	a.cmd.Stdout, a.cmd.Stderr = a.out, a.out
	if err := a.cmd.Start(); err != nil {
		return nil, err
	}
	go func() { a.done <- a.cmd.Wait() }()

	client := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(10 * time.Second)
	tick := time.NewTicker(25 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case err := <-a.done:
			return nil, fmt.Errorf("exited before serving (%v):\n%s", err, a.out.String())
		case <-tick.C:
		}
		resp, err := client.Get(a.base + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return a, nil
			}
		}
		if time.Now().After(deadline) {
			_ = a.cmd.Process.Kill()
			<-a.done
			return nil, fmt.Errorf("/healthz did not answer 200 within 10 s (last: %v):\n%s", err, a.out.String())
		}
	}
}

// stop sends SIGTERM, as a service manager or docker stop does, and waits for the exit.
func (a *arena) stop(t *testing.T) {
	if err := a.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Errorf("arena: SIGTERM: %v", err)
	}
	select {
	case err := <-a.done:
		if err != nil {
			t.Errorf("arena did not exit cleanly after SIGTERM: %v\n%s", err, a.out.String())
		}
	case <-time.After(10 * time.Second):
		_ = a.cmd.Process.Kill()
		<-a.done
		t.Errorf("arena did not exit within 10 s of SIGTERM; killed\n%s", a.out.String())
	}
	if t.Failed() {
		t.Logf("arena output:\n%s", a.out.String())
	}
}

func freePort() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	_, port, err := net.SplitHostPort(ln.Addr().String())
	return port, err
}

func envWithout(prefixes ...string) []string {
	var env []string
next:
	for _, kv := range os.Environ() {
		for _, p := range prefixes {
			if strings.HasPrefix(kv, p) {
				continue next
			}
		}
		env = append(env, kv)
	}
	return env
}
