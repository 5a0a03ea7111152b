package session

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
)

// Op names, as PROTOCOL.md names them.
const (
	OpWorkshopUpdate    = "workshop.update"
	OpStepSet           = "step.set"
	OpLockSet           = "lock.set"
	OpTimerSet          = "timer.set"
	OpActorAdd          = "actor.add"
	OpActorUpdate       = "actor.update"
	OpActorRemove       = "actor.remove"
	OpActorMerge        = "actor.merge"
	OpActorSelect       = "actor.select"
	OpRankingSet        = "ranking.set"
	OpFollowUpUpdate    = "followup.update"
	OpCriterionAdd      = "criterion.add"
	OpCriterionUpdate   = "criterion.update"
	OpCriterionRemove   = "criterion.remove"
	OpParticipantRename = "participant.rename"
	OpParticipantRemove = "participant.remove"
	OpRoundOpen         = "round.open"
	OpRoundClose        = "round.close"
	OpProjectorSet      = "projector.set"
)

// Ops that change no state and that Apply does not handle: the engine keeps ballots and
// estimates per participant and decides them with CastVote and DecodeEstimate.
const (
	OpVoteCast    = "vote.cast"
	OpEstimateSet = "estimate.set"
)

// Caller is who sends an op: a participant id and its role.
type Caller struct {
	ID   string
	Role string
}

// Env is what Apply needs from outside and must not find for itself: the time, new ids
// for what an op creates without naming it, and the ballots the engine keeps.
type Env struct {
	Now   int64         // Unix milliseconds
	NewID func() string // a fresh unique id (a UUID)
	// Ballots returns the ballots of a round (participant id → ballot) for its final tally
	// on round.close; nil means there are none.
	Ballots func(roundID string) map[string]Ballot
}

// Result is what an op did. Event is nil when the op changed nothing and produces no
// event (an add whose id exists already); ID names what an add created.
type Result struct {
	State *State
	Event *Event
	ID    string
}

type opSpec struct {
	facilitatorOnly bool
	lockable        bool // refused with "locked" for participants while the workshop is locked
	apply           func(s *State, c Caller, data []byte, env Env) (Result, error)
}

var ops = map[string]opSpec{
	OpWorkshopUpdate:    {facilitatorOnly: true, apply: workshopUpdate},
	OpStepSet:           {facilitatorOnly: true, apply: stepSet},
	OpLockSet:           {facilitatorOnly: true, apply: lockSet},
	OpTimerSet:          {facilitatorOnly: true, apply: timerSet},
	OpActorAdd:          {lockable: true, apply: actorAdd},
	OpActorUpdate:       {lockable: true, apply: actorUpdate},
	OpActorRemove:       {facilitatorOnly: true, apply: actorRemove},
	OpActorMerge:        {facilitatorOnly: true, apply: actorMerge},
	OpActorSelect:       {facilitatorOnly: true, apply: actorSelect},
	OpRankingSet:        {facilitatorOnly: true, apply: rankingSet},
	OpFollowUpUpdate:    {lockable: true, apply: followUpUpdate},
	OpCriterionAdd:      {facilitatorOnly: true, apply: criterionAdd},
	OpCriterionUpdate:   {facilitatorOnly: true, apply: criterionUpdate},
	OpCriterionRemove:   {facilitatorOnly: true, apply: criterionRemove},
	OpParticipantRename: {apply: participantRename},
	OpParticipantRemove: {facilitatorOnly: true, apply: participantRemove},
	OpRoundOpen:         {facilitatorOnly: true, apply: roundOpen},
	OpRoundClose:        {facilitatorOnly: true, apply: roundClose},
	OpProjectorSet:      {facilitatorOnly: true, apply: projectorSet},
}

// text.edit follows the rules of the op that sets its text (textAllowed); registered
// here, after ops exists, since it reads ops.
func init() { ops[OpTextEdit] = opSpec{apply: textEdit} }

// KnownOp reports whether name is an op that Apply handles.
func KnownOp(name string) bool { _, ok := ops[name]; return ok }

// Apply decides op name with data, sent by c, against s: it checks permission and lock,
// validates and returns the new state with the event, or an *Error and changes nothing.
// It never writes to s.
func Apply(s *State, c Caller, name string, data []byte, env Env) (Result, error) {
	spec, ok := ops[name]
	if !ok {
		return Result{}, &Error{Code: CodeBadMessage, Message: fmt.Sprintf("unknown op %q", name), Field: "op"}
	}
	switch {
	case c.Role == RoleViewer:
		return Result{}, Errorf(CodeForbidden, "a viewer cannot change the workshop")
	case c.Role != RoleFacilitator && c.Role != RoleParticipant:
		return Result{}, Errorf(CodeForbidden, "unknown role %q", c.Role)
	case spec.facilitatorOnly && c.Role != RoleFacilitator:
		return Result{}, Errorf(CodeForbidden, "only the facilitator can %s", name)
	case s.Participant(c.ID) == nil:
		return Result{}, Errorf(CodeForbidden, "not a participant of this workshop")
	case spec.lockable && s.Locked && c.Role != RoleFacilitator:
		return Result{}, Errorf(CodeLocked, "the facilitator has locked the table")
	}
	return spec.apply(s, c, data, env)
}

// emit applies ev to s and returns the result.
func emit(s *State, ev Event, id string) (Result, error) {
	n, err := ApplyEvent(s, ev)
	if err != nil {
		return Result{}, err
	}
	return Result{State: n, Event: &ev, ID: id}, nil
}

// decode reads op data strictly: unknown fields and wrong types are invalid. Empty data
// (or only white space) is an empty object.
func decode(data []byte, v any) error {
	if len(bytes.TrimSpace(data)) == 0 {
		data = []byte("{}")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil {
		if _, err2 := dec.Token(); err2 != io.EOF {
			return invalid("", "data must be a single JSON object")
		}
		return nil
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		if te.Field == "" {
			return invalid("", "data must be a JSON object")
		}
		return invalid(te.Field, "%s must be %s", te.Field, kindName(te.Type))
	}
	if msg := err.Error(); strings.HasPrefix(msg, "json: unknown field ") {
		f := strings.Trim(strings.TrimPrefix(msg, "json: unknown field "), `"`)
		return invalid(f, "unknown field %q", f)
	}
	var fe *Error
	if errors.As(err, &fe) {
		return fe
	}
	return invalid("", "data is not a valid JSON object: %v", err)
}

// kindName names a Go type the way a client author thinks of JSON.
func kindName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Int, reflect.Int64, reflect.Uint64, reflect.Float64:
		return "a whole number"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Slice:
		return "a list"
	case reflect.Pointer:
		return kindName(t.Elem())
	}
	return "an object"
}

// opt is an op field that may be absent, null, or set.
type opt[T any] struct {
	Set  bool // present in the data, null or not
	Null bool
	V    T
}

func (o *opt[T]) UnmarshalJSON(b []byte) error {
	o.Set = true
	if string(b) == "null" {
		o.Null = true
		return nil
	}
	return json.Unmarshal(b, &o.V)
}

func oneOf(field, v string, allowed ...string) error {
	if v == "" {
		return nil
	}
	for _, a := range allowed {
		if v == a {
			return nil
		}
	}
	return invalid(field, "%s must be one of %s, or empty", field, strings.Join(allowed, ", "))
}

func requireID(field, id string) error {
	if id == "" {
		return invalid(field, "%s is required", field)
	}
	return nil
}
