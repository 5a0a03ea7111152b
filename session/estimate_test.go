package session_test

import (
	"encoding/json"
	"fmt"
	"reflect"
	"testing"

	"github.com/arena-workshop/arena/session"
)

// formJSON is a form placement with all six dimensions set to the given values.
func formJSON(v [6]string) string {
	return fmt.Sprintf(`{"interests":%s,"factualDecisions":%s,"formalDecisions":%s,"resources":%s,"engagement":%s,"identification":%s}`,
		v[0], v[1], v[2], v[3], v[4], v[5])
}

func TestDecodeEstimate(t *testing.T) {
	prior := session.Estimate{Importance: 2, Replaceability: 3, Dependency: 1, Form: &session.Form{Interests: 10, Resources: 20}}
	form := session.Form{Interests: 0, FactualDecisions: 100, FormalDecisions: 50, Resources: 1, Engagement: 99, Identification: 7}
	locked := must(t, fixture(t), facilitator, session.OpLockSet, `{"locked":true}`)
	tests := []struct {
		name   string
		s      *session.State // nil: the fixture
		caller session.Caller
		data   string
		from   session.Estimate // the estimate Apply is given
		want   session.Estimate
	}{
		{name: "importance 1", caller: participant1, data: `{"actorId":"` + idActorA + `","importance":1}`, want: session.Estimate{Importance: 1}},
		{name: "importance 4 over a prior", caller: participant1, data: `{"actorId":"` + idActorA + `","importance":4}`, from: prior,
			want: session.Estimate{Importance: 4, Replaceability: 3, Dependency: 1, Form: prior.Form}},
		{name: "replaceability and dependency", caller: participant2, data: `{"actorId":"` + idActorB + `","replaceability":4,"dependency":1}`, from: prior,
			want: session.Estimate{Importance: 2, Replaceability: 4, Dependency: 1, Form: prior.Form}},
		{name: "null clears", caller: participant1, data: `{"actorId":"` + idActorA + `","importance":null,"dependency":null}`, from: prior,
			want: session.Estimate{Replaceability: 3, Form: prior.Form}},
		{name: "form", caller: participant1, data: `{"actorId":"` + idActorA + `","form":` + formJSON([6]string{"0", "100", "50", "1", "99", "7"}) + `}`, from: prior,
			want: session.Estimate{Importance: 2, Replaceability: 3, Dependency: 1, Form: &form}},
		{name: "form null clears", caller: participant1, data: `{"actorId":"` + idActorA + `","form":null}`, from: prior,
			want: session.Estimate{Importance: 2, Replaceability: 3, Dependency: 1}},
		{name: "everything", caller: participant1, data: `{"actorId":"` + idActorC + `","importance":3,"replaceability":2,"dependency":4,"form":` +
			formJSON([6]string{"0", "100", "50", "1", "99", "7"}) + `}`,
			want: session.Estimate{Importance: 3, Replaceability: 2, Dependency: 4, Form: &form}},
		{name: "facilitator", caller: facilitator, data: `{"actorId":"` + idActorA + `","importance":2}`, want: session.Estimate{Importance: 2}},
		{name: "participant while locked", s: locked, caller: participant1, data: `{"actorId":"` + idActorA + `","importance":2}`, want: session.Estimate{Importance: 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := tt.s
			if s == nil {
				s = fixture(t)
			}
			before, fromBefore := encode(t, s), js(t, tt.from)
			u, err := session.DecodeEstimate(s, tt.caller, []byte(tt.data))
			if err != nil {
				t.Fatalf("DecodeEstimate: %v", err)
			}
			var d struct{ ActorID string }
			_ = json.Unmarshal([]byte(tt.data), &d)
			if u.ActorID != d.ActorID {
				t.Errorf("ActorID %q, want %q", u.ActorID, d.ActorID)
			}
			got := u.Apply(tt.from)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Apply = %s, want %s", js(t, got), js(t, tt.want))
			}
			if encode(t, s) != before || js(t, tt.from) != fromBefore {
				t.Error("DecodeEstimate or Apply changed its input")
			}
			if got.Form != nil && got.Form == tt.from.Form && tt.want.Form != tt.from.Form {
				t.Error("Apply wrote the new form through the old pointer")
			}
		})
	}
}

