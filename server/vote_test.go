package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/arena-workshop/arena/session"
)

// live is a tally, ballot, estimate or estimates message.
type live struct {
	Type    string                                 `json:"type"`
	RoundID string                                 `json:"roundId"`
	Voters  int                                    `json:"voters"`
	Tally   map[string]int                         `json:"tally"`
	Mine    json.RawMessage                        `json:"mine"`
	Left    int                                    `json:"left"`
	ActorID string                                 `json:"actorId"`
	N       int                                    `json:"n"`
	Imp     *session.Stat                          `json:"importance"`
	Actors  int                                    `json:"actors"`
	Counts  map[string]session.ParticipantProgress `json:"counts"`
}

func asLive(tb testing.TB, m msg) live {
	tb.Helper()
	var l live
	if err := json.Unmarshal(m.raw, &l); err != nil {
		tb.Fatal(err)
	}
	return l
}

// expectLive waits for a live message that matches.
func (c *client) expectLive(what string, match func(live) bool) live {
	c.tb.Helper()
	m := c.waitFor(what, func(m msg) bool {
		if m.Type != "tally" && m.Type != "ballot" && m.Type != "estimates" && m.Type != "estimate" && m.Type != "progress" {
			return false
		}
		var l live
		json.Unmarshal(m.raw, &l)
		return match(l)
	})
	return asLive(c.tb, m)
}

// A vote round through real websockets, on one instance (local engine) and on two
// instances (Redis): ballots to the voter, hidden tallies never reach participants or
// the projector while the round is open, exact tallies at close, and estimates.
func TestVoteRound(t *testing.T) {
	t.Run("local", func(t *testing.T) {
		testVoteRound(t, []*testServer{startServer(t, "")})
	})
	t.Run("redis", func(t *testing.T) {
		url := needRedis(t)
		testVoteRound(t, startInstances(t, 2, url, redisPrefix(t, url)))
	})
}

