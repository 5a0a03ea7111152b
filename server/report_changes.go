package main

import (
	"cmp"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/arena-workshop/arena/session"
)

// The report's step 3 (where the group places each actor on the scale of collaboration
// forms) and step 6 (what changed in the arena analysis since the workshop left step 2),
// for the JSON, CSV and Markdown exports and the printable report.

// formBounds split the scale 0-100 into the four forms, as static/js/forms.js does: below
// 25 consultation, below 50 ad hoc, below 75 network, else merger.
var formBounds = [...]float64{25, 50, 75}

var formCodes = [...]string{"consultation", "adhoc", "network", "merger"}

// formOf is the form of a place on the scale.
func formOf(place float64) string {
	for i, b := range formBounds {
		if place < b {
			return formCodes[i]
		}
	}
	return formCodes[len(formCodes)-1]
}

// exportPlacement is step 3 for one actor. Places are the participants' own places (each
// the mean of its six dimensions), lowest first and without names: an estimate is private
// to whoever gave it, and the report shows the group, not who thought what.
type exportPlacement struct {
	ActorID    string             `json:"actorId"`
	N          int                `json:"n"`
	Places     []float64          `json:"places"`
	Position   *session.Spread    `json:"position,omitempty"`
	Dimensions *session.FormMeans `json:"dimensions,omitempty"`
	Suggested  string             `json:"suggested"` // formOf(position.mean), "" without placements
	Agreed     string             `json:"agreed"`    // the form the facilitator recorded (actor.form)
}

// placementsOf is step 3 for every actor of st, in its order; est is actor → participant →
// estimate, folded through the merges.
func placementsOf(st *session.State, est map[string]map[string]session.Estimate) []exportPlacement {
	out := make([]exportPlacement, 0, len(st.Actors))
	for _, a := range st.Actors {
		p := exportPlacement{ActorID: a.ID, Places: []float64{}, Agreed: a.Form}
		byP := est[a.ID]
		var es []session.Estimate
		for _, pid := range slices.Sorted(maps.Keys(byP)) {
			e := byP[pid]
			if f := e.Form; f != nil {
				es = append(es, e)
				sum := f.Interests + f.FactualDecisions + f.FormalDecisions + f.Resources + f.Engagement + f.Identification
				p.Places = append(p.Places, math.Round(float64(sum)/6*100)/100)
			}
		}
		slices.Sort(p.Places)
		p.N = len(p.Places)
		if p.N > 0 {
			agg := session.Aggregate(a.ID, es)
			p.Position, p.Dimensions = agg.Position, agg.Form
			p.Suggested = formOf(agg.Position.Mean)
		}
		out = append(out, p)
	}
	return out
}

// exportChange is one actor whose analysis differs from the baseline: status "changed" with
// the fields that changed, "added" (no baseline entry) or "removed" (in the baseline, gone
// now; MergedInto names the actor it was merged into).
type exportChange struct {
	ActorID    string        `json:"actorId"`
	Name       string        `json:"name"`
	Status     string        `json:"status"`
	Fields     []fieldChange `json:"fields,omitempty"`
	MergedInto string        `json:"mergedInto,omitempty"`
}

// fieldChange is one changed column of the arena analysis, before and after as the state
// keeps them (codes; numbers as text, "" for not set).
type fieldChange struct {
	Field  string `json:"field"`
	Before string `json:"before"`
	After  string `json:"after"`
}

// changeFields are the compared columns, as on step 6 (static/js/compare.js).
var changeFields = []struct {
	name string
	get  func(*session.ActorBaseline) string
}{
	{"name", func(b *session.ActorBaseline) string { return b.Name }},
	{"category", func(b *session.ActorBaseline) string { return b.Category }},
	{"importance", func(b *session.ActorBaseline) string { return itoa0(b.Importance) }},
	{"replaceability", func(b *session.ActorBaseline) string { return b.Replaceability }},
	{"replaceableBy", func(b *session.ActorBaseline) string { return b.ReplaceableBy }},
	{"dependency", func(b *session.ActorBaseline) string { return b.Dependency }},
	{"rank", func(b *session.ActorBaseline) string { return itoa0(b.Rank) }},
}

