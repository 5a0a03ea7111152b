package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/arena-workshop/arena/session"
)

// The exports carry step 3 (every actor's placements: count, each place without a name,
// mean, lowest, highest, the form they suggest and the agreed form) and step 6 (what
// changed since the workshop left step 2: changed fields, added, removed and merged
// actors), in JSON, CSV and Markdown, in both languages.
func TestExportPlacementsAndChanges(t *testing.T) {
	s := startServer(t, "")
	w := s.create(t, "Stap 3 en 6")
	fac := connect(t, s, w.Code, map[string]any{"role": "participant", "name": "Fien", "facilitatorToken": w.FacilitatorToken})
	ps := []*client{
		connect(t, s, w.Code, map[string]any{"role": "participant", "name": "Ahmed"}),
		connect(t, s, w.Code, map[string]any{"role": "participant", "name": "Lien"}),
		connect(t, s, w.Code, map[string]any{"role": "participant", "name": "Joke"}),
	}
	ocmw := fac.mustOp("actor.add", map[string]any{"name": "OCMW", "category": "core", "importance": 3}).ID
	school := fac.mustOp("actor.add", map[string]any{"name": "School"}).ID
	caw := fac.mustOp("actor.add", map[string]any{"name": "CAW"}).ID
	bank := fac.mustOp("actor.add", map[string]any{"name": "Voedselbank"}).ID
	even := func(v int) map[string]int {
		return map[string]int{"interests": v, "factualDecisions": v, "formalDecisions": v, "resources": v, "engagement": v, "identification": v}
	}
	ps[0].mustOp("estimate.set", map[string]any{"actorId": ocmw, "form": even(10)})
	ps[1].mustOp("estimate.set", map[string]any{"actorId": ocmw, "form": even(40)})
	lopsided := even(60)
	lopsided["interests"] = 90 // (90 + 5*60) / 6 = 65
	ps[2].mustOp("estimate.set", map[string]any{"actorId": ocmw, "form": lopsided})
	ps[2].mustOp("estimate.set", map[string]any{"actorId": school, "form": even(80)})
	fac.mustOp("actor.update", map[string]any{"id": ocmw, "form": "network"})

	get := func(query string) []byte {
		t.Helper()
		status, body, _ := s.do(t, "GET", "/api/workshops/"+w.Code+"/export?"+query, w.FacilitatorToken, nil)
		if status != 200 {
			t.Fatalf("%s: %d %s", query, status, body)
		}
		return body
	}
	type exported struct {
		Placements []exportPlacement
		Changes    []exportChange
	}
	read := func() exported {
		t.Helper()
		var x exported
		if err := json.Unmarshal(get("format=json"), &x); err != nil {
			t.Fatal(err)
		}
		return x
	}
	if x := read(); x.Changes != nil {
		t.Errorf("changes before step 3 (no baseline): %+v", x.Changes)
	}
	if md := string(get("format=md")); strings.Contains(md, "Wat veranderde") {
		t.Errorf("markdown shows changes without a baseline:\n%s", md)
	}

	fac.mustOp("step.set", map[string]any{"step": 3}) // the baseline
	fac.mustOp("actor.update", map[string]any{"id": ocmw, "importance": 4, "dependency": "large"})
	politie := fac.mustOp("actor.add", map[string]any{"name": "Politie"}).ID
	fac.mustOp("actor.remove", map[string]any{"id": caw})
	fac.mustOp("actor.merge", map[string]any{"id": bank, "into": school})

	x := read()
	wantPlace := map[string]exportPlacement{
		ocmw:    {N: 3, Places: []float64{10, 40, 65}, Position: &session.Spread{Mean: 38.33, Min: 10, Max: 65}, Suggested: "adhoc", Agreed: "network"},
		school:  {N: 1, Places: []float64{80}, Position: &session.Spread{Mean: 80, Min: 80, Max: 80}, Suggested: "merger"},
		politie: {N: 0, Places: []float64{}},
	}
	if len(x.Placements) != 3 {
		t.Fatalf("%d placements, want one for each of the 3 actors: %+v", len(x.Placements), x.Placements)
	}
	for _, p := range x.Placements {
		want, ok := wantPlace[p.ActorID]
		got := p
		got.ActorID, got.Dimensions = "", nil
		if !ok || got.N != want.N || !slices.Equal(got.Places, want.Places) || got.Suggested != want.Suggested || got.Agreed != want.Agreed ||
			(want.Position == nil) != (got.Position == nil) || (want.Position != nil && *got.Position != *want.Position) {
			t.Errorf("placement of %s: %+v (position %v), want %+v (position %v)", p.ActorID, got, got.Position, want, want.Position)
		}
	}
	if d := x.Placements[0].Dimensions; d == nil || d.Interests != 46.67 || d.Engagement != 36.67 {
		t.Errorf("OCMW's dimension means %+v, want interests 46.67, engagement 36.67", d)
	}
	wantChanges := []exportChange{
		{ActorID: ocmw, Name: "OCMW", Status: "changed", Fields: []fieldChange{{"importance", "3", "4"}, {"dependency", "", "large"}}},
		{ActorID: politie, Name: "Politie", Status: "added"},
		{ActorID: caw, Name: "CAW", Status: "removed"},
		{ActorID: bank, Name: "Voedselbank", Status: "removed", MergedInto: school},
	}
	if len(x.Changes) != len(wantChanges) {
		t.Fatalf("changes %+v, want %+v", x.Changes, wantChanges)
	}
	for i, c := range x.Changes {
		if w := wantChanges[i]; c.ActorID != w.ActorID || c.Name != w.Name || c.Status != w.Status || c.MergedInto != w.MergedInto || !slices.Equal(c.Fields, w.Fields) {
			t.Errorf("change %d: %+v, want %+v", i, c, w)
		}
	}

	rows := func(query string, sep rune) map[string][]string {
		t.Helper()
		r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(get(query), []byte("\ufeff"))))
		r.Comma = sep
		all, err := r.ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		byName := map[string][]string{"": all[0]}
		for _, row := range all[1:] {
			byName[row[0]] = row
		}
		return byName
	}
	for _, tc := range []struct {
		query string
		sep   rune
		want  map[string][]string // name -> the row's last six cells
	}{
		{"format=csv", ';', map[string][]string{
			"":            {"plaatsingen", "plaats gemiddeld (0-100)", "plaats laagst", "plaats hoogst", "vorm volgens de plaatsingen", "sinds stap 2"},
			"OCMW":        {"3", "38,33", "10", "65", "ad hoc", "belangrijkheid: 3 → 4; afhankelijkheid: – → groot"},
			"School":      {"1", "80", "80", "80", "fusie", ""},
			"Politie":     {"0", "", "", "", "", "toegevoegd"},
			"CAW":         {"", "", "", "", "", "verwijderd"},
			"Voedselbank": {"", "", "", "", "", "samengevoegd met School"},
		}},
		{"format=csv&lang=en", ',', map[string][]string{
			"":            {"placements", "place mean (0-100)", "place lowest", "place highest", "form by the placements", "since step 2"},
			"OCMW":        {"3", "38.33", "10", "65", "ad hoc", "importance: 3 → 4; dependency: – → large"},
			"Voedselbank": {"", "", "", "", "", "merged into School"},
		}},
	} {
		got := rows(tc.query, tc.sep)
		for name, want := range tc.want {
			row := got[name]
			if len(row) < len(want) || !slices.Equal(row[len(row)-len(want):], want) {
				t.Errorf("%s: row %q is %q, want it to end %q", tc.query, name, row, want)
			}
		}
	}

	for _, tc := range []struct {
		query string
		want  []string
	}{
		{"format=md", []string{"## Vormen van samenwerking", "| OCMW | 3 | 38,33 | 10 | 65 | ad hoc | netwerk |", "| School | 1 | 80 | 80 | 80 | fusie |  |",
			"| Politie |  |  |  |  |  |  |", "## Wat veranderde sinds stap 2\n\n- OCMW: belangrijkheid: 3 → 4; afhankelijkheid: – → groot\n- Politie: toegevoegd\n- CAW: verwijderd\n- Voedselbank: samengevoegd met School\n"}},
		{"format=md&lang=en", []string{"## Forms of collaboration", "| OCMW | 3 | 38.33 | 10 | 65 | ad hoc | network |",
			"## What changed since step 2\n\n- OCMW: importance: 3 → 4; dependency: – → large\n- Politie: added\n- CAW: removed\n- Voedselbank: merged into School\n"}},
	} {
		body := string(get(tc.query))
		for _, want := range tc.want {
			if !strings.Contains(body, want) {
				t.Errorf("%s lacks %q:\n%s", tc.query, want, body)
			}
		}
	}
}

