package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// chromiumPath is Debian's Chromium. The tests never download a browser.
const chromiumPath = "/usr/bin/chromium"

// stepTimeout bounds one step (a navigation, a wait for the page to show something), so a
// hang fails with the name of the step instead of at the test's deadline.
const stepTimeout = 15 * time.Second

// requireChromium skips the test without Chromium, loudly; on CI a missing browser fails.
func requireChromium(t *testing.T) {
	t.Helper()
	if fileExists(chromiumPath) {
		return
	}
	msg := fmt.Sprintf("\n\n*** BROWSER TEST NOT RUN: %s is missing. Install it with: apt-get install -y chromium ***\n", chromiumPath)
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}

// browser is one headless Chromium process.
type browser struct {
	ctx context.Context // the first chromedp context: owns the process
}

func startBrowser(t *testing.T, parent context.Context) *browser {
	t.Helper()
	requireChromium(t)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath),
		chromedp.Headless,
		chromedp.NoSandbox, // the tests run as root in a container
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 720),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(parent, opts...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	// Cleanups run last-in first-out: the browser stops before its user data dir goes.
	t.Cleanup(func() {
		cancel()
		cancelAlloc()
	})
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start %s: %v", chromiumPath, err)
	}
	return &browser{ctx: ctx}
}

// tab is one page in its own browser context (its own cookies and localStorage, like a
// separate device). It records every JavaScript dialog (and dismisses it, so nothing
// hangs), every uncaught exception and every security (CSP) message of the page.
type tab struct {
	t    *testing.T
	name string
	ctx  context.Context

	mu         sync.Mutex
	dialogs    []string
	exceptions []string
	security   []string
	consoleErr []string
}

type viewport struct {
	width, height int64
	mobile        bool
}

var (
	desktop = viewport{1280, 720, false}
	phone   = viewport{390, 844, true}
)

func (b *browser) newTab(t *testing.T, name string, vp viewport) *tab {
	t.Helper()
	p := &tab{t: t, name: name}
	ctx, cancel := chromedp.NewContext(b.ctx, chromedp.WithNewBrowserContext(), chromedp.WithListener(p.onEvent))
	p.mu.Lock()
	p.ctx = ctx
	p.mu.Unlock()
	t.Cleanup(cancel)
	var opts []chromedp.EmulateViewportOption
	if vp.mobile {
		opts = append(opts, chromedp.EmulatePortrait, chromedp.EmulateMobile, chromedp.EmulateTouch)
	}
	// The first action opens the tab; its context (the tab's own) then bounds the tab's life.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(vp.width, vp.height, opts...)); err != nil {
		t.Fatalf("%s: open tab: %v", name, err)
	}
	return p
}

// onEvent runs on the tab's reading goroutine: it must return fast and send no command.
func (p *tab) onEvent(ev any) {
	switch ev := ev.(type) {
	case *page.EventJavascriptDialogOpening:
		p.mu.Lock()
		p.dialogs = append(p.dialogs, fmt.Sprintf("%s(%q) on %s", ev.Type, ev.Message, ev.URL))
		ctx := p.ctx
		p.mu.Unlock()
		// Dismiss it from another goroutine: an open dialog blocks the page and every action.
		go func() {
			cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
			defer cancel()
			_, _ = chromedp.Call(cctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: false})
		}()
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		text := d.Text
		if d.Exception != nil && d.Exception.Description != "" {
			text += " " + d.Exception.Description
		}
		p.mu.Lock()
		p.exceptions = append(p.exceptions, fmt.Sprintf("%s (%s:%d)", text, d.URL, d.LineNumber+1))
		p.mu.Unlock()
	case *log.EventEntryAdded:
		e := ev.Entry
		p.mu.Lock()
		switch {
		case e.Source == log.EntrySourceSecurity:
			p.security = append(p.security, e.Text)
		case e.Level == log.EntryLevelError:
			p.consoleErr = append(p.consoleErr, fmt.Sprintf("[%s] %s %s", e.Source, e.Text, e.URL))
		}
		p.mu.Unlock()
	case *runtime.EventConsoleAPICalled:
		if ev.Type != runtime.ConsoleAPICalledTypeError {
			return
		}
		var parts []string
		for _, a := range ev.Args {
			if a.Description != "" {
				parts = append(parts, a.Description)
			} else {
				parts = append(parts, string(a.Value))
			}
		}
		p.mu.Lock()
		p.consoleErr = append(p.consoleErr, "console.error: "+strings.Join(parts, " "))
		p.mu.Unlock()
	}
}

