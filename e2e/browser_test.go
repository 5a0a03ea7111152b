package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/coder/websocket"
)

// xssName is the actor name of the issue: were it ever parsed as markup, the image would
// fail to load and its onerror handler would open a dialog.
const xssName = `<img src=x onerror=alert(1)>`

var codeRE = regexp.MustCompile(`^[23456789ABCDEFGHJKLMNPQRSTUVWXYZ]{6}$`)

// TestBrowserWorkshopFlow is the scenario, done through the UI as people do it:
// the facilitator creates a workshop, a participant joins on a phone in a second browser
// context and adds an actor named <img src=x onerror=alert(1)>, and the projector shows
// that exact text, with no dialog in any of the three browsers.
func TestBrowserWorkshopFlow(t *testing.T) {
	requireChromium(t)
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)

	srv := startArena(t)
	b := startBrowser(t, ctx)
	shots := os.Getenv("ARENA_SCREENSHOTS")

	// 1. The facilitator creates a workshop on the landing page.
	fac := b.newTab(t, "facilitator", desktop)
	fac.do("open the landing page", chromedp.Navigate(srv.base+"/"))
	fac.waitFor("the landing page to see the server", `document.querySelector('#conn-status[data-state="connected"]')`)
	fac.do("fill in the new workshop",
		chromedp.SendKeys(chromedp.ID("create-title"), "Samen tegen kinderarmoede"),
		chromedp.SetValue(chromedp.ID("create-locale"), "nl"),
	)
	if got := eval[string](fac, `document.getElementById('create-locale').value`); got != "nl" {
		t.Fatalf("#create-locale = %q, want nl", got)
	}
	fac.do("submit the new workshop", chromedp.Click(chromedp.ID("create-submit")))
	fac.waitFor("the console to ask the facilitator's name",
		`/^\/w\/[A-Z0-9]{6}\/facilitate$/.test(location.pathname) && document.getElementById('fac-name-input')`)
	if title := eval[string](fac, `document.querySelector('.name-form .ws-title')?.textContent ?? ''`); title != "Samen tegen kinderarmoede" {
		t.Errorf("the facilitator's name form shows the title %q", title)
	}
	// The token came in the fragment; the console must take it off the address bar, where a
	// projector or a shared screen would show it to the room.
	if hash := eval[string](fac, `location.hash`); strings.Contains(hash, "token") {
		t.Errorf("facilitator: the token stays in the address bar: %q", hash)
	}
	fac.do("give the facilitator's name",
		chromedp.SendKeys(chromedp.ID("fac-name-input"), "Fatima"),
		chromedp.Click(chromedp.ID("fac-name-submit")),
	)
	fac.waitFor("the console to connect", `document.querySelector('#conn-status[data-state="connected"]') && document.getElementById('join-code')`)
	shown := eval[string](fac, `document.getElementById('join-code').textContent`)
	code := strings.ReplaceAll(strings.TrimSpace(shown), " ", "")
	if !codeRE.MatchString(code) {
		t.Fatalf("facilitator: #join-code shows %q, not a workshop code", shown)
	}
	if path := eval[string](fac, `location.pathname`); path != "/w/"+code+"/facilitate" {
		t.Fatalf("facilitator is on %s, want /w/%s/facilitate", path, code)
	}
	fac.waitFor("the facilitator to be listed", `[...document.querySelectorAll('.person-name')].some(e => e.textContent === 'Fatima')`)

	// 2. A participant joins with the code, on a phone in a browser context of its own; they
	// type it as they read it off the screen, in lower case.
	ph := b.newTab(t, "phone", phone)
	ph.do("open the landing page", chromedp.Navigate(srv.base+"/"))
	// First a code that is no workshop's: said as the screens show codes, the field marked.
	wrong := "ZZZ222"
	if code == wrong {
		wrong = "ZZZ223"
	}
	ph.do("type a wrong code", chromedp.SendKeys(chromedp.ID("join-code"), strings.ToLower(wrong)), chromedp.Click(chromedp.ID("join-submit")))
	ph.waitFor("the wrong code refused", `document.getElementById('join-error').textContent.includes(`+js(wrong[:3]+" "+wrong[3:])+`) && document.getElementById('join-code').getAttribute('aria-invalid') === 'true' && document.activeElement.id === 'join-code'`)
	eval[chromedp.Void](ph, `document.getElementById('join-code').value = ''`)
	ph.do("type the code and join",
		chromedp.SendKeys(chromedp.ID("join-code"), strings.ToLower(strings.TrimSpace(shown))),
		chromedp.Click(chromedp.ID("join-submit")),
	)
	ph.waitFor("the join page to ask a name", `location.pathname === `+js("/w/"+code)+` && document.getElementById('name-input')`)
	ph.do("give the participant's name",
		chromedp.SendKeys(chromedp.ID("name-input"), "Sam"),
		chromedp.Click(chromedp.ID("name-submit")),
	)
	ph.waitFor("the phone to connect", `document.querySelector('#conn-status[data-state="connected"]')`)
	fac.waitFor("the participant to appear in the console", `[...document.querySelectorAll('.person-name')].some(e => e.textContent === 'Sam')`)

	// The projector opens before the actor exists, so it must show it live.
	pr := b.newTab(t, "projector", desktop)
	pr.do("open the projector", chromedp.Navigate(srv.base+"/w/"+code+"/present"))
	pr.waitFor("the projector to connect", `document.querySelector('#conn-status[data-state="connected"]')`)

	// The facilitator moves everyone to step 2, the arena analysis.
	fac.do("go to step 2", chromedp.Click(chromedp.CSS(`.step-btn[data-step="2"]`)))
	fac.waitFor("step 2 in the console", `document.querySelector('.step-btn[data-step="2"][aria-current="step"]') && document.getElementById('arena-edit-table')`)
	ph.waitFor("step 2 on the phone", `document.getElementById('actor-add-name') && document.getElementById('actor-add-submit')`)
	pr.waitFor("step 2 on the projector", `document.getElementById('arena-table')`)

	// The participant adds the actor.
	ph.do("add the actor",
		chromedp.SendKeys(chromedp.ID("actor-add-name"), xssName),
		chromedp.Click(chromedp.ID("actor-add-submit")),
	)
	ph.waitFor("the actor on the phone",
		`[...document.querySelectorAll('.actor-card input.field-name')].some(e => e.value === `+js(xssName)+`)`)

	// 3. The projector shows the exact text, live, as text.
	// Wait for the row, not for the right text, so that a name rendered as markup fails
	// at once with what the cell holds instead of at the step's timeout.
	actorCell := `document.querySelector('#arena-table tbody td.actor-name .clamp')` // the projector clamps a long name to two lines
	pr.waitFor("the actor's row on the projector", actorCell)
	checkNoMarkup(t, pr, actorCell)
	checkProjectorFits(t, pr, "with the actor")
	// 4. And the facilitator's console, live.
	fac.waitFor("the actor in the console",
		`[...document.querySelectorAll('#arena-edit-table tr.actor-row input.field-name')].some(e => e.value === `+js(xssName)+`)`)

	// A projector that opens (or reloads) afterwards gets it from the snapshot.
	pr.do("reload the projector", chromedp.Reload())
	pr.waitFor("the projector to reconnect", `document.querySelector('#conn-status[data-state="connected"]')`)
	pr.waitFor("the actor's row after a reload", actorCell)
	checkNoMarkup(t, pr, actorCell)
	if n := eval[int](pr, `document.querySelectorAll('#arena-table tbody tr').length`); n != 1 {
		t.Errorf("projector: %d rows in #arena-table, want 1", n)
	}

	for _, p := range []*tab{fac, ph, pr} {
		p.waitFor("#conn-status connected", `document.querySelector('#conn-status[data-state="connected"]')`)
		if n := eval[int](p, `document.querySelectorAll('img[src="x"], [onerror]').length`); n != 0 {
			t.Errorf("%s: the actor's name became markup: %d img[src=x] or [onerror] elements", p.name, n)
		}
	}

	pr.screenshot(shots, "projector.png")
	ph.screenshot(shots, "phone.png")
	fac.screenshot(shots, "facilitator.png")

	// No dialog, no uncaught exception, no CSP violation in any of the three browsers.
	for _, p := range []*tab{fac, ph, pr} {
		r := p.record()
		for _, d := range r.dialogs {
			t.Errorf("%s: a JavaScript dialog opened: %s", p.name, d)
		}
		for _, e := range r.exceptions {
			t.Errorf("%s: uncaught exception: %s", p.name, e)
		}
		for _, s := range r.security {
			t.Errorf("%s: security message (CSP): %s", p.name, s)
		}
		for _, e := range r.consoleErr {
			t.Logf("%s: console error (not a failure): %s", p.name, e)
		}
	}

	// The checks above pass trivially if the listener hears nothing, so prove that it hears:
	// an alert gives a recorded (and dismissed) dialog; markup with an inline handler, in a
	// page under Arena's CSP, gives a CSP message and no dialog.
	probe := b.newTab(t, "probe", desktop)
	probe.do("open the landing page", chromedp.Navigate(srv.base+"/"))
	eval[chromedp.Void](probe, `setTimeout(() => alert('probe'), 0)`)
	probe.waitForRecord("the probe's alert", "the dialog listener hears nothing", func(r record) bool { return len(r.dialogs) == 1 })
	// The dialog was dismissed: the page answers again.
	if got := eval[int](probe, `1 + 1`); got != 2 {
		t.Errorf("probe: page answers %d after its dialog", got)
	}
	eval[chromedp.Void](probe, `document.body.insertAdjacentHTML('beforeend', `+js(xssName)+`)`)
	probe.waitForRecord("a CSP message for the inline handler",
		"the page's Content-Security-Policy does not block inline handlers, or the listener hears no CSP messages",
		func(r record) bool { return len(r.security) > 0 })
	if r := probe.record(); len(r.dialogs) != 1 {
		t.Errorf("probe: an inline handler ran despite the CSP: dialogs %q", r.dialogs)
	}

	t.Logf("browser flow took %v (workshop %s)", time.Since(start).Round(time.Millisecond), code)
}

