package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// The console's export buttons fetch the report with the facilitator token and hand it to
// the browser as a file; the participant's text in it is escaped.
func TestStepsExport(t *testing.T) {
	r := newStepsRoom(t, "Verslag <b>", 60*time.Second)
	con := r.console("Fien", desktop)
	fo := r.facilitatorOps()
	fo.op("actor.add", map[string]any{"name": "<img src=x onerror=alert(1)>", "importance": 4})
	// Catch what the page hands to the browser as a download.
	eval[bool](con, `(() => {
		window.__download = null;
		const orig = URL.createObjectURL;
		URL.createObjectURL = (b) => { b.text().then((x) => { window.__download = x; }); return orig.call(URL, b); };
		return true;
	})()`)
	con.waitFor("the export buttons", `document.querySelectorAll('#export-box button').length === 3`)
	con.do("download the report", chromedp.Click(chromedp.CSS(`#export-box button[data-format="md"]`)))
	con.waitFor("the report", `typeof window.__download === 'string' && window.__download.startsWith('# Verslag &lt;b&gt;')`)
	if md := eval[string](con, `window.__download`); !strings.Contains(md, "&lt;img src=x onerror=alert(1)&gt;") || strings.Contains(md, "<img") {
		t.Errorf("report:\n%s", md)
	}
	eval[bool](con, `(window.__download = null) === null`)
	con.do("download the table", chromedp.Click(chromedp.CSS(`#export-box button[data-format="csv"]`)))
	con.waitFor("the table", `typeof window.__download === 'string' && window.__download.startsWith('"naam";"soort actor";')`) // Blob.text() drops the byte order mark
	// In the language the console shows.
	con.do("switch to English", chromedp.Click(chromedp.CSS(`.lang-btn[lang="en"]`)))
	con.waitFor("the English console", `document.documentElement.lang === 'en' && document.querySelectorAll('#export-box button').length === 3`)
	eval[bool](con, `(window.__download = null) === null`)
	con.do("download the report in English", chromedp.Click(chromedp.CSS(`#export-box button[data-format="md"]`)))
	con.waitFor("the English report", `typeof window.__download === 'string' && window.__download.includes('## Arena analysis')`)
	checkClean(t, con)
}
