package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha1"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/coder/websocket"
)

// wsConn is one client websocket: the generator reads text messages and writes ops.
// Two implementations: coder/websocket (the library the server uses) and lean, a
// minimal RFC 6455 client written for this generator, which costs the shared CPU less
// per message (see bench/README.md); the server cannot tell them apart.
type wsConn interface {
	// next returns the next data message, valid until the following call.
	next() ([]byte, error)
	// write sends one text message; it may be called concurrently with next.
	write(ctx context.Context, msg []byte) error
	// close closes with 1000; closeNow drops the connection.
	close()
	closeNow()
}

// closeStatus is the close code the server sent, or -1.
func closeStatus(err error) int {
	var ce *closeError
	if errors.As(err, &ce) {
		return ce.code
	}
	return int(websocket.CloseStatus(err))
}

func dialWS(ctx context.Context, impl, u string, readLimit int64) (wsConn, error) {
	if impl == "coder" {
		ws, _, err := websocket.Dial(ctx, u, nil)
		if err != nil {
			return nil, err
		}
		ws.SetReadLimit(readLimit)
		return &coderConn{ws: ws}, nil
	}
	return dialLean(ctx, u, readLimit)
}

type coderConn struct {
	ws  *websocket.Conn
	buf bytes.Buffer
}

func (c *coderConn) next() ([]byte, error) {
	// context.Background: a cancellable context costs coder/websocket a
	// context.AfterFunc per message, a tenth of the generator's CPU at 500 clients;
	// the run ends the readers by closing their connections.
	_, r, err := c.ws.Reader(context.Background())
	if err != nil {
		return nil, err
	}
	c.buf.Reset()
	_, err = c.buf.ReadFrom(r)
	return c.buf.Bytes(), err
}

func (c *coderConn) write(ctx context.Context, msg []byte) error {
	return c.ws.Write(ctx, websocket.MessageText, msg)
}

func (c *coderConn) close()    { c.ws.Close(websocket.StatusNormalClosure, "") }
func (c *coderConn) closeNow() { c.ws.CloseNow() }

// leanConn is a client websocket over a plain TCP connection: the handshake of RFC 6455
// section 4.1 (checking Sec-WebSocket-Accept), masked frames out, and frames in read
// from a 64 KiB buffer, a whole frame handed out without a copy when it fits. Pings are
// answered; a close frame ends it with a *closeError.
type leanConn struct {
	nc        net.Conn
	br        *bufio.Reader
	readLimit int64
	msg       []byte // a fragmented message being put together

	wmu  sync.Mutex
	wbuf []byte
}

// closeError is the close frame the server sent.
type closeError struct {
	code   int
	reason string
}

func (e *closeError) Error() string { return fmt.Sprintf("closed %d %s", e.code, e.reason) }

const wsGUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

func dialLean(ctx context.Context, rawURL string, readLimit int64) (*leanConn, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, err
	}
	if u.Scheme != "ws" {
		return nil, fmt.Errorf("the lean client speaks ws:// only, not %s (use --ws coder)", u.Scheme)
	}
	var d net.Dialer
	nc, err := d.DialContext(ctx, "tcp", u.Host)
	if err != nil {
		return nil, err
	}
	if dl, ok := ctx.Deadline(); ok {
		nc.SetDeadline(dl)
	}
	var k [16]byte
	rand.Read(k[:])
	key := base64.StdEncoding.EncodeToString(k[:])
	req := "GET " + u.RequestURI() + " HTTP/1.1\r\nHost: " + u.Host +
		"\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + key +
		"\r\nSec-WebSocket-Version: 13\r\n\r\n"
	if _, err := io.WriteString(nc, req); err != nil {
		nc.Close()
		return nil, err
	}
	br := bufio.NewReaderSize(nc, 64<<10)
	resp, err := http.ReadResponse(br, &http.Request{Method: http.MethodGet})
	if err != nil {
		nc.Close()
		return nil, err
	}
	resp.Body.Close()
	sum := sha1.Sum([]byte(key + wsGUID))
	if resp.StatusCode != http.StatusSwitchingProtocols || !strings.EqualFold(resp.Header.Get("Upgrade"), "websocket") ||
		resp.Header.Get("Sec-WebSocket-Accept") != base64.StdEncoding.EncodeToString(sum[:]) {
		nc.Close()
		return nil, fmt.Errorf("handshake refused: %s", resp.Status)
	}
	nc.SetDeadline(time.Time{})
	return &leanConn{nc: nc, br: br, readLimit: readLimit}, nil
}

