package session_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/arena-workshop/arena/session"
)

func ptr[T any](v T) *T { return &v }

// TestApplyOps runs every op once or more on the fixture and checks the new state, the
// event name, author and payload (applyOK checks the input was not changed and the replay).
func TestApplyOps(t *testing.T) {
	type check func(tb testing.TB, old *session.State, r session.Result)
	tests := []struct {
		name   string
		prep   func(tb testing.TB, s *session.State) *session.State // optional
		caller session.Caller
		op     string
		data   string
		event  string // "" for no event
		check  check
	}{
		{
			name: "workshop.update title only", caller: facilitator, op: session.OpWorkshopUpdate,
			data: `{"title":"  Samen tegen eenzaamheid  "}`, event: session.EvWorkshopUpdated,
			check: func(tb testing.TB, old *session.State, r session.Result) {
				want := &session.WorkshopData{Title: "Samen tegen eenzaamheid", Issue: "Eenzaamheid", Goal: "Minder eenzaamheid", Locale: "nl"}
				if !reflect.DeepEqual(r.Event.Data, want) {
					tb.Errorf("payload = %+v, want %+v", r.Event.Data, want)
				}
				if s := r.State; s.Title != want.Title || s.Issue != want.Issue || s.Goal != want.Goal || s.Locale != "nl" {
					tb.Errorf("state = %q %q %q %q", s.Title, s.Issue, s.Goal, s.Locale)
				}
			},
		},
		{
			name: "workshop.update all four", caller: facilitator, op: session.OpWorkshopUpdate,
			data:  `{"title":"T","issue":" regel 1\n\tregel 2 ","goal":"","locale":"en"}`,
			event: session.EvWorkshopUpdated,
			check: func(tb testing.TB, old *session.State, r session.Result) {
				want := &session.WorkshopData{Title: "T", Issue: "regel 1\n\tregel 2", Goal: "", Locale: "en"}
				if !reflect.DeepEqual(r.Event.Data, want) {
					tb.Errorf("payload = %+v, want %+v", r.Event.Data, want)
				}
				if s := r.State; s.Title != "T" || s.Issue != want.Issue || s.Goal != "" || s.Locale != "en" {
					tb.Errorf("state = %q %q %q %q", s.Title, s.Issue, s.Goal, s.Locale)
				}
			},
		},
		{
			name: "workshop.update nothing given repeats the values", caller: facilitator, op: session.OpWorkshopUpdate,
			data: `{}`, event: session.EvWorkshopUpdated,
			check: func(tb testing.TB, old *session.State, r session.Result) {
				want := &session.WorkshopData{Title: old.Title, Issue: old.Issue, Goal: old.Goal, Locale: old.Locale}
				if !reflect.DeepEqual(r.Event.Data, want) {
					tb.Errorf("payload = %+v, want %+v", r.Event.Data, want)
				}
			},
		},
		{
			name: "step.set", caller: facilitator, op: session.OpStepSet, data: `{"step":3}`, event: session.EvStepChanged,
			check: func(tb testing.TB, old *session.State, r session.Result) {
				if !reflect.DeepEqual(r.Event.Data, &session.StepData{Step: 3}) || r.State.Step != 3 {
					tb.Errorf("payload %+v, step %d; want 3", r.Event.Data, r.State.Step)
				}
			},
		},
		{
			name: "lock.set true", caller: facilitator, op: session.OpLockSet, data: `{"locked":true}`, event: session.EvLockChanged,
			check: func(tb testing.TB, old *session.State, r session.Result) {
				if !reflect.DeepEqual(r.Event.Data, &session.LockData{Locked: true}) || !r.State.Locked {
					tb.Errorf("payload %+v, locked %v", r.Event.Data, r.State.Locked)
				}
			},
		},
		{
			name: "lock.set false", caller: facilitator, op: session.OpLockSet, data: `{"locked":false}`, event: session.EvLockChanged,
			prep: func(tb testing.TB, s *session.State) *session.State {
				return must(tb, s, facilitator, session.OpLockSet, `{"locked":true}`)
			},
			check: func(tb testing.TB, old *session.State, r session.Result) {
				if !reflect.DeepEqual(r.Event.Data, &session.LockData{Locked: false}) || r.State.Locked {
					tb.Errorf("payload %+v, locked %v", r.Event.Data, r.State.Locked)
				}
			},
		},
		{
			name: "projector.set", caller: facilitator, op: session.OpProjectorSet, data: `{"view":"guide"}`, event: session.EvProjectorChanged,
			check: func(tb testing.TB, old *session.State, r session.Result) {
				if !reflect.DeepEqual(r.Event.Data, &session.ProjectorData{View: "guide"}) || r.State.Projector != "guide" || old.Projector != "" {
					tb.Errorf("payload %+v, projector %q (was %q)", r.Event.Data, r.State.Projector, old.Projector)
				}
			},
		},
		{
			name: "timer.set starts", caller: facilitator, op: session.OpTimerSet, data: `{"seconds":300}`, event: session.EvTimerChanged,
			check: func(tb testing.TB, old *session.State, r session.Result) {
				want := &session.Timer{EndsAt: testNow + 300_000}
				if !reflect.DeepEqual(r.Event.Data, &session.TimerData{Timer: want}) || !reflect.DeepEqual(r.State.Timer, want) {
					tb.Errorf("payload %+v, timer %+v; want %+v", r.Event.Data, r.State.Timer, want)
				}
			},
		},
		{
			name: "timer.set null stops", caller: facilitator, op: session.OpTimerSet, data: `{"seconds":null}`, event: session.EvTimerChanged,
			prep: func(tb testing.TB, s *session.State) *session.State {
				return must(tb, s, facilitator, session.OpTimerSet, `{"seconds":60}`)
			},
			check: func(tb testing.TB, old *session.State, r session.Result) {
				if old.Timer == nil {
					tb.Fatal("prep did not start the timer")
				}
				if !reflect.DeepEqual(r.Event.Data, &session.TimerData{}) || r.State.Timer != nil {
					tb.Errorf("payload %+v, timer %+v; want none", r.Event.Data, r.State.Timer)
				}
			},
		},
		{
			name: "actor.add by a participant with id and every field", caller: participant1, op: session.OpActorAdd,
			data: `{"id":"dddddddd-0000-4000-8000-000000000001","name":"  Buurthuis ","category":"context","resources":"ruimte\nvrijwilligers","importance":3,` +
				`"replaceability":"ratherSmall","replaceableBy":"Bibliotheek","dependency":"ratherLarge","form":"adhoc"}`,
			event: session.EvActorAdded,
			check: func(tb testing.TB, old *session.State, r session.Result) {
				want := &session.Actor{
					ID: "dddddddd-0000-4000-8000-000000000001", Name: "Buurthuis", Category: "context",
					Resources: "ruimte\nvrijwilligers", Importance: 3, Replaceability: "ratherSmall",
					ReplaceableBy: "Bibliotheek", Dependency: "ratherLarge", Form: "adhoc", CreatedBy: idP1, Version: 1,
				}
				if !reflect.DeepEqual(r.Event.Data, &session.ActorData{Actor: want}) {
					tb.Errorf("payload %+v, want %+v", r.Event.Data.(*session.ActorData).Actor, want)
				}
				if r.ID != want.ID {
					tb.Errorf("ID = %q, want %q", r.ID, want.ID)
				}
				if n := len(r.State.Actors); n != len(old.Actors)+1 || !reflect.DeepEqual(r.State.Actors[n-1], want) {
					tb.Errorf("actors %d, last %+v; want it appended", n, r.State.Actors[n-1])
				}
			},
		},
		{
			name: "actor.add without id gets a new one", caller: facilitator, op: session.OpActorAdd,
			data: `{"name":"Kerk"}`, event: session.EvActorAdded,
			check: func(tb testing.TB, old *session.State, r session.Result) {
				want := &session.Actor{ID: genID(1), Name: "Kerk", CreatedBy: idFac, Version: 1}
				if r.ID != genID(1) || !reflect.DeepEqual(r.Event.Data, &session.ActorData{Actor: want}) {
					tb.Errorf("ID %q, payload %+v; want %+v", r.ID, r.Event.Data.(*session.ActorData).Actor, want)
				}
				if a, _ := r.State.Actor(genID(1)); !reflect.DeepEqual(a, want) {
					tb.Errorf("state actor %+v, want %+v", a, want)
				}
			},
		},
		{
			name: "actor.add upper-case id is stored canonical", caller: facilitator, op: session.OpActorAdd,
			data: `{"id":"DDDDDDDD-0000-4000-8000-00000000000F","name":"Kerk"}`, event: session.EvActorAdded,
			check: func(tb testing.TB, old *session.State, r session.Result) {
				if id := "dddddddd-0000-4000-8000-00000000000f"; r.ID != id || actor(tb, r.State, id).Name != "Kerk" {
					tb.Errorf("ID %q, want %q", r.ID, id)
				}
			},
		},
		{
			name: "actor.update by a participant sets only the given fields", caller: participant2, op: session.OpActorUpdate,
			data: `{"id":"` + idActorB + `","name":" Woonstichting ","importance":3,"category":""}`, event: session.EvActorUpdated,
			check: func(tb testing.TB, old *session.State, r session.Result) {
				want := *actor(tb, old, idActorB)
				want.Name, want.Importance, want.Category = "Woonstichting", 3, ""
				want.Version++
				if !reflect.DeepEqual(r.Event.Data, &session.ActorData{Actor: &want}) {
					tb.Errorf("payload %+v, want %+v", r.Event.Data.(*session.ActorData).Actor, want)
				}
				if got := actor(tb, r.State, idActorB); !reflect.DeepEqual(*got, want) {
					tb.Errorf("state %+v, want %+v", got, want)
				}
				if len(r.State.Actors) != len(old.Actors) || r.State.Actors[1].ID != idActorB {
					tb.Error("update moved or added an actor")
				}
			},
		},
		{
			name: "actor.update null clears an optional field", caller: facilitator, op: session.OpActorUpdate,
			data: `{"id":"` + idActorB + `","replaceableBy":null,"importance":null,"form":null}`, event: session.EvActorUpdated,
			check: func(tb testing.TB, old *session.State, r session.Result) {
				a := actor(tb, r.State, idActorB)
				if a.ReplaceableBy != "" || a.Importance != 0 || a.Form != "" || a.Version != actor(tb, old, idActorB).Version+1 {
					tb.Errorf("actor %+v, want replaceableBy, importance, form cleared", a)
				}
			},
		},
		{
			name: "actor.update with the values it has answers ok without event", caller: participant1, op: session.OpActorUpdate,
			data: `{"id":"` + idActorB + `","name":"Woningcorporatie","importance":2}`,
			check: func(tb testing.TB, old *session.State, r session.Result) {
				if r.State != old {
					tb.Error("state pointer changed")
				}
			},
		},
		{
			name: "actor.remove compacts the ranks", caller: facilitator, op: session.OpActorRemove,
			data: `{"id":"` + idActorB + `"}`, event: session.EvActorRemoved,
			check: func(tb testing.TB, old *session.State, r session.Result) {
				if !reflect.DeepEqual(r.Event.Data, &session.IDData{ID: idActorB}) {
					tb.Errorf("payload %+v", r.Event.Data)
				}
				if a, _ := r.State.Actor(idActorB); a != nil || len(r.State.Actors) != 2 {
					tb.Fatalf("actor B still there: %d actors", len(r.State.Actors))
				}
				if a, c := actor(tb, r.State, idActorA), actor(tb, r.State, idActorC); a.Rank != 1 || c.Rank != 2 {
					tb.Errorf("ranks A %d, C %d; want 1, 2", a.Rank, c.Rank)
				}
			},
		},
		{
			name: "actor.merge fills the kept actor", caller: facilitator, op: session.OpActorMerge,
			data: `{"id":"` + idActorB + `","into":"` + idActorA + `"}`, event: session.EvActorMerged,
			check: func(tb testing.TB, old *session.State, r session.Result) {
				a := *actor(tb, old, idActorA)
				a.Resources = "geld\nmensen"  // both had some: joined
				a.Replaceability = "small"    // A had none
				a.ReplaceableBy = "Provincie" // A had none
				a.Form = "network"            // A had none
				a.Selected = true             // B was selected
				a.Version++                   // the merge
				// kept: name, category core, importance 4, dependency large, rank 1
				want := &session.MergeData{ID: idActorB, Into: idActorA, Actor: &a}
				if !reflect.DeepEqual(r.Event.Data, want) {
					tb.Errorf("payload %+v, want %+v", r.Event.Data.(*session.MergeData).Actor, a)
				}
				if got := actor(tb, r.State, idActorA); !reflect.DeepEqual(*got, a) {
					tb.Errorf("kept actor %+v, want %+v", got, a)
				}
				if b, _ := r.State.Actor(idActorB); b != nil {
					tb.Error("merged actor still there")
				}
				if c := actor(tb, r.State, idActorC); c.Rank != 2 {
					tb.Errorf("rank of C = %d, want 2", c.Rank)
				}
			},
		},
		{
			name: "actor.select", caller: facilitator, op: session.OpActorSelect,
			data: `{"id":"` + idActorA + `","selected":true}`, event: session.EvActorUpdated,
			check: func(tb testing.TB, old *session.State, r session.Result) {
				want := *actor(tb, old, idActorA)
				want.Selected = true
				want.Version++
				if !reflect.DeepEqual(r.Event.Data, &session.ActorData{Actor: &want}) || !reflect.DeepEqual(*actor(tb, r.State, idActorA), want) {
					tb.Errorf("payload %+v, state %+v; want %+v", r.Event.Data, actor(tb, r.State, idActorA), want)
				}
			},
		},
		{
			name: "actor.select deselect", caller: facilitator, op: session.OpActorSelect,
			data: `{"id":"` + idActorB + `","selected":false}`, event: session.EvActorUpdated,
			check: func(tb testing.TB, old *session.State, r session.Result) {
				if b := actor(tb, r.State, idActorB); b.Selected || b.Version != actor(tb, old, idActorB).Version+1 {
					tb.Errorf("B %+v, want deselected, version +1", b)
				}
			},
		},
		{
			name: "actor.select unchanged answers ok without event", caller: facilitator, op: session.OpActorSelect,
			data: `{"id":"` + idActorB + `","selected":true}`,
			check: func(tb testing.TB, old *session.State, r session.Result) {
				if r.State != old {
					tb.Error("state pointer changed")
				}
			},
		},
		{
			name: "ranking.set leaves actors not in order at 0", caller: facilitator, op: session.OpRankingSet,
			data: `{"order":["` + idActorC + `","` + idActorA + `"]}`, event: session.EvRankingChanged,
			check: func(tb testing.TB, old *session.State, r session.Result) {
				want := &session.RankingData{Ranks: map[string]int{idActorC: 1, idActorA: 2}}
				if !reflect.DeepEqual(r.Event.Data, want) {
					tb.Errorf("payload %+v, want %+v", r.Event.Data, want)
				}
				for id, rank := range map[string]int{idActorA: 2, idActorB: 0, idActorC: 1} {
					a := actor(tb, r.State, id)
					if a.Rank != rank {
						tb.Errorf("rank of %s = %d, want %d", id, a.Rank, rank)
					}
					if o := actor(tb, old, id); (o.Rank != rank) != (a.Version == o.Version+1) || a.Version < o.Version {
						tb.Errorf("version of %s %d -> %d; want +1 only when its rank changed", id, o.Version, a.Version)
					}
				}
			},
		},
		{
			name: "ranking.set empty order clears the ranking", caller: facilitator, op: session.OpRankingSet,
			data: `{"order":[]}`, event: session.EvRankingChanged,
			check: func(tb testing.TB, old *session.State, r session.Result) {
				for _, a := range r.State.Actors {
					if a.Rank != 0 {
						tb.Errorf("rank of %s = %d, want 0", a.Name, a.Rank)
					}
				}
			},
		},
		{
			name: "followup.update by a participant", caller: participant1, op: session.OpFollowUpUpdate,
			data: `{"actorId":"` + idActorB + `","owner":"` + idP1 + `","status":"contacted","assessmentRight":true,` +
				`"interest":"high","willingness":"low","notes":"  belde 3 mei\n\tterugbellen  "}`,
			event: session.EvActorUpdated,
			check: func(tb testing.TB, old *session.State, r session.Result) {
				want := *actor(tb, old, idActorB)
				want.FollowUp = session.FollowUp{Owner: idP1, Status: "contacted", AssessmentRight: ptr(true),
					Interest: "high", Willingness: "low", Notes: "belde 3 mei\n\tterugbellen"}
				want.Version++
				if !reflect.DeepEqual(r.Event.Data, &session.ActorData{Actor: &want}) {
					tb.Errorf("payload %+v, want %+v", r.Event.Data.(*session.ActorData).Actor, want)
				}
				if got := actor(tb, r.State, idActorB); !reflect.DeepEqual(*got, want) {
					tb.Errorf("state %+v, want %+v", got, want)
				}
			},
		},
		{
			name: "followup.update sets only the given fields, null clears", caller: facilitator, op: session.OpFollowUpUpdate,
			prep: func(tb testing.TB, s *session.State) *session.State {
				return must(tb, s, facilitator, session.OpFollowUpUpdate,
					`{"actorId":"`+idActorA+`","owner":"`+idP2+`","status":"todo","assessmentRight":false,"notes":"n"}`)
			},
			data: `{"actorId":"` + idActorA + `","assessmentRight":null,"status":"agreed","owner":""}`, event: session.EvActorUpdated,
			check: func(tb testing.TB, old *session.State, r session.Result) {
				want := session.FollowUp{Status: "agreed", Notes: "n"}
				if got := actor(tb, r.State, idActorA).FollowUp; !reflect.DeepEqual(got, want) {
					tb.Errorf("followUp %+v, want %+v", got, want)
				}
			},
		},
		{
			name: "criterion.add without id", caller: facilitator, op: session.OpCriterionAdd,
			data: `{"text":"  Heeft middelen "}`, event: session.EvCriterionAdded,
			check: func(tb testing.TB, old *session.State, r session.Result) {
				want := &session.Criterion{ID: genID(1), Text: "Heeft middelen"}
				if r.ID != want.ID || !reflect.DeepEqual(r.Event.Data, &session.CriterionData{Criterion: want}) {
					tb.Errorf("ID %q, payload %+v; want %+v", r.ID, r.Event.Data, want)
				}
				if n := len(r.State.Criteria); n != 3 || !reflect.DeepEqual(r.State.Criteria[2], want) {
					tb.Errorf("criteria %d, want the new one last", n)
				}
			},
		},
		{
			name: "criterion.add with id", caller: facilitator, op: session.OpCriterionAdd,
			data: `{"id":"cccccccc-0000-4000-8000-000000000009","text":"Wil"}`, event: session.EvCriterionAdded,
			check: func(tb testing.TB, old *session.State, r session.Result) {
				if r.ID != "cccccccc-0000-4000-8000-000000000009" || r.State.Criteria[2].Text != "Wil" {
					tb.Errorf("ID %q, criteria %+v", r.ID, r.State.Criteria)
				}
			},
		},
		{
			name: "criterion.update", caller: facilitator, op: session.OpCriterionUpdate,
			data: `{"id":"` + idCrit1 + `","text":" Breed draagvlak "}`, event: session.EvCriterionUpdated,
			check: func(tb testing.TB, old *session.State, r session.Result) {
				want := &session.Criterion{ID: idCrit1, Text: "Breed draagvlak"}
				if !reflect.DeepEqual(r.Event.Data, &session.CriterionData{Criterion: want}) {
					tb.Errorf("payload %+v", r.Event.Data)
				}
				if !reflect.DeepEqual(r.State.Criteria, []*session.Criterion{want, old.Criteria[1]}) {
					tb.Errorf("criteria %+v", r.State.Criteria)
				}
			},
		},
		{
			name: "criterion.remove", caller: facilitator, op: session.OpCriterionRemove,
			data: `{"id":"` + idCrit1 + `"}`, event: session.EvCriterionRemoved,
			check: func(tb testing.TB, old *session.State, r session.Result) {
				if !reflect.DeepEqual(r.Event.Data, &session.IDData{ID: idCrit1}) {
					tb.Errorf("payload %+v", r.Event.Data)
				}
				if !reflect.DeepEqual(r.State.Criteria, []*session.Criterion{old.Criteria[1]}) {
					tb.Errorf("criteria %+v", r.State.Criteria)
				}
			},
		},
		{
			name: "participant.rename own name", caller: participant1, op: session.OpParticipantRename,
			data: `{"name":"  Pieter  "}`, event: session.EvParticipantUpdated,
			check: func(tb testing.TB, old *session.State, r session.Result) {
				want := &session.Participant{ID: idP1, Name: "Pieter", Role: session.RoleParticipant}
				if !reflect.DeepEqual(r.Event.Data, &session.ParticipantData{Participant: want}) {
					tb.Errorf("payload %+v", r.Event.Data)
				}
				if got := r.State.Participant(idP1); !reflect.DeepEqual(got, want) || r.State.Participants[1].ID != idP1 {
					tb.Errorf("participant %+v, want %+v in place", got, want)
				}
				if r.State.Participant(idP2).Name != "Ans" {
					tb.Error("another participant was renamed")
				}
			},
		},
		{
			name: "participant.rename by the facilitator", caller: facilitator, op: session.OpParticipantRename,
			data: `{"name":"Fientje"}`, event: session.EvParticipantUpdated,
			check: func(tb testing.TB, old *session.State, r session.Result) {
				if p := r.State.Participant(idFac); p.Name != "Fientje" || p.Role != session.RoleFacilitator {
					tb.Errorf("facilitator %+v", p)
				}
			},
		},
		{
			name: "participant.remove", caller: facilitator, op: session.OpParticipantRemove,
			data: `{"participantId":"` + idP2 + `"}`, event: session.EvParticipantRemoved,
			check: func(tb testing.TB, old *session.State, r session.Result) {
				if !reflect.DeepEqual(r.Event.Data, &session.IDData{ID: idP2}) {
					tb.Errorf("payload %+v", r.Event.Data)
				}
				if r.State.Participant(idP2) != nil || len(r.State.Participants) != 2 {
					tb.Errorf("participants %+v", r.State.Participants)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := fixture(t)
			if tt.prep != nil {
				s = tt.prep(t, s)
			}
			r := applyOK(t, s, tt.caller, tt.op, tt.data)
			switch {
			case tt.event == "" && r.Event != nil:
				t.Fatalf("event %s, want none", r.Event.Name)
			case tt.event != "" && r.Event == nil:
				t.Fatalf("no event, want %s", tt.event)
			case r.Event != nil && (r.Event.Name != tt.event || r.Event.By != tt.caller.ID):
				t.Fatalf("event %s by %q, want %s by %q", r.Event.Name, r.Event.By, tt.event, tt.caller.ID)
			}
			tt.check(t, s, r)
		})
	}
}

func TestJoin(t *testing.T) {
	tests := []struct {
		name string
		p    session.Participant
		want session.Participant
	}{
		{"participant", session.Participant{ID: "p3", Name: "  Jan  ", Role: session.RoleParticipant}, session.Participant{ID: "p3", Name: "Jan", Role: session.RoleParticipant}},
		{"second facilitator", session.Participant{ID: "f2", Name: "Co", Role: session.RoleFacilitator}, session.Participant{ID: "f2", Name: "Co", Role: session.RoleFacilitator}},
		{"name at the limit in emoji", session.Participant{ID: "p4", Name: strings.Repeat("🙂", session.MaxName), Role: session.RoleParticipant}, session.Participant{ID: "p4", Name: strings.Repeat("🙂", session.MaxName), Role: session.RoleParticipant}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := emptyState(t)
			before := encode(t, s)
			r, err := session.Join(s, tt.p)
			if err != nil {
				t.Fatal(err)
			}
			if encode(t, s) != before {
				t.Fatal("Join changed its input state")
			}
			if r.ID != tt.want.ID || r.Event == nil || r.Event.Name != session.EvParticipantJoined || r.Event.By != tt.want.ID {
				t.Fatalf("result %+v, event %+v", r, r.Event)
			}
			if !reflect.DeepEqual(r.Event.Data, &session.ParticipantData{Participant: &tt.want}) {
				t.Errorf("payload %+v, want %+v", r.Event.Data, tt.want)
			}
			if n := len(r.State.Participants); n != 4 || !reflect.DeepEqual(*r.State.Participants[3], tt.want) {
				t.Errorf("participants %+v, want %+v last", r.State.Participants, tt.want)
			}
			checkReplay(t, s, r)
		})
	}

	t.Run("known id answers ok without event", func(t *testing.T) {
		s := emptyState(t)
		r, err := session.Join(s, session.Participant{ID: idP1, Name: "Other", Role: session.RoleParticipant})
		if err != nil {
			t.Fatal(err)
		}
		if r.State != s || r.Event != nil || r.ID != idP1 || s.Participant(idP1).Name != "Piet" {
			t.Errorf("result %+v", r)
		}
	})

	errs := []struct {
		name  string
		p     session.Participant
		field string
	}{
		{"empty name", session.Participant{ID: "x", Name: "", Role: session.RoleParticipant}, "name"},
		{"blank name", session.Participant{ID: "x", Name: " \t ", Role: session.RoleParticipant}, "name"},
		{"name 41 characters", session.Participant{ID: "x", Name: strings.Repeat("é", session.MaxName+1), Role: session.RoleParticipant}, "name"},
		{"name with newline", session.Participant{ID: "x", Name: "a\nb", Role: session.RoleParticipant}, "name"},
		{"viewer", session.Participant{ID: "x", Name: "V", Role: session.RoleViewer}, "role"},
		{"no role", session.Participant{ID: "x", Name: "V"}, "role"},
	}
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) {
			s := emptyState(t)
			before := encode(t, s)
			r, err := session.Join(s, tt.p)
			checkErr(t, "Join", s, before, r, err, session.CodeInvalid, tt.field)
		})
	}
}
