package session

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The text.edit op (issue 13): a change of one free text as splices made against a
// version of that text. Apply transforms it against the edits committed since that
// version (the workshop's one order makes this server-ordered OT) and commits the
// result as the event the absolute op would have sent, with the committed change beside
// it (TextChange), so that every client can transform what it has not sent yet.

// OpTextEdit is the op of a character-level change of a free text.
const OpTextEdit = "text.edit"

// CodeStale refuses a text.edit made against a version older than the edits the
// server still holds (after a restart, or more than TextLogSize behind): the client
// makes its change again against the text it has now.
const CodeStale = "stale"

// TextLogSize is how many committed changes of one text the state keeps to transform
// late edits against.
const TextLogSize = 64

// TextChange is a committed change of one text, sent in the event's data beside the
// whole new value: the field (TextKey), the text's version after it, the change against
// the version before it, and the key the author's client gave its edit.
type TextChange struct {
	Field   string `json:"field"`
	Version int    `json:"version"`
	Edit    Edit   `json:"edit"`
	Key     string `json:"key,omitempty"`
}

// loggedEdit is one committed change of a text: against a text of Len code points, it
// made version Version.
type loggedEdit struct {
	Version int
	Len     int
	Edit    Edit
}

// TextKey names one free text of a workshop: "issue", "goal", "actor/{id}/name",
// "actor/{id}/resources", "actor/{id}/replaceableBy", "actor/{id}/notes" (the follow-up's
// notes) and "criterion/{id}/text".
func TextKey(target, id, field string) string {
	if target == "workshop" {
		return field
	}
	return target + "/" + id + "/" + field
}

// textSpec is how one kind of text is checked and whose rules it follows.
type textSpec struct {
	op        string // the absolute op that sets it: its permission and lock apply
	max       int
	multiline bool
	required  bool
}

var textSpecs = map[string]textSpec{
	"workshop/issue":      {OpWorkshopUpdate, MaxLongText, true, false},
	"workshop/goal":       {OpWorkshopUpdate, MaxLongText, true, false},
	"actor/name":          {OpActorUpdate, MaxActorName, false, true},
	"actor/resources":     {OpActorUpdate, MaxResources, true, false},
	"actor/replaceableBy": {OpActorUpdate, MaxReplaceableBy, false, false},
	"actor/notes":         {OpFollowUpUpdate, MaxLongText, true, false},
	"criterion/text":      {OpCriterionUpdate, MaxCriterion, false, true},
}

// text answers the free text of target id field in s, and whether it exists.
func (s *State) text(target, id, field string) (string, bool) {
	switch target {
	case "workshop":
		if field == "issue" {
			return s.Issue, true
		}
		return s.Goal, true
	case "criterion":
		if c, _ := s.criterion(id); c != nil {
			return c.Text, true
		}
		return "", false
	}
	a, _ := s.Actor(id)
	if a == nil {
		return "", false
	}
	return actorTexts(a)[field], true
}

func actorTexts(a *Actor) map[string]string {
	return map[string]string{"name": a.Name, "resources": a.Resources, "replaceableBy": a.ReplaceableBy, "notes": a.FollowUp.Notes}
}

// TextVersion answers the version of the text key in s (0 until it first changes).
func (s *State) TextVersion(key string) int { return s.TextVersions[key] }

