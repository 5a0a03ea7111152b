package main

import (
	"strings"
	"sync"
	"testing"

	"github.com/arena-workshop/arena/session"
)

// Two people type into one text at once, each edit made against the version they began
// from, on one instance (the local engine) and on two instances sharing Redis: the server
// transforms every edit against those committed before it, so every key press of both is
// in the text, each in its order, and every client ends with the same state.
func TestTextEditEngines(t *testing.T) {
	t.Run("local", func(t *testing.T) {
		srv := startServer(t, t.TempDir())
		textEditBoth(t, srv, srv)
	})
	t.Run("redis, 2 instances", func(t *testing.T) {
		url := needRedis(t)
		srvs := startInstances(t, 2, url, redisPrefix(t, url))
		textEditBoth(t, srvs[0], srvs[1])
	})
}

func textEditBoth(t *testing.T, one, two *testServer) {
	w := one.create(t, "Samen typen")
	fac := connect(t, one, w.Code, map[string]any{"role": "participant", "name": "Fien", "facilitatorToken": w.FacilitatorToken})
	id := fac.mustOp("actor.add", map[string]any{"name": "Buurtwerk", "resources": "vertrouwen"}).ID
	ahmed := connect(t, one, w.Code, map[string]any{"role": "participant", "name": "Ahmed"})
	lien := connect(t, two, w.Code, map[string]any{"role": "participant", "name": "Lien"})
	viewer := connect(t, two, w.Code, map[string]any{"role": "viewer"})
	// Ahmed types "geld, " at the start, Lien ", lokalen" at the end, key by key, all
	// against version 0 ("vertrouwen"), as two phones do while neither hears the other.
	var wg sync.WaitGroup
	for _, c := range []struct {
		who  *client
		pos  int
		text string
	}{{ahmed, 0, "geld, "}, {lien, 10, ", lokalen"}} {
		wg.Go(func() {
			for _, r := range c.text {
				m := c.who.op(session.OpTextEdit, map[string]any{"target": "actor", "id": id, "field": "resources", "base": 0,
					"edit": []map[string]any{{"pos": c.pos, "ins": string(r)}}})
				if m.Type != "ack" {
					t.Errorf("%s: %s %s", c.who.you.Name, m.Code, m.Message)
				}
			}
		})
	}
	wg.Wait()
	final := settle(t, fac, []*client{fac, ahmed, lien, viewer}, 2)
	st, _, _ := viewer.snapshot()
	a, _ := st.Actor(id)
	if want := "geld, vertrouwen, lokalen"; a == nil || a.Resources != want {
		t.Fatalf("resources %+v, want %q", a, want)
	}
	key := session.TextKey("actor", id, "resources")
	if v := st.TextVersion(key); v != len("geld, ")+len(", lokalen") {
		t.Errorf("version %d after %d edits", v, len("geld, ")+len(", lokalen"))
	}
	if !strings.Contains(final, `"textVersions":{"`+key+`"`) {
		t.Errorf("state without textVersions: %s", final)
	}
	// An edit against a version that does not exist yet is refused and changes nothing.
	m := ahmed.op(session.OpTextEdit, map[string]any{"target": "actor", "id": id, "field": "resources", "base": 99, "edit": []map[string]any{{"pos": 0, "ins": "x"}}})
	if m.Type != "error" || m.Code != session.CodeInvalid || m.Field != "base" {
		t.Errorf("base 99: %+v", m)
	}
}
