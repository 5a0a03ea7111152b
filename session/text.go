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
// only when multiline) and no controls of text direction, at most max characters, and,
// when required, at least one character that shows.
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
		if directionControl(r) {
			return "", invalid(field, "%s holds a control of text direction", field)
		}
	}
	if !multiline {
		s = stripFormat(s)
	}
	if n := utf8.RuneCountInString(s); n > max {
		return "", invalid(field, "%s is %d characters long; at most %d allowed", field, n, max)
	}
	if required && s == "" {
		return "", invalid(field, "%s is required", field)
	}
	if required && !strings.ContainsFunc(s, shows) {
		return "", invalid(field, "%s has no character that shows", field)
	}
	return s, nil
}

// directionControl reports the embeddings, overrides and isolates of the Unicode
// bidirectional algorithm (U+202A-U+202E, U+2066-U+2069): with them a name can show as
// another one ("Ann" followed by U+202E and a reversed name). Marks (U+200E, U+200F) and
// the joiners of emoji sequences stay allowed.
func directionControl(r rune) bool {
	return (r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069)
}

// stripFormat drops the invisible format characters (Unicode category Cf: zero-width
// space and non-joiner, soft hyphen, byte order mark, word joiner, the marks of text
// direction) from a one-line text, inside as well as at the ends, so that two names that
// look alike on the projector are the same text. What emoji need stays: a zero-width
// joiner between two pictographs (👩‍🦰) and the tag characters of a flag after U+1F3F4.
func stripFormat(s string) string {
	if !strings.ContainsFunc(s, isFormat) {
		return s
	}
	rs := []rune(s)
	out := rs[:0:0]
	for i, r := range rs {
		switch {
		case !isFormat(r):
		case r == 0x200D && i > 0 && i+1 < len(rs) && pictograph(rs[i+1]) && pictograph(lastBase(rs[:i])):
		case r >= 0xE0020 && r <= 0xE007F && i > 0 && (rs[i-1] == 0x1F3F4 || rs[i-1] >= 0xE0020 && rs[i-1] <= 0xE007F):
		default:
			continue
		}
		out = append(out, r)
	}
	return strings.TrimSpace(string(out))
}

func isFormat(r rune) bool { return unicode.Is(unicode.Cf, r) }

// lastBase is the last rune of rs before any variation selector or skin-tone modifier.
func lastBase(rs []rune) rune {
	for i := len(rs) - 1; i >= 0; i-- {
		if r := rs[i]; !(r == 0xFE0F || r == 0xFE0E || r >= 0x1F3FB && r <= 0x1F3FF) {
			return r
		}
	}
	return 0
}

// pictograph approximates Extended_Pictographic: the other symbols (emoji, dingbats) and
// the planes of emoji.
func pictograph(r rune) bool {
	return unicode.Is(unicode.So, r) || r >= 0x1F000 && r <= 0x1FAFF
}

// shows reports whether r leaves a mark on screen: not a space, not a format character
// (zero-width space, soft hyphen, byte order mark, joiners), not a combining mark alone,
// and not one of the letters that fonts draw blank (Hangul fillers, the blank braille cell).
func shows(r rune) bool {
	switch r {
	case 0x115F, 0x1160, 0x3164, 0xFFA0, 0x2800:
		return false
	}
	return unicode.IsGraphic(r) && !unicode.IsSpace(r) && !unicode.In(r, unicode.Mn, unicode.Me)
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
