package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/arena-workshop/arena/session"
)

// waitSeq waits until every client has reached seq.
func waitSeq(tb testing.TB, seq uint64, cs ...*client) {
	tb.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for _, c := range cs {
		for {
			_, s, err := c.snapshot()
			if err != nil {
				tb.Fatalf("client %s: %v", c.you.Name, err)
			}
			if s >= seq {
				break
			}
			if time.Now().After(deadline) {
				tb.Fatalf("client %s at seq %d, want %d", c.you.Name, s, seq)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
}

func TestConcurrentAddsConverge(t *testing.T) {
	t.Parallel()
	s := startServer(t, "")
	w := s.create(t, "Samen tegen kinderarmoede in de Brugse Poort")
	fac := connect(t, s, w.Code, map[string]any{"role": "participant", "name": "Fien", "facilitatorToken": w.FacilitatorToken})
	if fac.you.Role != session.RoleFacilitator {
		t.Fatalf("role %q, want facilitator", fac.you.Role)
	}
	viewer := connect(t, s, w.Code, map[string]any{"role": "viewer"})
	var clients []*client
	for i := range 4 {
		clients = append(clients, connect(t, s, w.Code, map[string]any{"role": "participant", "name": fmt.Sprintf("Deelnemer %d", i+1)}))
	}
	const perClient = 25
	var wg sync.WaitGroup
	var lastSeq [4]uint64
	for i, c := range clients {
		wg.Go(func() {
			for j := range perClient {
				a := c.mustOp("actor.add", map[string]any{"name": fmt.Sprintf("Actor %d-%d", i, j), "importance": j%4 + 1})
				if a.ID == "" {
					t.Errorf("ack of actor.add without id")
				}
				lastSeq[i] = max(lastSeq[i], a.Seq)
			}
		})
	}
	wg.Wait()
	var final uint64
	for _, s := range lastSeq {
		final = max(final, s)
	}
	all := append([]*client{fac, viewer}, clients...)
	waitSeq(t, final, all...)
	want, _, _ := fac.snapshot()
	if got := len(want.Actors); got != 4*perClient {
		t.Fatalf("%d actors, want %d", got, 4*perClient)
	}
	for _, c := range all {
		st, seq, err := c.snapshot()
		if err != nil {
			t.Fatalf("%s: %v", c.you.Name, err)
		}
		if seq != final {
			t.Errorf("%s at seq %d, want %d", c.you.Name, seq, final)
		}
		if stateJSON(t, st) != stateJSON(t, want) {
			t.Errorf("%s holds a different state", c.you.Name)
		}
	}
	// The server's own snapshot agrees with the clients.
	late := connect(t, s, w.Code, map[string]any{"role": "viewer"})
	st, _, _ := late.snapshot()
	if stateJSON(t, st) != stateJSON(t, want) {
		t.Errorf("a new client's snapshot differs from the clients' state")
	}
}

func TestResumeWithLastSeq(t *testing.T) {
	t.Parallel()
	s := startServer(t, "")
	w := s.create(t, "Resume")
	fac := connect(t, s, w.Code, map[string]any{"role": "participant", "name": "Fien", "facilitatorToken": w.FacilitatorToken})
	p := connect(t, s, w.Code, map[string]any{"role": "participant", "name": "Jan"})
	p.mustOp("actor.add", map[string]any{"name": "OCMW"})
	st, seq, _ := p.snapshot()
	token := p.you.ParticipantToken
	pid := p.you.ParticipantID
	p.ws.Close(websocket.StatusNormalClosure, "phone sleeps")

	for i := range 5 {
		fac.mustOp("actor.add", map[string]any{"name": fmt.Sprintf("Actor %d", i)})
	}
	last := fac.mustOp("step.set", map[string]any{"step": 2}).Seq

	// Reconnect with lastSeq: the welcome carries exactly the missed events.
	r := resumeRaw(t, s, w.Code, map[string]any{"role": "participant", "participantToken": token, "lastSeq": seq}, st, seq)
	m := r.next(5 * time.Second)
	if m.Type != "welcome" || m.State != nil {
		t.Fatalf("want a welcome with events, got %s", m.raw)
	}
	if len(m.Events) != int(last-seq) || m.Seq != last {
		t.Fatalf("welcome has %d events up to %d, want %d up to %d", len(m.Events), m.Seq, last-seq, last)
	}
	if m.You.ParticipantID != pid {
		t.Errorf("resumed as %s, want %s", m.You.ParticipantID, pid)
	}
	waitSeq(t, last, r)
	got, _, err := r.snapshot()
	if err != nil {
		t.Fatal(err)
	}
	want, _, _ := fac.snapshot()
	if stateJSON(t, got) != stateJSON(t, want) {
		t.Errorf("resumed client differs:\n got %s\nwant %s", stateJSON(t, got), stateJSON(t, want))
	}
	// An event after the resume arrives once, with the next seq.
	fac.mustOp("lock.set", map[string]any{"locked": true})
	waitSeq(t, last+1, r)

	// Resuming with nothing missed gets an empty list of events, not nothing.
	cur := connectRaw(t, s, w.Code, map[string]any{"role": "viewer", "lastSeq": last + 1})
	if m := cur.next(5 * time.Second); m.State != nil || !strings.Contains(string(m.raw), `"events":[]`) {
		t.Errorf("lastSeq at the current seq: want \"events\":[], got %s", m.raw)
	}

	// lastSeq beyond the current seq gets a snapshot.
	far := connectRaw(t, s, w.Code, map[string]any{"role": "viewer", "lastSeq": last + 100})
	if m := far.next(5 * time.Second); m.State == nil || m.Seq != last+1 {
		t.Errorf("lastSeq beyond seq: want a state at %d, got %s", last+1, m.raw)
	}
}

func TestBadInput(t *testing.T) {
	t.Parallel()
	s := startServer(t, "")
	w := s.create(t, "Bad input")
	fac := connect(t, s, w.Code, map[string]any{"role": "participant", "name": "Fien", "facilitatorToken": w.FacilitatorToken})
	p := connect(t, s, w.Code, map[string]any{"role": "participant", "name": "Jan"})
	v := connect(t, s, w.Code, map[string]any{"role": "viewer"})
	before := fac.mustOp("step.set", map[string]any{"step": 1}).Seq

	cases := []struct {
		name  string
		c     *client
		raw   string
		code  string
		field string
	}{
		{"malformed JSON", p, `{"type":"op",`, session.CodeBadMessage, ""},
		{"unknown type", p, `{"type":"shout"}`, session.CodeBadMessage, ""},
		{"op without ref", p, `{"type":"op","op":"step.set","data":{"step":2}}`, session.CodeBadMessage, "ref"},
		{"ref too long", p, `{"type":"op","ref":"` + strings.Repeat("r", 65) + `","op":"actor.add","data":{"name":"x"}}`, session.CodeBadMessage, "ref"},
		{"unknown op", p, `{"type":"op","ref":"u1","op":"actor.explode","data":{}}`, session.CodeBadMessage, "op"},
		{"over-long name", p, `{"type":"op","ref":"u2","op":"actor.add","data":{"name":"` + strings.Repeat("é", 81) + `"}}`, session.CodeInvalid, "name"},
		{"control character", p, `{"type":"op","ref":"u3","op":"actor.add","data":{"name":"a\u0007b"}}`, session.CodeInvalid, "name"},
		{"newline in one-line field", p, `{"type":"op","ref":"u4","op":"actor.add","data":{"name":"a\nb"}}`, session.CodeInvalid, "name"},
		{"wrong type", p, `{"type":"op","ref":"u5","op":"actor.add","data":{"name":"a","importance":"4"}}`, session.CodeInvalid, "importance"},
		{"participant facilitator op", p, `{"type":"op","ref":"u6","op":"step.set","data":{"step":3}}`, session.CodeForbidden, ""},
		{"viewer op", v, `{"type":"op","ref":"u7","op":"actor.add","data":{"name":"x"}}`, session.CodeForbidden, ""},
		{"unknown actor", p, `{"type":"op","ref":"u8","op":"actor.update","data":{"id":"00000000-0000-4000-8000-000000000000","name":"x"}}`, session.CodeNotFound, "id"},
		{"step out of range", fac, `{"type":"op","ref":"u9","op":"step.set","data":{"step":7}}`, session.CodeInvalid, "step"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.c.sendRaw([]byte(tc.raw))
			m := tc.c.waitFor("error", func(m msg) bool { return m.Type == "error" || m.Type == "ack" })
			if m.Type != "error" || m.Code != tc.code {
				t.Fatalf("got %s, want error %s", m.raw, tc.code)
			}
			if m.Field != tc.field {
				t.Errorf("field %q, want %q", m.Field, tc.field)
			}
			var sent struct{ Ref string }
			json.Unmarshal([]byte(tc.raw), &sent)
			if len(sent.Ref) <= 64 && m.Ref != sent.Ref {
				t.Errorf("error ref %q, want %q", m.Ref, sent.Ref)
			}
		})
	}
	// Nothing changed: the next op gets the next seq, and the connections still serve.
	if got := fac.mustOp("step.set", map[string]any{"step": 2}).Seq; got != before+1 {
		t.Errorf("seq after bad input %d, want %d", got, before+1)
	}
	if got := p.mustOp("actor.add", map[string]any{"name": "CAW"}).Seq; got != before+2 {
		t.Errorf("participant's op after bad input: seq %d, want %d", got, before+2)
	}
	waitSeq(t, before+2, fac)
	st, _, _ := fac.snapshot()
	if len(st.Actors) != 1 || st.Step != 2 {
		t.Errorf("state after bad input: %d actors, step %d", len(st.Actors), st.Step)
	}

	t.Run("frame over 64 KiB closes 1009", func(t *testing.T) {
		c := connect(t, s, w.Code, map[string]any{"role": "participant", "name": "Groot"})
		c.sendRaw([]byte(`{"type":"op","ref":"big","op":"actor.add","data":{"name":"` + strings.Repeat("x", 65537) + `"}}`))
		if code := c.waitClose(5 * time.Second); code != websocket.StatusMessageTooBig {
			t.Errorf("close %d, want 1009", code)
		}
	})
	t.Run("frame of exactly 64 KiB is read", func(t *testing.T) {
		c := connect(t, s, w.Code, map[string]any{"role": "participant", "name": "Precies"})
		prefix := `{"type":"op","ref":"exact","op":"actor.add","data":{"name":"`
		suffix := `"}}`
		c.sendRaw([]byte(prefix + strings.Repeat("x", 65536-len(prefix)-len(suffix)) + suffix))
		m := c.waitFor("answer", func(m msg) bool { return m.Ref == "exact" })
		if m.Code != session.CodeInvalid {
			t.Errorf("got %s, want invalid (name too long)", m.raw)
		}
	})
	closes := []struct {
		name  string
		hello string
		want  websocket.StatusCode
	}{
		{"wrong facilitator token", `{"type":"hello","role":"participant","name":"X","facilitatorToken":"nope"}`, 4003},
		{"unknown role", `{"type":"hello","role":"admin","name":"X"}`, 4000},
		{"first frame not a hello", `{"type":"op","ref":"a","op":"step.set","data":{"step":2}}`, 4000},
		{"not JSON", `hello?`, 4000},
		{"new participant without name", `{"type":"hello","role":"participant"}`, 4000},
		{"name too long", `{"type":"hello","role":"participant","name":"` + strings.Repeat("n", 41) + `"}`, 4000},
		{"unknown participant token without name", `{"type":"hello","role":"participant","participantToken":"unknown"}`, 4000},
	}
	for _, tc := range closes {
		t.Run(tc.name, func(t *testing.T) {
			c := connectRaw(t, s, w.Code, nil)
			c.sendRaw([]byte(tc.hello))
			if code := c.waitClose(5 * time.Second); code != tc.want {
				t.Errorf("close %d, want %d", code, tc.want)
			}
		})
	}
	t.Run("no hello within 10 s closes 4000", func(t *testing.T) {
		t.Parallel()
		c := connectRaw(t, s, w.Code, nil)
		if code := c.waitClose(15 * time.Second); code != 4000 {
			t.Errorf("close %d, want 4000", code)
		}
	})
	t.Run("unknown code is 404 before upgrading", func(t *testing.T) {
		_, err := dial(t, s, "ZZZZZZ")
		if err == nil || !strings.Contains(err.Error(), "404") {
			t.Errorf("dial unknown code: %v, want a 404", err)
		}
	})
}

func TestRemovedParticipantIsClosed(t *testing.T) {
	t.Parallel()
	s := startServer(t, "")
	w := s.create(t, "Remove")
	fac := connect(t, s, w.Code, map[string]any{"role": "participant", "name": "Fien", "facilitatorToken": w.FacilitatorToken})
	p := connect(t, s, w.Code, map[string]any{"role": "participant", "name": "Stoorzender"})
	fac.mustOp("participant.remove", map[string]any{"participantId": p.you.ParticipantID})
	if code := p.waitClose(5 * time.Second); code != 4003 {
		t.Errorf("removed participant closed with %d, want 4003", code)
	}
	again := connectRaw(t, s, w.Code, map[string]any{"role": "participant", "participantToken": p.you.ParticipantToken})
	if code := again.waitClose(5 * time.Second); code != 4003 {
		t.Errorf("removed participant's token: close %d, want 4003", code)
	}
}

func TestHTTPAPI(t *testing.T) {
	t.Parallel()
	s := startServer(t, "")
	w := s.create(t, "  Samen tegen kinderarmoede  ")
	if w.Title != "Samen tegen kinderarmoede" || w.Locale != "nl" || len(w.Code) != 6 || w.FacilitatorToken == "" {
		t.Errorf("created %+v", w)
	}
	if w.Links.Join != "/w/"+w.Code || w.Links.Present != "/w/"+w.Code+"/present" || w.Links.Facilitate != "/w/"+w.Code+"/facilitate#token="+w.FacilitatorToken {
		t.Errorf("links %+v", w.Links)
	}
	bad := []struct {
		name, body string
		status     int
	}{
		{"no title", `{}`, 400},
		{"empty title", `{"title":"   "}`, 400},
		{"title too long", `{"title":"` + strings.Repeat("t", 121) + `"}`, 400},
		{"bad locale", `{"title":"x","locale":"fr"}`, 400},
		{"not JSON", `title=x`, 400},
		{"too large", `{"title":"` + strings.Repeat("t", 20000) + `"}`, 413},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			status, body, _ := s.do(t, "POST", "/api/workshops", "", tc.body)
			var e struct {
				Error struct{ Code, Message string }
			}
			if status != tc.status || json.Unmarshal(body, &e) != nil || e.Error.Code == "" || e.Error.Message == "" {
				t.Errorf("got %d %s, want %d with an error body", status, body, tc.status)
			}
		})
	}
	// Codes in any case, with spaces or dashes.
	loose := strings.ToLower(w.Code[:3]) + "-" + w.Code[3:]
	status, body, _ := s.do(t, "GET", "/api/workshops/"+loose, "", nil)
	var got struct {
		Code, Title, Locale string
		Step, Participants  int
	}
	json.Unmarshal(body, &got)
	if status != 200 || got.Code != w.Code || got.Step != 1 || got.Participants != 0 {
		t.Errorf("GET %s: %d %s", loose, status, body)
	}
	p := connect(t, s, w.Code, map[string]any{"role": "participant", "name": "Jan"})
	connect(t, s, w.Code, map[string]any{"role": "participant", "name": "Fien", "facilitatorToken": w.FacilitatorToken})
	connect(t, s, w.Code, map[string]any{"role": "viewer"})
	_, body, _ = s.do(t, "GET", "/api/workshops/"+w.Code, "", nil)
	json.Unmarshal(body, &got)
	if got.Participants != 1 {
		t.Errorf("participants online %d, want 1 (facilitator and viewer not counted)", got.Participants)
	}
	if status, _, _ := s.do(t, "GET", "/api/workshops/ZZZZZZ", "", nil); status != 404 {
		t.Errorf("unknown code: %d", status)
	}
	status, body, hdr := s.do(t, "GET", "/api/workshops/"+w.Code+"/qr.svg", "", nil)
	if status != 200 || hdr.Get("Content-Type") != "image/svg+xml" || !strings.HasPrefix(string(body), "<svg") {
		t.Errorf("qr.svg: %d %s %.60s", status, hdr.Get("Content-Type"), body)
	}
	for path, want := range map[string]int{"/healthz": 200, "/readyz": 200, "/metrics": 404, "/debug/pprof/": 404, "/": 200, "/w/" + w.Code: 200, "/w/" + w.Code + "/present": 200, "/static/embed.go": 404,
		"/w/" + w.Code + "/": 200, "/w/" + w.Code + "/present/": 200, // a trailing slash redirects
	} {
		if status, _, _ := s.do(t, "GET", path, "", nil); status != want {
			t.Errorf("GET %s: %d, want %d", path, status, want)
		}
	}
	// /metrics and pprof answer on the admin listener only (issue 12: not to anyone).
	metrics := adminGet(t, s, "/metrics")
	if idx := adminGet(t, s, "/debug/pprof/"); !strings.Contains(string(idx), "goroutine") {
		t.Errorf("admin /debug/pprof/ lacks the profiles: %.200s", idx)
	}
	if !strings.Contains(string(metrics), "arena_connections 3") {
		t.Errorf("metrics do not count 3 connections:\n%.400s", metrics)
	}
	// The workshop's ops were committed, so the commit-time histogram has counted them.
	if m := regexp.MustCompile(`(?m)^arena_commit_seconds_count (\d+)$`).FindSubmatch(metrics); m == nil || string(m[1]) == "0" {
		t.Errorf("metrics lack commit times: %q", m)
	}
	if !strings.Contains(string(metrics), `arena_commit_seconds_bucket{le="0.0001"}`) {
		t.Errorf("metrics lack the commit-time buckets")
	}
	_, _, hdr = s.do(t, "GET", "/w/"+w.Code, "", nil)
	if !strings.Contains(hdr.Get("Content-Security-Policy"), "script-src 'self'") {
		t.Errorf("pages lack a CSP: %q", hdr.Get("Content-Security-Policy"))
	}
	// Delete: 401 without token, 403 with a wrong one, 204 and close 4004 with the right one.
	if status, _, _ := s.do(t, "DELETE", "/api/workshops/"+w.Code, "", nil); status != http.StatusUnauthorized {
		t.Errorf("delete without token: %d", status)
	}
	if status, _, _ := s.do(t, "DELETE", "/api/workshops/"+w.Code, "wrong", nil); status != http.StatusForbidden {
		t.Errorf("delete with a wrong token: %d", status)
	}
	if status, body, _ := s.do(t, "DELETE", "/api/workshops/"+w.Code, w.FacilitatorToken, nil); status != http.StatusNoContent {
		t.Errorf("delete: %d %s", status, body)
	}
	if code := p.waitClose(5 * time.Second); code != 4004 {
		t.Errorf("close after delete %d, want 4004", code)
	}
	if status, _, _ := s.do(t, "GET", "/api/workshops/"+w.Code, "", nil); status != 404 {
		t.Errorf("deleted workshop: %d", status)
	}
}

