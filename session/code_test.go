package session

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

func TestNewCodeIsCanonical(t *testing.T) {
	seen := map[rune]bool{}
	for range 2000 {
		c := NewCode()
		got, ok := CanonicalCode(c)
		if !ok || got != c {
			t.Fatalf("CanonicalCode(%q) = %q, %v; want itself, true", c, got, ok)
		}
		for _, r := range c {
			seen[r] = true
		}
	}
	if len(seen) != len(CodeAlphabet) {
		t.Errorf("2000 codes used %d of the %d letters of the alphabet", len(seen), len(CodeAlphabet))
	}
}

func TestCanonicalCode(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{
		{"ab3-k9z", "AB3K9Z", true},
		{" AB3 K9Z ", "AB3K9Z", true},
		{"AB3K9", "", false},
		{"AB3K9ZZ", "", false},
		{"AB0K9Z", "", false}, // 0 is not in the alphabet
		{"ABIK9Z", "", false},
		{"AB3K9Ż", "", false},
		{"", "", false},
	} {
		got, ok := CanonicalCode(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("CanonicalCode(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

// The phone's join form checks codes with a pattern of its own: it must be the same set.
func TestCodeAlphabetInPage(t *testing.T) {
	src, err := os.ReadFile("../static/js/page.js")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`CODE_RE = /\^\[([^\]]+)\]\{(\d+)\}\$/`).FindSubmatch(src)
	if m == nil {
		t.Fatal("static/js/page.js has no CODE_RE of the form /^[...]{n}$/")
	}
	if string(m[1]) != CodeAlphabet || string(m[2]) != "6" || CodeLen != 6 {
		t.Errorf("page.js accepts [%s]{%s}; the server's codes are [%s]{%d}", m[1], m[2], CodeAlphabet, CodeLen)
	}
	if strings.ContainsAny(CodeAlphabet, "01IO") {
		t.Error("the alphabet holds a character that is read for another")
	}
}
