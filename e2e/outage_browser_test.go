package e2e

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// startRedis runs a redis-server of the test's own on port with its data in dir (append
// only, every write on disk before the answer), so that the test can stop it.
func startRedis(t *testing.T, port, dir string) *exec.Cmd {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		msg := "!!! NO redis-server binary: the Redis outage browser test did NOT run"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	cmd := exec.Command(bin, "--port", port, "--bind", "127.0.0.1", "--dir", dir, "--save", "",
		"--appendonly", "yes", "--appendfsync", "always", "--logfile", filepath.Join(dir, "redis.log"))
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	for range 100 {
		if c, err := net.Dial("tcp", "127.0.0.1:"+port); err == nil {
			c.Close()
			return cmd
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("redis-server on %s did not answer", port)
	return nil
}

// An actor added on a phone while Redis is down is not lost: the phone is told the server
// cannot save for a moment, sends it again, and it lands once Redis is back.
func TestOutageEditsLand(t *testing.T) {
	requireChromium(t)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	dir := t.TempDir()
	port, err := freePort()
	if err != nil {
		t.Fatal(err)
	}
	redis := startRedis(t, port, dir)
	a, err := tryStartArenaIn(t, t.TempDir(), "--redis-url", "redis://127.0.0.1:"+port)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.stop(t) })
	code, token := createWorkshop(t, a.base, "Storing")
	r := &stepsRoom{t: t, ctx: ctx, srv: a, b: startBrowser(t, ctx), code: code, token: token}
	r.facilitatorOps().op("step.set", map[string]any{"step": 2})
	ph := r.phone("Sam", 0)
	ph.waitFor("the add form", `document.getElementById('actor-add-name')`)

	redis.Process.Kill()
	redis.Wait()
	const n = 3
	eval[bool](ph, fmt.Sprintf(`(() => {
		const input = document.getElementById('actor-add-name');
		for (let i = 0; i < %d; i++) { input.value = 'Tijdens de storing ' + i; input.form.requestSubmit(); }
		return true;
	})()`, n))
	ph.waitFor("the phone to say it will send again", `[...document.querySelectorAll('.toast')].some((e) => e.textContent.includes('opnieuw verstuurd'))`)
	time.Sleep(1500 * time.Millisecond) // a retry or two meet the outage too
	startRedis(t, port, dir)

	deadline := time.Now().Add(30 * time.Second)
	for {
		o := dialOps(t, ctx, a.base, code, map[string]any{"role": "viewer"})
		actors, _ := o.welcomeState()["actors"].([]any)
		got := 0
		for _, x := range actors {
			if m, ok := x.(map[string]any); ok && strings.HasPrefix(fmt.Sprint(m["name"]), "Tijdens de storing") {
				got++
			}
		}
		if got == n {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of the %d actors added during the outage reached the workshop", got, n)
		}
		time.Sleep(300 * time.Millisecond)
	}
	ph.waitFor("the phone to show them", `document.body.textContent.includes('Tijdens de storing 2')`)
}