// changesOf is step 6: the actors that changed since the baseline, in the state's order,
// then the removed ones by name. Nil when the workshop never left step 2 (no baseline);
// empty when nothing changed.
func changesOf(st *session.State) []exportChange {
	if st.Baseline == nil {
		return nil
	}
	out := []exportChange{}
	now := map[string]bool{}
	for _, a := range st.Actors {
		now[a.ID] = true
		b := st.Baseline[a.ID]
		if b == nil {
			out = append(out, exportChange{ActorID: a.ID, Name: a.Name, Status: "added"})
			continue
		}
		cur := session.ActorBaseline{Name: a.Name, Category: a.Category, Importance: a.Importance, Replaceability: a.Replaceability,
			ReplaceableBy: a.ReplaceableBy, Dependency: a.Dependency, Rank: a.Rank}
		var fs []fieldChange
		for _, f := range changeFields {
			if before, after := f.get(b), f.get(&cur); before != after {
				fs = append(fs, fieldChange{Field: f.name, Before: before, After: after})
			}
		}
		if len(fs) > 0 {
			out = append(out, exportChange{ActorID: a.ID, Name: a.Name, Status: "changed", Fields: fs})
		}
	}
	var removed []exportChange
	for id, b := range st.Baseline {
		if !now[id] {
			removed = append(removed, exportChange{ActorID: id, Name: b.Name, Status: "removed", MergedInto: st.MergedInto(id)})
		}
	}
	slices.SortFunc(removed, func(x, y exportChange) int {
		return cmp.Or(cmp.Compare(x.Name, y.Name), cmp.Compare(x.ActorID, y.ActorID))
	})
	return append(out, removed...)
}

// num is a place on the scale in the report's language (Dutch writes a decimal comma).
func (rt reportText) num(x float64) string {
	s := strconv.FormatFloat(x, 'f', -1, 64)
	if rt.csvSep == ';' {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// placementCells are the CSV cells of step 3 for one actor (rt.csvPlacement's columns).
func placementCells(p exportPlacement, rt reportText) []string {
	if p.N == 0 {
		return []string{"0", "", "", "", ""}
	}
	return []string{strconv.Itoa(p.N), rt.num(p.Position.Mean), rt.num(p.Position.Min), rt.num(p.Position.Max), rt.label(p.Suggested)}
}

// fieldValue is a changed value in words.
func (rt reportText) fieldValue(f fieldChange, v string) string {
	if v == "" {
		return "–"
	}
	switch f.Field {
	case "name", "replaceableBy", "importance", "rank":
		return v
	}
	return rt.label(v)
}

// changeText is one change in words, for the CSV cell and the Markdown list (user text raw:
// the caller escapes it for its format).
func (rt reportText) changeText(c exportChange, names map[string]string) string {
	switch c.Status {
	case "added":
		return rt.added
	case "removed":
		if into := names[c.MergedInto]; into != "" {
			return fmt.Sprintf(rt.mergedInto, into)
		}
		return rt.removed
	}
	parts := make([]string, len(c.Fields))
	for i, f := range c.Fields {
		parts[i] = rt.fields[f.Field] + ": " + rt.fieldValue(f, f.Before) + " → " + rt.fieldValue(f, f.After)
	}
	return strings.Join(parts, "; ")
}

// actorNames maps the ids of the actors now to their names.
func actorNames(st *session.State) map[string]string {
	m := make(map[string]string, len(st.Actors))
	for _, a := range st.Actors {
		m[a.ID] = a.Name
	}
	return m
}

// markdownPlacements is step 3 as a Markdown table.
func markdownPlacements(b *strings.Builder, x export, rt reportText) {
	fmt.Fprintf(b, "\n## %s\n\n%s\n\n", rt.forms, rt.formsNote)
	b.WriteString(rt.placementCols + "\n|---|---|---|---|---|---|---|\n")
	for i, a := range x.Workshop.Actors {
		p := x.Placements[i]
		cells := placementCells(p, rt)
		if p.N == 0 {
			cells[0] = ""
		}
		fmt.Fprintf(b, "| %s | %s | %s | %s | %s | %s | %s |\n", md(a.Name, true), cells[0], cells[1], cells[2], cells[3], cells[4], rt.label(p.Agreed))
	}
}

// markdownChanges is step 6 as a Markdown list; nothing when there is no baseline.
func markdownChanges(b *strings.Builder, x export, rt reportText) {
	if x.Changes == nil {
		return
	}
	fmt.Fprintf(b, "\n## %s\n\n", rt.changes)
	if len(x.Changes) == 0 {
		b.WriteString(rt.noChanges + "\n")
		return
	}
	names := actorNames(x.Workshop)
	for _, c := range x.Changes {
		fmt.Fprintf(b, "- %s: %s\n", md(c.Name, false), md(rt.changeText(c, names), false))
	}
}

// csvChanges adds step 6 to the CSV rows: the change of each actor in the last column, and
// a row for each removed actor with its name and the change.
func csvChanges(rows [][]string, x export, rt reportText) [][]string {
	byID := map[string]exportChange{}
	for _, c := range x.Changes {
		byID[c.ActorID] = c
	}
	names := actorNames(x.Workshop)
	width := len(rows[0])
	for i, a := range x.Workshop.Actors {
		if c, ok := byID[a.ID]; ok {
			rows[i+1][width-1] = cell(rt.changeText(c, names))
		}
	}
	for _, c := range x.Changes {
		if c.Status == "removed" {
			row := make([]string, width)
			row[0], row[width-1] = cell(c.Name), cell(rt.changeText(c, names))
			rows = append(rows, row)
		}
	}
	return rows
}
