package e2e

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
)

// typeText types s into the focused field of p one character at a time, as key presses
// that insert text (the input events a phone's keyboard makes).
func typeChar(p *tab, ch string) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, stepTimeout)
	defer cancel()
	if _, err := chromedp.Call(ctx, input.InsertText, input.InsertTextParams{Text: ch}); err != nil {
		p.t.Fatalf("%s: type %q: %v", p.name, ch, err)
	}
}

// TestCoEditTwoPhones (issue 13): Ahmed and Lien type into the same "Machts- en hulpbronnen"
// field of one actor at the same moment, their key presses interleaved, Ahmed at the start
// and Lien at the end. Both phones, the console and the projector end with one text that
// holds both people's words; while Lien types, Ahmed's field names her. Before text.edit the
// server kept whichever text came last and the other phone's words were replaced.
func TestCoEditTwoPhones(t *testing.T) {
	r := newStepsRoom(t, "Samen typen", 120*time.Second)
	fo := r.facilitatorOps()
	id := fo.op("actor.add", map[string]any{"name": "Buurtwerk", "resources": "vertrouwen"})
	fo.op("step.set", map[string]any{"step": 2})
	con := r.console("Fien", consoleVP)
	pr := r.projector(projectorHD)
	ahmed := r.phone("Ahmed", 0)
	lien := r.phone("Lien", 0)
	field := fmt.Sprintf(`document.querySelector('.actor-card[data-id="%s"] .field-resources')`, id)
	for _, p := range []*tab{ahmed, lien} {
		p.waitFor("the actor's resources", field+`?.value === 'vertrouwen'`)
	}
	// Both phones in front at once (each a device of its own): focus stays in their fields.
	for _, p := range []*tab{ahmed, lien} {
		ctx, cancel := context.WithTimeout(p.ctx, stepTimeout)
		if _, err := chromedp.Call(ctx, emulation.SetFocusEmulationEnabled, emulation.SetFocusEmulationEnabledParams{Enabled: true}); err != nil {
			t.Fatalf("%s: focus emulation: %v", p.name, err)
		}
		cancel()
	}
	// Ahmed's caret at the start, Lien's at the end.
	focus := func(p *tab, expr string) {
		if !eval[bool](p, expr) {
			t.Fatalf("%s: the field does not take the focus", p.name)
		}
	}
	focus(ahmed, `(() => { const el = `+field+`; el.closest('details').open = true; el.focus(); el.setSelectionRange(0, 0); return document.activeElement === el; })()`)
	focus(lien, `(() => { const el = `+field+`; el.closest('details').open = true; el.focus(); el.setSelectionRange(10, 10); return document.activeElement === el; })()`)
	a, l := []rune("geld, "), []rune(", lokalen na schooltijd")
	sawTyping := false
	for i := 0; i < max(len(a), len(l)); i++ {
		if i < len(a) {
			typeChar(ahmed, string(a[i]))
		}
		if i < len(l) {
			typeChar(lien, string(l[i]))
		}
		if !sawTyping && i > 3 {
			sawTyping = eval[bool](ahmed, `[...document.querySelectorAll('.typing-by')].some((e) => !e.hidden && e.textContent.includes('Lien'))`)
		}
		time.Sleep(15 * time.Millisecond) // a fast typist: many key presses within one round trip
	}
	want := "geld, vertrouwen, lokalen na schooltijd"
	for _, p := range []*tab{ahmed, lien} {
		p.waitFor("both words in the field", field+`?.value === `+js(want))
	}
	con.waitFor("both words on the console", fmt.Sprintf(`document.querySelector('#arena-edit-table tr[data-id="%s"] .field-resources')?.value === %s`, id, js(want)))
	pr.waitFor("both words on the projector", fmt.Sprintf(`document.querySelector('#arena-table tr[data-id="%s"] .col-resources')?.textContent === %s`, id, js(want)))
	if !sawTyping {
		sawTyping = eval[bool](ahmed, `[...document.querySelectorAll('.typing-by')].some((e) => !e.hidden && e.textContent.includes('Lien'))`)
	}
	if !sawTyping {
		t.Errorf("Ahmed's field never said that Lien was typing in it")
	}
	// The server holds the same text: a fresh connection's welcome.
	fresh := dialOps(t, r.ctx, r.srv.base, r.code, map[string]any{"role": "viewer"})
	for _, x := range fresh.welcomeState()["actors"].([]any) {
		if ac := x.(map[string]any); ac["id"] == id && ac["resources"] != want {
			t.Errorf("the server holds %q, want %q", ac["resources"], want)
		}
	}
	// Both carets stayed where their owners typed: Ahmed's after "geld, ", Lien's at the end.
	if got := eval[int](ahmed, field+`.selectionStart`); got != len(a) {
		t.Errorf("Ahmed's caret at %d, want %d", got, len(a))
	}
	if got := eval[int](lien, field+`.selectionStart`); got != len([]rune(want)) {
		t.Errorf("Lien's caret at %d, want %d", got, len([]rune(want)))
	}
	// A word over the limit is refused and stays on the phone, marked; the others keep the text.
	long := make([]rune, 2000)
	for i := range long {
		long[i] = 'x'
	}
	eval[bool](ahmed, `(() => { const el = `+field+`; el.removeAttribute('maxlength'); el.setSelectionRange(0, 0); return true; })()`)
	typeChar(ahmed, string(long))
	ahmed.waitFor("the refused edit marked", field+`?.dataset.save === 'error' && `+field+`.value.length === `+fmt.Sprint(2000+len([]rune(want))))
	lien.waitFor("Lien keeps the text", field+`?.value === `+js(want))
	checkClean(t, ahmed, lien, con, pr)
}
