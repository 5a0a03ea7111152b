package session_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/arena-workshop/arena/session"
)

// textField is a string field of an op, with its limit and where Apply stores it.
type textField struct {
	name      string
	caller    session.Caller
	op        string
	data      func(tb testing.TB, v string) string // op data that sets the field to v
	field     string                               // Error.Field
	max       int
	multiline bool
	required  bool
	stored    func(s *session.State) string
}

func textFields() []textField {
	actorField := func(key string) func(testing.TB, string) string {
		return func(tb testing.TB, v string) string {
			return js(tb, map[string]any{"id": idActorC, key: v})
		}
	}
	actorC := func(get func(a *session.Actor) string) func(*session.State) string {
		return func(s *session.State) string {
			a, _ := s.Actor(idActorC)
			return get(a)
		}
	}
	return []textField{
		{
			name: "title", caller: facilitator, op: session.OpWorkshopUpdate, field: "title", max: 120, required: true,
			data:   func(tb testing.TB, v string) string { return js(tb, map[string]any{"title": v}) },
			stored: func(s *session.State) string { return s.Title },
		},
		{
			name: "issue", caller: facilitator, op: session.OpWorkshopUpdate, field: "issue", max: 4000, multiline: true,
			data:   func(tb testing.TB, v string) string { return js(tb, map[string]any{"issue": v}) },
			stored: func(s *session.State) string { return s.Issue },
		},
		{
			name: "goal", caller: facilitator, op: session.OpWorkshopUpdate, field: "goal", max: 4000, multiline: true,
			data:   func(tb testing.TB, v string) string { return js(tb, map[string]any{"goal": v}) },
			stored: func(s *session.State) string { return s.Goal },
		},
		{
			name: "actor name on add", caller: participant1, op: session.OpActorAdd, field: "name", max: 80, required: true,
			data: func(tb testing.TB, v string) string {
				return js(tb, map[string]any{"id": "dddddddd-0000-4000-8000-000000000001", "name": v})
			},
			stored: func(s *session.State) string {
				a, _ := s.Actor("dddddddd-0000-4000-8000-000000000001")
				return a.Name
			},
		},
		{
			name: "actor name on update", caller: participant1, op: session.OpActorUpdate, field: "name", max: 80, required: true,
			data: actorField("name"), stored: actorC(func(a *session.Actor) string { return a.Name }),
		},
		{
			name: "resources", caller: participant1, op: session.OpActorUpdate, field: "resources", max: 2000, multiline: true,
			data: actorField("resources"), stored: actorC(func(a *session.Actor) string { return a.Resources }),
		},
		{
			name: "replaceableBy", caller: participant1, op: session.OpActorUpdate, field: "replaceableBy", max: 200,
			data: actorField("replaceableBy"), stored: actorC(func(a *session.Actor) string { return a.ReplaceableBy }),
		},
		{
			name: "criterion on add", caller: facilitator, op: session.OpCriterionAdd, field: "text", max: 300, required: true,
			data:   func(tb testing.TB, v string) string { return js(tb, map[string]any{"text": v}) },
			stored: func(s *session.State) string { return s.Criteria[len(s.Criteria)-1].Text },
		},
		{
			name: "criterion on update", caller: facilitator, op: session.OpCriterionUpdate, field: "text", max: 300, required: true,
			data:   func(tb testing.TB, v string) string { return js(tb, map[string]any{"id": idCrit1, "text": v}) },
			stored: func(s *session.State) string { return s.Criteria[0].Text },
		},
		{
			name: "notes", caller: participant1, op: session.OpFollowUpUpdate, field: "notes", max: 4000, multiline: true,
			data:   func(tb testing.TB, v string) string { return js(tb, map[string]any{"actorId": idActorC, "notes": v}) },
			stored: actorC(func(a *session.Actor) string { return a.FollowUp.Notes }),
		},
		{
			name: "participant name", caller: participant1, op: session.OpParticipantRename, field: "name", max: 40, required: true,
			data:   func(tb testing.TB, v string) string { return js(tb, map[string]any{"name": v}) },
			stored: func(s *session.State) string { return s.Participant(idP1).Name },
		},
	}
}