// checkNoMarkup asserts that the table cell holds exactly the actor's name, as text: no
// element inside it, and no img with src "x" anywhere in the table.
func checkNoMarkup(t *testing.T, p *tab, cell string) {
	t.Helper()
	got := eval[string](p, `(`+cell+`).textContent`)
	html := eval[string](p, `(`+cell+`).innerHTML`)
	if got != xssName {
		t.Errorf("%s: the actor's cell shows %q, want %q (its HTML: %s)", p.name, got, xssName, html)
	}
	if n := eval[int](p, `(`+cell+`).childElementCount`); n != 0 {
		t.Errorf("%s: the actor's cell holds %d elements, want text only (its HTML: %s)", p.name, n, html)
	}
	if n := eval[int](p, `document.querySelectorAll('#arena-table img[src="x"], #arena-table [onerror]').length`); n != 0 {
		t.Errorf("%s: #arena-table holds %d img[src=x] or [onerror] elements", p.name, n)
	}
}

// waitForRecord waits until what the tab's listener recorded satisfies ok.
func (p *tab) waitForRecord(what, meaning string, ok func(record) bool) {
	p.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !ok(p.record()) {
		if time.Now().After(deadline) {
			p.t.Fatalf("%s: %s: not seen within 5 s: %s\n%s", p.name, what, meaning, p.diag())
		}
		time.Sleep(25 * time.Millisecond)
	}
}

