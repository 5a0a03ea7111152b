package main

import (
	"bufio"
	"encoding/json"
	"strings"
	"sync"
	"testing"
)

// syncBuffer is a log sink the server writes to while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// Creating, exporting and deleting a workshop each write one audit line with the client's
// address and the workshop's code, and no line ever holds the facilitator's token; a
// refused export (no token) writes none.
func TestAuditLines(t *testing.T) {
	logs := &syncBuffer{}
	dir := t.TempDir()
	s := startServerLog(t, logs, dir, "--data-dir", dir, "--log-format", "json")
	w := s.create(t, "Audit")
	if st, _, _ := s.do(t, "GET", "/api/workshops/"+w.Code+"/export?format=csv", "", nil); st != 401 && st != 403 {
		t.Fatalf("export without a token: %d", st)
	}
	if st, _, _ := s.do(t, "GET", "/api/workshops/"+w.Code+"/export?format=csv", w.FacilitatorToken, nil); st != 200 {
		t.Fatalf("export: %d", st)
	}
	if st, _, _ := s.do(t, "DELETE", "/api/workshops/"+w.Code, w.FacilitatorToken, nil); st != 204 {
		t.Fatalf("delete: %d", st)
	}
	s.stop()

	var got []string
	sc := bufio.NewScanner(strings.NewReader(logs.String()))
	for sc.Scan() {
		line := sc.Text()
		if strings.Contains(line, w.FacilitatorToken) {
			t.Errorf("a log line holds the facilitator token: %s", line)
		}
		var l struct{ Msg, Action, Client, Workshop, Format string }
		if json.Unmarshal([]byte(line), &l) != nil || l.Msg != "audit" {
			continue
		}
		if l.Client != "127.0.0.1" || l.Workshop != w.Code {
			t.Errorf("audit line without the client or the workshop: %s", line)
		}
		got = append(got, l.Action+" "+l.Format)
	}
	want := []string{"workshop.created ", "workshop.exported csv", "workshop.deleted "}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("audit lines %q, want %q", got, want)
	}
}
