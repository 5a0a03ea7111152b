package e2e

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// loadGuideDicts imports the guide's strings and keys into the page as window.guide
// ({nl, en, keys, plan}); the page must be one of the app's.
func loadGuideDicts(p *tab) {
	p.t.Helper()
	eval[chromedp.Void](p, `void Promise.all([import('/static/js/i18n-guide.js'), import('/static/js/guide.js')]).then(([d, g]) => {
		window.guide = { nl: d.nl, en: d.en, keys: g.guideKeys(), plan: g.PLAN };
	})`)
	p.waitFor("the guide's strings", `window.guide`)
}

// seedTerms are the seed's own Dutch terms, which the Dutch guidance must use as they are.
var seedTerms = []string{
	"Overleg", "Ad hoc samenwerking", "Netwerk", "Fusie",
	"Issue", "Actoren", "Machts- en hulpbronnen", "Afhankelijkheid",
	"Lidactoren", "kernactoren", "randactoren", "Omkaderingsactoren", "contextactoren", "verankeringsactoren",
	"Taakdimensie", "Relatiedimensie", "Groeidimensie", "Profileringsdimensie",
	"Aandachtspunten", "gelijkwaardig", "eigen belang", "gemeenschappelijk belang",
	"organisatiebelang", "handelingsbereidheid", "selectiecriteria", "arena-analyse",
}

// TestGuideStrings: every key the guide reads exists in Dutch and in English and is not
// empty; no key is in one language only or unused; no soft hyphen (the projector never breaks
// a word); the Dutch uses the seed's own terms.
func TestGuideStrings(t *testing.T) {
	r := newStepsRoom(t, "Uitleg", 30*time.Second)
	p := r.b.newTab(t, "landing", desktop)
	p.do("open the landing page", chromedp.Navigate(r.srv.base+"/"))
	p.waitFor("the landing page", `document.querySelector('form')`)
	loadGuideDicts(p)
	problems := eval[[]string](p, `(() => {
		const g = window.guide, out = [];
		const used = new Set(g.keys);
		for (const l of ['nl', 'en']) {
			const other = l === 'nl' ? 'en' : 'nl';
			for (const [k, v] of Object.entries(g[l])) {
				if (!(k in g[other])) out.push(k + ' only in ' + l);
				if (typeof v !== 'string' || !v.trim()) out.push(l + ' ' + k + ' is empty');
				else if (v.includes('\u00AD')) out.push(l + ' ' + k + ' has a soft hyphen');
				if (!used.has(k)) out.push(l + ' ' + k + ' is never used');
			}
			for (const k of g.keys) if (!(k in g[l])) out.push(l + ' lacks ' + k);
		}
		return out;
	})()`)
	for _, s := range problems {
		t.Error("i18n-guide.js: " + s)
	}
	nl := eval[string](p, `Object.values(window.guide.nl).join('\n')`)
	for _, term := range seedTerms {
		if !strings.Contains(nl, term) {
			t.Errorf("the Dutch guidance never says %q (the seed's term)", term)
		}
	}
	n := eval[int](p, `window.guide.keys.length`)
	t.Logf("%d keys, each in nl and en", n)
	if n < 80 {
		t.Errorf("only %d keys: the guidance lost its content", n)
	}
	checkClean(t, p)
}

// guideMeasure is the projector's guide view measured in the browser.
type guideMeasure struct {
	Min     float64  `json:"min"`     // the smallest computed font size of any text in it, px
	Body    float64  `json:"body"`    // the list items' font size, px
	Bottom  float64  `json:"bottom"`  // the lowest text's bottom, px
	Stage   float64  `json:"stage"`   // the stage's bottom, px
	Outside []string `json:"outside"` // texts outside the stage or the viewport
	Broken  []string `json:"broken"`  // words whose rendered box spans two lines
	Missing []string `json:"missing"` // the step's strings not shown
}

