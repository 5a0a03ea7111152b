package e2e

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// axeViolation is one rule that failed on a page, with the elements it failed on.
type axeViolation struct {
	ID     string   `json:"id"`
	Impact string   `json:"impact"`
	Help   string   `json:"help"`
	Nodes  []string `json:"nodes"`
}

// runAxe injects axe-core (e2e/testdata/axe, vendored) into the tab's page and runs the
// WCAG 2 A and AA rules on the whole document.
func runAxe(t *testing.T, p *tab, src string) []axeViolation {
	t.Helper()
	if !eval[bool](p, `typeof window.axe === 'object'`) {
		p.do("inject axe-core", chromedp.Evaluate[chromedp.Void](src))
	}
	const run = `axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa']}, resultTypes: ['violations']})
		.then(r => r.violations.map(v => ({id: v.id, impact: v.impact || '', help: v.help,
			nodes: v.nodes.map(n => n.target.join(' ') + ' — ' + (n.failureSummary || '').replace(/\s+/g, ' ').slice(0, 300))})))`
	ctx, cancel := context.WithTimeout(p.ctx, 60*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[[]axeViolation](run, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("%s: axe.run: %v", p.name, err)
	}
	return v
}

// axeSource reads the vendored axe.min.js.
func axeSource(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("testdata/axe/axe.min.js")
	if err != nil {
		t.Fatalf("axe-core: %v (see e2e/testdata/axe/README.md)", err)
	}
	return string(b)
}

// TestAxe runs axe-core (WCAG 2 A and AA) on the landing page, the join page, and the phone,
// the projector and the console at every step of a workshop with realistic content: a dozen
// actors, three participants' estimates and placements, a vote round with votes, selected
// actors with their follow-up. It fails with every violation found, per page.
func TestAxe(t *testing.T) {
	src := axeSource(t)
	r := newStepsRoom(t, "Armoede in de wijk Noord", 4*time.Minute)
	report := map[string][]axeViolation{}
	check := func(name string, p *tab) {
		report[name] = runAxe(t, p, src)
	}

	landing := r.b.newTab(t, "landing", desktop)
	landing.do("open the landing page", chromedp.Navigate(r.srv.base+"/"))
	landing.waitFor("the landing page", `document.querySelector('main, #app') && document.querySelector('form')`)
	check("landing", landing)
	join := r.b.newTab(t, "join", phoneSmall)
	join.do("open the join page", chromedp.Navigate(r.srv.base+"/w/"+r.code))
	join.waitFor("the name form", `document.getElementById('name-input')`)
	check("join", join)

	fac := r.console("Fien", consoleVP)
	fo := r.facilitatorOps()
	fo.op("workshop.update", map[string]any{"issue": "Gezinnen in armoede vinden de weg naar hulp niet.", "goal": "Binnen twee jaar een netwerk dat elk gezin bereikt."})
	ph := r.phone("Sam", 0)
	pr := r.projector(projectorHD)
	ids := addExampleActors(fo, len(exampleActors))
	for _, name := range []string{"Speelpleinwerking Noord", "Wijkagent"} {
		ids = append(ids, fo.op("actor.add", map[string]any{"name": name, "category": "context", "importance": 2, "replaceability": "ratherLarge", "dependency": "small"}))
	}
	others := []*opsClient{
		dialOps(t, r.ctx, r.srv.base, r.code, map[string]any{"role": "participant", "name": "Ann"}),
		dialOps(t, r.ctx, r.srv.base, r.code, map[string]any{"role": "participant", "name": "Bob"}),
		dialOps(t, r.ctx, r.srv.base, r.code, map[string]any{"role": "participant", "name": "Cor"}),
	}
	for i, o := range others {
		for j, id := range ids {
			o.op("estimate.set", map[string]any{"actorId": id, "importance": 1 + (i+j)%4, "replaceability": 1 + (j+i*2)%4, "dependency": 4 - (i*j)%4,
				"form": map[string]any{"interests": 20 + 7*j, "factualDecisions": 30 + 3*i, "formalDecisions": 50, "resources": 40 + 5*j, "engagement": 60 - 4*j, "identification": 35 + 10*i}})
		}
	}
	order := append([]string(nil), ids...)
	fo.op("ranking.set", map[string]any{"order": order})
	for _, c := range []string{"bereikt de doelgroep rechtstreeks", "kan engagement voor twee jaar opnemen"} {
		fo.op("criterion.add", map[string]any{"text": c})
	}

	pages := []struct {
		name string
		p    *tab
	}{{"console", fac}, {"phone", ph}, {"projector", pr}}
	for step := 1; step <= 6; step++ {
		fo.op("step.set", map[string]any{"step": step})
		switch step {
		case 4:
			round := fo.op("round.open", map[string]any{"mode": "dots", "dots": 5, "maxPerActor": 3, "reveal": "live", "anonymous": true})
			for i, o := range others {
				o.op("vote.cast", map[string]any{"roundId": round, "actorId": ids[i], "count": 2})
				o.op("vote.cast", map[string]any{"roundId": round, "actorId": ids[0], "count": 3})
			}
		case 5:
			for _, id := range ids[:4] {
				fo.op("actor.select", map[string]any{"id": id, "selected": true})
			}
			others[0].op("followup.update", map[string]any{"actorId": ids[0], "status": "contacted", "interest": "high", "notes": "Eerste gesprek op 12 maart."})
		}
		for _, pg := range pages {
			pg.p.waitFor(fmt.Sprintf("step %d", step), fmt.Sprintf(`document.body.innerText.length > 0 && (%s)`, stepShown(pg.name, step)))
			time.Sleep(300 * time.Millisecond) // let the last live messages render
			check(fmt.Sprintf("%s step %d", pg.name, step), pg.p)
		}
	}

	names := make([]string, 0, len(report))
	for n := range report {
		names = append(names, n)
	}
	sort.Strings(names)
	var failed strings.Builder
	for _, n := range names {
		vs := report[n]
		nodes := 0
		for _, v := range vs {
			nodes += len(v.Nodes)
		}
		t.Logf("axe %-16s %d violations (%d elements)", n, len(vs), nodes)
		for _, v := range vs {
			fmt.Fprintf(&failed, "%s: %s (%s) %s, %d elements:\n", n, v.ID, v.Impact, v.Help, len(v.Nodes))
			for i, node := range v.Nodes {
				if i == 5 {
					fmt.Fprintf(&failed, "    … and %d more\n", len(v.Nodes)-5)
					break
				}
				fmt.Fprintf(&failed, "    %s\n", node)
			}
		}
	}
	if failed.Len() > 0 {
		t.Errorf("axe-core (wcag2a, wcag2aa) found violations:\n%s", failed.String())
	}
	checkClean(t, fac, ph, pr, landing, join)
}

// stepShown is the JavaScript condition that the page shows that step.
func stepShown(page string, step int) string {
	switch page {
	case "console":
		return fmt.Sprintf(`document.querySelector('.step-btn[aria-current="step"]')?.dataset.step === '%d'`, step)
	default:
		return fmt.Sprintf(`document.body.innerText.includes('Stap %d')`, step)
	}
}