// checkProjectorFits asserts that the arena table fits the projector's stage. The stage hides
// its overflow, so a table wider than it is simply cut off on the right (under the join
// panel): the stage must not overflow sideways, the last column header must end inside the
// stage and the viewport, and no cell's text may stick out of its cell into the next.
func checkProjectorFits(t *testing.T, p *tab, when string) {
	t.Helper()
	p.waitFor("the projector's fit to settle", `document.querySelector('.present-stage')?.dataset.settled === 'true'`)
	problems := eval[[]string](p, `(() => {
		const out = [];
		const s = document.querySelector('.present-stage');
		const table = document.getElementById('arena-table');
		if (!s || !table) return ['no .present-stage or #arena-table'];
		if (s.scrollWidth > s.clientWidth) out.push('.present-stage overflows sideways: scrollWidth ' + s.scrollWidth + ' > clientWidth ' + s.clientWidth);
		const ths = table.querySelectorAll('thead th');
		const last = ths[ths.length - 1];
		const sr = s.getBoundingClientRect();
		if (!last) out.push('#arena-table has no column headers');
		else {
			const r = last.getBoundingClientRect();
			if (r.right > sr.right + 0.5 || r.right > innerWidth) {
				out.push('last column header "' + last.textContent + '" ends at ' + Math.round(r.right) + ' px, the stage at ' + Math.round(sr.right) + ', the viewport at ' + innerWidth);
			}
		}
		for (const c of table.querySelectorAll('th, td')) {
			if (c.scrollWidth > c.clientWidth + 1) out.push('cell "' + c.textContent + '" sticks out: ' + c.scrollWidth + ' > ' + c.clientWidth + ' px');
		}
		return out;
	})()`)
	for _, m := range problems {
		t.Errorf("%s: %s: %s", p.name, when, m)
	}
}