func testVoteRound(t *testing.T, srvs []*testServer) {
	at := func(i int) *testServer { return srvs[i%len(srvs)] }
	w := at(0).create(t, "Stemmen")
	fac := connect(t, at(0), w.Code, map[string]any{"role": "participant", "name": "Fien", "facilitatorToken": w.FacilitatorToken})
	viewer := connect(t, at(1), w.Code, map[string]any{"role": "viewer"})
	ps := make([]*client, 3)
	for i := range ps {
		ps[i] = connect(t, at(i+1), w.Code, map[string]any{"role": "participant", "name": fmt.Sprintf("P%d", i)})
	}
	var actors []string
	for _, name := range []string{"OCMW", "School", "Buurthuis"} {
		actors = append(actors, fac.mustOp("actor.add", map[string]any{"name": name}).ID)
	}
	open := fac.mustOp("round.open", map[string]any{"mode": "dots", "dots": 3, "maxPerActor": 2, "reveal": "onClose", "candidates": actors[:2]})
	roundID := open.ID
	if roundID == "" {
		t.Fatal("round.open ack without id")
	}
	waitSeq(t, open.Seq, append([]*client{fac, viewer}, ps...)...)

	// Bad votes change nothing.
	for _, tc := range []struct {
		name string
		c    *client
		data map[string]any
		code string
	}{
		{"over maxPerActor", ps[0], map[string]any{"roundId": roundID, "actorId": actors[0], "count": 3}, "budget"},
		{"not a candidate", ps[0], map[string]any{"roundId": roundID, "actorId": actors[2], "count": 1}, "invalid"},
		{"unknown round", ps[0], map[string]any{"roundId": "00000000-0000-4000-8000-000000000000", "actorId": actors[0], "count": 1}, "not_found"},
		{"negative", ps[0], map[string]any{"roundId": roundID, "actorId": actors[0], "count": -1}, "invalid"},
		{"facilitator not opted in", fac, map[string]any{"roundId": roundID, "actorId": actors[0], "count": 1}, "forbidden"},
		{"viewer", viewer, map[string]any{"roundId": roundID, "actorId": actors[0], "count": 1}, "forbidden"},
	} {
		if m := tc.c.op("vote.cast", tc.data); m.Type != "error" || m.Code != tc.code {
			t.Errorf("%s: %s %s, want error %s", tc.name, m.Type, m.Code, tc.code)
		}
	}
	// P0: 2 on A, then 1 on B; a third dot is over the budget of 3.
	ps[0].mustOp("vote.cast", map[string]any{"roundId": roundID, "actorId": actors[0], "count": 2})
	b := ps[0].expectLive("ballot", func(l live) bool { return l.Type == "ballot" && l.Left == 1 })
	if string(b.Mine) != fmt.Sprintf(`{%q:2}`, actors[0]) {
		t.Errorf("ballot mine %s", b.Mine)
	}
	ps[0].mustOp("vote.cast", map[string]any{"roundId": roundID, "actorId": actors[1], "count": 1})
	if m := ps[0].op("vote.cast", map[string]any{"roundId": roundID, "actorId": actors[1], "count": 2}); m.Code != "budget" {
		t.Errorf("over the budget: %s %s", m.Type, m.Code)
	}
	ps[1].mustOp("vote.cast", map[string]any{"roundId": roundID, "actorId": actors[1], "count": 2})
	ps[2].mustOp("vote.cast", map[string]any{"roundId": roundID, "actorId": actors[0], "count": 1})
	ps[2].mustOp("vote.cast", map[string]any{"roundId": roundID, "actorId": actors[0], "count": 0}) // changed their mind

	// The facilitator sees the counts; participants and the projector only how many voted.
	want := map[string]int{actors[0]: 2, actors[1]: 3}
	ft := fac.expectLive("facilitator tally", func(l live) bool {
		return l.Type == "tally" && l.Voters == 2 && l.Tally != nil && l.Tally[actors[1]] == 3
	})
	if ft.Tally[actors[0]] != 2 {
		t.Errorf("facilitator tally %v, want %v", ft.Tally, want)
	}
	for _, c := range append([]*client{viewer}, ps...) {
		c.expectLive("hidden tally", func(l live) bool { return l.Type == "tally" && l.Voters == 2 })
	}
	// A participant that reconnects gets its ballot back.
	again := connect(t, at(0), w.Code, map[string]any{"role": "participant", "participantToken": ps[0].you.ParticipantToken})
	rb := again.expectLive("ballot after reconnect", func(l live) bool { return l.Type == "ballot" })
	if rb.Left != 0 || !bytes.Contains(rb.Mine, []byte(actors[1])) {
		t.Errorf("ballot after reconnect: %+v %s", rb, rb.Mine)
	}

	closed := fac.mustOp("round.close", map[string]any{"roundId": roundID})
	waitSeq(t, closed.Seq, append([]*client{fac, viewer, again}, ps...)...)
	st, _, _ := viewer.snapshot()
	r := st.Rounds[0]
	if r.Status != "closed" || r.Voters != 2 || r.Tally[actors[0]] != 2 || r.Tally[actors[1]] != 3 {
		t.Errorf("closed round in state: %+v", r)
	}
	if m := ps[1].op("vote.cast", map[string]any{"roundId": roundID, "actorId": actors[0], "count": 1}); m.Code != "closed" {
		t.Errorf("vote on a closed round: %s %s", m.Type, m.Code)
	}
	// Until the close, no participant or projector ever got a count; after it, all do.
	for _, c := range []*client{viewer, ps[0], ps[1], ps[2], again} {
		c.expectLive("final tally", func(l live) bool { return l.Type == "tally" && l.Tally != nil && l.Tally[actors[1]] == 3 })
		c.mu.Lock()
		for _, m := range c.seen {
			if m.Type == "event" && m.Event == "round.closed" {
				break
			}
			if m.Type == "tally" && bytes.Contains(m.raw, []byte(`"tally":`)) || m.State != nil && bytes.Contains(m.raw, []byte(`"tally":{`)) {
				t.Errorf("%s got counts of an open onClose round: %s", c.you.Name, m.raw)
			}
		}
		c.mu.Unlock()
	}
	fac.mu.Lock()
	sawCounts := false
	for _, m := range fac.seen {
		sawCounts = sawCounts || m.Type == "tally" && bytes.Contains(m.raw, []byte(`"tally":{`))
	}
	fac.mu.Unlock()
	if !sawCounts {
		t.Error("the facilitator never got the counts")
	}

	// Estimates: each participant privately, everyone sees the spread.
	ps[0].mustOp("estimate.set", map[string]any{"actorId": actors[2], "importance": 4})
	ps[1].mustOp("estimate.set", map[string]any{"actorId": actors[2], "importance": 2, "dependency": 1})
	spread := viewer.expectLive("spread", func(l live) bool { return l.Type == "estimates" && l.ActorID == actors[2] && l.N == 2 })
	if spread.Imp == nil || spread.Imp.Mean != 3 || spread.Imp.Min != 2 || spread.Imp.Max != 4 {
		t.Errorf("spread of importance: %+v", spread.Imp)
	}
	mine := ps[1].expectLive("own estimate", func(l live) bool { return l.Type == "estimate" && l.ActorID == actors[2] })
	if !bytes.Contains(mine.Mine, []byte(`"importance":2`)) {
		t.Errorf("own estimate %s", mine.Mine)
	}
	if m := ps[1].op("estimate.set", map[string]any{"actorId": actors[2], "importance": 5}); m.Code != "invalid" {
		t.Errorf("importance 5: %s %s", m.Type, m.Code)
	}
	late := connect(t, at(1), w.Code, map[string]any{"role": "participant", "participantToken": ps[1].you.ParticipantToken})
	late.expectLive("spread after reconnect", func(l live) bool { return l.Type == "estimates" && l.N == 2 })
	late.expectLive("own estimate after reconnect", func(l live) bool { return l.Type == "estimate" && bytes.Contains(l.Mine, []byte(`"dependency":1`)) })
}