func (c *leanConn) next() ([]byte, error) {
	c.msg = c.msg[:0]
	for {
		var h [8]byte
		if _, err := io.ReadFull(c.br, h[:2]); err != nil {
			return nil, err
		}
		fin, op := h[0]&0x80 != 0, h[0]&0x0f
		if h[1]&0x80 != 0 {
			return nil, errors.New("protocol error: masked frame from the server")
		}
		n := uint64(h[1] & 0x7f)
		switch n {
		case 126:
			if _, err := io.ReadFull(c.br, h[:2]); err != nil {
				return nil, err
			}
			n = uint64(binary.BigEndian.Uint16(h[:2]))
		case 127:
			if _, err := io.ReadFull(c.br, h[:8]); err != nil {
				return nil, err
			}
			n = binary.BigEndian.Uint64(h[:8])
		}
		if n > uint64(c.readLimit) || uint64(len(c.msg))+n > uint64(c.readLimit) {
			return nil, fmt.Errorf("message over the read limit of %d bytes", c.readLimit)
		}
		// A whole message that fits the buffer is handed out from it, not copied.
		if fin && (op == 1 || op == 2) && len(c.msg) == 0 && int(n) <= c.br.Size() {
			p, err := c.br.Peek(int(n))
			if err != nil {
				return nil, err
			}
			c.br.Discard(int(n))
			return p, nil
		}
		start := len(c.msg)
		c.msg = append(c.msg, make([]byte, n)...)
		if _, err := io.ReadFull(c.br, c.msg[start:]); err != nil {
			return nil, err
		}
		switch op {
		case 0, 1, 2:
			if fin {
				return c.msg, nil
			}
		case 8: // close: answer it and end
			p := c.msg[start:]
			code, reason := 1005, ""
			if len(p) >= 2 {
				code, reason = int(binary.BigEndian.Uint16(p)), string(p[2:])
			}
			c.writeFrame(0x88, p[:min(len(p), 2)])
			c.nc.Close()
			return nil, &closeError{code: code, reason: reason}
		case 9: // ping: pong with the same data
			if err := c.writeFrame(0x8a, c.msg[start:]); err != nil {
				return nil, err
			}
			c.msg = c.msg[:start]
		case 10:
			c.msg = c.msg[:start]
		default:
			return nil, fmt.Errorf("protocol error: opcode %d", op)
		}
	}
}

func (c *leanConn) write(_ context.Context, msg []byte) error { return c.writeFrame(0x81, msg) }

// writeFrame writes one masked frame (RFC 6455 5.3: a client masks everything).
func (c *leanConn) writeFrame(b0 byte, p []byte) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	b := append(c.wbuf[:0], b0)
	switch n := len(p); {
	case n < 126:
		b = append(b, 0x80|byte(n))
	case n <= 0xffff:
		b = append(b, 0x80|126)
		b = binary.BigEndian.AppendUint16(b, uint16(n))
	default:
		b = append(b, 0x80|127)
		b = binary.BigEndian.AppendUint64(b, uint64(n))
	}
	var key [4]byte
	rand.Read(key[:])
	b = append(b, key[:]...)
	for i, x := range p {
		b = append(b, x^key[i&3])
	}
	c.wbuf = b
	c.nc.SetWriteDeadline(time.Now().Add(10 * time.Second))
	_, err := c.nc.Write(b)
	return err
}

func (c *leanConn) close() {
	c.writeFrame(0x88, []byte{0x03, 0xe8}) // 1000
	c.nc.Close()
}

func (c *leanConn) closeNow() { c.nc.Close() }
