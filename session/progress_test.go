package session_test

import (
	"encoding/json"
	"reflect"
	"strconv"
	"testing"

	"github.com/arena-workshop/arena/session"
)

func TestProgress(t *testing.T) {
	s := fixture(t)
	s = must(t, s, facilitator, session.OpActorAdd, `{"id":"00000000-0000-4000-8000-0000000000aa","name":"Extra"}`)
	ids := make([]string, len(s.Actors))
	for i, a := range s.Actors {
		ids[i] = a.ID
	}
	full := session.Estimate{Importance: 2, Replaceability: 1, Dependency: 4}
	form := &session.Form{Interests: 10}
	every := func(e session.Estimate) map[string]session.Estimate { return map[string]session.Estimate{idP1: e} }
	tests := []struct {
		name string
		est  func() map[string]map[string]session.Estimate
		want map[string]session.ParticipantProgress
	}{
		{"nothing", func() map[string]map[string]session.Estimate { return nil }, map[string]session.ParticipantProgress{}},
		{"all rated", func() map[string]map[string]session.Estimate {
			m := map[string]map[string]session.Estimate{}
			for _, id := range ids {
				m[id] = every(full)
			}
			return m
		}, map[string]session.ParticipantProgress{idP1: {Rated: len(ids)}}},
		{"two of three numbers do not rate", func() map[string]map[string]session.Estimate {
			return map[string]map[string]session.Estimate{ids[0]: every(session.Estimate{Importance: 2, Dependency: 1})}
		}, map[string]session.ParticipantProgress{}},
		{"placed without rating", func() map[string]map[string]session.Estimate {
			return map[string]map[string]session.Estimate{ids[0]: every(session.Estimate{Form: form}), ids[1]: {idP2: {Form: form}, idP1: full}}
		}, map[string]session.ParticipantProgress{idP1: {Rated: 1, Placed: 1}, idP2: {Placed: 1}}},
		{"actors that left and the facilitator do not count", func() map[string]map[string]session.Estimate {
			return map[string]map[string]session.Estimate{"gone-actor": every(full), ids[0]: {idFac: full}}
		}, map[string]session.ParticipantProgress{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := session.Progress(s, tt.est())
			if got.Type != "progress" || got.Actors != len(ids) || !reflect.DeepEqual(got.Counts, tt.want) {
				t.Errorf("Progress = %+v; want %d actors, by %+v", got, len(ids), tt.want)
			}
		})
	}
	b, _ := json.Marshal(session.Progress(s, map[string]map[string]session.Estimate{ids[0]: every(full)}))
	if want := `{"type":"progress","actors":` + strconv.Itoa(len(ids)) + `,"counts":{"` + idP1 + `":{"rated":1,"placed":0}}}`; string(b) != want {
		t.Errorf("encoded %s; want %s", b, want)
	}
}