func TestRestartKeepsWorkshops(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	s := startServer(t, dir)
	w := s.create(t, "Duurzaam")
	fac := connect(t, s, w.Code, map[string]any{"role": "participant", "name": "Fien", "facilitatorToken": w.FacilitatorToken})
	// More than one snapshot interval, so the restart reads a snapshot and replays a log;
	// spread over connections to stay within each one's rate limit.
	for i := range 4 {
		p := connect(t, s, w.Code, map[string]any{"role": "participant", "name": fmt.Sprintf("P%d", i)})
		for j := range 30 {
			p.mustOp("actor.add", map[string]any{"name": fmt.Sprintf("Actor %d-%d", i, j)})
		}
	}
	fac.mustOp("workshop.update", map[string]any{"issue": "Gezinnen vinden de weg niet.\nDiensten werken naast elkaar."})
	waitSeq(t, fac.mustOp("lock.set", map[string]any{"locked": true}).Seq, fac)
	want, seq, _ := fac.snapshot()
	if seq < 120 {
		t.Fatalf("only %d events", seq)
	}
	s.stop()
	if code := fac.waitClose(5 * time.Second); code != websocket.StatusGoingAway {
		t.Errorf("graceful stop closed with %d, want 1001", code)
	}

	s2 := startServer(t, dir)
	again := connect(t, s2, w.Code, map[string]any{"role": "participant", "facilitatorToken": w.FacilitatorToken, "participantToken": fac.you.ParticipantToken})
	got, seq2, _ := again.snapshot()
	if seq2 != seq || stateJSON(t, got) != stateJSON(t, want) {
		t.Errorf("after restart: seq %d (want %d), state equal: %v", seq2, seq, stateJSON(t, got) == stateJSON(t, want))
	}
	if again.you.ParticipantID != fac.you.ParticipantID {
		t.Errorf("facilitator resumed as %s, want %s", again.you.ParticipantID, fac.you.ParticipantID)
	}
}

