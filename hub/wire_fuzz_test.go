package hub

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// FuzzWireRoundTrip decodes arbitrary bytes as an event message (as the log and the
// Redis subscriber read them) and as a client's hello: what decodes must encode, decode
// to the same value and encode to the same bytes again.
func FuzzWireRoundTrip(f *testing.F) {
	for name, b := range wireMessages(f) {
		if strings.HasPrefix(name, "event-") {
			f.Add(b)
		}
	}
	f.Add([]byte(`{"type":"hello","role":"participant","name":"Ann","participantToken":"t","lastSeq":12}`))
	f.Add([]byte(`{"type":"hello","role":"viewer","lastSeq":null,"ROLE":"x"}`))
	f.Add([]byte(`{"type":"event","seq":1,"event":"step.changed","by":"p","data":{"step":2},"seq":3}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		if seq, ev, err := DecodeEvent(b); err == nil {
			b1, err := EncodeEvent(seq, &ev)
			if err != nil {
				t.Fatalf("%q decoded but does not encode: %v", b, err)
			}
			seq2, ev2, err := DecodeEvent(b1)
			if err != nil || seq2 != seq || !reflect.DeepEqual(ev, ev2) {
				t.Fatalf("%q: decode(encode) = %d %#v %v, want %d %#v", b, seq2, ev2, err, seq, ev)
			}
			if got, ok := eventSeq(b1); !ok || got != seq {
				t.Fatalf("eventSeq(%s) = %d, %v; want %d", b1, got, ok, seq)
			}
			if b2, _ := EncodeEvent(seq2, &ev2); !bytes.Equal(b1, b2) {
				t.Fatalf("second encoding %s, first %s", b2, b1)
			}
		}
		var h Hello
		if json.Unmarshal(b, &h) != nil {
			return
		}
		h1, err := json.Marshal(h)
		if err != nil {
			t.Fatal(err)
		}
		var h2 Hello
		if err := json.Unmarshal(h1, &h2); err != nil || !reflect.DeepEqual(h, h2) {
			t.Fatalf("hello %q: decode(encode) = %+v %v, want %+v", b, h2, err, h)
		}
		if again, _ := json.Marshal(h2); !bytes.Equal(h1, again) {
			t.Fatalf("hello: second encoding %s, first %s", again, h1)
		}
	})
}
