package session_test

import (
	"bytes"
	"encoding/json"
	"reflect"
	"slices"
	"testing"

	"github.com/arena-workshop/arena/session"
)

// FuzzEventRoundTrip decodes arbitrary data as an event of a name read from event.go;
// what decodes must encode, decode to the same value and encode to the same bytes again
// (the log and every client read events back this way).
func FuzzEventRoundTrip(f *testing.F) {
	names := eventNames(f)
	cases := goldenEvents()
	for _, key := range slices.Sorted(func(yield func(string) bool) {
		for k := range cases {
			if !yield(k) {
				return
			}
		}
	}) {
		ev := cases[key]
		b, _ := json.Marshal(ev.Data)
		f.Add(uint8(slices.Index(names, ev.Name)), ev.By, b)
	}
	f.Add(uint8(0), "", []byte(`{"title":"a","TITLE":"b","x":1}`))
	f.Add(uint8(5), "p", []byte(`{"actor":{"id":"\ud800","name":"\xff"}}`))
	f.Add(uint8(9), "p", []byte(`{"ranks":{}}`))
	f.Add(uint8(200), "p", []byte(`{}`))
	f.Fuzz(func(t *testing.T, i uint8, by string, data []byte) {
		name := "no.such.event"
		if int(i) < len(names) {
			name = names[i]
		}
		ev, err := session.DecodeEvent(name, by, data)
		if err != nil {
			return
		}
		b1, err := json.Marshal(ev.Data)
		if err != nil {
			t.Fatalf("%s %q decoded but does not encode: %v", name, data, err)
		}
		ev2, err := session.DecodeEvent(name, by, b1)
		if err != nil {
			t.Fatalf("%s: its own encoding %s does not decode: %v", name, b1, err)
		}
		if !reflect.DeepEqual(ev, ev2) {
			t.Fatalf("%s %q: decode(encode) = %#v, want %#v", name, data, ev2.Data, ev.Data)
		}
		b2, _ := json.Marshal(ev2.Data)
		if !bytes.Equal(b1, b2) {
			t.Fatalf("%s: second encoding %s, first %s", name, b2, b1)
		}
	})
}