func TestRateLimitAndFlooding(t *testing.T) {
	t.Parallel()
	s := startServer(t, "")
	w := s.create(t, "Flood")
	p := connect(t, s, w.Code, map[string]any{"role": "participant", "name": "Snelle Jan"})
	other := connect(t, s, w.Code, map[string]any{"role": "viewer"})
	// A burst far beyond 40: the first ones pass, then rate_limited, then 4008. The bucket
	// refills at 20 ops/s while the burst is read, so a slow (loaded) machine acks more.
	start := time.Now()
	for i := range 200 {
		p.sendJSON(map[string]any{"type": "op", "ref": fmt.Sprintf("f%d", i), "op": "participant.rename", "data": map[string]any{"name": fmt.Sprintf("Jan %d", i)}})
	}
	var acks, limited int
	deadline := time.After(10 * time.Second)
loop:
	for {
		select {
		case m, ok := <-p.msgs:
			if !ok {
				break loop
			}
			switch {
			case m.Type == "ack":
				acks++
			case m.Type == "error" && m.Code == session.CodeRateLimited:
				limited++
			}
		case <-deadline:
			t.Fatal("flooding connection not closed")
		}
	}
	if code := <-p.closed; code != 4008 {
		t.Errorf("close %d, want 4008", code)
	}
	most := 50 + int(20*time.Since(start).Seconds())
	if acks < 40 || acks > most || limited == 0 {
		t.Errorf("%d acks and %d rate_limited errors in %v; want 40 to %d acks, then errors", acks, limited, time.Since(start), most)
	}
	// Everyone else is still served.
	fac := connect(t, s, w.Code, map[string]any{"role": "participant", "name": "Fien", "facilitatorToken": w.FacilitatorToken})
	seq := fac.mustOp("step.set", map[string]any{"step": 2}).Seq
	waitSeq(t, seq, other)
}

