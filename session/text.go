package session

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits in characters (Unicode code points), from PROTOCOL.md.
const (
	MaxTitle         = 120
	MaxLongText      = 4000 // issue, goal, follow-up notes
	MaxActorName     = 80
	MaxResources     = 2000
	MaxReplaceableBy = 200
	MaxCriterion     = 300
	MaxName          = 40 // participant name
	MaxActors        = 200
	MaxCriteria      = 50
	MaxRounds        = 20
	MaxParticipants  = 300
	MaxTimerSeconds  = 7200
	Steps            = 6
)

// cleanText trims s and checks it: valid UTF-8, no control characters (newline and tab
// only when multiline), at most max characters, and at least one when required.
func cleanText(field, s string, max int, multiline, required bool) (string, error) {
	if !utf8.ValidString(s) {
		return "", invalid(field, "%s is not valid UTF-8", field)
	}
	s = strings.TrimSpace(s)
	for _, r := range s {
		// JSON decoding turns invalid bytes and lone surrogate escapes (\ud800) into
		// U+FFFD; refusing it refuses them.
		if r == utf8.RuneError {
			return "", invalid(field, "%s is not valid UTF-8 text", field)
		}
		if unicode.IsControl(r) && !(multiline && (r == '\n' || r == '\t')) {
			return "", invalid(field, "%s holds a control character", field)
		}
	}
	if n := utf8.RuneCountInString(s); n > max {
		return "", invalid(field, "%s is %d characters long; at most %d allowed", field, n, max)
	}
	if required && s == "" {
		return "", invalid(field, "%s is required", field)
	}
	return s, nil
}

// CleanTitle validates a workshop title (1-120 characters, one line).
func CleanTitle(s string) (string, error) { return cleanText("title", s, MaxTitle, false, true) }

// CleanName validates a participant name (1-40 characters, one line).
func CleanName(s string) (string, error) { return cleanText("name", s, MaxName, false, true) }

// CleanLocale validates a locale; "" becomes the default, nl.
func CleanLocale(s string) (string, error) {
	switch s {
	case "":
		return "nl", nil
	case "nl", "en":
		return s, nil
	}
	return "", invalid("locale", "locale must be nl or en")
}
