package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/arena-workshop/arena/hub/redistest"
)

// An actor added on a phone while Redis is down is not lost: the phone is told the server
// cannot save for a moment, sends it again, and it lands once Redis is back.
func TestOutageEditsLand(t *testing.T) {
	requireChromium(t)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	dir := t.TempDir()
	rs := redistest.StartServer(t, redistest.FreePort(t), dir)
	a, err := tryStartArenaIn(t, t.TempDir(), "--redis-url", rs.URL())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.stop(t) })
	code, token := createWorkshop(t, a.base, "Storing")
	r := &stepsRoom{t: t, ctx: ctx, srv: a, b: startBrowser(t, ctx), code: code, token: token}
	r.facilitatorOps().op("step.set", map[string]any{"step": 2})
	ph := r.phone("Sam", 0)
	ph.waitFor("the add form", `document.getElementById('actor-add-name')`)

	rs.Kill()
	const n = 3
	eval[bool](ph, fmt.Sprintf(`(() => {
		const input = document.getElementById('actor-add-name');
		for (let i = 0; i < %d; i++) { input.value = 'Tijdens de storing ' + i; input.form.requestSubmit(); }
		return true;
	})()`, n))
	ph.waitFor("the phone to say it will send again", `[...document.querySelectorAll('.toast')].some((e) => e.textContent.includes('opnieuw verstuurd'))`)
	time.Sleep(1500 * time.Millisecond) // a retry or two meet the outage too
	redistest.StartServer(t, rs.Port, dir)

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