const measureGuideJS = `((n, lang) => {
	const v = document.getElementById('guide-view');
	const out = { min: Infinity, body: 0, bottom: 0, stage: 0, outside: [], broken: [], missing: [] };
	if (!v) { out.missing.push('no #guide-view'); return out; }
	const stage = document.querySelector('.present-stage').getBoundingClientRect();
	out.stage = stage.bottom;
	const li = v.querySelector('li');
	out.body = li ? parseFloat(getComputedStyle(li).fontSize) : 0;
	const walker = document.createTreeWalker(v, NodeFilter.SHOW_TEXT);
	const range = document.createRange();
	for (let t = walker.nextNode(); t; t = walker.nextNode()) {
		if (!t.data.trim()) continue;
		out.min = Math.min(out.min, parseFloat(getComputedStyle(t.parentElement).fontSize));
		range.selectNodeContents(t);
		for (const r of range.getClientRects()) {
			if (r.width === 0) continue;
			out.bottom = Math.max(out.bottom, r.bottom);
			if (r.left < stage.left - 1 || r.right > stage.right + 1 || r.top < stage.top - 1 || r.bottom > stage.bottom + 1 ||
				r.right > innerWidth || r.bottom > innerHeight) {
				out.outside.push(t.data.slice(0, 40) + ' at ' + [r.left, r.top, r.right, r.bottom].map(Math.round).join(','));
				break;
			}
		}
		const re = /[^\s\-\/]{2,}/g;
		let w;
		while ((w = re.exec(t.data))) {
			range.setStart(t, w.index);
			range.setEnd(t, w.index + w[0].length);
			const tops = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)));
			if (tops.size > 1) out.broken.push(w[0]);
		}
	}
	const d = window.guide[lang], text = v.textContent;
	const want = ['step' + n + '.why'];
	for (let i = 1; i <= window.guide.plan[n].how; i++) want.push('step' + n + '.how.' + i);
	for (const id of window.guide.plan[n].topics) want.push('topic.' + id + '.title');
	for (const k of want) if (!text.includes(d[k])) out.missing.push(k);
	return out;
})`

// TestGuideProjector: the projector's "uitleg" view at each step in Dutch and English at
// 1920x1080 shows that step's guidance in type the back of the room reads (>= 28 px for
// every text), on one screen (inside the stage and the viewport), with no word broken; axe
// finds nothing on it. A 4:3 projector at 1024x768 holds every step on one screen too.
func TestGuideProjector(t *testing.T) {
	src := axeSource(t)
	r := newStepsRoom(t, "Samen tegen kinderarmoede in de Brugse Poort", 3*time.Minute)
	fo := r.facilitatorOps()
	fo.op("workshop.update", map[string]any{"issue": "Gezinnen in armoede vinden de weg naar hulp niet.", "goal": "Eén aanspreekpunt per gezin."})
	addExampleActors(fo, 8)
	pr := r.projector(projectorHD)
	loadGuideDicts(pr)
	fo.op("projector.set", map[string]any{"view": "guide"})
	shots := os.Getenv("ARENA_SCREENSHOTS")
	for _, lang := range []string{"nl", "en"} {
		if lang != "nl" {
			pr.do("switch to "+lang, chromedp.Click(chromedp.CSS(`.lang-btn[lang="`+lang+`"]`)))
		}
		for step := 1; step <= 6; step++ {
			fo.op("step.set", map[string]any{"step": step})
			when := fmt.Sprintf("%s step %d", lang, step)
			pr.waitFor(when, fmt.Sprintf(`document.documentElement.lang === %s && document.querySelector('.present-stage[data-view="guide"][data-settled="true"] #guide-view[data-step="%d"]')`, js(lang), step))
			m := eval[guideMeasure](pr, fmt.Sprintf(`%s(%d, %s)`, measureGuideJS, step, js(lang)))
			t.Logf("projector %s: text >= %.1f px (list items %.1f px), lowest text at %.0f of the stage's %.0f px", when, m.Min, m.Body, m.Bottom, m.Stage)
			if m.Min < 28 {
				t.Errorf("projector %s: text at %.1f px, below 28 px", when, m.Min)
			}
			for _, s := range m.Outside {
				t.Errorf("projector %s: off the screen: %s", when, s)
			}
			for _, w := range m.Broken {
				t.Errorf("projector %s: the word %q is broken over two lines", when, w)
			}
			for _, k := range m.Missing {
				t.Errorf("projector %s: %s is not shown", when, k)
			}
			st := measureStage(t, pr)
			for _, o := range st.Overflow {
				t.Errorf("projector %s: %s", when, o)
			}
			pr.screenshot(shots, fmt.Sprintf("guide-projector-%s-step%d.png", lang, step))
			if lang == "nl" || step == 3 {
				for _, v := range runAxe(t, pr, src) {
					t.Errorf("projector %s: axe %s (%s): %s, %d elements: %v", when, v.ID, v.Impact, v.Help, len(v.Nodes), v.Nodes)
				}
			}
		}
	}

	// A 4:3 projector at 1024x768: the same steps on one screen, no word broken, the type
	// at least the 1.6vw the guide starts from less its shrink floor (0.8: 13.1 px).
	small := r.projector(viewport{1024, 768, false})
	loadGuideDicts(small)
	for step := 1; step <= 6; step++ {
		fo.op("step.set", map[string]any{"step": step})
		when := fmt.Sprintf("1024x768 step %d", step)
		small.waitFor(when, fmt.Sprintf(`document.querySelector('.present-stage[data-view="guide"][data-settled="true"] #guide-view[data-step="%d"]')`, step))
		m := eval[guideMeasure](small, fmt.Sprintf(`%s(%d, 'nl')`, measureGuideJS, step))
		t.Logf("projector %s: text >= %.1f px", when, m.Min)
		if m.Min < 13 {
			t.Errorf("projector %s: text at %.1f px", when, m.Min)
		}
		for _, s := range append(m.Outside, m.Missing...) {
			t.Errorf("projector %s: %s", when, s)
		}
		for _, w := range m.Broken {
			t.Errorf("projector %s: the word %q is broken over two lines", when, w)
		}
	}
	checkClean(t, pr, small)
}

