// Package e2e holds the browser tests of Arena. They build the real program (./server),
// start it as a user would, on a free port with a fresh data directory, and drive the
// pages in Debian's Chromium through github.com/chromedp/chromedp.
//
// Run them with:
//
//	go test -race -count=1 ./e2e/
//
// They need /usr/bin/chromium (apt-get install -y chromium). Without it they skip, except
// with CI=true, where they fail. With ARENA_SCREENSHOTS=<dir> they also save full-page
// screenshots of the projector, a phone and the facilitator console in that directory.
package e2e