// exampleActors are the actors of the team's example workshop (the domain notes): ten actors
// with long Dutch names and resources over several lines, what a real room produces.
var exampleActors = []map[string]any{
	{"name": "OCMW / Sociaal Huis", "category": "core", "resources": "leefloon, budgetbegeleiding, maatschappelijk werkers, dossierkennis", "importance": 4, "replaceability": "small", "dependency": "large"},
	{"name": "Huis van het Kind", "category": "core", "resources": "consultatiebureau, opvoedingsondersteuning, contact met jonge gezinnen", "importance": 4, "replaceability": "ratherSmall", "replaceableBy": "Kind en Gezin", "dependency": "large"},
	{"name": "Basisschool De Regenboog", "category": "core", "resources": "dagelijks contact met ouders, zorgcoördinator, lokalen na schooltijd", "importance": 3, "replaceability": "ratherSmall", "replaceableBy": "andere wijkscholen", "dependency": "ratherLarge"},
	{"name": "Buurtwerk (samenlevingsopbouw)", "category": "core", "resources": "vertrouwen van bewoners, wijkkennis, vrijwilligers", "importance": 3, "replaceability": "small", "dependency": "ratherLarge"},
	{"name": "CAW (Centrum Algemeen Welzijnswerk)", "category": "peripheral", "resources": "onthaal, schuldhulp, crisisopvang", "importance": 3, "replaceability": "ratherLarge", "replaceableBy": "OCMW", "dependency": "ratherSmall"},
	{"name": "Jeugdhuis 't Kruispunt", "category": "peripheral", "resources": "bereik van tieners, ruimte, jeugdwerkers", "importance": 2, "replaceability": "ratherLarge", "replaceableBy": "jeugdwerk van de stad", "dependency": "small"},
	{"name": "Huisartsenpraktijk Wijkgezondheidscentrum", "category": "peripheral", "resources": "medische signalen, vertrouwensrelatie", "importance": 2, "replaceability": "ratherSmall", "dependency": "ratherSmall"},
	{"name": "Vrijwilligersorganisatie Voedselbank", "category": "peripheral", "resources": "voedselpakketten, wekelijkse contactmomenten", "importance": 2, "replaceability": "large", "dependency": "small"},
	{"name": "Stad Gent, dienst Welzijn", "category": "context", "resources": "subsidies, beleidskader, coördinatieopdracht", "importance": 4, "replaceability": "small", "dependency": "large"},
	{"name": "Provincie Oost-Vlaanderen", "category": "anchoring", "resources": "projectfinanciering, expertise netwerken", "importance": 1, "replaceability": "ratherLarge", "dependency": "small"},
}