// TestTextLimits checks every text field at its limit and one character over, counted in
// code points, with trimming before validation and control characters refused.
func TestTextLimits(t *testing.T) {
	for _, f := range textFields() {
		type tc struct {
			name string
			in   string
			ok   bool
			want string // stored value when ok
		}
		rep := strings.Repeat
		cases := []tc{
			{name: "ascii at limit", in: rep("x", f.max), ok: true, want: rep("x", f.max)},
			{name: "ascii over limit", in: rep("x", f.max+1)},
			{name: "2-byte é at limit", in: rep("é", f.max), ok: true, want: rep("é", f.max)},
			{name: "2-byte é over limit", in: rep("é", f.max+1)},
			{name: "4-byte emoji at limit", in: rep("🙂", f.max), ok: true, want: rep("🙂", f.max)},
			{name: "4-byte emoji over limit", in: rep("🙂", f.max+1)},
			{name: "CJK at limit", in: rep("界", f.max), ok: true, want: rep("界", f.max)},
			{name: "padded to over the limit is trimmed first", in: "  \t" + rep("é", f.max) + " \n ", ok: true, want: rep("é", f.max)},
			{name: "trimmed", in: "  x  ", ok: true, want: "x"},
			{name: "NUL", in: "a\x00b"},
			{name: "escape", in: "a\x1bb"},
			{name: "carriage return", in: "a\rb"},
			{name: "CRLF", in: "a\r\nb"},
			{name: "DEL", in: "a\x7fb"},
			{name: "C1 control", in: "a\u0085b"},
			{name: "vertical tab", in: "a\vb"},
			{name: "non-ASCII letters", in: "Zoë's café 🙂", ok: true, want: "Zoë's café 🙂"},
			{name: "right-to-left override", in: "Ann\u202eeromssaB"},
			{name: "left-to-right isolate", in: "a\u2066b\u2069"},
		}
		if f.multiline {
			cases = append(cases, tc{name: "emoji joined (ZWJ) and a right-to-left mark", in: "👩\u200d🦰 \u200fسارة", ok: true, want: "👩\u200d🦰 \u200fسارة"})
		} else {
			// One-line texts lose their invisible format characters, inside too, so that
			// two names that look alike are the same text; emoji sequences stay whole.
			cases = append(cases,
				tc{name: "emoji joined (ZWJ) kept, right-to-left mark dropped", in: "👩\u200d🦰 \u200fسارة", ok: true, want: "👩\u200d🦰 سارة"},
				tc{name: "emoji with skin tone and ZWJ kept", in: "👩🏽\u200d💻 Lien", ok: true, want: "👩🏽\u200d💻 Lien"},
				tc{name: "flag of Scotland (tags) kept", in: "🏴\U000E0067\U000E0062\U000E0073\U000E0063\U000E0074\U000E007F", ok: true, want: "🏴\U000E0067\U000E0062\U000E0073\U000E0063\U000E0074\U000E007F"},
				tc{name: "zero-width space inside dropped", in: "Ah\u200bmed", ok: true, want: "Ahmed"},
				tc{name: "soft hyphen, word joiner, BOM inside dropped", in: "O\u00adC\u2060M\ufeffW", ok: true, want: "OCMW"},
				tc{name: "ZWJ between letters dropped", in: "Li\u200den", ok: true, want: "Lien"},
				tc{name: "ZWNJ and marks of direction dropped", in: "An\u200cn\u200e\u200f", ok: true, want: "Ann"},
				tc{name: "invisible at the start dropped, then trimmed", in: "\u200b Ann", ok: true, want: "Ann"},
				tc{name: "tag characters without a flag dropped", in: "Ann\U000E0041", ok: true, want: "Ann"})
		}
		if f.required {
			cases = append(cases, tc{name: "blank", in: "   "}, tc{name: "empty", in: ""},
				tc{name: "only invisible characters", in: "\u200b\ufeff\u00ad\u034f"},
				tc{name: "only a Hangul filler", in: "\u3164"},
				tc{name: "a letter among invisible ones", in: "\u200bA\u200b", ok: true, want: map[bool]string{true: "\u200bA\u200b", false: "A"}[f.multiline]})
		} else {
			cases = append(cases, tc{name: "blank becomes empty", in: " \t ", ok: true, want: ""})
		}
		if f.multiline {
			cases = append(cases,
				tc{name: "newline and tab", in: "a\n\tb\n\nc", ok: true, want: "a\n\tb\n\nc"},
				tc{name: "multi-line at limit", in: rep("é\n", f.max/2), ok: true, want: strings.TrimSpace(rep("é\n", f.max/2))},
				tc{name: "multi-line over limit", in: rep("é\n", f.max/2) + "x"},
			)
		} else {
			cases = append(cases, tc{name: "newline", in: "a\nb"}, tc{name: "tab", in: "a\tb"})
		}
		for _, c := range cases {
			t.Run(f.name+"/"+c.name, func(t *testing.T) {
				s := fixture(t)
				data := f.data(t, c.in)
				if !c.ok {
					applyErr(t, s, f.caller, f.op, data, session.CodeInvalid, f.field)
					return
				}
				r := applyOK(t, s, f.caller, f.op, data)
				if got := f.stored(r.State); got != c.want {
					t.Errorf("stored %q (%d bytes), want %q", trunc(got), len(got), trunc(c.want))
				}
			})
		}
	}
}

