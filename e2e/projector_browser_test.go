package e2e

import (
	"fmt"
	"maps"
	"net/http"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// stageMeasure is what the projector's stage shows, measured in the browser once its fit has
// settled: the stage's type, the pages, and what does not fit.
type stageMeasure struct {
	Font     float64  `json:"font"`     // the stage's computed font size, px
	Body     float64  `json:"body"`     // the smallest computed size of a table cell's text, px
	Pages    int      `json:"pages"`    // 1 when the table is shown whole
	Broken   []string `json:"broken"`   // words whose rendered box spans two lines
	Overflow []string `json:"overflow"` // the stage or a cell overflowing
}

// measureStage waits for the projector's fit to settle and measures the stage. A word is
// broken when the boxes of its characters lie on more than one line (Range.getClientRects);
// words are split at spaces, hyphens and slashes, where a line may break.
const measureStageJS = `(() => {
	const s = document.querySelector('.present-stage');
	const out = { font: 0, body: 0, pages: 1, broken: [], overflow: [] };
	if (!s) { out.overflow.push('no .present-stage'); return out; }
	out.font = parseFloat(getComputedStyle(s).fontSize);
	const note = s.querySelector('.page-note:not([hidden])');
	const m = note && note.textContent.match(/(\d+)\D+(\d+)/);
	if (m) out.pages = Number(m[2]);
	if (s.scrollWidth > s.clientWidth + 1) out.overflow.push('the stage overflows sideways: ' + s.scrollWidth + ' > ' + s.clientWidth);
	if (s.scrollHeight > s.clientHeight + 1) out.overflow.push('the stage overflows downwards: ' + s.scrollHeight + ' > ' + s.clientHeight);
	let body = Infinity;
	for (const c of s.querySelectorAll('th, td, .bar-name')) {
		if (c.closest('[hidden]')) continue;
		if (c.scrollWidth > c.clientWidth + 1) out.overflow.push('cell "' + c.textContent.slice(0, 40) + '" sticks out: ' + c.scrollWidth + ' > ' + c.clientWidth);
		if (c.tagName === 'TD' && c.textContent.trim()) body = Math.min(body, parseFloat(getComputedStyle(c).fontSize));
	}
	out.body = body === Infinity ? out.font : body;
	const walker = document.createTreeWalker(s, NodeFilter.SHOW_TEXT);
	const range = document.createRange();
	for (let n = walker.nextNode(); n; n = walker.nextNode()) {
		if (!n.parentElement || n.parentElement.closest('[hidden]') || !n.parentElement.getClientRects().length) continue;
		const re = /[^\s\-\/]+/g;
		let w;
		while ((w = re.exec(n.data))) {
			if (w[0].length < 2) continue;
			range.setStart(n, w.index);
			range.setEnd(n, w.index + w[0].length);
			const tops = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)));
			if (tops.size > 1) out.broken.push(w[0]);
		}
	}
	return out;
})()`

func measureStage(t *testing.T, p *tab) stageMeasure {
	t.Helper()
	p.waitFor("the projector's fit to settle", `document.querySelector('.present-stage')?.dataset.settled === 'true'`)
	return eval[stageMeasure](p, measureStageJS)
}

// checkLegible fails the test when the stage is smaller than min px, takes more than maxPages
// pages, breaks a word or overflows.
func checkLegible(t *testing.T, p *tab, when string, min float64, maxPages int) stageMeasure {
	t.Helper()
	m := measureStage(t, p)
	t.Logf("%s: stage %.1f px, cells >= %.1f px, %d page(s)", when, m.Font, m.Body, m.Pages)
	if m.Font < min || m.Body < min {
		t.Errorf("%s: the stage's type is %.1f px and its smallest cell text %.1f px, below %.0f px", when, m.Font, m.Body, min)
	}
	if m.Pages > maxPages {
		t.Errorf("%s: %d pages, want at most %d", when, m.Pages, maxPages)
	}
	for _, w := range m.Broken {
		t.Errorf("%s: the word %q is broken over two lines", when, w)
	}
	for _, o := range m.Overflow {
		t.Errorf("%s: %s", when, o)
	}
	return m
}

// manyActors answers n actors made of the example's, numbered, with resources over lines.
func manyActors(n int) []map[string]any {
	out := make([]map[string]any, 0, n)
	for i := range n {
		a := maps.Clone(exampleActors[i%len(exampleActors)])
		if i >= len(exampleActors) {
			a["name"] = fmt.Sprintf("%s %d", a["name"], i+1)
		}
		out = append(out, a)
	}
	return out
}

// TestProjectorLegible fills a workshop with 8, 16 or 40 actors, estimates from three
// participants, placements, a vote and follow-up, and measures the projector at 1920x1080 at
// every step: the type, the pages, no word broken, nothing overflowing.
//
// The floors are issue 11's: the smallest cell text >= 28 px with up to 12 actors on one
// screen, >= 24 px with 16 (in two pages where one does not hold them: 16 rows of two lines do
// not fit 1080 px at 24 px), at most 3 pages for 40 (seen 23.7-25.8 px; the floor 21 leaves
// room for a loaded machine).
func TestProjectorLegible(t *testing.T) {
	for _, c := range []struct {
		n        int
		min      float64
		maxPages int
	}{{8, 28, 1}, {12, 28, 1}, {16, 24, 2}, {40, 21, 3}} {
		t.Run(fmt.Sprintf("%d actors", c.n), func(t *testing.T) {
			projectorAtEveryStep(t, c.n, c.min, c.maxPages)
		})
	}
}

func projectorAtEveryStep(t *testing.T, n int, min float64, maxPages int) {
	r := newStepsRoom(t, "Samen tegen kinderarmoede in de Brugse Poort", 180*time.Second)
	fo := r.facilitatorOps()
	fo.op("workshop.update", map[string]any{"issue": "Gezinnen in armoede vinden de weg naar hulp niet.", "goal": "Eén aanspreekpunt per gezin tegen juni."})
	ids := make([]string, 0, n)
	for _, a := range manyActors(n) {
		ids = append(ids, fo.op("actor.add", a))
	}
	fo.op("step.set", map[string]any{"step": 2})
	pr := r.projector(projectorHD)
	pr.waitFor("the actors on the projector", fmt.Sprintf(`document.querySelectorAll('#arena-table tbody tr').length === %d`, n))
	shots := os.Getenv("ARENA_SCREENSHOTS")
	checkLegible(t, pr, "step 2 without estimates", min, maxPages)

	people := []*opsClient{}
	for _, name := range []string{"Ilse", "Sam", "Ahmed"} {
		people = append(people, dialOps(t, r.ctx, r.srv.base, r.code, map[string]any{"role": "participant", "name": name}))
	}
	for i, id := range ids {
		for j, p := range people {
			p.op("estimate.set", map[string]any{"actorId": id,
				"importance": 1 + (i+j*j)%4, "replaceability": 1 + (i*j)%4, "dependency": 1 + (i+2*j)%4,
				"form": map[string]any{"interests": 20 * j, "factualDecisions": 30, "formalDecisions": 50 + 10*j, "resources": 10, "engagement": 40, "identification": 25 * j}})
		}
	}
	pr.waitFor("the spread of the estimates", fmt.Sprintf(`document.querySelectorAll('#arena-table .spread').length >= %d`, n))
	checkLegible(t, pr, "step 2 with estimates", min, maxPages)
	pr.screenshot(shots, fmt.Sprintf("projector-%d-step2.png", n))

	for step := 3; step <= 6; step++ {
		if step == 4 {
			fo.op("criterion.add", map[string]any{"text": "Heeft rechtstreeks contact met gezinnen"})
			round := fo.op("round.open", map[string]any{"mode": "approve"})
			for i, p := range people {
				for k := 0; k < 3; k++ {
					p.op("vote.cast", map[string]any{"roundId": round, "actorId": ids[(i+k)%n], "count": 1})
				}
			}
		}
		if step == 5 {
			for _, id := range ids[:min2(n, 6)] {
				fo.op("actor.select", map[string]any{"id": id, "selected": true})
				fo.op("followup.update", map[string]any{"actorId": id, "status": "contacted", "assessmentRight": true, "interest": "high", "willingness": "medium", "notes": "Gebeld op maandag; volgende week een afspraak met de directeur."})
			}
		}
		fo.op("step.set", map[string]any{"step": step})
		pr.waitFor(fmt.Sprintf("step %d on the projector", step), fmt.Sprintf(`document.getElementById('step-title')?.textContent.startsWith('Stap %d')`, step))
		checkLegible(t, pr, fmt.Sprintf("step %d", step), min, maxPages)
		pr.screenshot(shots, fmt.Sprintf("projector-%d-step%d.png", n, step))
	}
	checkClean(t, pr)
}

func min2(a, b int) int {
	if a < b {
		return a
	}
	return b
}

// TestProjectorFixes: what the walkthrough saw go wrong around the projector. A participant
// removed after voting does not make "3 of 2 voted"; two people with the same name are told
// apart in the console's list and among the follow-up's owners; the console's scales run small
// to large like the estimate buttons; the red "time's up" goes away by itself.
func TestProjectorFixes(t *testing.T) {
	r := newStepsRoom(t, "Kleine fouten", 120*time.Second)
	fo := r.facilitatorOps()
	ids := addExampleActors(fo, 3)
	people := []*opsClient{}
	for _, name := range []string{"Ahmed (OCMW)", "Ahmed (OCMW)", "Ilse"} {
		people = append(people, dialOps(t, r.ctx, r.srv.base, r.code, map[string]any{"role": "participant", "name": name}))
	}
	fo.op("step.set", map[string]any{"step": 2})
	fac := r.console("Fien", consoleVP)
	pr := r.projector(projectorHD)

	// One order everywhere: klein -> groot, as the estimate buttons (1 small .. 4 large).
	sel := `#arena-edit-table tr.actor-row[data-id="` + ids[0] + `"] select.field-replaceability`
	fac.waitFor("the editable table", `document.querySelector(`+js(sel)+`)`)
	if got := eval[[]string](fac, `[...document.querySelector(`+js(sel)+`).options].map((o) => o.value).filter(Boolean)`); fmt.Sprint(got) != "[small ratherSmall ratherLarge large]" {
		t.Errorf("console: the replaceability options run %v, want small to large like the estimate buttons", got)
	}

	// Two "Ahmed (OCMW)": the list numbers them in the order they joined.
	fac.waitFor("both Ahmeds told apart", `(() => { const n = [...document.querySelectorAll('.person-name')].map((e) => e.textContent); return n.includes('Ahmed (OCMW) #1') && n.includes('Ahmed (OCMW) #2') && n.includes('Ilse'); })()`)

	// Three vote, then one of them is removed.
	round := fo.op("round.open", map[string]any{"mode": "approve"})
	for _, p := range people {
		p.op("vote.cast", map[string]any{"roundId": round, "actorId": ids[0], "count": 1})
	}
	fo.op("step.set", map[string]any{"step": 4})
	pr.waitFor("3 of 3 voted", `document.getElementById('vote-voters')?.textContent === '3 van 3 hebben gestemd'`)
	fo.op("participant.remove", map[string]any{"participantId": fo.participantID("Ilse")})
	fac.waitFor("Ilse gone", `![...document.querySelectorAll('.person-name')].some((e) => e.textContent === 'Ilse')`)
	time.Sleep(300 * time.Millisecond)
	if got := eval[string](pr, `document.getElementById('vote-voters')?.textContent`); got != "3 van 3 hebben gestemd" {
		t.Errorf("projector: after removing a voter the line reads %q, want \"3 van 3 hebben gestemd\" (never more voters than people)", got)
	}

	// The follow-up's owners: the two Ahmeds apart there too.
	fo.op("actor.select", map[string]any{"id": ids[0], "selected": true})
	fo.op("step.set", map[string]any{"step": 5})
	owners := `#followup-cards .followup-card[data-id="` + ids[0] + `"] .fu-owner option`
	fac.waitFor("the owner list", `document.querySelectorAll(`+js(owners)+`).length >= 3`)
	got := texts(fac, owners)
	if !slices.Contains(got, "Ahmed (OCMW) #1") || !slices.Contains(got, "Ahmed (OCMW) #2") {
		t.Errorf("console: the follow-up owners are %q, want the two Ahmeds told apart", got)
	}

	// A one-second timer: "Tijd om" shows, then goes away by itself within DONE_SHOW_MS (30 s).
	fo.op("timer.set", map[string]any{"seconds": 1})
	pr.waitFor("time's up", `document.querySelector('#timer.done:not([hidden])')?.textContent.includes('Tijd om')`)
	deadline := time.Now().Add(40 * time.Second)
	for eval[bool](pr, `!document.getElementById('timer').hidden`) {
		if time.Now().After(deadline) {
			t.Fatal("projector: \"Tijd om 0:00\" still shows 40 s after the end, nobody pressed stop")
		}
		time.Sleep(time.Second)
	}
	fac.waitFor("the ended timer gone from the console too", `[...document.querySelectorAll('.countdown')].every((e) => e.hidden)`)
	checkClean(t, pr)
}

// TestProjectorViews: the facilitator's projector.set chooses what the projector shows. A view
// whose module is not there (map.js, guide.js before they land) falls back to the table, with
// no exception; one that is there shows, the table beside it for "both". The projector's own
// strings exist in both languages.
func TestProjectorViews(t *testing.T) {
	r := newStepsRoom(t, "Weergaven", 60*time.Second)
	fo := r.facilitatorOps()
	addExampleActors(fo, 3)
	fo.op("step.set", map[string]any{"step": 2})
	pr := r.projector(projectorHD)
	pr.waitFor("the table", `document.querySelectorAll('#arena-table tbody tr').length === 3`)
	eval[chromedp.Void](pr, `void import('/static/js/i18n-present.js').then((m) => { window.arenaPresentDicts = m.dictionaries; })`)
	pr.waitFor("the projector's dictionaries", `window.arenaPresentDicts`)
	if got := eval[[]string](pr, `(() => { const d = window.arenaPresentDicts, out = []; for (const [a, b] of [['nl', 'en'], ['en', 'nl']]) for (const [k, v] of Object.entries(d[a])) { if (!(k in d[b])) out.push(b + ' lacks ' + k); if (!v) out.push(a + ' has an empty ' + k); } if (Object.keys(d.nl).length < 20) out.push('only ' + Object.keys(d.nl).length + ' strings'); return out; })()`); len(got) > 0 {
		t.Errorf("i18n-present.js: %v", got)
	}
	has := func(module string) bool {
		resp, err := http.Get(r.srv.base + "/static/js/" + module)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	}
	for _, c := range []struct{ view, module string }{{"map", "map.js"}, {"both", "map.js"}, {"guide", "guide.js"}, {"table", ""}} {
		if m := fo.try("projector.set", map[string]any{"view": c.view}); m["type"] != "ack" {
			t.Fatalf("projector.set %s: %v", c.view, m)
		}
		want := c.view
		if c.module != "" && !has(c.module) {
			want = "table" // not there yet: the table stays
		}
		pr.waitFor("the "+want+" view", `document.querySelector('.present-stage')?.dataset.view === `+js(want)+` && document.querySelector('.present-stage').dataset.settled === 'true'`)
		table := eval[bool](pr, `!!document.getElementById('arena-table')?.getClientRects().length`)
		if (want == "table" || want == "both") != table {
			t.Errorf("view %s (shown: %s): the table visible = %v", c.view, want, table)
		}
		t.Logf("projector.set %s: the projector shows %s", c.view, want)
	}
	checkClean(t, pr)
}
