package e2e

import (
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestConsoleProgress: the console's "who is done" line at steps 2 to 5 counts the
// participants (not the facilitator) from the server's progress message, names who is not
// done yet, counts the voters of the open round without ever showing more voters than people,
// and counts the selected actors whose follow-up is filled in; in Dutch and in English.
func TestConsoleProgress(t *testing.T) {
	r := newStepsRoom(t, "Wie is klaar", 90*time.Second)
	fac := r.console("Fien", consoleVP)
	fo := r.facilitatorOps()
	ann := dialOps(t, r.ctx, r.srv.base, r.code, map[string]any{"role": "participant", "name": "Ann"})
	bob := dialOps(t, r.ctx, r.srv.base, r.code, map[string]any{"role": "participant", "name": "Bob"})
	cor := dialOps(t, r.ctx, r.srv.base, r.code, map[string]any{"role": "participant", "name": "Cor"})
	ids := addExampleActors(fo, 2)
	fo.op("step.set", map[string]any{"step": 2})

	line := `document.querySelector('#fac-progress .progress-line')`
	count := line + `?.querySelector('.progress-count')?.textContent`
	waiting := line + `?.querySelector('.progress-waiting')?.textContent`
	fac.waitFor("nobody done at step 2", count+` === '0 van 3 gaven hun inschatting' && `+waiting+` === 'Nog niet klaar: Ann, Bob, Cor'`)

	for _, id := range ids {
		ann.op("estimate.set", map[string]any{"actorId": id, "importance": 3, "replaceability": 2, "dependency": 4})
	}
	bob.op("estimate.set", map[string]any{"actorId": ids[0], "importance": 3, "replaceability": 2, "dependency": 4})
	bob.op("estimate.set", map[string]any{"actorId": ids[1], "importance": 3}) // not all three: not done
	fac.waitFor("Ann done", count+` === '1 van 3 gaf zijn of haar inschatting' && `+waiting+` === 'Nog niet klaar: Bob, Cor'`)
	bob.op("estimate.set", map[string]any{"actorId": ids[1], "replaceability": 1, "dependency": 1})
	fac.waitFor("Ann and Bob done", count+` === '2 van 3 gaven hun inschatting' && `+waiting+` === 'Nog niet klaar: Cor'`)
	// A new actor makes everyone not done again.
	ids = append(ids, fo.op("actor.add", exampleActors[2]))
	fac.waitFor("nobody done with a third actor", count+` === '0 van 3 gaven hun inschatting'`)

	// Cor leaves: offline and without answers, Cor no longer counts.
	cor.c.CloseNow()
	fac.waitFor("Cor gone from the denominator", count+` === '0 van 2 gaven hun inschatting' && `+waiting+` === 'Nog niet klaar: Ann, Bob'`)

	fo.op("step.set", map[string]any{"step": 3})
	form := map[string]any{"interests": 50, "factualDecisions": 50, "formalDecisions": 50, "resources": 50, "engagement": 50, "identification": 50}
	for _, id := range ids {
		ann.op("estimate.set", map[string]any{"actorId": id, "form": form})
	}
	fac.waitFor("Ann placed", count+` === '1 van 2 plaatste de actoren' && `+waiting+` === 'Nog niet klaar: Bob'`)

	fo.op("step.set", map[string]any{"step": 4})
	open := fo.op("round.open", map[string]any{"mode": "approve", "reveal": "live", "anonymous": true})
	fac.waitFor("no votes yet", count+` === '0 van 2 stemden'`)
	ann.op("vote.cast", map[string]any{"roundId": open, "actorId": ids[0], "count": 1})
	fac.waitFor("Ann voted", count+` === '1 van 2 stemde' && `+line+`.querySelector('.progress-waiting').hidden`)
	bob.op("vote.cast", map[string]any{"roundId": open, "actorId": ids[1], "count": 1})
	fac.waitFor("both voted", count+` === '2 van 2 stemden' && `+line+`.classList.contains('progress-complete')`)
	fo.op("round.close", map[string]any{"roundId": open})

	fo.op("actor.select", map[string]any{"id": ids[0], "selected": true})
	fo.op("actor.select", map[string]any{"id": ids[1], "selected": true})
	fo.op("step.set", map[string]any{"step": 5})
	fac.waitFor("no follow-up yet", count+` === 'Opvolging: 0 van 2 actoren ingevuld'`)
	ann.op("followup.update", map[string]any{"actorId": ids[1], "status": "contacted"})
	fac.waitFor("one follow-up", count+` === 'Opvolging: 1 van 2 actoren ingevuld' && `+waiting+` === 'Nog niet ingevuld: '+`+js(exampleActors[0]["name"].(string)))

	fac.do("switch to English", chromedp.Click(chromedp.CSS(`.lang-btn[lang="en"]`)))
	fac.waitFor("the line in English", count+` === 'Follow-up: 1 of 2 actors filled in' && `+waiting+`.startsWith('Not filled in yet: ')`)
	fo.op("step.set", map[string]any{"step": 2})
	fac.waitFor("step 2 in English", count+` === '0 of 2 gave their estimates' && `+waiting+` === 'Not done yet: Ann, Bob'`)
	fo.op("step.set", map[string]any{"step": 6})
	fac.waitFor("no line at step 6", line+` === null || `+line+`.hidden`)
	checkClean(t, fac)
}

// clippedSelects answers, for every select under root, the option texts wider than the box
// the select shows them in (its width less its padding and the arrow): "eerder groo".
const clippedSelects = `((root) => {
	const out = [];
	const probe = document.createElement('span');
	probe.style.cssText = 'position:absolute;visibility:hidden;white-space:pre;left:-9999px;top:0';
	document.body.appendChild(probe);
	for (const sel of document.querySelectorAll(root + ' select')) {
		const cs = getComputedStyle(sel);
		probe.style.font = cs.font;
		probe.style.letterSpacing = cs.letterSpacing;
		const room = sel.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight) - 16;
		for (const o of sel.options) {
			probe.textContent = o.textContent;
			if (probe.scrollWidth > room) out.push(o.textContent + ' (' + probe.scrollWidth + ' > ' + Math.round(room) + ')');
		}
	}
	probe.remove();
	return [...new Set(out)];
})`

// TestConsoleCompact: at 1366x768 the console's step-2 table shows several actors above the
// fold with no select cutting its text short, and on a 360 px phone eight actors' cards
// take well under half the height they took (4,700 px).
func TestConsoleCompact(t *testing.T) {
	r := newStepsRoom(t, "Compact", 90*time.Second)
	fac := r.console("Fien", consoleVP)
	fo := r.facilitatorOps()
	ids := addExampleActors(fo, 8)
	others := []*opsClient{
		dialOps(t, r.ctx, r.srv.base, r.code, map[string]any{"role": "participant", "name": "Ann"}),
		dialOps(t, r.ctx, r.srv.base, r.code, map[string]any{"role": "participant", "name": "Bob"}),
	}
	for i, o := range others {
		for j, id := range ids {
			o.op("estimate.set", map[string]any{"actorId": id, "importance": 1 + (i+j)%4, "replaceability": 1 + (j+i*2)%4, "dependency": 4 - j%3})
		}
	}
	fo.op("step.set", map[string]any{"step": 2})
	fac.waitFor("the table with spreads", `document.querySelectorAll('#arena-edit-table .actor-row').length === 8 && document.querySelector('#arena-edit-table .spread-slot *')`)
	above := eval[int](fac, `(() => { window.scrollTo(0, 0); return [...document.querySelectorAll('#arena-edit-table .actor-row')].filter(r => r.getBoundingClientRect().bottom <= innerHeight).length; })()`)
	rowH := eval[float64](fac, `document.querySelector('#arena-edit-table .actor-row').getBoundingClientRect().height`)
	clipped := eval[[]string](fac, clippedSelects+`('#arena-edit-table')`)
	t.Log("cells of the first row (width x height of the content): " + eval[string](fac, `[...document.querySelector('#arena-edit-table .actor-row').children].map(td => td.className + ' ' + Math.round(td.getBoundingClientRect().width) + 'x' + Math.round([...td.children].reduce((h, c) => h + c.getBoundingClientRect().height, 0))).join(', ')`))
	t.Logf("console 1366x768: %d actors above the fold, a row %.0f px high, clipped option texts: %v", above, rowH, clipped)
	if above < 4 { // it was 1
		t.Errorf("console 1366x768: %d actors above the fold, want at least 4", above)
	}
	if len(clipped) > 0 {
		t.Errorf("console: select texts cut short: %v", clipped)
	}
	for _, lang := range []string{"en"} {
		fac.do("switch to "+lang, chromedp.Click(chromedp.CSS(`.lang-btn[lang="`+lang+`"]`)))
		fac.waitFor("the table again", `document.querySelectorAll('#arena-edit-table .actor-row').length === 8 && document.documentElement.lang === `+js(lang))
		if c := eval[[]string](fac, clippedSelects+`('#arena-edit-table')`); len(c) > 0 {
			t.Errorf("console (%s): select texts cut short: %v", lang, c)
		}
	}

	ph := r.phone("Cor", 0)
	ph.waitFor("the cards", `document.querySelectorAll('.arena-phone .actor-card').length === 8`)
	cards := eval[float64](ph, `(() => { const c = document.querySelector('.arena-phone .actor-cards'); return c.getBoundingClientRect().height; })()`)
	// Open every card to measure its selects as someone filling them in sees them.
	phClipped := eval[[]string](ph, `(() => { for (const d of document.querySelectorAll('.arena-phone .card-more')) d.open = true; return 0; })()`+` || `+clippedSelects+`('.arena-phone')`)
	t.Logf("phone 360 px: 8 actor cards take %.0f px, clipped option texts: %v", cards, phClipped)
	if cards > 2000 {
		t.Errorf("phone: 8 cards take %.0f px, want under 2000 (it was 4,700)", cards)
	}
	if len(phClipped) > 0 {
		t.Errorf("phone: select texts cut short: %v", phClipped)
	}
	checkClean(t, fac, ph)
}