// TestTextRejectsInvalidUTF8 sends raw bytes that are not UTF-8 inside a JSON string.
// PROTOCOL.md: a string field "is rejected if it is not valid UTF-8".
func TestTextRejectsInvalidUTF8(t *testing.T) {
	for _, f := range textFields() {
		for name, bad := range map[string]string{
			"byte 0xff":      "a\xffb",
			"truncated é":    "ab\xc3",
			"lone surrogate": `a\ud800b`, // a JSON escape that is no character
			"overlong slash": "a\xc0\xafb",
		} {
			t.Run(f.name+"/"+name, func(t *testing.T) {
				s := fixture(t)
				// js would turn the bad bytes into U+FFFD; splice them in by hand.
				data := strings.Replace(f.data(t, "PLACEHOLDER"), "PLACEHOLDER", bad, 1)
				applyErr(t, s, f.caller, f.op, data, session.CodeInvalid, f.field)
			})
		}
	}
}

// TestCleanFunctions covers the exported cleaners the server uses for HTTP input.
func TestCleanFunctions(t *testing.T) {
	tests := []struct {
		name  string
		fn    func(string) (string, error)
		in    string
		want  string
		field string // "" when ok
	}{
		{"title trimmed", session.CleanTitle, "  Arena  ", "Arena", ""},
		{"title at limit", session.CleanTitle, strings.Repeat("é", 120), strings.Repeat("é", 120), ""},
		{"title over limit", session.CleanTitle, strings.Repeat("é", 121), "", "title"},
		{"title blank", session.CleanTitle, "  ", "", "title"},
		{"title invalid UTF-8", session.CleanTitle, "a\xffb", "", "title"},
		{"title newline", session.CleanTitle, "a\nb", "", "title"},
		{"name at limit", session.CleanName, strings.Repeat("🙂", 40), strings.Repeat("🙂", 40), ""},
		{"name over limit", session.CleanName, strings.Repeat("🙂", 41), "", "name"},
		{"name invalid UTF-8", session.CleanName, "\xc3", "", "name"},
		{"locale default", session.CleanLocale, "", "nl", ""},
		{"locale nl", session.CleanLocale, "nl", "nl", ""},
		{"locale en", session.CleanLocale, "en", "en", ""},
		{"locale de", session.CleanLocale, "de", "", "locale"},
		{"locale upper case", session.CleanLocale, "EN", "", "locale"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.fn(tt.in)
			if tt.field == "" {
				if err != nil || got != tt.want {
					t.Errorf("= %q, %v; want %q", trunc(got), err, trunc(tt.want))
				}
				return
			}
			e, ok := err.(*session.Error)
			if !ok || e.Code != session.CodeInvalid || e.Field != tt.field {
				t.Errorf("err = %#v, want invalid on %s", err, tt.field)
			}
		})
	}
}