func TestDecodeEstimateRefusals(t *testing.T) {
	removed := must(t, fixture(t), facilitator, session.OpParticipantRemove, `{"participantId":"`+idP2+`"}`)
	six := func(i int, v string) string {
		vals := [6]string{"50", "50", "50", "50", "50", "50"}
		vals[i] = v
		return `{"actorId":"` + idActorA + `","form":` + formJSON(vals) + `}`
	}
	a := `{"actorId":"` + idActorA + `",`
	tests := []struct {
		name   string
		s      *session.State // nil: the fixture
		caller session.Caller
		data   string
		code   string
		field  string
	}{
		{"viewer", nil, viewer, a + `"importance":1}`, session.CodeForbidden, ""},
		{"viewer with a participant id", nil, session.Caller{ID: idP1, Role: session.RoleViewer}, a + `"importance":1}`, session.CodeForbidden, ""},
		{"unknown role", nil, session.Caller{ID: idP1, Role: "admin"}, a + `"importance":1}`, session.CodeForbidden, ""},
		{"no participant", nil, stranger, a + `"importance":1}`, session.CodeForbidden, ""},
		{"removed participant", removed, participant2, a + `"importance":1}`, session.CodeForbidden, ""},
		{"viewer with bad data", nil, viewer, `[`, session.CodeForbidden, ""},
		{"no actorId", nil, participant1, `{"importance":1}`, session.CodeInvalid, "actorId"},
		{"empty data", nil, participant1, ``, session.CodeInvalid, "actorId"},
		{"unknown actor", nil, participant1, `{"actorId":"` + idNone + `","importance":1}`, session.CodeNotFound, "actorId"},
		{"nothing given", nil, participant1, `{"actorId":"` + idActorA + `"}`, session.CodeInvalid, ""},
		{"importance 0", nil, participant1, a + `"importance":0}`, session.CodeInvalid, "importance"},
		{"importance 5", nil, participant1, a + `"importance":5}`, session.CodeInvalid, "importance"},
		{"importance -1", nil, participant1, a + `"importance":-1}`, session.CodeInvalid, "importance"},
		{"importance a string", nil, participant1, a + `"importance":"2"}`, session.CodeInvalid, "importance"},
		{"importance a fraction", nil, participant1, a + `"importance":2.5}`, session.CodeInvalid, "importance"},
		{"replaceability a word", nil, participant1, a + `"replaceability":"small"}`, session.CodeInvalid, "replaceability"},
		{"replaceability 5", nil, participant1, a + `"replaceability":5}`, session.CodeInvalid, "replaceability"},
		{"dependency 0", nil, participant1, a + `"dependency":0}`, session.CodeInvalid, "dependency"},
		{"dependency 5 after a good importance", nil, participant1, a + `"importance":2,"dependency":5}`, session.CodeInvalid, "dependency"},
		{"unknown field", nil, participant1, a + `"importance":2,"rank":1}`, session.CodeInvalid, "rank"},
		{"form dimension 101", nil, participant1, six(0, "101"), session.CodeInvalid, "form"},
		{"form dimension -1", nil, participant1, six(5, "-1"), session.CodeInvalid, "form"},
		{"form dimension a fraction", nil, participant1, six(2, "50.5"), session.CodeInvalid, "form"},
		{"form dimension a string", nil, participant1, six(3, `"50"`), session.CodeInvalid, "form"},
		{"form dimension null", nil, participant1, six(4, "null"), session.CodeInvalid, "form"},
		{"form missing a dimension", nil, participant1, a + `"form":{"interests":1,"factualDecisions":2,"formalDecisions":3,"resources":4,"engagement":5}}`, session.CodeInvalid, "form"},
		{"form empty", nil, participant1, a + `"form":{}}`, session.CodeInvalid, "form"},
		{"form unknown dimension", nil, participant1, a + `"form":{"interests":1,"factualDecisions":2,"formalDecisions":3,"resources":4,"engagement":5,"identification":6,"trust":7}}`, session.CodeInvalid, "form"},
		{"form a list", nil, participant1, a + `"form":[1,2,3,4,5,6]}`, session.CodeInvalid, "form"},
		{"form a word", nil, participant1, a + `"form":"network"}`, session.CodeInvalid, "form"},
		{"form a number", nil, participant1, a + `"form":50}`, session.CodeInvalid, "form"},
		{"not an object", nil, participant1, `[]`, session.CodeInvalid, "*"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := tt.s
			if s == nil {
				s = fixture(t)
			}
			u, err := session.DecodeEstimate(s, tt.caller, []byte(tt.data))
			wantError(t, fmt.Sprintf("DecodeEstimate(%s)", tt.data), err, tt.code, tt.field)
			if u.ActorID != "" {
				t.Errorf("result %+v with an error", u)
			}
		})
	}
}