func textEdit(s *State, c Caller, data []byte, _ Env) (Result, error) {
	var d struct {
		Target string `json:"target"`
		ID     string `json:"id"`
		Field  string `json:"field"`
		Base   *int   `json:"base"`
		Key    string `json:"key"`
		Edit   Edit   `json:"edit"`
	}
	if err := decode(data, &d); err != nil {
		return Result{}, err
	}
	spec, ok := textSpecs[d.Target+"/"+d.Field]
	switch {
	case !ok:
		return Result{}, invalid("field", "no free text %q of %q: see PROTOCOL.md for the texts", d.Field, d.Target)
	case d.Base == nil:
		return Result{}, invalid("base", "base (the version the edit was made against) is required")
	case len(d.Key) > 64:
		return Result{}, invalid("key", "key is at most 64 characters")
	case len(d.Edit) == 0:
		return Result{}, invalid("edit", "edit must hold at least one splice")
	case len(d.Edit) > 100:
		return Result{}, invalid("edit", "at most 100 splices in one edit")
	}
	if err := textAllowed(s, c, spec.op); err != nil {
		return Result{}, err
	}
	if d.Target == "workshop" {
		d.ID = ""
	} else if err := requireID("id", d.ID); err != nil {
		return Result{}, err
	}
	key := TextKey(d.Target, d.ID, d.Field)
	cur, ok := s.text(d.Target, d.ID, d.Field)
	if !ok {
		return Result{}, notFound("id", d.Target, d.ID)
	}
	edit, err := s.rebaseText(key, *d.Base, d.Edit, utf8.RuneCountInString(cur))
	if err != nil {
		return Result{}, err
	}
	text, err := edit.Apply(cur)
	if err != nil {
		return Result{}, invalid("edit", "%v", err)
	}
	if err := checkTyped(d.Field, text, spec); err != nil {
		return Result{}, err
	}
	// An edit whose every splice others already made (both deleted the same word) is
	// committed empty: the author's phone still hears its own change and stops waiting.
	version := s.TextVersion(key)
	if text != cur {
		version++
	}
	if edit == nil {
		edit = Edit{}
	}
	change := &TextChange{Field: key, Version: version, Edit: edit, Key: d.Key}
	return emit(s, textEvent(s, c, d.Target, d.ID, d.Field, text, change), "")
}

// textAllowed applies the rules of the absolute op: who may and the lock.
func textAllowed(s *State, c Caller, op string) error {
	spec := ops[op]
	switch {
	case spec.facilitatorOnly && c.Role != RoleFacilitator:
		return Errorf(CodeForbidden, "only the facilitator can %s", op)
	case spec.lockable && s.Locked && c.Role != RoleFacilitator:
		return Errorf(CodeLocked, "the facilitator has locked the table")
	}
	return nil
}

// rebaseText rewrites e, made against version base of text key, to apply to the text
// now (n code points long).
func (s *State) rebaseText(key string, base int, e Edit, n int) (Edit, error) {
	version := s.TextVersion(key)
	log := s.textLog[key]
	switch {
	case base < 0 || base > version:
		return nil, invalid("base", "base %d is not a version of this text (it is at %d)", base, version)
	case base == version:
		if err := e.Check(n); err != nil {
			return nil, invalid("edit", "%v", err)
		}
		return e, nil
	case len(log) == 0 || log[0].Version > base+1:
		return nil, &Error{Code: CodeStale, Field: "base", Message: fmt.Sprintf("the text is at version %d; make the change again against it", version)}
	}
	i := slices.IndexFunc(log, func(l loggedEdit) bool { return l.Version == base+1 })
	committed := make([]Edit, 0, len(log)-i)
	for _, l := range log[i:] {
		committed = append(committed, l.Edit)
	}
	out, err := Rebase([]Edit{e}, log[i].Len, committed)
	if err != nil {
		return nil, invalid("edit", "%v", err)
	}
	return out[0], nil
}

// checkTyped checks a text as typed: unlike the absolute ops it is not trimmed (a space
// typed at the end is the start of the next word), but it holds what they allow.
func checkTyped(field, text string, spec textSpec) error {
	for _, r := range text {
		switch {
		case r == utf8.RuneError:
			return invalid(field, "%s is not valid UTF-8 text", field)
		case unicode.IsControl(r) && !(spec.multiline && (r == '\n' || r == '\t')):
			return invalid(field, "%s holds a control character", field)
		case directionControl(r):
			return invalid(field, "%s holds a control of text direction", field)
		}
	}
	if !spec.multiline && stripFormat(text) != text {
		return invalid(field, "%s holds an invisible format character", field)
	}
	if n := utf8.RuneCountInString(text); n > spec.max {
		return invalid(field, "%s is %d characters long; at most %d allowed", field, n, spec.max)
	}
	if spec.required && !strings.ContainsFunc(text, shows) {
		return invalid(field, "%s is required", field)
	}
	return nil
}