// TestEnumsAndNumbers checks enumerated and numeric fields: every allowed value, "" to
// clear (where allowed) and values outside the set.
func TestEnumsAndNumbers(t *testing.T) {
	type tc struct {
		caller session.Caller
		op     string
		data   string
		field  string // "" when ok
	}
	var cases []struct {
		name string
		tc
	}
	add := func(name string, c tc) {
		cases = append(cases, struct {
			name string
			tc
		}{name, c})
	}
	actorEnums := map[string][]string{
		"category": session.Categories, "replaceability": session.Degrees,
		"dependency": session.Degrees, "form": session.Forms,
	}
	for key, values := range actorEnums {
		for _, v := range append(values, "") {
			add(fmt.Sprintf("%s %q", key, v), tc{participant1, session.OpActorUpdate, fmt.Sprintf(`{"id":%q,%q:%q}`, idActorC, key, v), ""})
			add(fmt.Sprintf("%s %q on add", key, v), tc{participant1, session.OpActorAdd, fmt.Sprintf(`{"name":"N",%q:%q}`, key, v), ""})
		}
		for _, v := range []string{"Core", "LARGE", " small", "huge", "kern", "merger ", "0"} {
			add(fmt.Sprintf("%s %q", key, v), tc{participant1, session.OpActorUpdate, fmt.Sprintf(`{"id":%q,%q:%q}`, idActorC, key, v), key})
			add(fmt.Sprintf("%s %q on add", key, v), tc{participant1, session.OpActorAdd, fmt.Sprintf(`{"name":"N",%q:%q}`, key, v), key})
		}
		add(key+" number", tc{participant1, session.OpActorUpdate, fmt.Sprintf(`{"id":%q,%q:1}`, idActorC, key), key})
	}
	followEnums := map[string][]string{"status": session.Statuses, "interest": session.Levels, "willingness": session.Levels}
	for key, values := range followEnums {
		for _, v := range append(values, "") {
			add(fmt.Sprintf("followUp %s %q", key, v), tc{participant1, session.OpFollowUpUpdate, fmt.Sprintf(`{"actorId":%q,%q:%q}`, idActorC, key, v), ""})
		}
		for _, v := range []string{"Todo", "done", "very high", "medium ", "1"} {
			add(fmt.Sprintf("followUp %s %q", key, v), tc{participant1, session.OpFollowUpUpdate, fmt.Sprintf(`{"actorId":%q,%q:%q}`, idActorC, key, v), key})
		}
	}
	for _, v := range []string{"true", "false", "null"} {
		add("assessmentRight "+v, tc{participant1, session.OpFollowUpUpdate, fmt.Sprintf(`{"actorId":%q,"assessmentRight":%s}`, idActorC, v), ""})
	}
	add("assessmentRight string", tc{participant1, session.OpFollowUpUpdate, fmt.Sprintf(`{"actorId":%q,"assessmentRight":"true"}`, idActorC), "assessmentRight"})
	add("owner a participant", tc{participant1, session.OpFollowUpUpdate, fmt.Sprintf(`{"actorId":%q,"owner":%q}`, idActorC, idP2), ""})

	for _, v := range []string{"0", "1", "2", "3", "4", "null"} {
		add("importance "+v, tc{participant1, session.OpActorUpdate, fmt.Sprintf(`{"id":%q,"importance":%s}`, idActorC, v), ""})
		add("importance "+v+" on add", tc{participant1, session.OpActorAdd, fmt.Sprintf(`{"name":"N","importance":%s}`, v), ""})
	}
	for _, v := range []string{"5", "-1", "100", `"3"`, "2.5", "true", "1e3"} {
		add("importance "+v, tc{participant1, session.OpActorUpdate, fmt.Sprintf(`{"id":%q,"importance":%s}`, idActorC, v), "importance"})
		add("importance "+v+" on add", tc{participant1, session.OpActorAdd, fmt.Sprintf(`{"name":"N","importance":%s}`, v), "importance"})
	}

	for _, v := range []string{"1", "60", "7200", "null"} {
		add("timer "+v, tc{facilitator, session.OpTimerSet, `{"seconds":` + v + `}`, ""})
	}
	for _, v := range []string{"0", "7201", "-1", `"60"`, "1.5", "99999999999999999999"} {
		add("timer "+v, tc{facilitator, session.OpTimerSet, `{"seconds":` + v + `}`, "seconds"})
	}
	add("timer without seconds", tc{facilitator, session.OpTimerSet, `{}`, "seconds"})

	for _, v := range []string{"1", "2", "3", "4", "5", "6"} {
		add("step "+v, tc{facilitator, session.OpStepSet, `{"step":` + v + `}`, ""})
	}
	for _, v := range []string{"0", "7", "-1", `"2"`, "null", "2.5"} {
		add("step "+v, tc{facilitator, session.OpStepSet, `{"step":` + v + `}`, "step"})
	}
	add("step missing", tc{facilitator, session.OpStepSet, `{}`, "step"})

	for _, v := range []string{"table", "map", "both", "guide"} {
		add("projector "+v, tc{facilitator, session.OpProjectorSet, `{"view":"` + v + `"}`, ""})
	}
	for _, v := range []string{`""`, `"Map"`, `"uitleg"`, `null`, `1`, `["map"]`} {
		add("projector "+v, tc{facilitator, session.OpProjectorSet, `{"view":` + v + `}`, "view"})
	}
	add("projector view missing", tc{facilitator, session.OpProjectorSet, `{}`, "view"})
	add("locked missing", tc{facilitator, session.OpLockSet, `{}`, "locked"})
	add("locked null", tc{facilitator, session.OpLockSet, `{"locked":null}`, "locked"})
	add("locked string", tc{facilitator, session.OpLockSet, `{"locked":"true"}`, "locked"})
	add("locked number", tc{facilitator, session.OpLockSet, `{"locked":1}`, "locked"})
	add("selected missing", tc{facilitator, session.OpActorSelect, `{"id":"` + idActorA + `"}`, "selected"})
	add("selected string", tc{facilitator, session.OpActorSelect, `{"id":"` + idActorA + `","selected":"yes"}`, "selected"})

	for _, v := range []string{"nl", "en"} {
		add("locale "+v, tc{facilitator, session.OpWorkshopUpdate, `{"locale":"` + v + `"}`, ""})
	}
	for _, v := range []string{`""`, `"de"`, `"NL"`, `" en"`, "null", "1"} {
		add("locale "+v, tc{facilitator, session.OpWorkshopUpdate, `{"locale":` + v + `}`, "locale"})
	}
	add("title null", tc{facilitator, session.OpWorkshopUpdate, `{"title":null}`, "title"})
	add("title number", tc{facilitator, session.OpWorkshopUpdate, `{"title":5}`, "title"})

	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			s := fixture(t)
			if tt.field == "" {
				applyOK(t, s, tt.caller, tt.op, tt.data)
				return
			}
			applyErr(t, s, tt.caller, tt.op, tt.data, session.CodeInvalid, tt.field)
		})
	}
}

