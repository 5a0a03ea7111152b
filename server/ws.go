package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"time"
	"unicode/utf8"

	"github.com/coder/websocket"
	"github.com/labstack/echo/v4"

	"github.com/arena-workshop/arena/hub"
	"github.com/arena-workshop/arena/session"
)

const (
	// maxFrameIn is the largest frame a client may send (PROTOCOL.md: 64 KiB); beyond
	// it the connection closes with 1009.
	maxFrameIn = 64 << 10
	// helloWait is how long a client has for its first frame, the hello.
	helloWait = 10 * time.Second
	// opTimeout bounds one op's commit; a store that takes longer answers unavailable.
	opTimeout = 10 * time.Second
	// floodLimit is how many rate_limited answers a connection gets, without a pause of
	// floodPause, before it is closed 4008 as flooding.
	floodLimit = 50
	floodPause = 5 * time.Second
	maxRef     = 64
)

// envelope is a client message after hello.
type envelope struct {
	Type string          `json:"type"`
	Ref  *string         `json:"ref"`
	Op   string          `json:"op"`
	Data json.RawMessage `json:"data"`
}

func contextWithTimeout(c echo.Context, d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(c.Request().Context(), d)
}

// websocket upgrades GET /api/workshops/{code}/ws: 404 before upgrading when the code is
// unknown; after the upgrade every answer is a websocket message or close code, never an
// HTTP error (the response is hijacked).
func (s *server) websocket(c echo.Context) error {
	m, err := s.resolve(c)
	if err != nil {
		return err
	}
	ws, err := websocket.Accept(bigWriteBuffer{c.Response()}, c.Request(), nil)
	if err != nil {
		return nil // Accept has answered the client already
	}
	ws.SetReadLimit(maxFrameIn)
	s.serveConn(ws, m)
	return nil
}

// wsWriteBuffer is the size of a websocket's write buffer. net/http hands a hijacked
// connection a 4 KiB bufio.Writer, and coder/websocket writes a frame through it: a frame
// over 4 KiB then took two write(2) calls, two TCP segments and two wakeups of the
// reader. The batched frames of a busy room are 4–16 KiB (bench/README.md), so 16 KiB
// keeps one system call a frame for them, at 12 KiB more memory a connection.
const wsWriteBuffer = 16 << 10

// bigWriteBuffer hands coder/websocket the hijacked connection with a write buffer of
// wsWriteBuffer instead of net/http's 4 KiB.
type bigWriteBuffer struct{ http.ResponseWriter }

func (b bigWriteBuffer) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	hj, ok := b.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, errors.New("response cannot be hijacked")
	}
	nc, brw, err := hj.Hijack()
	if err != nil {
		return nil, nil, err
	}
	if err := brw.Writer.Flush(); err != nil { // nothing is buffered there; in case
		nc.Close()
		return nil, nil, err
	}
	return nc, bufio.NewReadWriter(brw.Reader, bufio.NewWriterSize(nc, wsWriteBuffer)), nil
}

// serveConn runs one connection: hello, welcome, then its read loop. The request's
// context must not be used after Accept, so everything here starts from Background.
func (s *server) serveConn(ws *websocket.Conn, m hub.Meta) {
	hello, err := readHello(ws)
	if err != nil {
		var ce *hub.CloseError
		if errors.As(err, &ce) {
			ws.Close(websocket.StatusCode(ce.Code), ce.Reason)
		} else {
			ws.CloseNow()
		}
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
	conn, err := s.hub.Join(ctx, ws, m, hello)
	cancel()
	if err != nil {
		var ce *hub.CloseError
		switch {
		case errors.As(err, &ce):
			ws.Close(websocket.StatusCode(ce.Code), ce.Reason)
		case errors.Is(err, hub.ErrNotFound):
			ws.Close(hub.CloseDeleted, "workshop deleted")
		default:
			s.log.Error("join", "workshop", m.ID, "err", err)
			ws.Close(websocket.StatusTryAgainLater, "store unavailable")
		}
		return
	}
	code, reason := s.readLoop(ws, conn, m.ID)
	s.hub.Leave(conn, code, reason)
}

// readHello reads the first frame within helloWait; anything but a valid hello is a
// protocol error (4000).
func readHello(ws *websocket.Conn) (hub.Hello, error) {
	timer := time.AfterFunc(helloWait, func() { ws.Close(hub.CloseProtocol, "no hello within 10 s") })
	defer timer.Stop()
	typ, data, err := ws.Read(context.Background())
	if err != nil {
		return hub.Hello{}, err
	}
	var h hub.Hello
	bad := func(reason string) (hub.Hello, error) {
		return hub.Hello{}, &hub.CloseError{Code: hub.CloseProtocol, Reason: reason}
	}
	if typ != websocket.MessageText || !utf8.Valid(data) {
		return bad("the first frame must be a JSON text hello")
	}
	if err := json.Unmarshal(data, &h); err != nil || h.Type != "hello" {
		return bad("the first message must be a hello")
	}
	return h, nil
}

// readLoop reads ops until the connection ends and says how to close it.
func (s *server) readLoop(ws *websocket.Conn, conn *hub.Conn, id string) (websocket.StatusCode, string) {
	var strikes int
	var lastStrike time.Time
	for {
		typ, data, err := ws.Read(context.Background())
		if err != nil {
			switch websocket.CloseStatus(err) {
			case -1:
				return websocket.StatusGoingAway, "read failed"
			default:
				return websocket.StatusNormalClosure, ""
			}
		}
		if typ != websocket.MessageText || !utf8.Valid(data) {
			conn.Send(hub.EncodeError("", &session.Error{Code: session.CodeBadMessage, Message: "frames must be UTF-8 JSON text"}))
			continue
		}
		var env envelope
		if err := json.Unmarshal(data, &env); err != nil {
			conn.Send(hub.EncodeError("", &session.Error{Code: session.CodeBadMessage, Message: "not a JSON object: " + err.Error()}))
			continue
		}
		if env.Type != "op" {
			conn.Send(hub.EncodeError("", &session.Error{Code: session.CodeBadMessage, Message: "unknown message type " + quote(env.Type)}))
			continue
		}
		if env.Ref == nil || *env.Ref == "" || utf8.RuneCountInString(*env.Ref) > maxRef {
			conn.Send(hub.EncodeError("", &session.Error{Code: session.CodeBadMessage, Message: "an op needs a ref of 1-64 characters", Field: "ref"}))
			continue
		}
		ref := *env.Ref
		now := time.Now()
		if !conn.AllowOp(now) {
			if now.Sub(lastStrike) > floodPause {
				strikes = 0
			}
			strikes++
			lastStrike = now
			if strikes > floodLimit {
				return hub.CloseFlooding, "flooding"
			}
			conn.Send(hub.EncodeError(ref, &session.Error{Code: session.CodeRateLimited, Message: "too many ops; at most 20 a second"}))
			continue
		}
		if env.Op == "" {
			conn.Send(hub.EncodeError(ref, &session.Error{Code: session.CodeBadMessage, Message: "an op needs a name", Field: "op"}))
			continue
		}
		ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
		s.hub.Apply(ctx, conn, id, ref, env.Op, env.Data)
		cancel()
	}
}

func quote(s string) string {
	if len(s) > 40 {
		s = s[:40]
	}
	b, _ := json.Marshal(s)
	return string(b)
}
