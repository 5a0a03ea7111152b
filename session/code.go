package session

import (
	"crypto/rand"
	"strings"
)

// CodeAlphabet is the alphabet of join codes: digits and upper-case letters without
// 0, 1, I and O, which are read for one another. static/js/page.js holds the same set
// in its pattern (TestCodeAlphabetInPage checks that they agree).
const CodeAlphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"

// CodeLen is the length of a join code.
const CodeLen = 6

// NewCode returns a random join code of CodeLen characters from CodeAlphabet.
func NewCode() string {
	b := make([]byte, CodeLen)
	rand.Read(b)
	for i := range b {
		b[i] = CodeAlphabet[int(b[i])%len(CodeAlphabet)] // 256 is a multiple of 32: no bias
	}
	return string(b)
}

// CanonicalCode accepts a code in any case, with spaces or dashes, and returns its
// upper-case form, or false when it cannot be a code.
func CanonicalCode(raw string) (string, bool) {
	var b strings.Builder
	for _, r := range raw {
		switch {
		case r == ' ' || r == '-':
			continue
		case r >= 'a' && r <= 'z':
			r -= 'a' - 'A'
		}
		if !strings.ContainsRune(CodeAlphabet, r) {
			return "", false
		}
		b.WriteRune(r)
	}
	if b.Len() != CodeLen {
		return "", false
	}
	return b.String(), true
}