// Who is done: every connection, the projector included, is told per participant how many
// actors it rated (all three numbers) and placed, on one instance and across two; an actor
// removed no longer counts, and a newcomer gets the current counts in its welcome.
func TestProgress(t *testing.T) {
	t.Run("local", func(t *testing.T) {
		testProgress(t, []*testServer{startServer(t, "")})
	})
	t.Run("redis", func(t *testing.T) {
		url := needRedis(t)
		testProgress(t, startInstances(t, 2, url, redisPrefix(t, url)))
	})
}

func testProgress(t *testing.T, srvs []*testServer) {
	at := func(i int) *testServer { return srvs[i%len(srvs)] }
	w := at(0).create(t, "Wie is klaar")
	fac := connect(t, at(0), w.Code, map[string]any{"role": "participant", "name": "Fien", "facilitatorToken": w.FacilitatorToken})
	viewer := connect(t, at(1), w.Code, map[string]any{"role": "viewer"})
	p0 := connect(t, at(0), w.Code, map[string]any{"role": "participant", "name": "Ahmed"})
	p1 := connect(t, at(1), w.Code, map[string]any{"role": "participant", "name": "Lien"})
	a := fac.mustOp("actor.add", map[string]any{"name": "OCMW"}).ID
	b := fac.mustOp("actor.add", map[string]any{"name": "School"}).ID
	pid0, pid1 := p0.you.ParticipantID, p1.you.ParticipantID

	p0.mustOp("estimate.set", map[string]any{"actorId": a, "importance": 4, "replaceability": 2, "dependency": 3})
	p0.mustOp("estimate.set", map[string]any{"actorId": b, "importance": 1}) // not all three: not rated
	p1.mustOp("estimate.set", map[string]any{"actorId": b, "form": map[string]int{"interests": 10, "factualDecisions": 20, "formalDecisions": 30, "resources": 40, "engagement": 50, "identification": 60}})
	want := func(l live) bool {
		return l.Type == "progress" && l.Actors == 2 && l.Counts[pid0] == (session.ParticipantProgress{Rated: 1}) &&
			l.Counts[pid1] == (session.ParticipantProgress{Placed: 1})
	}
	for _, c := range []*client{viewer, fac, p0, p1} {
		l := c.expectLive("progress after three estimates", want)
		if len(l.Counts) != 2 {
			t.Errorf("%s: progress of %d participants, want 2: %+v", c.you.Name, len(l.Counts), l.Counts)
		}
	}
	late := connect(t, at(1), w.Code, map[string]any{"role": "viewer"})
	late.expectLive("progress in the welcome", want)

	fac.mustOp("actor.remove", map[string]any{"id": a})
	for _, c := range []*client{viewer, late, p1} {
		c.expectLive("progress after the rated actor left", func(l live) bool {
			_, has0 := l.Counts[pid0]
			return l.Type == "progress" && l.Actors == 1 && !has0 && l.Counts[pid1] == (session.ParticipantProgress{Placed: 1})
		})
	}
	if m := p0.op("estimate.set", map[string]any{"actorId": a, "importance": 2}); m.Code != "not_found" {
		t.Errorf("estimate of a removed actor: %s %s", m.Type, m.Code)
	}
}

