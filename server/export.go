package main

import (
	"bytes"
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
	// Placements is step 3, one an actor in the state's order (report_changes.go).
	Placements []exportPlacement `json:"placements"`
	// Changes is step 6, what changed since step 2: null without a baseline.
	Changes []exportChange `json:"changes"`
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
	lang := c.QueryParam("lang")
	if lang != "" && lang != "nl" && lang != "en" {
		return fail(c, session.CodeInvalid, "lang must be nl or en")
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
	rt := reportLang(lang, st.Locale)
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
			for _, pid := range slices.Sorted(maps.Keys(ballots)) {
				if b := ballots[pid]; len(b) > 0 {
					// By name; two participants of one name (a rename to someone else's)
					// keep both ballots, the second under its name and the start of its id.
					who := nameOr(names, pid, rt)
					if _, taken := xr.Ballots[who]; taken {
						who += " (" + pid[:min(8, len(pid))] + ")"
					}
					xr.Ballots[who] = b
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
	x.Placements, x.Changes = placementsOf(st, est), changesOf(st)

	name := "arena-" + st.Code
	c.Response().Header().Set("Content-Disposition", `attachment; filename="`+name+"."+format+`"`)
	switch format {
	case "csv":
		return c.Blob(http.StatusOK, "text/csv; charset=utf-8", exportCSV(x, names, rt))
	case "md":
		return c.Blob(http.StatusOK, "text/markdown; charset=utf-8", exportMarkdown(x, names, rt))
	}
	b, err := json.MarshalIndent(x, "", "  ")
	if err != nil {
		return err
	}
	return c.Blob(http.StatusOK, "application/json", b)
}

// nameOr is the name of participant id, or says that it left (was removed).
func nameOr(names map[string]string, id string, rt reportText) string {
	if n, ok := names[id]; ok || id == "" {
		return n
	}
	return "(" + rt.removedParticipant + " " + id[:min(8, len(id))] + ")"
}

// cell makes user text safe for a spreadsheet: a cell that starts with = + - @ (or a
// tab or carriage return) would be read as a formula, so it gets a leading apostrophe.
func cell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// exportCSV is the table for a spreadsheet, in the report's language: one row an actor,
// its follow-up, and its votes in each closed round. Spreadsheets open it as it is: a byte
// order mark says UTF-8, the separator is the one the language's Excel expects (Dutch ';',
// English ','), and every field is quoted, so that neither separator inside a participant's
// text starts a new cell (where a formula could begin; cell guards the start of each field).
func exportCSV(x export, names map[string]string, rt reportText) []byte {
	header := slices.Clone(rt.csvCols)
	var closed []exportRound
	for i, r := range x.Rounds {
		if x.Workshop.Rounds[i].Status == "closed" {
			closed = append(closed, r)
			header = append(header, fmt.Sprintf(rt.csvVotes, i+1))
		}
	}
	header = append(header, rt.csvPlacement...)
	header = append(header, rt.csvChange)
	rows := [][]string{header}
	for i, a := range x.Workshop.Actors {
		f := a.FollowUp
		sel := rt.no
		if a.Selected {
			sel = rt.yes
		}
		row := []string{cell(a.Name), rt.label(a.Category), cell(a.Resources), itoa0(a.Importance), rt.label(a.Replaceability), cell(a.ReplaceableBy),
			rt.label(a.Dependency), itoa0(a.Rank), rt.label(a.Form), sel, cell(nameOr(names, f.Owner, rt)), rt.label(f.Status),
			rt.flag(f.AssessmentRight), rt.label(f.Interest), rt.label(f.Willingness), cell(f.Notes)}
		for _, r := range closed {
			n, ok := r.Tally[a.ID]
			if ok {
				row = append(row, strconv.Itoa(n))
			} else {
				row = append(row, "")
			}
		}
		row = append(row, placementCells(x.Placements[i], rt)...)
		rows = append(rows, append(row, ""))
	}
	rows = csvChanges(rows, x, rt)
	var b bytes.Buffer
	b.WriteString("\ufeff")
	for _, row := range rows {
		for i, f := range row {
			if i > 0 {
				b.WriteByte(rt.csvSep)
			}
			b.WriteByte('"')
			b.WriteString(strings.ReplaceAll(f, `"`, `""`))
			b.WriteByte('"')
		}
		b.WriteString("\r\n")
	}
	return b.Bytes()
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

// exportMarkdown is the report, in the report's language; user text is escaped (md).
func exportMarkdown(x export, names map[string]string, rt reportText) []byte {
	st := x.Workshop
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\n", md(st.Title, false))
	fmt.Fprintf(&b, rt.exported+"\n\n", st.Code, time.UnixMilli(x.ExportedAt).UTC().Format("2006-01-02 15:04 UTC"))
	if st.Issue != "" {
		fmt.Fprintf(&b, "## %s\n\n%s\n\n", rt.issue, md(st.Issue, false))
	}
	if st.Goal != "" {
		fmt.Fprintf(&b, "## %s\n\n%s\n\n", rt.goal, md(st.Goal, false))
	}
	fmt.Fprintf(&b, "## %s\n\n", rt.arena)
	b.WriteString(rt.actorCols + "\n")
	b.WriteString("|---|---|---|---|---|---|---|---|---|\n")
	for _, a := range st.Actors {
		repl := rt.label(a.Replaceability)
		if a.ReplaceableBy != "" {
			repl += " (" + md(a.ReplaceableBy, true) + ")"
		}
		sel := ""
		if a.Selected {
			sel = rt.yes
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", md(a.Name, true), rt.label(a.Category), md(a.Resources, true),
			itoa0(a.Importance), repl, rt.label(a.Dependency), itoa0(a.Rank), rt.label(a.Form), sel)
	}
	markdownPlacements(&b, x, rt)
	if len(st.Criteria) > 0 {
		fmt.Fprintf(&b, "\n## %s\n\n", rt.criteria)
		for _, c := range st.Criteria {
			fmt.Fprintf(&b, "- %s\n", md(c.Text, false))
		}
	}
	for i, r := range st.Rounds {
		xr := x.Rounds[i]
		fmt.Fprintf(&b, "\n## "+rt.voteRound+"\n\n%s\n\n", i+1, rt.label(r.Mode), rt.label(r.Status), rt.voters(xr.Voters))
		for _, a := range st.Actors {
			if n, ok := xr.Tally[a.ID]; ok {
				fmt.Fprintf(&b, "- %s: %d\n", md(a.Name, false), n)
			}
		}
		if xr.Ballots != nil {
			fmt.Fprintf(&b, "\n%s\n\n", rt.whoVoted)
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
		fmt.Fprintf(&b, "\n## %s\n\n", rt.followUp)
		b.WriteString(rt.followUpCols + "\n|---|---|---|---|---|---|---|\n")
		for _, a := range sel {
			f := a.FollowUp
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s |\n", md(a.Name, true), md(nameOr(names, f.Owner, rt), true),
				rt.label(f.Status), rt.flag(f.AssessmentRight), rt.label(f.Interest), rt.label(f.Willingness), md(f.Notes, true))
		}
	}
	markdownChanges(&b, x, rt)
	return []byte(b.String())
}