// TestEnumStored checks that enum and number values land where they belong.
func TestEnumStored(t *testing.T) {
	s := fixture(t)
	r := applyOK(t, s, participant1, session.OpActorUpdate,
		`{"id":"`+idActorC+`","category":"anchoring","replaceability":"large","dependency":"small","form":"merger","importance":1}`)
	a := actor(t, r.State, idActorC)
	if a.Category != "anchoring" || a.Replaceability != "large" || a.Dependency != "small" || a.Form != "merger" || a.Importance != 1 {
		t.Errorf("actor %+v", a)
	}
	r = applyOK(t, r.State, facilitator, session.OpStepSet, `{"step":6}`)
	if r.State.Step != 6 {
		t.Errorf("step %d", r.State.Step)
	}
	r = applyOK(t, r.State, facilitator, session.OpTimerSet, `{"seconds":7200}`)
	if r.State.Timer == nil || r.State.Timer.EndsAt != testNow+7_200_000 {
		t.Errorf("timer %+v", r.State.Timer)
	}
}

// TestDataShape checks op data that is not a single object of known fields.
func TestDataShape(t *testing.T) {
	tests := []struct {
		name   string
		caller session.Caller
		op     string
		data   string
		field  string // "*": any
	}{
		{"array", facilitator, session.OpStepSet, `[]`, "*"},
		{"string", facilitator, session.OpStepSet, `"step"`, "*"},
		{"number", facilitator, session.OpStepSet, `3`, "*"},
		{"truncated", facilitator, session.OpStepSet, `{"step":`, "*"},
		{"two objects", facilitator, session.OpStepSet, `{"step":2}{"step":3}`, "*"},
		{"trailing garbage", facilitator, session.OpStepSet, `{"step":2} x`, "*"},
		{"empty data is an empty object", facilitator, session.OpStepSet, ``, "step"},
		{"white space data is an empty object", facilitator, session.OpLockSet, " \n ", "locked"},
		{"unknown field", facilitator, session.OpStepSet, `{"step":2,"extra":1}`, "extra"},
		{"actor.add rank", participant1, session.OpActorAdd, `{"name":"N","rank":1}`, "rank"},
		{"actor.add selected", participant1, session.OpActorAdd, `{"name":"N","selected":true}`, "selected"},
		{"actor.add version", participant1, session.OpActorAdd, `{"name":"N","version":7}`, "version"},
		{"actor.add followUp", participant1, session.OpActorAdd, `{"name":"N","followUp":{}}`, "followUp"},
		{"actor.add createdBy", participant1, session.OpActorAdd, `{"name":"N","createdBy":"p2"}`, "createdBy"},
		{"actor.update rank", participant1, session.OpActorUpdate, `{"id":"` + idActorA + `","rank":1}`, "rank"},
		{"actor.update selected", participant1, session.OpActorUpdate, `{"id":"` + idActorA + `","selected":true}`, "selected"},
		{"followup.update nested object", participant1, session.OpFollowUpUpdate, `{"actorId":"` + idActorA + `","followUp":{"status":"todo"}}`, "followUp"},
		{"actor.add without name", participant1, session.OpActorAdd, `{"category":"core"}`, "name"},
		{"actor.add null name", participant1, session.OpActorAdd, `{"name":null}`, "name"},
		{"actor.add id not a UUID", participant1, session.OpActorAdd, `{"id":"abc","name":"N"}`, "id"},
		{"actor.add id in braces", participant1, session.OpActorAdd, `{"id":"{aaaaaaaa-0000-4000-8000-000000000009}","name":"N"}`, "id"},
		{"actor.add id without dashes", participant1, session.OpActorAdd, `{"id":"aaaaaaaa000040008000000000000009","name":"N"}`, "id"},
		{"actor.add id urn", participant1, session.OpActorAdd, `{"id":"urn:uuid:aaaaaaaa-0000-4000-8000-000000000009","name":"N"}`, "id"},
		{"actor.add id number", participant1, session.OpActorAdd, `{"id":5,"name":"N"}`, "id"},
		{"criterion.add id not a UUID", facilitator, session.OpCriterionAdd, `{"id":"c1","text":"T"}`, "id"},
		{"criterion.add without text", facilitator, session.OpCriterionAdd, `{}`, "text"},
		{"criterion.update without text", facilitator, session.OpCriterionUpdate, `{"id":"` + idCrit1 + `"}`, "text"},
		{"ranking.set order not a list", facilitator, session.OpRankingSet, `{"order":"` + idActorA + `"}`, "order"},
		{"ranking.set order of numbers", facilitator, session.OpRankingSet, `{"order":[1]}`, "order"},
		{"participant.rename without name", participant1, session.OpParticipantRename, `{}`, "name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			applyErr(t, fixture(t), tt.caller, tt.op, tt.data, session.CodeInvalid, tt.field)
		})
	}
}