// textEvent is the event of the absolute op with the text set and the change beside it.
func textEvent(s *State, c Caller, target, id, field, text string, change *TextChange) Event {
	switch target {
	case "workshop":
		w := &WorkshopData{Title: s.Title, Issue: s.Issue, Goal: s.Goal, Locale: s.Locale, Text: change}
		if field == "issue" {
			w.Issue = text
		} else {
			w.Goal = text
		}
		return Event{Name: EvWorkshopUpdated, By: c.ID, Data: w}
	case "criterion":
		return Event{Name: EvCriterionUpdated, By: c.ID, Data: &CriterionData{Criterion: &Criterion{ID: id, Text: text}, Text: change}}
	}
	old, _ := s.Actor(id)
	a := *old
	switch field {
	case "name":
		a.Name = text
	case "resources":
		a.Resources = text
	case "replaceableBy":
		a.ReplaceableBy = text
	case "notes":
		a.FollowUp.Notes = text
	}
	a.Version++
	return Event{Name: EvActorUpdated, By: c.ID, Data: &ActorData{Actor: &a, Text: change}}
}

// textPairs answers the texts an event may change, before and after it, by TextKey
// (nil for an event that changes no text), and the committed change it carries.
func textPairs(s *State, ev Event) (before, after map[string]string, change *TextChange) {
	prefixed := func(id string, m map[string]string) map[string]string {
		out := make(map[string]string, len(m))
		for f, v := range m {
			out[TextKey("actor", id, f)] = v
		}
		return out
	}
	actor := func(a *Actor) {
		if old, _ := s.Actor(a.ID); old != nil {
			before, after = prefixed(a.ID, actorTexts(old)), prefixed(a.ID, actorTexts(a))
		}
	}
	switch d := ev.Data.(type) {
	case *WorkshopData:
		before = map[string]string{"issue": s.Issue, "goal": s.Goal}
		after = map[string]string{"issue": d.Issue, "goal": d.Goal}
		change = d.Text
	case *ActorData:
		actor(d.Actor)
		change = d.Text
	case *MergeData:
		actor(d.Actor)
	case *CriterionData:
		if old, _ := s.criterion(d.Criterion.ID); old != nil {
			k := TextKey("criterion", old.ID, "text")
			before, after = map[string]string{k: old.Text}, map[string]string{k: d.Criterion.Text}
		}
		change = d.Text
	}
	return before, after, change
}

// noteTexts records in n, the state after ev, what ev changed in the texts of s: the
// committed change of a text.edit as it is, any other change of a text as the splice
// from the old text to the new one (so that edits typed against the old one still
// apply). n must be a shallow copy of s.
func (n *State) noteTexts(s *State, ev Event) {
	before, after, change := textPairs(s, ev)
	var changed []string
	for k, v := range after {
		if before[k] != v {
			changed = append(changed, k)
		}
	}
	if len(changed) == 0 {
		return
	}
	slices.Sort(changed)
	n.TextVersions = maps.Clone(s.TextVersions)
	if n.TextVersions == nil {
		n.TextVersions = map[string]int{}
	}
	n.textLog = maps.Clone(s.textLog)
	if n.textLog == nil {
		n.textLog = map[string][]loggedEdit{}
	}
	for _, k := range changed {
		e := Diff(before[k], after[k])
		if change != nil && change.Field == k {
			e = change.Edit
		}
		v := n.TextVersions[k] + 1
		n.TextVersions[k] = v
		log := append(slices.Clip(n.textLog[k]), loggedEdit{Version: v, Len: utf8.RuneCountInString(before[k]), Edit: e})
		if len(log) > TextLogSize {
			log = slices.Clone(log[len(log)-TextLogSize:])
		}
		n.textLog[k] = log
	}
}

// Diff answers the edit from a to b as one splice: what lies between their common
// start and common end (in code points). Empty when a == b.
func Diff(a, b string) Edit {
	if a == b {
		return nil
	}
	ra, rb := []rune(a), []rune(b)
	p := 0
	for p < len(ra) && p < len(rb) && ra[p] == rb[p] {
		p++
	}
	q := 0
	for q < len(ra)-p && q < len(rb)-p && ra[len(ra)-1-q] == rb[len(rb)-1-q] {
		q++
	}
	return Edit{{Pos: p, Del: len(ra) - p - q, Ins: string(rb[p : len(rb)-q])}}
}
