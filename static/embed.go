// Package static holds the web front end: plain HTML, CSS and ES modules, embedded into the
// binary so that Arena serves every asset itself (a venue LAN has no internet).
package static

import "embed"

// FS holds the pages at its root (index.html, join.html, present.html, facilitate.html) and
// their assets under css/ and js/.
//
//go:embed *.html css js
var FS embed.FS