// TestRequiredIDs checks that every op naming something requires that id.
func TestRequiredIDs(t *testing.T) {
	tests := []struct {
		op, data, field string
	}{
		{session.OpActorUpdate, `{"name":"N"}`, "id"},
		{session.OpActorUpdate, `{"id":"","name":"N"}`, "id"},
		{session.OpActorRemove, `{}`, "id"},
		{session.OpActorMerge, `{"into":"` + idActorA + `"}`, "id"},
		{session.OpActorMerge, `{"id":"` + idActorB + `"}`, "into"},
		{session.OpActorSelect, `{"selected":true}`, "id"},
		{session.OpFollowUpUpdate, `{"status":"todo"}`, "actorId"},
		{session.OpCriterionUpdate, `{"text":"T"}`, "id"},
		{session.OpCriterionRemove, `{}`, "id"},
		{session.OpParticipantRemove, `{}`, "participantId"},
	}
	for _, tt := range tests {
		t.Run(tt.op+" "+tt.data, func(t *testing.T) {
			applyErr(t, fixture(t), facilitator, tt.op, tt.data, session.CodeInvalid, tt.field)
		})
	}
}

// trunc shortens long strings in failure messages.
func trunc(s string) string {
	if r := []rune(s); len(r) > 20 {
		return string(r[:20]) + fmt.Sprintf("…(%d chars)", len(r))
	}
	return s
}

// TestMalformedDataForEveryOp sends every op data that no op accepts.
func TestMalformedDataForEveryOp(t *testing.T) {
	for _, op := range allOps {
		for _, data := range []string{`[]`, `"x"`, `{"zzz":1}`, `{`, `{}{}`} {
			t.Run(op+" "+data, func(t *testing.T) {
				field := "*"
				if data == `{"zzz":1}` {
					field = "zzz"
				}
				applyErr(t, fixture(t), facilitator, op, data, session.CodeInvalid, field)
			})
		}
	}
}

// TestErrorMessagesAreForPeople checks that a refusal of data that is no object reads
// well: the message goes to the client as is (PROTOCOL.md: "a human-readable message").
func TestErrorMessagesAreForPeople(t *testing.T) {
	for _, op := range []string{session.OpParticipantRename, session.OpActorAdd, session.OpStepSet} {
		for _, data := range []string{`[]`, `"x"`, `7`} {
			t.Run(op+" "+data, func(t *testing.T) {
				e := applyErr(t, fixture(t), facilitator, op, data, session.CodeInvalid, "*")
				if strings.HasPrefix(e.Message, " ") || strings.Contains(e.Message, "struct") || strings.Contains(e.Message, "session.") {
					t.Errorf("message %q shows Go internals", e.Message)
				}
			})
		}
	}
}
