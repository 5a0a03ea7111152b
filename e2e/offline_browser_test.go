package e2e

import (
	"context"
	"fmt"
	"net"
	"testing"
	"time"
)

// Edits made while the server is away (here: killed and restarted on the same address
// and data) are sent when the phone is back, paced under the server's rate limit: more
// than a burst's worth of them all land, none is refused as rate_limited.
func TestOfflineEditsAllLand(t *testing.T) {
	requireChromium(t)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	dir := t.TempDir()
	port, err := freePort()
	if err != nil {
		t.Fatal(err)
	}
	addr := net.JoinHostPort("127.0.0.1", port)
	a, err := tryStartArenaAt(t, dir, addr)
	if err != nil {
		t.Fatal(err)
	}
	code, token := createWorkshop(t, a.base, "Offline")
	r := &stepsRoom{t: t, ctx: ctx, srv: a, b: startBrowser(t, ctx), code: code, token: token}
	r.facilitatorOps().op("step.set", map[string]any{"step": 2})
	ph := r.phone("Sam", 0)
	ph.waitFor("the add form", `document.getElementById('actor-add-name')`)

	if err := a.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-a.done
	ph.waitFor("the phone to notice", `document.querySelector('#conn-status[data-state="reconnecting"]')`)
	const n = 55 // more than the server's burst of 40
	if !eval[bool](ph, fmt.Sprintf(`(() => {
		const input = document.getElementById('actor-add-name');
		for (let i = 0; i < %d; i++) { input.value = 'Offline ' + i; input.form.requestSubmit(); }
		return true;
	})()`, n)) {
		t.Fatal("could not add the actors")
	}

	b, err := tryStartArenaAt(t, dir, addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.stop(t) })
	ph.waitFor("the phone to reconnect", connected)
	deadline := time.Now().Add(20 * time.Second)
	for {
		o := dialOps(t, ctx, b.base, code, map[string]any{"role": "viewer"})
		actors, _ := o.welcomeState()["actors"].([]any)
		if len(actors) == n {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of the %d actors added offline reached the server", len(actors), n)
		}
		time.Sleep(300 * time.Millisecond)
	}
	checkClean(t, ph)
}