// TestBrowserProjectorFits fills a workshop with the example's ten actors and checks that the
// projector shows the whole arena table, legibly, at 1280x720 and at 1920x1080, in both
// languages: fitting by shrinking the type to nothing would pass the overflow checks, so the
// stage's type has a floor too.
func TestBrowserProjectorFits(t *testing.T) {
	requireChromium(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	srv := startArena(t)
	b := startBrowser(t, ctx)
	code, token := createWorkshop(t, srv.base, "Samen tegen kinderarmoede in de Brugse Poort")

	pr := b.newTab(t, "projector", desktop)
	pr.do("open the projector", chromedp.Navigate(srv.base+"/w/"+code+"/present"))
	pr.waitFor("the projector to connect", `document.querySelector('#conn-status[data-state="connected"]')`)

	// The facilitator's ops, over a WebSocket of its own: at most 20 ops a second.
	wsURL := "ws" + strings.TrimPrefix(srv.base, "http") + "/api/workshops/" + code + "/ws"
	c, _, err := websocket.Dial(ctx, wsURL, nil)
	if err != nil {
		t.Fatalf("dial %s: %v", wsURL, err)
	}
	defer c.CloseNow()
	go func() { // what it answers is seen on the projector; read it to keep the socket going
		for {
			if _, _, err := c.Read(ctx); err != nil {
				return
			}
		}
	}()
	send := func(v any) {
		t.Helper()
		buf, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Write(ctx, websocket.MessageText, buf); err != nil {
			t.Fatalf("send %s: %v", buf, err)
		}
		time.Sleep(60 * time.Millisecond)
	}
	send(map[string]any{"type": "hello", "role": "participant", "name": "Fien", "facilitatorToken": token})
	send(map[string]any{"type": "op", "ref": "step", "op": "step.set", "data": map[string]any{"step": 2}})
	for i, a := range exampleActors {
		send(map[string]any{"type": "op", "ref": strconv.Itoa(i), "op": "actor.add", "data": a})
	}
	pr.waitFor("the ten actors on the projector", `document.querySelectorAll('#arena-table tbody tr').length === 10`)
	c.Close(websocket.StatusNormalClosure, "")

	check := func(when string, minFont float64) {
		t.Helper()
		checkProjectorFits(t, pr, when)
		px := eval[float64](pr, `parseFloat(getComputedStyle(document.querySelector('.present-stage')).fontSize)`)
		if px < minFont {
			t.Errorf("projector: %s: the stage's type is %.1f px, below %.0f px: too small for the back of the room", when, px, minFont)
		}
		t.Logf("projector: %s: type %.1f px", when, px)
	}
	check("10 actors at 1280x720", 12)
	pr.screenshot(os.Getenv("ARENA_SCREENSHOTS"), "projector-example.png")

	pr.do("switch to English", chromedp.Click(chromedp.CSS(`.lang-btn[lang="en"]`)))
	pr.waitFor("the English table", `document.querySelector('#arena-table th')?.textContent === 'Actor' && document.documentElement.lang === 'en'`)
	check("10 actors at 1280x720 in English", 12)

	pr.do("widen the projector", chromedp.EmulateViewport(1920, 1080))
	pr.waitFor("the wide layout", `innerWidth === 1920 && document.querySelector('.present-stage').clientWidth > 1400`)
	// The projector refits on the resize event, which comes with the next rendering update:
	// wait two frames so that the check sees the refitted table, not the old scale.
	eval[chromedp.Void](pr, `window.arenaFramesDone = false, requestAnimationFrame(() => requestAnimationFrame(() => { window.arenaFramesDone = true; }))`)
	pr.waitFor("two frames after the resize", `window.arenaFramesDone`)
	check("10 actors at 1920x1080 in English", 18)
	pr.do("switch to Dutch", chromedp.Click(chromedp.CSS(`.lang-btn[lang="nl"]`)))
	pr.waitFor("the Dutch table", `document.documentElement.lang === 'nl'`)
	check("10 actors at 1920x1080", 18)

	for _, e := range pr.record().exceptions {
		t.Errorf("projector: uncaught exception: %s", e)
	}
}

// createWorkshop creates a workshop through the API and answers its code and facilitator token.
func createWorkshop(t *testing.T, base, title string) (code, token string) {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"title": title})
	resp, err := http.Post(base+"/api/workshops", "application/json", strings.NewReader(string(body)))
	if err != nil {
		t.Fatalf("create workshop: %v", err)
	}
	defer resp.Body.Close()
	var w struct {
		Code             string `json:"code"`
		FacilitatorToken string `json:"facilitatorToken"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&w); err != nil || resp.StatusCode/100 != 2 || w.Code == "" || w.FacilitatorToken == "" {
		t.Fatalf("create workshop: status %d, %+v, %v", resp.StatusCode, w, err)
	}
	return w.Code, w.FacilitatorToken
}

// TestProjectorPages: an arena table too long for legible type on one screen (24 actors at
// 1920x1080) is shown in pages of the rows that fit at the pages' scale, each page named,
// and the pages turn by themselves, the next page starting where the first ended.
func TestProjectorPages(t *testing.T) {
	r := newStepsRoom(t, "Een lange lijst", 90*time.Second)
	fac := r.facilitatorOps()
	fac.op("step.set", map[string]any{"step": 2})
	const n = 24
	for i := range n {
		a := maps.Clone(exampleActors[i%len(exampleActors)])
		a["name"] = fmt.Sprintf("%s %d", a["name"], i+1)
		a["resources"] = fmt.Sprintf("%s; %s", a["resources"], "vrijwilligers, een zaal in de wijk en contacten met de school")
		fac.op("actor.add", a)
	}
	pr := r.projector(projectorHD)
	pr.waitFor("the actors on the projector", fmt.Sprintf(`document.querySelectorAll('#arena-table tbody tr').length === %d`, n))
	pr.waitFor("the first page", `/^Pagina 1 van \d+$/.test(document.querySelector('.page-note:not([hidden])')?.textContent || '')`)
	shown := func() []int {
		return eval[[]int](pr, `[...document.querySelectorAll('#arena-table tbody tr')].flatMap((r, i) => r.hidden ? [] : [i])`)
	}
	first := shown()
	pages := eval[int](pr, `Number(document.querySelector('.page-note').textContent.match(/van (\d+)/)[1])`)
	if len(first) == 0 || len(first) == n || first[0] != 0 || first[len(first)-1] != len(first)-1 {
		t.Fatalf("page 1 shows rows %v of %d", first, n)
	}
	if want := (n + len(first) - 1) / len(first); pages != want {
		t.Errorf("%d pages of %d rows for %d actors, want %d", pages, len(first), n, want)
	}
	checkProjectorFits(t, pr, "page 1")
	px := eval[float64](pr, `parseFloat(getComputedStyle(document.querySelector('.present-stage')).fontSize)`)
	if px < 22 { // 0.75 of the stage's full 29.8 px at 1920 wide
		t.Errorf("page 1: the stage's type is %.1f px, below 22 px", px)
	}
	t.Logf("%d pages of %d rows, type %.1f px", pages, len(first), px)
	pr.screenshot(os.Getenv("ARENA_SCREENSHOTS"), "projector-pages.png")

	pr.waitFor("the second page (the pages turn every 12 s)", fmt.Sprintf(`document.querySelector('.page-note').textContent === 'Pagina 2 van %d'`, pages))
	if second := shown(); len(second) == 0 || second[0] != len(first) {
		t.Errorf("page 2 shows rows %v, want it to start at row %d", second, len(first))
	}
	checkProjectorFits(t, pr, "page 2")
	checkClean(t, pr)
}

// TestTranslationsComplete: every user-facing string of the pages exists in Dutch and in
// English, neither empty.
func TestTranslationsComplete(t *testing.T) {
	requireChromium(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	srv := startArena(t)
	p := startBrowser(t, ctx).newTab(t, "landing", desktop)
	p.do("open the landing page", chromedp.Navigate(srv.base+"/"))
	eval[chromedp.Void](p, `void import('/static/js/i18n.js').then((m) => { window.arenaDicts = m.dictionaries; })`)
	p.waitFor("the dictionaries", `window.arenaDicts`)
	problems := eval[[]string](p, `(() => {
		const d = window.arenaDicts, out = [];
		for (const [a, b] of [['nl', 'en'], ['en', 'nl']]) {
			for (const [k, v] of Object.entries(d[a])) {
				if (!(k in d[b])) out.push(b + ' lacks ' + k);
				if (v === '' || v === null || v === undefined) out.push(a + ' has an empty ' + k);
			}
		}
		return out;
	})()`)
	for _, m := range problems {
		t.Error(m)
	}
	if n := eval[int](p, `Object.keys(window.arenaDicts.nl).length`); n < 100 {
		t.Errorf("only %d Dutch strings: the dictionaries did not load whole", n)
	}
	// Switching the language from the keyboard redraws the page; the focus stays on the
	// toggle instead of falling to the page's start.
	p.do("focus EN and press Enter", chromedp.Focus(chromedp.CSS(`.lang-btn[lang="en"]`)), chromedp.KeyEvent("\r"))
	p.waitFor("the English page", `document.documentElement.lang === 'en'`)
	if got := eval[string](p, `document.activeElement.matches('.lang-btn[lang="en"]') ? 'EN' : document.activeElement.tagName`); got != "EN" {
		t.Errorf("after switching the language the focus is on %s, want the EN button", got)
	}
}
