package main

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
	qrcode "github.com/skip2/go-qrcode"
)

// qr answers the join link of a workshop as a QR code in SVG: one path of dark modules
// on a white square with the standard quiet zone, crisp at any projector size.
func (s *server) qr(c echo.Context) error {
	m, err := s.resolve(c)
	if err != nil {
		return err
	}
	link := s.baseURL(c) + "/w/" + m.Code
	q, err := qrcode.New(link, qrcode.Medium)
	if err != nil {
		return err
	}
	bits := q.Bitmap() // includes the quiet zone
	n := len(bits)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" shape-rendering="crispEdges">`, n, n)
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="#fff"/><path fill="#000" d="`, n, n)
	for y, row := range bits {
		for x, dark := range row {
			if dark {
				fmt.Fprintf(&b, "M%d %dh1v1h-1z", x, y)
			}
		}
	}
	b.WriteString(`"/></svg>`)
	c.Response().Header().Set("Cache-Control", "public, max-age=300")
	return c.Blob(http.StatusOK, "image/svg+xml", []byte(b.String()))
}

// baseURL is the configured public URL, or the scheme and host the request came to.
func (s *server) baseURL(c echo.Context) string {
	if s.cfg.PublicURL != "" {
		return s.cfg.PublicURL
	}
	return c.Scheme() + "://" + c.Request().Host
}
