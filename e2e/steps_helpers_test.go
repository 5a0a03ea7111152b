package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/coder/websocket"
)

// Screen sizes of the step tests: a cheap phone, a laptop running the console, and the two
// usual projector resolutions.
var (
	phoneSmall  = viewport{360, 740, true}
	consoleVP   = viewport{1366, 768, false}
	projectorHD = viewport{1920, 1080, false}
)

// stepsRoom is one workshop with its server and one browser whose tabs are separate devices.
type stepsRoom struct {
	t           *testing.T
	ctx         context.Context
	srv         *arena
	b           *browser
	code, token string
}

func newStepsRoom(t *testing.T, title string, timeout time.Duration) *stepsRoom {
	t.Helper()
	requireChromium(t)
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	t.Cleanup(cancel)
	srv := startArena(t)
	b := startBrowser(t, ctx)
	code, token := createWorkshop(t, srv.base, title)
	return &stepsRoom{t: t, ctx: ctx, srv: srv, b: b, code: code, token: token}
}

const connected = `document.querySelector('#conn-status[data-state="connected"]')`

// console opens the facilitator console with the token link and gives the facilitator's name.
func (r *stepsRoom) console(name string, vp viewport) *tab {
	r.t.Helper()
	p := r.b.newTab(r.t, "console", vp)
	p.do("open the console", chromedp.Navigate(r.srv.base+"/w/"+r.code+"/facilitate#token="+r.token))
	p.waitFor("the console to ask a name", `document.getElementById('fac-name-input')`)
	p.do("give the facilitator's name",
		chromedp.SendKeys(chromedp.ID("fac-name-input"), name),
		chromedp.Click(chromedp.ID("fac-name-submit")))
	p.waitFor("the console to connect", connected+` && document.querySelector('.step-btn[aria-current="step"]')`)
	return p
}

// phone joins as a participant on a phone, optionally with its clock skewed by skew (the
// phone's Date.now runs that far from the real time, as cheap phones' clocks do).
func (r *stepsRoom) phone(name string, skew time.Duration) *tab {
	r.t.Helper()
	p := r.b.newTab(r.t, "phone "+name, phoneSmall)
	if skew != 0 {
		script := fmt.Sprintf(`(() => { const real = Date.now.bind(Date); Date.now = () => real() + %d; })();`, skew.Milliseconds())
		ctx, cancel := context.WithTimeout(p.ctx, stepTimeout)
		_, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: script})
		cancel()
		if err != nil {
			r.t.Fatalf("%s: skew the clock: %v", p.name, err)
		}
	}
	p.do("open the join page", chromedp.Navigate(r.srv.base+"/w/"+r.code))
	p.waitFor("the name form", `document.getElementById('name-input')`)
	p.do("give the name", chromedp.SendKeys(chromedp.ID("name-input"), name), chromedp.Click(chromedp.ID("name-submit")))
	p.waitFor("the phone to connect", connected+` && document.querySelector('.you-name')?.textContent === `+js(name))
	return p
}

// projector opens the projector view.
func (r *stepsRoom) projector(vp viewport) *tab {
	r.t.Helper()
	p := r.b.newTab(r.t, fmt.Sprintf("projector %dx%d", vp.width, vp.height), vp)
	p.do("open the projector", chromedp.Navigate(r.srv.base+"/w/"+r.code+"/present"))
	p.waitFor("the projector to connect", connected)
	return p
}

// checkClean fails the test for every uncaught exception, CSP message or dialog a tab saw.
func checkClean(t *testing.T, tabs ...*tab) {
	t.Helper()
	for _, p := range tabs {
		r := p.record()
		for _, e := range r.exceptions {
			t.Errorf("%s: uncaught exception: %s", p.name, e)
		}
		for _, s := range r.security {
			t.Errorf("%s: security message (CSP): %s", p.name, s)
		}
		for _, d := range r.dialogs {
			t.Errorf("%s: a native JavaScript dialog opened: %s", p.name, d)
		}
	}
}

// texts evaluates to the trimmed textContent of every element matching a CSS selector.
func texts(p *tab, selector string) []string {
	p.t.Helper()
	return eval[[]string](p, `[...document.querySelectorAll(`+js(selector)+`)].map(e => e.textContent.trim())`)
}