// Undoing a change (back to the baseline's value) leaves nothing to report.
func TestExportNoChanges(t *testing.T) {
	s := startServer(t, "")
	w := s.create(t, "Niets veranderd")
	fac := connect(t, s, w.Code, map[string]any{"role": "participant", "name": "Fien", "facilitatorToken": w.FacilitatorToken})
	a := fac.mustOp("actor.add", map[string]any{"name": "OCMW", "importance": 2}).ID
	fac.mustOp("step.set", map[string]any{"step": 3})
	fac.mustOp("actor.update", map[string]any{"id": a, "importance": 4})
	fac.mustOp("actor.update", map[string]any{"id": a, "importance": 2})
	status, body, _ := s.do(t, "GET", "/api/workshops/"+w.Code+"/export?format=md", w.FacilitatorToken, nil)
	if status != 200 || !strings.Contains(string(body), "## Wat veranderde sinds stap 2\n\nNiets veranderde sinds stap 2.\n") {
		t.Errorf("md: %d\n%s", status, body)
	}
	status, body, _ = s.do(t, "GET", "/api/workshops/"+w.Code+"/export?format=json", w.FacilitatorToken, nil)
	if status != 200 || !bytes.Contains(body, []byte(`"changes": []`)) {
		t.Errorf("json: %d, want \"changes\": []", status)
	}
}