// The facilitator's export: json, csv and md; named rounds show who voted for what,
// anonymous ones never; user text cannot become a formula or markup.
func TestExport(t *testing.T) {
	s := startServer(t, "")
	w := s.create(t, "Export <b>")
	fac := connect(t, s, w.Code, map[string]any{"role": "participant", "name": "Fien", "facilitatorToken": w.FacilitatorToken})
	p := connect(t, s, w.Code, map[string]any{"role": "participant", "name": "Jan <img src=x>"})
	a := fac.mustOp("actor.add", map[string]any{"name": "=HYPERLINK(\"http://evil\")", "importance": 3}).ID
	b := fac.mustOp("actor.add", map[string]any{"name": "School | <script>alert(1)</script>", "resources": "line 1\nline 2"}).ID
	named := fac.mustOp("round.open", map[string]any{"mode": "approve", "anonymous": false}).ID
	p.mustOp("vote.cast", map[string]any{"roundId": named, "actorId": b, "count": 1})
	fac.mustOp("round.close", map[string]any{"roundId": named})
	anon := fac.mustOp("round.open", map[string]any{"mode": "approve"}).ID
	p.mustOp("vote.cast", map[string]any{"roundId": anon, "actorId": a, "count": 1})
	fac.mustOp("round.close", map[string]any{"roundId": anon})

	path := "/api/workshops/" + w.Code + "/export"
	if status, _, _ := s.do(t, "GET", path, "", nil); status != 401 {
		t.Errorf("without a token: %d, want 401", status)
	}
	if status, _, _ := s.do(t, "GET", path, "wrong", nil); status != 403 {
		t.Errorf("wrong token: %d, want 403", status)
	}
	if status, body, _ := s.do(t, "GET", path+"?format=pdf", w.FacilitatorToken, nil); status != 400 || !bytes.Contains(body, []byte(`"invalid"`)) {
		t.Errorf("unknown format: %d %s", status, body)
	}

	status, body, hdr := s.do(t, "GET", path+"?format=json", w.FacilitatorToken, nil)
	if status != 200 || hdr.Get("Content-Type") != "application/json" {
		t.Fatalf("json: %d %s", status, hdr.Get("Content-Type"))
	}
	var x struct {
		Workshop session.State
		Rounds   []struct {
			ID      string
			Tally   map[string]int
			Voters  int
			Ballots map[string]map[string]int
		}
	}
	if err := json.Unmarshal(body, &x); err != nil {
		t.Fatal(err)
	}
	if len(x.Rounds) != 2 || x.Rounds[0].Ballots["Jan <img src=x>"][b] != 1 || x.Rounds[0].Tally[b] != 1 {
		t.Errorf("named round: %+v", x.Rounds)
	}
	if x.Rounds[1].Ballots != nil || x.Rounds[1].Tally[a] != 1 || bytes.Contains(body, []byte(`"ballots": {}`)) {
		t.Errorf("anonymous round shows ballots: %+v", x.Rounds[1])
	}

	status, body, hdr = s.do(t, "GET", path+"?format=csv", w.FacilitatorToken, nil)
	if status != 200 || !strings.HasPrefix(hdr.Get("Content-Type"), "text/csv") {
		t.Fatalf("csv: %d %s", status, hdr.Get("Content-Type"))
	}
	// Dutch (the workshop's language): a byte order mark, ';' between fields, each quoted.
	utf8BOM := []byte("\ufeff")
	if !bytes.HasPrefix(body, utf8BOM) || !bytes.HasPrefix(body[len(utf8BOM):], []byte(`"naam";"soort actor";`)) {
		t.Errorf("csv starts %q", body[:min(40, len(body))])
	}
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body, utf8BOM)))
	r.Comma = ';'
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || rows[1][0] != `'=HYPERLINK("http://evil")` || rows[2][2] != "line 1\nline 2" || rows[2][16] != "1" {
		t.Errorf("csv rows: %q", rows)
	}

	status, body, hdr = s.do(t, "GET", path+"?format=md", w.FacilitatorToken, nil)
	if status != 200 || !strings.HasPrefix(hdr.Get("Content-Type"), "text/markdown") {
		t.Fatalf("md: %d %s", status, hdr.Get("Content-Type"))
	}
	for _, bad := range []string{"<script", "<img", "<b>"} {
		if bytes.Contains(body, []byte(bad)) {
			t.Errorf("markdown holds %q:\n%s", bad, body)
		}
	}
	for _, want := range []string{"# Export &lt;b&gt;", `School \| &lt;script&gt;`, "Jan &lt;img src=x&gt;: School", "line 1<br>line 2"} {
		if !bytes.Contains(body, []byte(want)) {
			t.Errorf("markdown lacks %q:\n%s", want, body)
		}
	}
	if !strings.Contains(hdr.Get("Content-Disposition"), "arena-"+w.Code+".md") {
		t.Errorf("Content-Disposition %q", hdr.Get("Content-Disposition"))
	}
}

