package e2e

import (
	"context"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Edits made while the server is away (here: killed and restarted on the same address
// and data) are sent when the phone is back, paced under the server's rate limit: more
// than a burst's worth of them all land, none is refused as rate_limited.
func TestOfflineEditsAllLand(t *testing.T) {
	r, a, restart := restartableRoom(t, "Offline")
	ctx, code := r.ctx, r.code
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

	b := restart()
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

// Text typed on a phone is stored without the person leaving the field: once typing
// pauses, and when the page goes away before that, even with the server away: the tab
// keeps the unanswered edit and sends it on its next load.
func TestTypingIsKept(t *testing.T) {
	r, a, restart := restartableRoom(t, "Typing")
	ctx, code := r.ctx, r.code
	_, ph, id, sel, field := actorOnPhone(r)

	resources := func(base string) string {
		o := dialOps(t, ctx, base, code, map[string]any{"role": "viewer"})
		actors, _ := o.welcomeState()["actors"].([]any)
		for _, a := range actors {
			if m, _ := a.(map[string]any); m["id"] == id {
				s, _ := m["resources"].(string)
				return s
			}
		}
		return ""
	}
	waitResources := func(base, want, what string) {
		t.Helper()
		deadline := time.Now().Add(20 * time.Second)
		for got := resources(base); got != want; got = resources(base) {
			if time.Now().After(deadline) {
				t.Fatalf("%s: the server holds resources %q, want %q", what, got, want)
			}
			time.Sleep(200 * time.Millisecond)
		}
	}

	// Typing pauses, the field keeps focus: stored all the same.
	ph.do("type in the resources field", chromedp.Focus(chromedp.CSS(sel)), chromedp.SendKeys(chromedp.CSS(sel), "12 vrijwilligers"))
	waitResources(a.base, "12 vrijwilligers", "typing paused")
	if !eval[bool](ph, field+` === document.activeElement`) {
		t.Error("the field lost its focus")
	}

	// The server goes away; the phone types and reloads at once, then comes back.
	if err := a.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-a.done
	ph.waitFor("the phone to notice", `document.querySelector('#conn-status[data-state="reconnecting"]')`)
	ph.do("type more", chromedp.SendKeys(chromedp.CSS(sel), " en een zaal"))
	// The server is away: the reload ends on the browser's error page.
	rctx, rcancel := context.WithTimeout(ph.ctx, stepTimeout)
	if _, err := chromedp.Run(rctx, chromedp.Reload()); err == nil || !strings.Contains(err.Error(), "ERR_CONNECTION_REFUSED") {
		t.Fatalf("reload with the server away: %v, want ERR_CONNECTION_REFUSED", err)
	}
	rcancel()
	b := restart()
	ph.do("open the workshop again", chromedp.Navigate(b.base+"/w/"+code))
	ph.waitFor("the phone to reconnect", connected)
	waitResources(b.base, "12 vrijwilligers en een zaal", "typed before a reload with the server away")
	ph.waitFor("the phone to show it", field+`?.value === "12 vrijwilligers en een zaal"`)
	checkClean(t, ph)
}

// restartableRoom is a workshop on a server at a fixed address and data directory, with a
// browser; restart starts the server again there after the test killed it.
func restartableRoom(t *testing.T, title string) (r *stepsRoom, a *arena, restart func() *arena) {
	t.Helper()
	requireChromium(t)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	t.Cleanup(cancel)
	dir := t.TempDir()
	port, err := freePort()
	if err != nil {
		t.Fatal(err)
	}
	addr := net.JoinHostPort("127.0.0.1", port)
	if a, err = tryStartArenaAt(t, dir, addr); err != nil {
		t.Fatal(err)
	}
	code, token := createWorkshop(t, a.base, title)
	r = &stepsRoom{t: t, ctx: ctx, srv: a, b: startBrowser(t, ctx), code: code, token: token}
	return r, a, func() *arena {
		t.Helper()
		b, err := tryStartArenaAt(t, dir, addr)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { b.stop(t) })
		return b
	}
}

// An edit the server refuses (here: the facilitator locked the table while the phone was
// typing) stays on the phone, marked, instead of vanishing; while the server is away the
// connection indicator says how many edits wait.
func TestRefusedEditIsKept(t *testing.T) {
	r, a, restart := restartableRoom(t, "Vergrendeld")
	fac, ph, id, sel, field := actorOnPhone(r)

	ph.do("type in the resources field", chromedp.Focus(chromedp.CSS(sel)), chromedp.SendKeys(chromedp.CSS(sel), "een zaal"))
	fac.op("lock.set", map[string]any{"locked": true}) // before the phone's autosave, a second later
	ph.waitFor("the refused text kept and marked", field+`.disabled && `+field+`.value === 'een zaal' && `+field+`.dataset.save === 'error'`)
	if got := eval[string](ph, `document.querySelector('.locked-note')?.hidden === false ? 'shown' : 'hidden'`); got != "shown" {
		t.Errorf("the lock note is %s", got)
	}
	fac.op("lock.set", map[string]any{"locked": false})
	fac.op("actor.update", map[string]any{"id": id, "resources": "een keuken"})
	ph.waitFor("the shared value replacing the refused one", field+`.value === 'een keuken' && `+field+`.dataset.save !== 'error'`)

	// The server goes away; an actor added meanwhile is said to wait.
	if err := a.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-a.done
	ph.waitFor("the phone to notice", `document.querySelector('#conn-status[data-state="reconnecting"]')`)
	ph.do("add an actor while the server is away", chromedp.SendKeys(chromedp.ID("actor-add-name"), "Jeugdwerk"), chromedp.Click(chromedp.ID("actor-add-submit")))
	ph.waitFor("the waiting edit said", `document.querySelector('#conn-status').textContent.includes('1 wijziging wacht')`)
	restart()
	ph.waitFor("the phone back, nothing waiting", connected+` && document.querySelector('#conn-status').dataset.waiting === '0' && !document.querySelector('#conn-status').textContent.includes('wacht')`)
	checkClean(t, ph)
}

// actorOnPhone moves the workshop to step 2 with one actor and opens a phone on it; it
// answers the facilitator's client, the phone, the actor's id, and the CSS selector and the
// JavaScript expression of the actor's resources field on the phone.
func actorOnPhone(r *stepsRoom) (fac *opsClient, ph *tab, id, sel, field string) {
	r.t.Helper()
	fac = r.facilitatorOps()
	fac.op("step.set", map[string]any{"step": 2})
	id = fac.op("actor.add", map[string]any{"name": "Buurthuis"})
	ph = r.phone("Sam", 0)
	sel = `[data-id="` + id + `"] .field-resources`
	field = `document.querySelector(` + js(sel) + `)`
	ph.waitFor("the actor's resources field", field)
	return fac, ph, id, sel, field
}