// TestGuideConsoleAndPhone: the console's help is a header button, closed at first (so the
// step's table keeps its place above the fold), that opens a sheet with the step's guidance
// at every step in Dutch and English, closes with Escape and can put the guidance on the
// projector; axe finds nothing with it open. The phone's short help is folded at first and
// opens to that step's text.
func TestGuideConsoleAndPhone(t *testing.T) {
	src := axeSource(t)
	r := newStepsRoom(t, "Uitleg bij de stappen", 3*time.Minute)
	fo := r.facilitatorOps()
	addExampleActors(fo, 6)
	fac := r.console("Fien", consoleVP)
	ph := r.phone("Sam", 0)
	loadGuideDicts(fac)
	loadGuideDicts(ph)

	const sheet = `document.getElementById('guide-sheet')`
	const toggle = `document.getElementById('guide-toggle')`
	consoleClosed := func(when string) {
		t.Helper()
		if !eval[bool](fac, sheet+`.hidden && `+toggle+`.getAttribute('aria-expanded') === 'false'`) {
			t.Errorf("console %s: the help is open, want it closed", when)
		}
	}
	phoneClosed := func(when string) {
		t.Helper()
		if eval[bool](ph, `document.getElementById('guide-phone').open`) {
			t.Errorf("phone %s: the help is open, want it folded", when)
		}
	}
	consoleClosed("at first")
	phoneClosed("at first")
	headH := eval[float64](fac, `document.querySelector('.fac-head').getBoundingClientRect().height`)
	t.Logf("console 1366x768: the header with the help button is %.0f px high", headH)

	for _, lang := range []string{"nl", "en"} {
		if lang != "nl" {
			fac.do("switch the console to "+lang, chromedp.Click(chromedp.CSS(`.lang-btn[lang="`+lang+`"]`)))
			ph.do("switch the phone to "+lang, chromedp.Click(chromedp.CSS(`.lang-btn[lang="`+lang+`"]`)))
			fac.waitFor("the console in "+lang, `document.documentElement.lang === `+js(lang)+` && `+toggle)
			ph.waitFor("the phone in "+lang, `document.documentElement.lang === `+js(lang)+` && document.getElementById('guide-phone')`)
			consoleClosed("after switching to " + lang)
			phoneClosed("after switching to " + lang)
		}
		for step := 1; step <= 6; step++ {
			fo.op("step.set", map[string]any{"step": step})
			when := fmt.Sprintf("%s step %d", lang, step)
			fac.waitFor(when, fmt.Sprintf(`%s?.dataset.step === '%d' && document.querySelector('.step-btn[aria-current="step"]')?.dataset.step === '%d'`, sheet, step, step))
			if eval[bool](fac, toggle+`.getAttribute('aria-expanded') === 'true'`) {
				fac.do("close the help", chromedp.Click(chromedp.ID("guide-toggle")))
			}
			consoleClosed(when)
			fac.do("open the help", chromedp.Click(chromedp.ID("guide-toggle")))
			got := eval[[]string](fac, fmt.Sprintf(`(() => {
				const s = %s, d = window.guide[%s], out = [];
				if (s.hidden || !s.getClientRects().length) out.push('the sheet does not show');
				if (%s.getAttribute('aria-expanded') !== 'true') out.push('aria-expanded is not true');
				const want = ['step%d.why'];
				for (let i = 1; i <= window.guide.plan[%d].how; i++) want.push('step%d.how.' + i);
				for (const id of window.guide.plan[%d].topics) want.push('topic.' + id + '.title', 'topic.' + id + '.1.text');
				for (const k of want) if (!s.textContent.includes(d[k])) out.push('lacks ' + k);
				const r = s.getBoundingClientRect();
				if (r.left < 0 || r.right > innerWidth || r.top < 0 || r.bottom > innerHeight) out.push('off the screen: ' + [r.left, r.top, r.right, r.bottom].map(Math.round));
				return out;
			})()`, sheet, js(lang), toggle, step, step, step, step))
			for _, s := range got {
				t.Errorf("console %s: %s", when, s)
			}
			if lang == "nl" {
				for _, v := range runAxe(t, fac, src) {
					t.Errorf("console %s, help open: axe %s (%s): %s, %d elements: %v", when, v.ID, v.Impact, v.Help, len(v.Nodes), v.Nodes)
				}
			}
			if step == 2 && lang == "nl" {
				fac.screenshot(os.Getenv("ARENA_SCREENSHOTS"), "guide-console-step2.png")
			}

			ph.waitFor(when, fmt.Sprintf(`document.getElementById('guide-phone')?.dataset.step === '%d'`, step))
			if eval[bool](ph, `document.getElementById('guide-phone').open`) {
				tap(ph, "#guide-phone > summary")
			}
			phoneClosed(when)
			tap(ph, "#guide-phone > summary")
			ph.waitFor("the phone's help open", fmt.Sprintf(`document.getElementById('guide-phone').open && document.querySelector('#guide-phone .guide-short').textContent === window.guide[%s]['step%d.phone']`, js(lang), step))
			if step == 2 && lang == "nl" {
				ph.screenshot(os.Getenv("ARENA_SCREENSHOTS"), "guide-phone-step2.png")
			}
		}
	}

	// Escape closes the sheet and gives the keyboard back to its button.
	fac.do("press Escape in the sheet", chromedp.Focus(chromedp.CSS(`#guide-sheet button`)), chromedp.KeyEvent("\x1b"))
	fac.waitFor("the sheet closed by Escape", sheet+`.hidden && document.activeElement === `+toggle)

	// The sheet's button puts the guidance on the projector, and back.
	pr := r.projector(projectorHD)
	fac.do("open the help again", chromedp.Click(chromedp.ID("guide-toggle")))
	fac.do("show the guidance on the projector", chromedp.Click(chromedp.ID("guide-project")))
	pr.waitFor("the guide on the projector", `document.querySelector('.present-stage[data-view="guide"] #guide-view')`)
	fac.waitFor("the button offers the table again", `document.getElementById('guide-project').textContent === 'Show the table on the projector again'`)
	fac.do("show the table again", chromedp.Click(chromedp.ID("guide-project")))
	pr.waitFor("the table on the projector", `document.querySelector('.present-stage[data-view="table"]') && !document.getElementById('guide-view')`)
	checkClean(t, fac, ph, pr)
}
