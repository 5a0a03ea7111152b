package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/arena-workshop/arena/hub"
	"github.com/arena-workshop/arena/session"
)

// export is the workshop for the report afterwards, as JSON (everything), CSV (the arena
// table, one row an actor) or Markdown (a readable report). Facilitator only.
type export struct {
	ExportedAt int64                               `json:"exportedAt"`
	Workshop   *session.State                      `json:"workshop"`
	Rounds     []exportRound                       `json:"rounds"`
	Estimates  map[string]session.EstimatesMessage `json:"estimates"`
}

// exportRound is a round with, when it was not anonymous, who voted for what.
type exportRound struct {
	ID     string         `json:"id"`
	Tally  map[string]int `json:"tally"`
	Voters int            `json:"voters"`
	// Ballots by participant name; absent for an anonymous round, whose ballots nobody
	// ever sees (PROTOCOL.md).
	Ballots map[string]map[string]int `json:"ballots,omitempty"`
}

func (s *server) exportWorkshop(c echo.Context) error {
	m, err := s.resolve(c)
	if err != nil {
		return err
	}
	if err := facilitator(c, m); err != nil || c.Response().Committed {
		return err
	}
	format := c.QueryParam("format")
	if format == "" {
		format = "json"
	}
	if format != "json" && format != "csv" && format != "md" {
		return fail(c, session.CodeInvalid, "format must be json, csv or md")
	}
	ctx := c.Request().Context()
	eng := s.hub.Engine()
	st, _, err := eng.Snapshot(ctx, m.ID)
	if err != nil {
		return err
	}
	x := export{ExportedAt: time.Now().UnixMilli(), Workshop: st, Rounds: []exportRound{}, Estimates: map[string]session.EstimatesMessage{}}
	names := map[string]string{}
	for _, p := range st.Participants {
		names[p.ID] = p.Name
	}
	for _, r := range st.Rounds {
		ballots, err := eng.Ballots(ctx, m.ID, r.ID)
		if err != nil {
			return err
		}
		ballots = st.FoldBallots(r, ballots) // a ballot not moved by a merge yet counts where it went
		tally, voters := session.Tally(r, ballots)
		if r.Status == session.RoundStatusClosed && r.Tally != nil {
			tally, voters = r.Tally, r.Voters // final; later merges and removals changed it as the state shows it
		}
		xr := exportRound{ID: r.ID, Tally: tally, Voters: voters}
		if !r.Anonymous {
			xr.Ballots = map[string]map[string]int{}
			for pid, b := range ballots {
				if len(b) > 0 {
					xr.Ballots[nameOr(names, pid)] = b
				}
			}
		}
		x.Rounds = append(x.Rounds, xr)
	}
	ids := make([]string, len(st.Actors))
	for i, a := range st.Actors {
		ids[i] = a.ID
	}
	est, err := hub.ReadEstimates(ctx, eng, m.ID, st, ids)
	if err != nil {
		return err
	}
	for a, byP := range est {
		if len(byP) == 0 {
			continue
		}
		es := make([]session.Estimate, 0, len(byP))
		for _, pid := range slices.Sorted(maps.Keys(byP)) {
			es = append(es, byP[pid])
		}
		x.Estimates[a] = session.Aggregate(a, es)
	}

	name := "arena-" + st.Code
	c.Response().Header().Set("Content-Disposition", `attachment; filename="`+name+"."+format+`"`)
	switch format {
	case "csv":
		return c.Blob(http.StatusOK, "text/csv; charset=utf-8", exportCSV(x, names))
	case "md":
		return c.Blob(http.StatusOK, "text/markdown; charset=utf-8", exportMarkdown(x, names))
	}
	b, err := json.MarshalIndent(x, "", "  ")
	if err != nil {
		return err
	}
	return c.Blob(http.StatusOK, "application/json", b)
}

// nameOr is the name of participant id, or says that it left (was removed).
func nameOr(names map[string]string, id string) string {
	if n, ok := names[id]; ok || id == "" {
		return n
	}
	return "(removed participant " + id[:min(8, len(id))] + ")"
}

// cell makes user text safe for a spreadsheet: a cell that starts with = + - @ (or a
// tab or carriage return) would be read as a formula, so it gets a leading apostrophe.
func cell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

func boolText(b *bool) string {
	if b == nil {
		return ""
	}
	return strconv.FormatBool(*b)
}