func TestAggregate(t *testing.T) {
	f := func(a, b, c, d, e, g int) *session.Form {
		return &session.Form{Interests: a, FactualDecisions: b, FormalDecisions: c, Resources: d, Engagement: e, Identification: g}
	}
	tests := []struct {
		name string
		es   []session.Estimate
		want string
	}{
		{"none", nil, `{"type":"estimates","actorId":"A","n":0}`},
		{"only empty estimates", []session.Estimate{{}, {}}, `{"type":"estimates","actorId":"A","n":0}`},
		{"one", []session.Estimate{{Importance: 3}},
			`{"type":"estimates","actorId":"A","n":1,"importance":{"mean":3,"min":3,"max":3}}`},
		{"mean rounded to 2 decimals", []session.Estimate{{Importance: 1}, {Importance: 2}, {Importance: 2}},
			`{"type":"estimates","actorId":"A","n":3,"importance":{"mean":1.67,"min":1,"max":2}}`},
		{"mean rounded up and down", []session.Estimate{{Dependency: 1}, {Dependency: 1}, {Dependency: 2}, {Replaceability: 4}, {Replaceability: 1}},
			`{"type":"estimates","actorId":"A","n":5,"replaceability":{"mean":2.5,"min":1,"max":4},"dependency":{"mean":1.33,"min":1,"max":2}}`},
		{"fields counted apart", []session.Estimate{
			{Importance: 4, Form: f(0, 100, 50, 20, 10, 0)},
			{Replaceability: 1},
			{Dependency: 3, Importance: 2, Form: f(100, 0, 51, 21, 10, 1)},
			{},
			{Form: f(50, 50, 50, 20, 10, 1)},
		}, `{"type":"estimates","actorId":"A","n":4,"importance":{"mean":3,"min":2,"max":4},"replaceability":{"mean":1,"min":1,"max":1},` +
			`"dependency":{"mean":3,"min":3,"max":3},"form":{"interests":50,"factualDecisions":50,"formalDecisions":50.33,"resources":20.33,"engagement":10,"identification":0.67},"position":{"mean":30.22,"min":30,"max":30.5}}`},
		{"form only", []session.Estimate{{Form: f(0, 0, 0, 0, 0, 0)}},
			`{"type":"estimates","actorId":"A","n":1,"form":{"interests":0,"factualDecisions":0,"formalDecisions":0,"resources":0,"engagement":0,"identification":0},"position":{"mean":0,"min":0,"max":0}}`},
		{"places far apart", []session.Estimate{{Form: f(0, 0, 0, 0, 0, 0)}, {Form: f(100, 100, 100, 100, 100, 100)}, {Form: f(90, 80, 70, 60, 50, 40)}},
			`{"type":"estimates","actorId":"A","n":3,"form":{"interests":63.33,"factualDecisions":60,"formalDecisions":56.67,"resources":53.33,"engagement":50,"identification":46.67},"position":{"mean":55,"min":0,"max":100}}`},
		{"min and max over many", []session.Estimate{{Importance: 2}, {Importance: 4}, {Importance: 1}, {Importance: 3}},
			`{"type":"estimates","actorId":"A","n":4,"importance":{"mean":2.5,"min":1,"max":4}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := js(t, session.Aggregate("A", tt.es)); got != tt.want {
				t.Errorf("Aggregate = %s\nwant        %s", got, tt.want)
			}
		})
	}
}

func TestMergeEstimate(t *testing.T) {
	fa, fb := &session.Form{Interests: 10}, &session.Form{Interests: 90}
	tests := []struct {
		name       string
		from, into session.Estimate
		want       session.Estimate
	}{
		{"into wins", session.Estimate{Importance: 1, Replaceability: 1, Dependency: 1, Form: fa},
			session.Estimate{Importance: 4, Replaceability: 4, Dependency: 4, Form: fb},
			session.Estimate{Importance: 4, Replaceability: 4, Dependency: 4, Form: fb}},
		{"from fills", session.Estimate{Importance: 1, Replaceability: 2, Dependency: 3, Form: fa}, session.Estimate{},
			session.Estimate{Importance: 1, Replaceability: 2, Dependency: 3, Form: fa}},
		{"mixed", session.Estimate{Importance: 1, Dependency: 3}, session.Estimate{Importance: 2, Replaceability: 4, Form: fb},
			session.Estimate{Importance: 2, Replaceability: 4, Dependency: 3, Form: fb}},
		{"both empty", session.Estimate{}, session.Estimate{}, session.Estimate{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := session.MergeEstimate(tt.from, tt.into)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("MergeEstimate = %s, want %s", js(t, got), js(t, tt.want))
			}
			if got.Form != nil && got.Form == tt.from.Form {
				t.Error("the merged estimate shares from's form")
			}
		})
	}
}

func TestEstimateJSON(t *testing.T) {
	tests := []struct {
		e    session.Estimate
		want string
	}{
		{session.Estimate{}, `{}`},
		{session.Estimate{Importance: 2, Form: &session.Form{Identification: 5}},
			`{"importance":2,"form":{"interests":0,"factualDecisions":0,"formalDecisions":0,"resources":0,"engagement":0,"identification":5}}`},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := js(t, tt.e); got != tt.want {
				t.Errorf("= %s, want %s", got, tt.want)
			}
			var back session.Estimate
			if err := json.Unmarshal([]byte(tt.want), &back); err != nil || !reflect.DeepEqual(back, tt.e) {
				t.Errorf("round trip = %+v, %v", back, err)
			}
			if back.Empty() != (tt.want == `{}`) {
				t.Errorf("Empty() = %v", back.Empty())
			}
		})
	}
}