// setSelect chooses a value in a <select> as a person does: the value changes and the
// select fires "change".
func setSelect(p *tab, selector, value string) {
	p.t.Helper()
	ok := eval[bool](p, `(() => { const el = document.querySelector(`+js(selector)+`); if (!el) return false;
		el.focus(); el.value = `+js(value)+`; el.dispatchEvent(new Event('input', {bubbles: true})); el.dispatchEvent(new Event('change', {bubbles: true})); el.blur(); return el.value === `+js(value)+`; })()`)
	if !ok {
		p.t.Fatalf("%s: cannot set %s to %q\n%s", p.name, selector, value, p.diag())
	}
}

// confirmDialog presses the OK button of the page's confirm dialog.
func confirmDialog(p *tab) {
	p.t.Helper()
	p.waitFor("the confirm dialog", `document.querySelector('dialog.confirm-dialog[open] button[data-action="ok"]')`)
	eval[chromedp.Void](p, `window.arenaDialog = document.querySelector('dialog.confirm-dialog[open]')`)
	p.do("confirm", chromedp.Click(chromedp.CSS(`dialog.confirm-dialog[open] button[data-action="ok"]`)))
	// That dialog goes; another (a second confirm step) may open in its place.
	p.waitFor("the dialog to close", `!window.arenaDialog.isConnected`)
}

// opsClient is a websocket client that sends ops and waits for their answers, for setting a
// workshop up quickly or reading what the server holds.
type opsClient struct {
	t       *testing.T
	ctx     context.Context
	c       *websocket.Conn
	welcome map[string]any

	mu      sync.Mutex
	n       int
	waiters map[string]chan map[string]any
	events  []map[string]any
}

// dialOps says hello with the given fields and waits for the welcome.
func dialOps(t *testing.T, ctx context.Context, base, code string, hello map[string]any) *opsClient {
	t.Helper()
	url := "ws" + strings.TrimPrefix(base, "http") + "/api/workshops/" + code + "/ws"
	c, _, err := websocket.Dial(ctx, url, nil)
	if err != nil {
		t.Fatalf("dial %s: %v", url, err)
	}
	c.SetReadLimit(1 << 22)
	t.Cleanup(func() { c.CloseNow() })
	o := &opsClient{t: t, ctx: ctx, c: c, waiters: map[string]chan map[string]any{}}
	hello["type"] = "hello"
	o.send(hello)
	welcome := make(chan map[string]any, 1)
	go o.read(welcome)
	select {
	case o.welcome = <-welcome:
	case <-time.After(5 * time.Second):
		t.Fatal("ops client: no welcome within 5 s")
	}
	return o
}

func (o *opsClient) send(v any) {
	o.t.Helper()
	buf, err := json.Marshal(v)
	if err != nil {
		o.t.Fatal(err)
	}
	if err := o.c.Write(o.ctx, websocket.MessageText, buf); err != nil {
		o.t.Fatalf("ops client: send %s: %v", buf, err)
	}
}

func (o *opsClient) read(welcome chan<- map[string]any) {
	for {
		_, data, err := o.c.Read(o.ctx)
		if err != nil {
			return
		}
		for _, line := range strings.Split(string(data), "\n") {
			if strings.TrimSpace(line) == "" {
				continue
			}
			var m map[string]any
			if json.Unmarshal([]byte(line), &m) != nil {
				continue
			}
			switch m["type"] {
			case "welcome":
				select {
				case welcome <- m:
				default:
				}
			case "event":
				o.mu.Lock()
				o.events = append(o.events, m)
				o.mu.Unlock()
			case "ack", "error":
				ref, _ := m["ref"].(string)
				o.mu.Lock()
				ch := o.waiters[ref]
				delete(o.waiters, ref)
				o.mu.Unlock()
				if ch != nil {
					ch <- m
				}
			}
		}
	}
}

