package main

import (
	"log/slog"
	"net/http"

	"github.com/labstack/echo/v4"
)

// audit writes one audit line: what was done to which workshop, from which client address
// (Echo's IPExtractor: the peer, or what a trusted proxy names). It never carries a token.
func (s *server) audit(c echo.Context, action string, attrs ...any) {
	s.log.LogAttrs(c.Request().Context(), slog.LevelInfo, "audit",
		append([]slog.Attr{slog.String("action", action), slog.String("client", c.RealIP())}, argsToAttrs(attrs)...)...)
}

func argsToAttrs(args []any) []slog.Attr {
	var out []slog.Attr
	for i := 0; i+1 < len(args); i += 2 {
		if k, ok := args[i].(string); ok {
			out = append(out, slog.Any(k, args[i+1]))
		}
	}
	return out
}

// audited wraps a handler of /api/workshops/:code/...: when it answers with success, an
// audit line names the action and the workshop's code.
func (s *server) audited(action string, next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		err := next(c)
		if st := c.Response().Status; err == nil && st >= http.StatusOK && st < http.StatusMultipleChoices {
			code, _ := canonicalCode(c.Param("code"))
			attrs := []any{"workshop", code}
			if f := c.QueryParam("format"); action == "workshop.exported" {
				if f == "" {
					f = "json"
				}
				attrs = append(attrs, "format", f)
			}
			s.audit(c, action, attrs...)
		}
		return err
	}
}
