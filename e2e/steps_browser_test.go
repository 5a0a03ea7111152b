package e2e

import (
	"math"
	"os"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestStepsTimer: the facilitator starts a countdown in the console; the phone and the
// projector show it within a second of the time left on the server's clock, even on a phone
// whose own clock is ten minutes off. Run out, it shows zero; stopped, it disappears.
func TestStepsTimer(t *testing.T) {
	r := newStepsRoom(t, "Timer", 90*time.Second)
	watch := dialOps(t, r.ctx, r.srv.base, r.code, map[string]any{"role": "viewer"})
	fac := r.console("Fien", consoleVP)
	ph := r.phone("Sam", 10*time.Minute)
	pr := r.projector(desktop)

	for _, p := range []*tab{ph, pr} {
		if shown := eval[bool](p, `!!document.getElementById('timer') && !document.getElementById('timer').hidden`); shown {
			t.Errorf("%s: a countdown shows before any timer was set", p.name)
		}
	}
	fac.do("start a 5-minute timer", chromedp.Click(chromedp.CSS(`.timer-preset[data-seconds="300"]`)))
	for _, p := range []*tab{ph, pr, fac} {
		p.waitFor("the countdown", `document.getElementById('timer') && !document.getElementById('timer').hidden && /\d:\d\d/.test(document.querySelector('#timer .countdown-time').textContent)`)
	}
	var endsAt float64
	deadline := time.Now().Add(5 * time.Second)
	for endsAt == 0 && time.Now().Before(deadline) {
		if d := watch.lastEvent("timer.changed"); d != nil {
			if tm, ok := d["timer"].(map[string]any); ok {
				endsAt, _ = tm["endsAt"].(float64)
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	if endsAt == 0 {
		t.Fatal("no timer.changed event with endsAt reached the watching client")
	}
	// The server runs on this machine: its clock is ours.
	for _, p := range []*tab{ph, pr, fac} {
		text := eval[string](p, `document.querySelector('#timer .countdown-time').textContent`)
		left := time.Until(time.UnixMilli(int64(endsAt))).Seconds()
		got := parseClock(t, text)
		if math.Abs(float64(got)-left) > 1.0 {
			t.Errorf("%s: countdown shows %q (%d s), want %.1f s left (within a second)", p.name, text, got, left)
		}
		if got < 290 || got > 300 {
			t.Errorf("%s: countdown shows %q just after a 5-minute timer started", p.name, text)
		}
	}

	shots := os.Getenv("ARENA_SCREENSHOTS")
	pr.screenshot(shots, "timer-projector.png")
	ph.screenshot(shots, "timer-phone.png")
	fac.screenshot(shots, "timer-console.png")

	// A short timer runs out: every screen shows zero and says so; nothing else changes.
	fac.do("type 1 minute", chromedp.SendKeys(chromedp.ID("timer-minutes"), "1"), chromedp.Click(chromedp.ID("timer-start")))
	ph.waitFor("the one-minute countdown", `/^(1:00|0:59|0:58)$/.test(document.querySelector('#timer .countdown-time').textContent)`)
	if m := watch.try("timer.set", map[string]any{"seconds": 1}); m["type"] != "error" {
		t.Errorf("a viewer's timer.set was not refused: %v", m)
	}
	fo := r.facilitatorOps()
	fo.op("timer.set", map[string]any{"seconds": 1})
	for _, p := range []*tab{ph, pr} {
		p.waitFor("zero once the time has passed", `document.querySelector('#timer.done .countdown-time')?.textContent === '0:00'`)
	}

	fac.do("stop the timer", chromedp.Click(chromedp.ID("timer-stop")))
	for _, p := range []*tab{ph, pr} {
		p.waitFor("the countdown to go", `document.getElementById('timer').hidden`)
	}
	checkClean(t, fac, ph, pr)
}

func parseClock(t *testing.T, s string) int {
	t.Helper()
	m := regexp.MustCompile(`^(?:(\d+):)?(\d+):(\d\d)$`).FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		t.Fatalf("countdown %q is not h:mm:ss or m:ss", s)
	}
	h, _ := strconv.Atoi(m[1])
	mm, _ := strconv.Atoi(m[2])
	ss, _ := strconv.Atoi(m[3])
	return h*3600 + mm*60 + ss
}

// checkStageFits asserts that the projector shows the whole step: the stage does not overflow
// either way, no table cell's content sticks out of its cell, and the type stays legible.
func checkStageFits(t *testing.T, p *tab, when string, minFont float64) {
	t.Helper()
	p.waitFor("the projector's fit to settle", `document.querySelector('.present-stage')?.dataset.settled === 'true'`)
	problems := eval[[]string](p, `(() => {
		const out = [];
		const s = document.querySelector('.present-stage');
		if (!s) return ['no .present-stage'];
		if (s.scrollWidth > s.clientWidth + 1) out.push('the stage overflows sideways: ' + s.scrollWidth + ' > ' + s.clientWidth);
		if (s.scrollHeight > s.clientHeight + 1) out.push('the stage overflows downwards: ' + s.scrollHeight + ' > ' + s.clientHeight);
		for (const c of s.querySelectorAll('th, td')) {
			if (c.scrollWidth > c.clientWidth + 1) out.push('cell "' + c.textContent.slice(0, 40) + '" sticks out: ' + c.scrollWidth + ' > ' + c.clientWidth);
		}
		return out;
	})()`)
	for _, m := range problems {
		t.Errorf("%s: %s: %s", p.name, when, m)
	}
	if px := eval[float64](p, `parseFloat(getComputedStyle(document.querySelector('.present-stage')).fontSize)`); px < minFont {
		t.Errorf("%s: %s: the stage's type is %.1f px, below %.0f px", p.name, when, px, minFont)
	}
}

// unknownOp reports whether the server answered an op with bad_message "unknown op": the
// server side of that op has not landed yet.
func unknownOp(m map[string]any) bool {
	msg, _ := m["message"].(string)
	return m["type"] == "error" && m["code"] == "bad_message" && strings.Contains(msg, "unknown op")
}

// TestStepsScreens walks the example workshop through the six steps with a phone, the console
// and the projector at 1280x720 and 1920x1080: each step's screen shows, the projector fits it
// at both sizes with legible type, and no page throws. With ARENA_SCREENSHOTS=<dir> it saves
// a screenshot of every screen at every step.
func TestStepsScreens(t *testing.T) {
	r := newStepsRoom(t, "Samen tegen kinderarmoede in de Brugse Poort", 150*time.Second)
	shots := os.Getenv("ARENA_SCREENSHOTS")
	fo := r.facilitatorOps()
	fo.op("workshop.update", map[string]any{
		"issue": "Gezinnen met jonge kinderen in de wijk vinden de weg naar ondersteuning niet;\ndiensten werken naast elkaar en bereiken dezelfde gezinnen niet.",
		"goal":  "Binnen twee jaar een wijkgericht netwerk dat gezinnen met kinderen tot 12 jaar één aanspreekpunt biedt.",
	})
	fac := r.console("Fien", consoleVP)
	ph := r.phone("Sam", 0)
	pr := r.projector(desktop)
	prHD := r.projector(projectorHD)
	all := []*tab{fac, ph, pr, prHD}
	shoot := func(step string) {
		for _, p := range all {
			p.screenshot(shots, "step"+step+"-"+strings.ReplaceAll(p.name, " ", "-")+".png")
		}
	}
	fits := func(when string) {
		checkStageFits(t, pr, when, 12)
		checkStageFits(t, prHD, when, 18)
		// A 360-pixel phone never scrolls sideways.
		if w := eval[int](ph, `document.documentElement.scrollWidth`); w > 360 {
			t.Errorf("phone: %s: the page is %d px wide on a 360 px screen", when, w)
		}
	}
	others := make([]*opsClient, 3)
	for i := range others {
		others[i] = dialOps(t, r.ctx, r.srv.base, r.code, map[string]any{"role": "participant", "name": []string{"Ilse", "Jamal", "Karin"}[i]})
	}

	pr.waitFor("step 1 on the projector", `document.querySelector('.issue-view')`)
	fits("step 1")
	shoot("1")

	ids := addExampleActors(fo, len(exampleActors))
	fo.op("step.set", map[string]any{"step": 2})
	pr.waitFor("the ten actors", `document.querySelectorAll('#arena-table tbody tr').length === 10`)
	estimates := !unknownOp(others[0].try("estimate.set", map[string]any{"actorId": ids[0], "importance": 4}))
	if estimates {
		for i, o := range others {
			for j, id := range ids[:6] {
				o.op("estimate.set", map[string]any{"actorId": id, "importance": 1 + (i+j)%4, "replaceability": 1 + (j+i*2)%4, "dependency": 4 - j%3})
			}
		}
		pr.waitFor("the spread of the estimates", `document.querySelectorAll('#arena-table .spread').length >= 18`)
	} else {
		t.Log("*** estimate.set is not implemented server-side yet: step 2 and 3 screens without estimates ***")
	}
	fac.waitFor("the ranking panel", `document.getElementById('ranking-use-suggestion')`)
	fac.do("use the suggested ranking", chromedp.Click(chromedp.ID("ranking-use-suggestion")))
	pr.waitFor("the ranking on the projector", `[...document.querySelectorAll('#arena-table tbody td.rank')].map(e => e.textContent).join() === '1,2,3,4,5,6,7,8,9,10'`)
	ph.waitFor("the phone's cards", `document.querySelectorAll('.actor-card').length === 10`)
	fits("step 2")
	shoot("2")
	ph.do("open the private estimate", chromedp.Click(chromedp.ID("tab-estimate")))
	ph.waitFor("the estimate cards", `document.querySelectorAll('#estimate-cards .estimate-card').length === 10`)
	ph.screenshot(shots, "step2-phone-estimate.png")

	fo.op("step.set", map[string]any{"step": 3})
	pr.waitFor("step 3 on the projector", `document.querySelectorAll('#forms-table tbody tr').length === 10`)
	if estimates {
		// Per actor where the group stands and how far apart the three are; each one's six
		// dimensions vary a little around their place.
		center := []int{62, 45, 58, 40, 70, 30, 52, 35}
		apart := []int{8, 30, 12, 25, 6, 20, 35, 15}
		for i, o := range others {
			for j, id := range ids[:8] {
				v := func(k int) int { return min(100, max(0, center[j]+apart[j]*(i-1)+(5*k+7*j+3*i)%23-11)) }
				o.op("estimate.set", map[string]any{"actorId": id, "form": map[string]any{
					"interests": v(1), "factualDecisions": v(2), "formalDecisions": v(3), "resources": v(4), "engagement": v(5), "identification": v(6)}})
			}
		}
		pr.waitFor("the placements", `document.querySelectorAll('#forms-table .form-marker').length === 8`)
	}
	fo.op("actor.update", map[string]any{"id": ids[0], "form": "network"})
	fo.op("actor.update", map[string]any{"id": ids[1], "form": "adhoc"})
	ph.do("open a placement", chromedp.Click(chromedp.CSS(`#placement-cards .placement-toggle`)))
	fits("step 3")
	shoot("3")

	for _, c := range []string{"bereikt de doelgroep rechtstreeks", "kan engagement voor twee jaar opnemen", "brengt een aanvullende (niet concurrerende) machtsbron in"} {
		fo.op("criterion.add", map[string]any{"text": c})
	}
	fo.op("step.set", map[string]any{"step": 4})
	pr.waitFor("the criteria on the projector", `document.querySelectorAll('#criteria-list li').length === 3`)
	open := fo.try("round.open", map[string]any{"mode": "dots", "dots": 5, "maxPerActor": 3, "reveal": "live", "anonymous": true})
	rounds := !unknownOp(open)
	if rounds {
		if open["type"] != "ack" {
			t.Fatalf("round.open: %v", open)
		}
		roundID, _ := open["id"].(string)
		if unknownOp(others[0].try("vote.cast", map[string]any{"roundId": roundID, "actorId": ids[0], "count": 3})) {
			t.Log("*** vote.cast is not implemented server-side yet: a round without votes ***")
		} else {
			for i, o := range others {
				o.op("vote.cast", map[string]any{"roundId": roundID, "actorId": ids[i+1], "count": 2})
				o.op("vote.cast", map[string]any{"roundId": roundID, "actorId": ids[0], "count": 3})
			}
			pr.waitFor("the live bars", `document.querySelectorAll('#vote-results .bar-row').length === 10`)
		}
		ph.waitFor("the ballot", `document.querySelectorAll('#ballot .ballot-row').length === 10`)
		ph.do("give a dot", chromedp.Click(chromedp.CSS(`#ballot .vote-plus`)))
		// With the keyboard, up to the cap of 3 and once more: the focus stays on the button.
		plus := `#ballot .ballot-row[data-id="` + ids[0] + `"] .vote-plus`
		ph.do("focus the first actor's +", chromedp.Focus(chromedp.CSS(plus)))
		for range 4 {
			ph.do("press + with the keyboard", chromedp.KeyEvent("\r"))
			time.Sleep(150 * time.Millisecond) // the next press after the ballot came back
		}
		ph.waitFor("three dots, the cap", `document.querySelector('#ballot .ballot-row[data-id="`+ids[0]+`"]')?.dataset.count === '3' && document.querySelector(`+js(plus)+`).getAttribute('aria-disabled') === 'true'`)
		if !eval[bool](ph, `document.activeElement === document.querySelector(`+js(plus)+`)`) {
			t.Errorf("phone: the focus left the + button at the cap (now on %s)", eval[string](ph, `document.activeElement.tagName + '.' + document.activeElement.className`))
		}
		fits("step 4, open round")
		shoot("4-open")
		fo.op("round.close", map[string]any{"roundId": roundID})
		pr.waitFor("the final bars", `document.querySelector('#vote-results.final')`)
	} else {
		t.Log("*** round.open is not implemented server-side yet: step 4 screens without a round ***")
	}
	for _, id := range ids[:4] {
		fo.op("actor.select", map[string]any{"id": id, "selected": true})
	}
	fits("step 4")
	shoot("4")

	fo.op("step.set", map[string]any{"step": 5})
	pr.waitFor("the follow-up table", `document.querySelectorAll('#followup-table tbody tr').length === 4`)
	samID := fo.participantID("Sam")
	if samID == "" {
		t.Fatal("the facilitator's client never heard of Sam")
	}
	fo.op("followup.update", map[string]any{"actorId": ids[0], "owner": samID, "status": "contacted", "assessmentRight": true, "interest": "high", "willingness": "medium", "notes": "Gebeld op maandag.\nVolgende week afspraak met de directeur."})
	fo.op("followup.update", map[string]any{"actorId": ids[1], "status": "agreed", "assessmentRight": false, "interest": "medium", "willingness": "high"})
	fo.op("followup.update", map[string]any{"actorId": ids[2], "status": "declined", "interest": "low", "willingness": "low", "notes": "Geen tijd dit schooljaar."})
	fits("step 5")
	shoot("5")

	fo.op("step.set", map[string]any{"step": 6})
	fo.op("actor.update", map[string]any{"id": ids[2], "importance": 4, "dependency": "large"})
	fo.op("actor.update", map[string]any{"id": ids[5], "name": "Jeugdhuis 't Kruispunt vzw"})
	fo.op("actor.add", map[string]any{"name": "Kinderopvang De Vlieger", "category": "peripheral", "importance": 3})
	fo.op("actor.remove", map[string]any{"id": ids[9]})
	pr.waitFor("the comparison", `document.getElementById('compare-table')`)
	fits("step 6")
	shoot("6")

	// Every screen follows a change of language, step 6 included.
	for _, p := range all {
		p.do("switch to English", chromedp.Click(chromedp.CSS(`.lang-btn[lang="en"]`)))
		p.waitFor("English", `document.documentElement.lang === 'en'`)
	}
	fac.waitFor("the console in English", `document.querySelector('.compare-box h3')?.textContent === 'What changed since step 2'`)
	pr.waitFor("the projector in English", `document.getElementById('step-title').textContent.startsWith('Step 6')`)
	fits("step 6 in English")
	fo.op("step.set", map[string]any{"step": 2})
	pr.waitFor("step 2 in English", `document.querySelector('#arena-table th')?.textContent === 'Actor'`)
	fits("step 2 in English")
	shoot("2-en")

	checkClean(t, all...)
}

// degree is replaceability and dependency as numbers, as estimates carry them (PROTOCOL.md).
var degree = map[string]int{"small": 1, "ratherSmall": 2, "ratherLarge": 3, "large": 4}

// suggestedRanking is the rule the console states: score = importance + dependency (small 1 ..
// large 4) + how hard to replace (replaceability large 1 .. small 4), ties by name.
func suggestedRanking(actors []map[string]any) []string {
	type scored struct {
		name  string
		score int
	}
	var list []scored
	for _, a := range actors {
		s := a["importance"].(int) + degree[a["dependency"].(string)]
		if r := degree[a["replaceability"].(string)]; r > 0 {
			s += 5 - r
		}
		list = append(list, scored{a["name"].(string), s})
	}
	sort.SliceStable(list, func(i, j int) bool {
		if list[i].score != list[j].score {
			return list[i].score > list[j].score
		}
		return strings.ToLower(list[i].name) < strings.ToLower(list[j].name)
	})
	names := make([]string, len(list))
	for i, s := range list {
		names[i] = s.name
	}
	return names
}

// TestStepsRanking: the console suggests a ranking by its stated rule; the facilitator takes
// it over and changes it with the up and down buttons, on a touch screen too, and takes an
// actor out; the projector shows the table in exactly that order.
func TestStepsRanking(t *testing.T) {
	r := newStepsRoom(t, "Rangorde", 90*time.Second)
	fo := r.facilitatorOps()
	actors := exampleActors[:7] // CAW and the Huisartsenpraktijk tie at 7 points
	ids := addExampleActors(fo, len(actors))
	idOf := map[string]string{}
	for i, a := range actors {
		idOf[a["name"].(string)] = ids[i]
	}
	const unrated = "Wijkraad" // nobody rated it: not in the suggestion, not ranked by it
	fo.op("actor.add", map[string]any{"name": unrated})
	fo.op("step.set", map[string]any{"step": 2})
	fac := r.console("Fien", viewport{1024, 768, true}) // a tablet: touch
	pr := r.projector(desktop)
	// The rows' buttons name their actor for a screen reader.
	fac.waitFor("the merge and remove buttons named", `document.querySelector('#arena-edit-table tr[data-id="`+ids[0]+`"] .actor-remove')?.getAttribute('aria-label') === `+js(actors[0]["name"].(string)+" verwijderen")+
		` && document.querySelector('#arena-edit-table tr[data-id="`+ids[0]+`"] .actor-merge')?.getAttribute('aria-label') === `+js(actors[0]["name"].(string)+" samenvoegen met een andere actor"))

	want := suggestedRanking(actors)
	fac.waitFor("the suggestion", `document.querySelectorAll('#ranking-suggestion li').length === 7`)
	if got := texts(fac, "#ranking-suggestion li .suggest-name"); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("console suggests\n  %q\nwant (score rule, ties by name)\n  %q", got, want)
	}
	if rule := eval[string](fac, `document.querySelector('#ranking-panel .rule').textContent`); !strings.Contains(rule, "belangrijkheid") || !strings.Contains(rule, "alfabetisch") {
		t.Errorf("the console does not state the rule: %q", rule)
	}

	projectorOrder := func(order []string, unranked int) {
		t.Helper()
		order, unranked = append(slices.Clone(order), unrated), unranked+1
		expr := `[...document.querySelectorAll('#arena-table tbody td.actor-name')].map(e => e.textContent).join('|') === ` + js(strings.Join(order, "|"))
		pr.waitFor("the order "+strings.Join(order, ", "), expr)
		ranks := texts(pr, "#arena-table tbody td.rank")
		for i, rk := range ranks {
			wantRank := strconv.Itoa(i + 1)
			if i >= len(order)-unranked {
				wantRank = ""
			}
			if rk != wantRank {
				t.Errorf("projector: row %d (%s) shows rank %q, want %q", i+1, order[i], rk, wantRank)
			}
		}
	}

	tap(fac, "#ranking-use-suggestion")
	projectorOrder(want, 0)
	// The ranking's buttons outlive a render that changes nothing in it.
	down := `#ranking-list li[data-id="` + idOf[want[0]] + `"] .rank-down`
	fac.waitFor("the own ranking", `document.querySelector(`+js(down)+`)`)
	eval[chromedp.Void](fac, `window.arenaDown = document.querySelector(`+js(down)+`)`)
	fo.op("workshop.update", map[string]any{"title": "Rangorde en meer"})
	fac.waitFor("the console's render of the new title", `document.querySelector('.fac-head .ws-title')?.textContent === 'Rangorde en meer'`)
	if !eval[bool](fac, `document.querySelector(`+js(down)+`) === window.arenaDown`) {
		t.Error("console: the ranking's buttons were drawn anew by a render")
	}

	move := func(name, button string) {
		t.Helper()
		tap(fac, `#ranking-list li[data-id="`+idOf[name]+`"] .`+button)
	}
	// want: OCMW, Huis van het Kind, Buurtwerk, Basisschool, CAW, Huisartsen, Jeugdhuis.
	move(want[0], "rank-down")
	fac.do("click up on the last", chromedp.Click(chromedp.CSS(`#ranking-list li[data-id="`+idOf[want[6]]+`"] .rank-up`)))
	now := []string{want[1], want[0], want[2], want[3], want[4], want[6], want[5]}
	projectorOrder(now, 0)

	// Two quick presses before the server answers the first: both count.
	move(want[3], "rank-up")
	move(want[3], "rank-up")
	now = []string{want[1], want[3], want[0], want[2], want[4], want[6], want[5]}
	projectorOrder(now, 0)

	move(want[4], "rank-out") // CAW leaves the ranking: last, without a rank
	now = []string{want[1], want[3], want[0], want[2], want[6], want[5], want[4]}
	projectorOrder(now, 1)
	if got := texts(fac, "#ranking-rest .rank-name"); len(got) != 2 || got[0] != want[4] || got[1] != unrated {
		t.Errorf("console: not ranked %q, want [%q %q]", got, want[4], unrated)
	}
	checkClean(t, fac, pr)
}

// TestStepsFollowup: in step 5 a participant fills in the follow-up of a selected actor on a
// phone, field by field; the projector shows each value live, the notes with their line break.
func TestStepsFollowup(t *testing.T) {
	r := newStepsRoom(t, "Opvolging", 90*time.Second)
	fo := r.facilitatorOps()
	ids := addExampleActors(fo, 3)
	fo.op("actor.select", map[string]any{"id": ids[1], "selected": true})
	fo.op("step.set", map[string]any{"step": 5})
	ph := r.phone("Sam", 0)
	pr := r.projector(desktop)

	card := `#followup-cards .followup-card[data-id="` + ids[1] + `"]`
	ph.waitFor("the selected actor's card", `document.querySelectorAll('#followup-cards .followup-card').length === 1 && document.querySelector(`+js(card)+`)`)
	row := `#followup-table tbody tr[data-id="` + ids[1] + `"]`
	pr.waitFor("the selected actor's row", `document.querySelectorAll('#followup-table tbody tr').length === 1 && document.querySelector(`+js(row)+`)`)

	samID := eval[string](ph, `[...document.querySelectorAll(`+js(card+` .fu-owner option`)+`)].find(o => o.textContent === 'Sam')?.value ?? ''`)
	if samID == "" {
		t.Fatalf("phone: Sam is not among the owners to choose: %q", texts(ph, card+" .fu-owner option"))
	}
	setSelect(ph, card+" .fu-owner", samID)
	setSelect(ph, card+" .fu-status", "contacted")
	setSelect(ph, card+" .fu-assessment", "yes")
	setSelect(ph, card+" .fu-interest", "high")
	setSelect(ph, card+" .fu-willingness", "medium")
	notes := "Gebeld op maandag.\nVolgende week afspraak met de directeur."
	ph.do("type the notes",
		chromedp.Click(chromedp.CSS(card+" .fu-notes")),
		chromedp.SendKeys(chromedp.CSS(card+" .fu-notes"), notes),
		chromedp.Blur(chromedp.CSS(card+" .fu-notes")))

	want := map[string]string{"fu-owner": "Sam", "fu-status": "gecontacteerd", "fu-assessment": "ja", "fu-interest": "hoog", "fu-willingness": "gemiddeld"}
	for cls, v := range want {
		pr.waitFor(cls+" = "+v+" on the projector", `document.querySelector(`+js(row+" td."+cls)+`)?.textContent.trim() === `+js(v))
	}
	pr.waitFor("the notes on the projector", `document.querySelector(`+js(row+" td.fu-notes")+`)?.textContent === `+js(notes))
	if lines := eval[int](pr, `Math.round(document.querySelector(`+js(row+" td.fu-notes")+`).getBoundingClientRect().height / parseFloat(getComputedStyle(document.querySelector(`+js(row+" td.fu-notes")+`)).lineHeight))`); lines < 2 {
		t.Errorf("projector: the notes take %d line(s); their line break is lost", lines)
	}
	// And it is shared state: a reload of the phone shows what was saved.
	ph.do("reload the phone", chromedp.Reload())
	ph.waitFor("the saved status after a reload", `document.querySelector(`+js(card+" .fu-status")+`)?.value === 'contacted' && document.querySelector(`+js(card+" .fu-notes")+`)?.value === `+js(notes))
	checkClean(t, ph, pr)
}

// TestStepsCompare: step 6 shows what changed since the workshop left step 2: a changed
// importance as before → after, an actor added since as new, a removed one as removed.
func TestStepsCompare(t *testing.T) {
	r := newStepsRoom(t, "Bijsturen", 90*time.Second)
	fo := r.facilitatorOps()
	if _, ok := fo.welcomeState()["baseline"]; !ok {
		t.Skip("\n\n*** baseline not implemented server-side yet: state.baseline is missing from the welcome ***\n")
	}
	ids := addExampleActors(fo, 4)
	fo.op("step.set", map[string]any{"step": 2})
	fo.op("actor.update", map[string]any{"id": ids[2], "importance": 2})
	fo.op("step.set", map[string]any{"step": 3}) // leaving step 2 records the baseline
	fo.op("step.set", map[string]any{"step": 6})
	fac := r.console("Fien", consoleVP)
	pr := r.projector(desktop)

	pr.waitFor("the comparison", `document.querySelectorAll('#compare-table tbody tr').length === 4`)
	if n := eval[int](pr, `document.querySelectorAll('#compare-table td.changed').length`); n != 0 {
		t.Errorf("projector: %d changed cells before any change", n)
	}
	fac.waitFor("the editable table", `document.querySelector('#arena-edit-table tr.actor-row[data-id="`+ids[2]+`"] select.field-importance')`)
	setSelect(fac, `#arena-edit-table tr.actor-row[data-id="`+ids[2]+`"] select.field-importance`, "4")
	cell := `#compare-table tr[data-id="` + ids[2] + `"] td.cmp-importance.changed`
	pr.waitFor("the changed importance", `document.querySelector(`+js(cell)+`)`)
	before := eval[string](pr, `document.querySelector(`+js(cell+" .before")+`).textContent`)
	after := eval[string](pr, `document.querySelector(`+js(cell+" .after")+`).textContent`)
	if before != "2" || after != "4" {
		t.Errorf("projector: importance shows %q → %q, want 2 → 4 (cell: %q)", before, after, eval[string](pr, `document.querySelector(`+js(cell)+`).textContent`))
	}
	if got := eval[string](pr, `document.querySelector(`+js(cell)+`).textContent`); !strings.Contains(got, "→") {
		t.Errorf("projector: the changed cell %q has no arrow", got)
	}

	added := fo.op("actor.add", map[string]any{"name": "Kinderopvang De Vlieger", "importance": 3})
	fo.op("actor.remove", map[string]any{"id": ids[3]})
	pr.waitFor("the added actor marked", `document.querySelector('#compare-table tr[data-id="`+added+`"][data-status="added"] .chip-added')`)
	pr.waitFor("the removed actor marked", `document.querySelector('#compare-table tr[data-id="`+ids[3]+`"][data-status="removed"] .chip-removed')`)
	fac.waitFor("the console's comparison", `document.querySelector(`+js(cell)+`) && document.querySelector('#compare-table tr[data-status="removed"]')`)
	if s := eval[string](pr, `document.getElementById('compare-summary').textContent`); !strings.Contains(s, "1 gewijzigd") || !strings.Contains(s, "1 nieuw") || !strings.Contains(s, "1 verwijderd") {
		t.Errorf("projector: summary %q, want 1 changed, 1 new, 1 removed", s)
	}
	checkStageFits(t, pr, "step 6", 12)
	checkClean(t, fac, pr)
}

// TestVoteApproveRound: the facilitator opens a yes/no round with results after closing; three
// participants vote on their phones; everyone sees how many voted but no counts while it is
// open; after the close the projector shows the final tally, highest first, and the
// facilitator marks the selected actor beside its count.
func TestVoteApproveRound(t *testing.T) {
	r := newStepsRoom(t, "Selectie", 120*time.Second)
	fo := r.facilitatorOps()
	if m := fo.try("round.open", map[string]any{"mode": "no-such-mode"}); unknownOp(m) {
		t.Skip("\n\n*** round.open not implemented server-side yet (bad_message unknown op) ***\n")
	}
	ids := addExampleActors(fo, 4)
	fo.op("criterion.add", map[string]any{"text": "bereikt de doelgroep rechtstreeks"})
	fo.op("step.set", map[string]any{"step": 4})
	fac := r.console("Fien", consoleVP)
	names := []string{"Ann", "Bert", "Cas"}
	phones := make([]*tab, len(names))
	for i, n := range names {
		phones[i] = r.phone(n, 0)
	}
	pr := r.projector(desktop)
	pr.waitFor("the criteria beside the vote", `document.querySelectorAll('#criteria-list li').length === 1`)

	fac.waitFor("the round form", `document.getElementById('round-open') && document.querySelectorAll('#round-candidates .round-candidate:checked').length === 4`)
	setSelect(fac, "#round-mode", "approve")
	setSelect(fac, "#round-reveal", "onClose")
	fac.do("open the round", chromedp.Click(chromedp.ID("round-open")))
	fac.waitFor("the open round in the console", `document.getElementById('round-close')`)

	yes := map[string][]int{"Ann": {0, 1}, "Bert": {0}, "Cas": {0, 2}}
	for i, p := range phones {
		p.waitFor("the ballot", `document.querySelectorAll('#ballot .ballot-row').length === 4`)
		for _, k := range yes[names[i]] {
			p.do("vote yes", chromedp.Click(chromedp.CSS(`#ballot .ballot-row[data-id="`+ids[k]+`"] .vote-yes`)))
			p.waitFor("the vote on the own ballot", `document.querySelector('#ballot .ballot-row[data-id="`+ids[k]+`"] .vote-yes[aria-pressed="true"]') && !document.querySelector('#ballot .ballot-row.pending')`)
		}
	}
	phones[2].do("vote no", chromedp.Click(chromedp.CSS(`#ballot .ballot-row[data-id="`+ids[3]+`"] .vote-no`)))
	phones[2].waitFor("the no on the own ballot", `document.querySelector('#ballot .ballot-row[data-id="`+ids[3]+`"] .vote-no[aria-pressed="true"]')`)

	for _, p := range append([]*tab{pr, fac}, phones...) {
		p.waitFor("3 of 3 voted", `document.getElementById('vote-voters')?.textContent === '3 van 3 hebben gestemd'`)
	}
	if n := eval[int](pr, `document.querySelectorAll('#vote-results .bar-row').length`); n != 0 {
		t.Errorf("projector: %d result bars while a round with results after closing is open", n)
	}
	if !eval[bool](pr, `!!document.getElementById('vote-hidden')`) {
		t.Errorf("projector: no 'results after closing' while the round is open")
	}

	fac.do("close the round", chromedp.Click(chromedp.ID("round-close")))
	confirmDialog(fac)
	pr.waitFor("the final tally", `document.querySelector('#vote-results.final')`)
	type bar struct {
		ID    string
		Count string
	}
	got := eval[[]bar](pr, `[...document.querySelectorAll('#vote-results .bar-row')].map(e => ({ID: e.dataset.id, Count: e.querySelector('.bar-count').textContent}))`)
	wantCounts := map[string]string{ids[0]: "3", ids[1]: "1", ids[2]: "1", ids[3]: "0"}
	if len(got) != 4 {
		t.Fatalf("projector: %d bars after the close, want 4: %+v", len(got), got)
	}
	for i, b := range got {
		if wantCounts[b.ID] != b.Count {
			t.Errorf("projector: bar %d (%s) counts %s, want %s", i+1, b.ID, b.Count, wantCounts[b.ID])
		}
	}
	if got[0].ID != ids[0] || got[3].ID != ids[3] {
		t.Errorf("projector: bars not highest first: %+v", got)
	}
	for _, p := range phones {
		p.waitFor("the result on the phone", `document.querySelector('#vote-results.final .bar-row[data-id="`+ids[0]+`"] .bar-count')?.textContent === '3'`)
		// On a phone a name has the row's width, not a narrow column beside its bar.
		if narrow := eval[[]string](p, `[...document.querySelectorAll('#vote-results .bar-row')].filter((r) => r.querySelector('.bar-name').getBoundingClientRect().width < 0.9 * r.getBoundingClientRect().width).map((r) => r.querySelector('.bar-name').textContent)`); len(narrow) > 0 {
			t.Errorf("%s: the result's names %q are narrower than their rows", p.name, narrow)
		}
		if note := eval[string](p, `document.querySelector('.vote-phone .waiting:not([hidden])')?.textContent ?? ''`); !strings.HasPrefix(note, "Deze stemronde is gesloten") {
			t.Errorf("%s: after the close the phone says %q, want that the round is closed", p.name, note)
		}
	}

	// The facilitator selects the winner beside its count; the projector marks it.
	fac.waitFor("the tally beside the selection", `document.querySelector('#select-table tr[data-id="`+ids[0]+`"] td.tally')?.textContent === '3'`)
	// Its button outlives the renders that live messages cause (a button drawn anew under a
	// finger loses the tap): the same element after another change of the workshop.
	toggle := `#select-table .select-toggle[data-id="` + ids[0] + `"]`
	eval[chromedp.Void](fac, `window.arenaToggle = document.querySelector(`+js(toggle)+`)`)
	fo.op("criterion.add", map[string]any{"text": "nog een criterium"})
	fac.waitFor("the new criterion in the console", `[...document.querySelectorAll('.criteria-edit input, .criterion-text')].some((e) => e.value === 'nog een criterium')`)
	if !eval[bool](fac, `document.querySelector(`+js(toggle)+`) === window.arenaToggle`) {
		t.Error("console: the selection's button was drawn anew by a render")
	}
	fac.do("select the winner", chromedp.Click(chromedp.CSS(toggle)))
	pr.waitFor("the selected mark", `document.querySelector('#vote-results .bar-row.selected[data-id="`+ids[0]+`"] .sel-mark')?.textContent === '✓'`)
	checkStageFits(t, pr, "step 4 after the close", 12)
	checkClean(t, append([]*tab{fac, pr}, phones...)...)
}

// TestStepsFacilitatorControls: the facilitator locks the table (the phone can only read),
// merges a duplicate actor after confirming, renames themself, goes a step back, and removes
// a participant after confirming, whose phone then says so.
func TestStepsFacilitatorControls(t *testing.T) {
	r := newStepsRoom(t, "Bediening", 90*time.Second)
	fo := r.facilitatorOps()
	ids := addExampleActors(fo, 3)
	dup := fo.op("actor.add", map[string]any{"name": "OCMW Gent", "resources": "schuldbemiddeling"})
	fo.op("step.set", map[string]any{"step": 2})
	fac := r.console("Fien", consoleVP)
	ph := r.phone("Sam", 0)
	pr := r.projector(desktop)
	ph.waitFor("the add form", `document.getElementById('actor-add-name') && !document.querySelector('.add-actor').hidden`)

	fac.do("lock the table", chromedp.Click(chromedp.ID("lock-toggle")))
	ph.waitFor("the locked note", `!document.querySelector('.locked-note').hidden && document.querySelector('.add-actor').hidden && document.querySelector('.actor-card input.field-name').disabled`)
	fac.do("unlock the table", chromedp.Click(chromedp.ID("lock-toggle")))
	ph.waitFor("the table open again", `document.querySelector('.locked-note').hidden && !document.querySelector('.actor-card input.field-name').disabled`)

	// Merge the duplicate into OCMW / Sociaal Huis: choose, then confirm.
	fac.do("merge the duplicate", chromedp.Click(chromedp.CSS(`#arena-edit-table tr.actor-row[data-id="`+dup+`"] .actor-merge`)))
	fac.waitFor("the choice of the actor that stays", `document.querySelector('dialog[open] #merge-into')?.value === `+js(ids[0]))
	confirmDialog(fac)
	if n := eval[int](pr, `document.querySelectorAll('#arena-table tbody tr').length`); n != 4 {
		t.Errorf("projector: %d rows before the merge was confirmed, want 4", n)
	}
	fac.waitFor("the confirm step", `document.querySelector('dialog[open] .dialog-body h2')?.textContent.includes('OCMW Gent')`)
	confirmDialog(fac)
	pr.waitFor("three actors after the merge", `document.querySelectorAll('#arena-table tbody tr').length === 3 && !document.querySelector('#arena-table tr[data-id="`+dup+`"]')`)
	pr.waitFor("the kept actor with the duplicate's resources", `document.querySelector('#arena-table tr[data-id="`+ids[0]+`"] td.col-resources').textContent.includes('schuldbemiddeling')`)

	// The remove button outlives renders that change nothing in the list (a button drawn
	// anew under a finger loses the tap).
	eval[chromedp.Void](fac, `window.arenaRemove = document.querySelector('.person-remove')`)
	fo.op("workshop.update", map[string]any{"title": "Bediening en meer"})
	fac.waitFor("the console's render of the new title", `document.querySelector('.fac-head .ws-title')?.textContent === 'Bediening en meer'`)
	if !eval[bool](fac, `document.querySelector('.person-remove') === window.arenaRemove`) {
		t.Error("console: the participant's remove button was drawn anew by a render")
	}
	// A cancelled removal removes nothing.
	fac.do("ask to remove Sam", chromedp.Click(chromedp.CSS(`.person-remove`)))
	fac.waitFor("the confirm dialog", `document.querySelector('dialog.confirm-dialog[open]')`)
	fac.do("cancel", chromedp.Click(chromedp.CSS(`dialog.confirm-dialog[open] button[data-action="cancel"]`)))
	fac.do("rename myself", chromedp.Click(chromedp.ID("rename-btn")))
	fac.waitFor("the rename form", `document.getElementById('rename-input')?.value === 'Fien'`)
	eval[chromedp.Void](fac, `document.getElementById('rename-input').value = ''`)
	fac.do("type the new name", chromedp.SendKeys(chromedp.ID("rename-input"), "Fien V."), chromedp.Click(chromedp.ID("rename-submit")))
	fac.waitFor("the new name in the list", `[...document.querySelectorAll('.person-name')].some(e => e.textContent === 'Fien V.') && document.querySelector('.you-name').textContent === 'Fien V.'`)
	if !eval[bool](ph, "!!"+connected) {
		t.Fatalf("the phone was disconnected by a cancelled removal")
	}

	fac.do("go a step back", chromedp.Click(chromedp.ID("step-prev")))
	ph.waitFor("step 1 on the phone", `document.querySelector('.issue-view')`)
	pr.waitFor("step 1 on the projector", `document.getElementById('step-title').textContent.startsWith('Stap 1')`)

	fac.do("remove Sam", chromedp.Click(chromedp.CSS(`.person-remove`)))
	confirmDialog(fac)
	fac.waitFor("Sam gone from the list", `![...document.querySelectorAll('.person-name')].some(e => e.textContent === 'Sam')`)
	ph.waitFor("the phone told it was removed", `document.body.textContent.includes('Je bent uit deze workshop verwijderd.')`)
	checkClean(t, fac, ph, pr)
}

// TestStepsEstimates: on a phone a participant gives a private estimate of an actor; another
// participant's differs by three; the projector and the console show the spread, marked as a
// disagreement, and the facilitator sets the agreed value. In step 3 the phone places the
// actor on the six sliders; the projector and the console show the group's form by the stated
// rule, and a band from the lowest to the highest participant's place.
func TestStepsEstimates(t *testing.T) {
	r := newStepsRoom(t, "Inschattingen", 90*time.Second)
	fo := r.facilitatorOps()
	if unknownOp(fo.try("estimate.set", map[string]any{"actorId": "00000000-0000-4000-8000-000000000000", "importance": 1})) {
		t.Skip("\n\n*** estimate.set not implemented server-side yet (bad_message unknown op) ***\n")
	}
	ids := addExampleActors(fo, 2)
	fo.op("step.set", map[string]any{"step": 2})
	other := dialOps(t, r.ctx, r.srv.base, r.code, map[string]any{"role": "participant", "name": "Ilse"})
	fac := r.console("Fien", consoleVP)
	ph := r.phone("Sam", 0)
	pr := r.projector(desktop)

	ph.do("open the private estimate", chromedp.Click(chromedp.ID("tab-estimate")))
	card := `#estimate-cards .estimate-card[data-id="` + ids[1] + `"]`
	button := func(field, v string) string {
		return card + ` .scale-row[data-field="` + field + `"] .seg-btn[data-value="` + v + `"]`
	}
	tap(ph, button("importance", "1"))
	ph.waitFor("the answer pressed", `document.querySelector(`+js(button("importance", "1"))+`).getAttribute('aria-pressed') === 'true'`)
	other.op("estimate.set", map[string]any{"actorId": ids[1], "importance": 4})

	cell := `#arena-table tr[data-id="` + ids[1] + `"] td.col-imp`
	pr.waitFor("the spread on the projector", `document.querySelector(`+js(cell+`.split .spread.split`)+`)`)
	if title := eval[string](pr, `document.querySelector(`+js(cell+" .spread")+`).title`); !strings.Contains(title, "van 1 tot 4") || !strings.Contains(title, "2 antwoorden") || !strings.Contains(title, "2,5") {
		t.Errorf("projector: the spread says %q, want mean 2,5 from 1 to 4, 2 answers", title)
	}
	if n := eval[string](pr, `document.querySelector('.heat-legend')?.textContent ?? ''`); !strings.Contains(n, "van 2 deelnemers") {
		t.Errorf("projector: the heat map's legend reads %q, want it to say \"van 2 deelnemers\"", n)
	}
	fac.waitFor("the spread in the console", `document.querySelector('#arena-edit-table tr.actor-row[data-id="`+ids[1]+`"] td.col-imp.split .spread-text')?.textContent.includes('gem. 2,5')`)

	setSelect(fac, `#arena-edit-table tr.actor-row[data-id="`+ids[1]+`"] select.field-importance`, "3")
	pr.waitFor("the agreed value on the projector", `document.querySelector(`+js(cell+" .value")+`).textContent === '3'`)

	ph.do("reload the phone", chromedp.Reload())
	ph.waitFor("the phone again", connected)
	ph.waitFor("the private estimate's tab still open after a reload", `document.getElementById('pane-estimate')?.hidden === false && document.getElementById('tab-estimate').getAttribute('aria-pressed') === 'true'`)
	ph.waitFor("its own answer after a reload", `document.querySelector(`+js(button("importance", "1"))+`)?.getAttribute('aria-pressed') === 'true'`)

	// Step 3: the six sliders. Sam puts 10 on each (consultation), Ilse 90 (merger): the
	// group's mean is 50, a network by the rule (50-74), and the band spans the two places.
	// Every dimension's mean is 50 too, so a band drawn from the dimension means (the
	// stand-in for a server without "position") would be a dot at 50.
	fo.op("step.set", map[string]any{"step": 3})
	pcard := `#placement-cards .placement-card[data-id="` + ids[0] + `"]`
	tap(ph, pcard+" .placement-toggle")
	ph.waitFor("the sliders", `document.querySelectorAll(`+js(pcard+" .dim-slider")+`).length === 6`)
	eval[chromedp.Void](ph, `document.querySelectorAll(`+js(pcard+" .dim-slider")+`).forEach(s => { s.value = '10'; s.dispatchEvent(new Event('input', {bubbles: true})); })`)
	ph.waitFor("the live position", `document.querySelector(`+js(pcard+" .placement-live")+`).textContent.includes('10 → overleg')`)
	if vt := eval[string](ph, `document.querySelector(`+js(pcard+` .dim-slider[data-dim="resources"]`)+`).getAttribute('aria-valuetext')`); vt != "10% (0: niet gedeeld, 100: volledig gedeeld)" {
		t.Errorf("phone: the resources slider reads %q to a screen reader", vt)
	}
	tap(ph, pcard+" .placement-send")
	ph.waitFor("the placement sent", `document.querySelector(`+js(pcard+".complete .placement-summary")+`)?.textContent.includes('overleg')`)
	other.op("estimate.set", map[string]any{"actorId": ids[0], "form": map[string]any{
		"interests": 90, "factualDecisions": 90, "formalDecisions": 90, "resources": 90, "engagement": 90, "identification": 90}})
	row := `#forms-table tr[data-id="` + ids[0] + `"]`
	pr.waitFor("the group's form on the projector", `document.querySelector(`+js(row+" .form-word")+`)?.textContent === 'netwerk' && document.querySelector(`+js(row+" .form-pos")+`).textContent.trim() === '50'`)
	for _, p := range []*tab{pr, fac} {
		sel := row
		if p == fac {
			sel = `#forms-edit-table tr[data-id="` + ids[0] + `"]`
		}
		p.waitFor("both placements", `document.querySelector(`+js(sel+" .form-pos")+`)?.textContent.trim() === '50'`)
		scale := eval[map[string]any](p, `(() => { const s = document.querySelector(`+js(sel+" .form-scale")+`), b = s.querySelector('.form-band'), m = s.querySelector('.form-marker');
			return {left: parseFloat(b.style.left), width: parseFloat(b.style.width), marker: parseFloat(m.style.left), people: b.classList.contains('people'), label: s.getAttribute('aria-label'),
				legend: s.closest('section, .forms-present').querySelector('.forms-legend').textContent}; })()`)
		left, _ := scale["left"].(float64)
		width, _ := scale["width"].(float64)
		marker, _ := scale["marker"].(float64)
		if math.Abs(left-10) > 1 || math.Abs(left+width-90) > 1 {
			t.Errorf("%s: the band runs from %.1f%% to %.1f%%, want 10%% to 90%% (the two participants' places)", p.name, left, left+width)
		}
		if math.Abs(marker-50) > 1 {
			t.Errorf("%s: the marker stands at %.1f%%, want 50%%", p.name, marker)
		}
		if scale["people"] != true || !strings.Contains(scale["label"].(string), "deelnemers van 10 tot 90") {
			t.Errorf("%s: the band is not the participants' spread: people=%v, label %q", p.name, scale["people"], scale["label"])
		}
		if legend, _ := scale["legend"].(string); !strings.Contains(legend, "plaats van een deelnemer") {
			t.Errorf("%s: the legend reads %q, want it to explain the participants' spread", p.name, legend)
		}
	}
	fac.waitFor("the suggestion in the console", `document.querySelector('#forms-edit-table tr[data-id="`+ids[0]+`"] .take-form:not([hidden])')`)
	fac.do("take the group's form", chromedp.Click(chromedp.CSS(`#forms-edit-table tr[data-id="`+ids[0]+`"] .take-form`)))
	pr.waitFor("the recorded form", `document.querySelector(`+js(row+" .form-chip")+`)?.textContent === 'netwerk'`)
	checkStageFits(t, pr, "step 3", 12)
	checkClean(t, fac, ph, pr)
}

// TestLongNames: a name with an emoji is kept whole up to the server's limit in characters
// (the browser counts an emoji as several), and a name over the limit is not cut short
// without a word: the phone says it is too long and keeps what was typed.
func TestLongNames(t *testing.T) {
	r := newStepsRoom(t, "Namen", 60*time.Second)
	r.facilitatorOps().op("step.set", map[string]any{"step": 2})
	const name = "<b>Ann</b> 🙂🙂 Vermeersch-Van den Broecks" // 40 characters, 42 UTF-16 units
	ph := r.phone(name, 0)
	long := strings.Repeat("Vereniging voor ouderenzorg ", 4)[:100] // 100 characters, over the 80 of a name
	ph.do("type a long actor name and add it",
		chromedp.SendKeys(chromedp.ID("actor-add-name"), long),
		chromedp.Click(chromedp.ID("actor-add-submit")))
	ph.waitFor("the message that it is too long", `[...document.querySelectorAll('.toast-text')].some((e) => e.textContent === 'Te lang: maximaal 80 tekens')`)
	if got := eval[string](ph, `document.getElementById('actor-add-name').value`); got != long {
		t.Errorf("the field holds %q after the refusal, want what was typed, %q", got, long)
	}
	if n := eval[int](ph, `document.querySelectorAll('.actor-card').length`); n != 0 {
		t.Errorf("%d actors added", n)
	}
	checkClean(t, ph)
}