// try sends an op and answers the server's ack or error message. It waits a little after
// each op so a burst of setup ops stays under the rate limit of 20 a second.
func (o *opsClient) try(name string, data any) map[string]any {
	o.t.Helper()
	o.mu.Lock()
	o.n++
	ref := fmt.Sprintf("setup-%d", o.n)
	ch := make(chan map[string]any, 1)
	o.waiters[ref] = ch
	o.mu.Unlock()
	o.send(map[string]any{"type": "op", "ref": ref, "op": name, "data": data})
	defer time.Sleep(55 * time.Millisecond)
	select {
	case m := <-ch:
		return m
	case <-time.After(5 * time.Second):
		o.t.Fatalf("ops client: no answer to %s within 5 s", name)
		return nil
	}
}

// op sends an op that must succeed and answers the id of what it created, if any.
func (o *opsClient) op(name string, data any) string {
	o.t.Helper()
	m := o.try(name, data)
	if m["type"] != "ack" {
		o.t.Fatalf("ops client: %s %v: %v", name, data, m)
	}
	id, _ := m["id"].(string)
	return id
}

// lastEvent answers the data of the latest event with that name, or nil.
func (o *opsClient) lastEvent(name string) map[string]any {
	o.mu.Lock()
	defer o.mu.Unlock()
	for i := len(o.events) - 1; i >= 0; i-- {
		if o.events[i]["event"] == name {
			d, _ := o.events[i]["data"].(map[string]any)
			return d
		}
	}
	return nil
}

// facilitatorOps connects as the workshop's facilitator.
func (r *stepsRoom) facilitatorOps() *opsClient {
	r.t.Helper()
	return dialOps(r.t, r.ctx, r.srv.base, r.code, map[string]any{"role": "participant", "name": "Fien", "facilitatorToken": r.token})
}

// addExampleActors adds the first n actors of the example workshop and answers their ids
// in the same order.
func addExampleActors(o *opsClient, n int) []string {
	o.t.Helper()
	ids := make([]string, 0, n)
	for _, a := range exampleActors[:n] {
		ids = append(ids, o.op("actor.add", a))
	}
	return ids
}

// welcomeState answers the state of the client's welcome.
func (o *opsClient) welcomeState() map[string]any {
	s, _ := o.welcome["state"].(map[string]any)
	return s
}

// participantID answers the id of the participant with that name, from the welcome or from
// the participant.joined events the client has seen since; "" when unknown.
func (o *opsClient) participantID(name string) string {
	if ps, ok := o.welcomeState()["participants"].([]any); ok {
		for _, p := range ps {
			if m, ok := p.(map[string]any); ok && m["name"] == name {
				id, _ := m["id"].(string)
				return id
			}
		}
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, e := range o.events {
		if e["event"] != "participant.joined" {
			continue
		}
		d, _ := e["data"].(map[string]any)
		p, _ := d["participant"].(map[string]any)
		if p["name"] == name {
			id, _ := p["id"].(string)
			return id
		}
	}
	return ""
}

// tap touches the middle of the element as a finger does (touchstart, touchend), in a tab
// that emulates a touch screen; the browser makes the click of it.
func tap(p *tab, selector string) {
	p.t.Helper()
	p.waitFor("the element to tap", `document.querySelector(`+js(selector)+`)`)
	pt := eval[[]float64](p, `(() => { const el = document.querySelector(`+js(selector)+`); el.scrollIntoView({block: 'center'});
		const r = el.getBoundingClientRect(); return [r.left + r.width / 2, r.top + r.height / 2]; })()`)
	ctx, cancel := context.WithTimeout(p.ctx, stepTimeout)
	defer cancel()
	if _, err := chromedp.Call(ctx, input.DispatchTouchEvent, input.DispatchTouchEventParams{
		Type: input.DispatchTouchEventTypeTouchStart, TouchPoints: []*input.TouchPoint{{X: pt[0], Y: pt[1]}},
	}); err != nil {
		p.t.Fatalf("%s: touch start on %s: %v", p.name, selector, err)
	}
	if _, err := chromedp.Call(ctx, input.DispatchTouchEvent, input.DispatchTouchEventParams{
		Type: input.DispatchTouchEventTypeTouchEnd, TouchPoints: []*input.TouchPoint{},
	}); err != nil {
		p.t.Fatalf("%s: touch end on %s: %v", p.name, selector, err)
	}
}