// record is a copy of what the listener saw so far.
type record struct {
	dialogs, exceptions, security, consoleErr []string
}

func (p *tab) record() record {
	p.mu.Lock()
	defer p.mu.Unlock()
	return record{
		dialogs:    append([]string(nil), p.dialogs...),
		exceptions: append([]string(nil), p.exceptions...),
		security:   append([]string(nil), p.security...),
		consoleErr: append([]string(nil), p.consoleErr...),
	}
}

// do runs actions as one step, failing the test with the page's state when they fail.
func (p *tab) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, stepTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		p.t.Fatalf("%s: %s: %v\n%s", p.name, what, err, p.diag())
	}
}

// eval evaluates a JavaScript expression and decodes its value into T.
func eval[T any](p *tab, expr string) T {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, stepTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		p.t.Fatalf("%s: evaluate %s: %v\n%s", p.name, expr, err, p.diag())
	}
	return v
}

// waitFor waits until the JavaScript expression is true. It re-evaluates every 25 ms, also
// across navigations (the old document's context going away is not an error here).
func (p *tab) waitFor(what, expr string) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, stepTimeout)
	defer cancel()
	var lastErr error
	tick := time.NewTicker(25 * time.Millisecond)
	defer tick.Stop()
	for {
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool]("Boolean("+expr+")"))
		if err == nil && ok {
			return
		}
		if err != nil {
			lastErr = err
		}
		select {
		case <-ctx.Done():
			if lastErr == nil || errors.Is(lastErr, context.DeadlineExceeded) {
				lastErr = ctx.Err()
			}
			p.t.Fatalf("%s: waiting for %s: %v\n  condition: %s\n%s", p.name, what, lastErr, expr, p.diag())
		case <-tick.C:
		}
	}
}

// diag describes the page for a failure message; best effort, with a fresh short deadline.
func (p *tab) diag() string {
	ctx, cancel := context.WithTimeout(p.ctx, 2*time.Second)
	defer cancel()
	var b strings.Builder
	state, err := chromedp.Run(ctx, chromedp.Evaluate[string](`JSON.stringify({
		url: location.href,
		conn: document.getElementById('conn-status')?.dataset.state ?? null,
		text: (document.body?.innerText ?? '').slice(0, 800),
	}, null, 1)`))
	if err != nil {
		fmt.Fprintf(&b, "  (page state unavailable: %v)\n", err)
	} else {
		fmt.Fprintf(&b, "  page %s: %s\n", p.name, state)
	}
	r := p.record()
	for _, s := range r.exceptions {
		fmt.Fprintf(&b, "  exception: %s\n", s)
	}
	for _, s := range r.consoleErr {
		fmt.Fprintf(&b, "  console error: %s\n", s)
	}
	for _, s := range r.security {
		fmt.Fprintf(&b, "  security: %s\n", s)
	}
	for _, s := range r.dialogs {
		fmt.Fprintf(&b, "  dialog: %s\n", s)
	}
	return b.String()
}

// screenshot saves a full-page PNG into dir, when dir is set.
func (p *tab) screenshot(dir, file string) {
	p.t.Helper()
	if dir == "" {
		return
	}
	ctx, cancel := context.WithTimeout(p.ctx, stepTimeout)
	defer cancel()
	buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		p.t.Fatalf("%s: screenshot: %v", p.name, err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		p.t.Fatal(err)
	}
	path := filepath.Join(dir, file)
	if err := os.WriteFile(path, buf, 0o644); err != nil {
		p.t.Fatal(err)
	}
	p.t.Logf("screenshot of %s: %s", p.name, path)
}

// js quotes a Go string as a JavaScript string literal.
func js(s string) string {
	b, err := json.Marshal(s)
	if err != nil {
		panic(err)
	}
	return string(b)
}