// Removing an actor that someone voted for gives the dots back: the voter's ballot
// message says so at once (after the actor.removed event).
func TestRemovedActorGivesDotsBack(t *testing.T) {
	s := startServer(t, "")
	w := s.create(t, "Teruggeven")
	fac := connect(t, s, w.Code, map[string]any{"role": "participant", "name": "Fien", "facilitatorToken": w.FacilitatorToken})
	p := connect(t, s, w.Code, map[string]any{"role": "participant", "name": "Jan"})
	a := fac.mustOp("actor.add", map[string]any{"name": "A"}).ID
	b := fac.mustOp("actor.add", map[string]any{"name": "B"}).ID
	r := fac.mustOp("round.open", map[string]any{"mode": "dots", "dots": 4}).ID
	p.mustOp("vote.cast", map[string]any{"roundId": r, "actorId": a, "count": 3})
	p.expectLive("ballot with 1 left", func(l live) bool { return l.Type == "ballot" && l.Left == 1 })
	fac.mustOp("actor.remove", map[string]any{"id": a})
	got := p.expectLive("dots given back", func(l live) bool { return l.Type == "ballot" && l.Left == 4 })
	if string(got.Mine) != "{}" {
		t.Errorf("mine after the removal: %s", got.Mine)
	}
	p.mustOp("vote.cast", map[string]any{"roundId": r, "actorId": b, "count": 4}) // all four: the budget is whole again
}

// The export shows a closed round's final tally as the state keeps it, also after a
// merge: the merge adds the counts (a tally is a sum), where ballots read again would be
// capped per voter.
func TestExportClosedTallyAfterMerge(t *testing.T) {
	s := startServer(t, "")
	w := s.create(t, "Export after a merge")
	fac := connect(t, s, w.Code, map[string]any{"role": "participant", "name": "Fien", "facilitatorToken": w.FacilitatorToken})
	p := connect(t, s, w.Code, map[string]any{"role": "participant", "name": "Jan"})
	a := fac.mustOp("actor.add", map[string]any{"name": "A"}).ID
	b := fac.mustOp("actor.add", map[string]any{"name": "B"}).ID
	round := fac.mustOp("round.open", map[string]any{"mode": "dots", "dots": 4, "maxPerActor": 2}).ID
	p.mustOp("vote.cast", map[string]any{"roundId": round, "actorId": a, "count": 2})
	p.mustOp("vote.cast", map[string]any{"roundId": round, "actorId": b, "count": 1})
	fac.mustOp("round.close", map[string]any{"roundId": round})
	fac.mustOp("actor.merge", map[string]any{"id": a, "into": b})

	status, body, _ := s.do(t, "GET", "/api/workshops/"+w.Code+"/export?format=json", w.FacilitatorToken, nil)
	if status != 200 {
		t.Fatalf("export: %d %s", status, body)
	}
	var x struct {
		Workshop session.State
		Rounds   []struct {
			Tally  map[string]int
			Voters int
		}
	}
	if err := json.Unmarshal(body, &x); err != nil {
		t.Fatal(err)
	}
	want := x.Workshop.Rounds[0].Tally
	if len(x.Rounds) != 1 || x.Rounds[0].Tally[b] != 3 || want[b] != 3 || x.Rounds[0].Voters != 1 {
		t.Errorf("exported tally %v (%d voters), state's %v; want B:3 in both", x.Rounds[0].Tally, x.Rounds[0].Voters, want)
	}
}

