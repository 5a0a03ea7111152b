package hub

import (
	"encoding/json"
	"fmt"

	"github.com/arena-workshop/arena/session"
)

// Messages from server to client (PROTOCOL.md). Each is encoded as one JSON object
// without a trailing newline; a frame joins several with '\n'.

type eventMsg struct {
	Type  string          `json:"type"`
	Seq   uint64          `json:"seq"`
	Event string          `json:"event"`
	By    string          `json:"by"`
	Data  json.RawMessage `json:"data"`
}

// EncodeEvent returns the event message for ev at seq: the bytes every client receives.
func EncodeEvent(seq uint64, ev *session.Event) ([]byte, error) {
	data, err := json.Marshal(ev.Data)
	if err != nil {
		return nil, fmt.Errorf("hub: encode event %s: %w", ev.Name, err)
	}
	return json.Marshal(eventMsg{Type: "event", Seq: seq, Event: ev.Name, By: ev.By, Data: data})
}

// DecodeEvent reads an event message back (from a log) into its seq and session event.
func DecodeEvent(b []byte) (uint64, session.Event, error) {
	var m eventMsg
	if err := json.Unmarshal(b, &m); err != nil {
		return 0, session.Event{}, fmt.Errorf("hub: decode event: %w", err)
	}
	ev, err := session.DecodeEvent(m.Event, m.By, m.Data)
	return m.Seq, ev, err
}

// You describes the receiver of a welcome.
type You struct {
	ParticipantID    string `json:"participantId"`
	ParticipantToken string `json:"participantToken"`
	Role             string `json:"role"`
	Name             string `json:"name"`
}

type welcomeMsg struct {
	Type       string             `json:"type"`
	You        You                `json:"you"`
	Seq        uint64             `json:"seq"`
	ServerTime int64              `json:"serverTime"`
	State      *session.State     `json:"state,omitempty"`
	Events     *[]json.RawMessage `json:"events,omitempty"` // a pointer, so that no missed events still sends "events":[]
}

type ackMsg struct {
	Type string `json:"type"`
	Ref  string `json:"ref"`
	Seq  uint64 `json:"seq"`
	ID   string `json:"id,omitempty"`
}

type errorMsg struct {
	Type    string `json:"type"`
	Ref     string `json:"ref,omitempty"`
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
}

type presenceMsg struct {
	Type    string   `json:"type"`
	Online  []string `json:"online"`
	Viewers int      `json:"viewers"`
}

// EncodeError returns the error message answering ref (may be empty) for e.
func EncodeError(ref string, e *session.Error) []byte {
	b, _ := json.Marshal(errorMsg{Type: "error", Ref: ref, Code: e.Code, Message: e.Message, Field: e.Field})
	return b
}

func encodeAck(ref string, seq uint64, id string) []byte {
	b, _ := json.Marshal(ackMsg{Type: "ack", Ref: ref, Seq: seq, ID: id})
	return b
}