func exportCSV(x export, names map[string]string) []byte {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	header := []string{"name", "category", "resources", "importance", "replaceability", "replaceableBy",
		"dependency", "rank", "form", "selected", "owner", "status", "assessmentRight", "interest", "willingness", "notes"}
	var closed []exportRound
	for i, r := range x.Rounds {
		if x.Workshop.Rounds[i].Status == "closed" {
			closed = append(closed, r)
			header = append(header, fmt.Sprintf("votes round %d", i+1))
		}
	}
	w.Write(header)
	for _, a := range x.Workshop.Actors {
		f := a.FollowUp
		row := []string{cell(a.Name), a.Category, cell(a.Resources), itoa0(a.Importance), a.Replaceability, cell(a.ReplaceableBy),
			a.Dependency, itoa0(a.Rank), a.Form, strconv.FormatBool(a.Selected), cell(nameOr(names, f.Owner)), f.Status,
			boolText(f.AssessmentRight), f.Interest, f.Willingness, cell(f.Notes)}
		for _, r := range closed {
			n, ok := r.Tally[a.ID]
			if ok {
				row = append(row, strconv.Itoa(n))
			} else {
				row = append(row, "")
			}
		}
		w.Write(row)
	}
	w.Flush()
	return buf.Bytes()
}

func itoa0(n int) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n)
}

// md escapes user text for Markdown: HTML-significant characters become entities (a
// report viewer must never run what a participant typed), and characters that Markdown
// would read as formatting are escaped. inTable also folds line breaks and escapes |.
func md(s string, inTable bool) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '&':
			b.WriteString("&amp;")
		case '\\', '`', '*', '_', '[', ']', '#', '!':
			b.WriteByte('\\')
			b.WriteRune(r)
		case '|':
			b.WriteString(`\|`)
		case '\n':
			if inTable {
				b.WriteString("<br>")
			} else {
				b.WriteString("  \n")
			}
		case '\r':
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func exportMarkdown(x export, names map[string]string) []byte {
	st := x.Workshop
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\n", md(st.Title, false))
	fmt.Fprintf(&b, "Workshop %s, exported %s.\n\n", st.Code, time.UnixMilli(x.ExportedAt).UTC().Format("2006-01-02 15:04 UTC"))
	if st.Issue != "" {
		fmt.Fprintf(&b, "## Issue\n\n%s\n\n", md(st.Issue, false))
	}
	if st.Goal != "" {
		fmt.Fprintf(&b, "## Goal\n\n%s\n\n", md(st.Goal, false))
	}
	b.WriteString("## Arena analysis\n\n")
	b.WriteString("| actor | category | resources | importance | replaceability (by whom) | dependency | rank | form | selected |\n")
	b.WriteString("|---|---|---|---|---|---|---|---|---|\n")
	for _, a := range st.Actors {
		repl := a.Replaceability
		if a.ReplaceableBy != "" {
			repl += " (" + md(a.ReplaceableBy, true) + ")"
		}
		sel := ""
		if a.Selected {
			sel = "yes"
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", md(a.Name, true), a.Category, md(a.Resources, true),
			itoa0(a.Importance), repl, a.Dependency, itoa0(a.Rank), a.Form, sel)
	}
	if len(st.Criteria) > 0 {
		b.WriteString("\n## Selection criteria\n\n")
		for _, c := range st.Criteria {
			fmt.Fprintf(&b, "- %s\n", md(c.Text, false))
		}
	}
	for i, r := range st.Rounds {
		xr := x.Rounds[i]
		fmt.Fprintf(&b, "\n## Vote round %d (%s, %s)\n\n%d voters.\n\n", i+1, r.Mode, r.Status, xr.Voters)
		for _, a := range st.Actors {
			if n, ok := xr.Tally[a.ID]; ok {
				fmt.Fprintf(&b, "- %s: %d\n", md(a.Name, false), n)
			}
		}
		if xr.Ballots != nil {
			b.WriteString("\nWho voted for what:\n\n")
			for _, who := range slices.Sorted(maps.Keys(xr.Ballots)) {
				var parts []string
				for _, a := range st.Actors {
					if n := xr.Ballots[who][a.ID]; n > 0 {
						parts = append(parts, fmt.Sprintf("%s %d", md(a.Name, false), n))
					}
				}
				fmt.Fprintf(&b, "- %s: %s\n", md(who, false), strings.Join(parts, ", "))
			}
		}
	}
	var sel []*session.Actor
	for _, a := range st.Actors {
		if a.Selected {
			sel = append(sel, a)
		}
	}
	if len(sel) > 0 {
		b.WriteString("\n## Follow-up\n\n")
		b.WriteString("| actor | who approaches it | status | assessment right | interest | willingness | notes |\n|---|---|---|---|---|---|---|\n")
		for _, a := range sel {
			f := a.FollowUp
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s |\n", md(a.Name, true), md(nameOr(names, f.Owner), true),
				f.Status, boolText(f.AssessmentRight), f.Interest, f.Willingness, md(f.Notes, true))
		}
	}
	return []byte(b.String())
}