// Creating workshops is limited per client address: a burst, then 429 rate_limited. A
// client cannot pose as another with X-Forwarded-For, unless it is a trusted proxy, whose
// clients are then told apart by that header.
func TestCreateRateLimit(t *testing.T) {
	create := func(s *testServer, forwardedFor string) int {
		t.Helper()
		req, _ := http.NewRequest("POST", s.base+"/api/workshops", strings.NewReader(`{"title":"W"}`))
		req.Header.Set("Content-Type", "application/json")
		if forwardedFor != "" {
			req.Header.Set("X-Forwarded-For", forwardedFor)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode == 429 && !strings.Contains(string(body), `"rate_limited"`) {
			t.Errorf("429 without rate_limited: %s", body)
		}
		return resp.StatusCode
	}
	burst := func(s *testServer, forwardedFor string) {
		t.Helper()
		for i := range createBurst {
			if status := create(s, forwardedFor); status != 201 {
				t.Fatalf("create %d: %d", i, status)
			}
		}
	}

	s := startServer(t, "")
	burst(s, "")
	if status := create(s, ""); status != 429 {
		t.Errorf("over the burst: %d, want 429", status)
	}
	if status := create(s, "203.0.113.7"); status != 429 {
		t.Errorf("over the burst with a made-up X-Forwarded-For: %d, want 429", status)
	}

	dir := t.TempDir()
	p := startServerArgs(t, dir, "--data-dir", dir, "--trusted-proxies", "127.0.0.1")
	burst(p, "203.0.113.7")
	if status := create(p, "203.0.113.7"); status != 429 {
		t.Errorf("behind a trusted proxy, over the burst: %d, want 429", status)
	}
	if status := create(p, "203.0.113.8"); status != 201 {
		t.Errorf("behind a trusted proxy, another client: %d, want 201", status)
	}
}

// adminGet reads path from the test server's admin listener and wants 200.
func adminGet(t *testing.T, s *testServer, path string) []byte {
	t.Helper()
	resp, err := http.Get(s.admin + path)
	if err != nil {
		t.Fatalf("admin %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Errorf("admin %s: %d", path, resp.StatusCode)
	}
	return b
}