// The report and the table are in the workshop's language, or in lang when asked: words
// for the values the state keeps as codes, headings and column names.
func TestExportLanguage(t *testing.T) {
	s := startServer(t, "")
	w := s.create(t, "Taal") // the default locale: nl
	fac := connect(t, s, w.Code, map[string]any{"role": "participant", "name": "Fien", "facilitatorToken": w.FacilitatorToken})
	a := fac.mustOp("actor.add", map[string]any{"name": "OCMW", "category": "core", "replaceability": "small", "dependency": "ratherLarge", "form": "network"}).ID
	fac.mustOp("actor.select", map[string]any{"id": a, "selected": true})
	fac.mustOp("followup.update", map[string]any{"actorId": a, "status": "contacted", "assessmentRight": true, "interest": "high"})
	rd := fac.mustOp("round.open", map[string]any{"mode": "dots", "dots": 3, "maxPerActor": 2}).ID
	p := connect(t, s, w.Code, map[string]any{"role": "participant", "name": "Jan"})
	p.mustOp("vote.cast", map[string]any{"roundId": rd, "actorId": a, "count": 2})
	fac.mustOp("round.close", map[string]any{"roundId": rd})
	// A named round where two participants carry one name: both ballots are in the report.
	injected := fac.mustOp("actor.add", map[string]any{"name": "Politie;=2+3"}).ID
	named := fac.mustOp("round.open", map[string]any{"mode": "approve", "anonymous": false}).ID
	p.mustOp("vote.cast", map[string]any{"roundId": named, "actorId": a, "count": 1})
	twin := connect(t, s, w.Code, map[string]any{"role": "participant", "name": "Piet"})
	twin.mustOp("vote.cast", map[string]any{"roundId": named, "actorId": injected, "count": 1})
	twin.mustOp("participant.rename", map[string]any{"name": "Jan"})
	fac.mustOp("round.close", map[string]any{"roundId": named})

	get := func(query string) string {
		t.Helper()
		status, body, _ := s.do(t, "GET", "/api/workshops/"+w.Code+"/export?"+query, w.FacilitatorToken, nil)
		if status != 200 {
			t.Fatalf("%s: %d %s", query, status, body)
		}
		return string(body)
	}
	for _, tc := range []struct {
		query      string
		want, none []string
	}{
		{"format=json", []string{`"Jan": {`, `"Jan (`}, nil},
		{"format=md", []string{"## Arena-analyse", "| OCMW | kernactor |", "| klein |", "| eerder groot |", "| netwerk | ja |",
			"## Stemronde 1 (stippen verdelen, gesloten)\n\n1 deelnemer heeft gestemd.", "- OCMW: 2", "## Opvolging", "| gecontacteerd | ja | hoog |"},
			[]string{"core", "contacted", "Arena analysis"}},
		{"format=md&lang=en", []string{"## Arena analysis", "| OCMW | core actor |", "| small |", "| rather large |", "| network | yes |",
			"## Vote round 1 (spread dots, closed)\n\n1 voter.", "2 voters.", "## Follow-up", "| contacted | yes | high |"},
			[]string{"kernactor", "Arena-analyse"}},
		{"format=csv", []string{"\ufeff\"naam\";\"soort actor\";\"machts- en hulpbronnen\";", ";\"stemmen ronde 1\";\"stemmen ronde 2\";\"plaatsingen\";",
			`"OCMW";"kernactor";"";"";"klein";"";"eerder groot";"";"netwerk";"ja";"";"gecontacteerd";"ja";"hoog";"";"";"2";"1";"0";"";"";"";"";""` + "\r\n",
			"\r\n\"Politie;=2+3\";"}, nil}, // quoted: Dutch Excel splits on ';', and a cell could start with '='

		{"format=csv&lang=en", []string{"\ufeff\"name\",\"kind of actor\",\"power and help resources\",", ",\"votes round 1\",\"votes round 2\",\"placements\",",
			`"OCMW","core actor","","","small","","rather large","","network","yes","","contacted","yes","high","","","2","1","0","","","","",""` + "\r\n"}, nil},
	} {
		body := get(tc.query)
		for _, want := range tc.want {
			if !strings.Contains(body, want) {
				t.Errorf("%s lacks %q:\n%s", tc.query, want, body)
			}
		}
		for _, none := range tc.none {
			if strings.Contains(body, none) {
				t.Errorf("%s holds %q:\n%s", tc.query, none, body)
			}
		}
	}
	if status, body, _ := s.do(t, "GET", "/api/workshops/"+w.Code+"/export?format=md&lang=fr", w.FacilitatorToken, nil); status != 400 || !strings.Contains(string(body), `"invalid"`) {
		t.Errorf("lang=fr: %d %s", status, body)
	}
}
