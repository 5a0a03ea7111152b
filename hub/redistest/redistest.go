// Package redistest gives tests a real Redis: the one at REDIS_URL (default
// redis://localhost:6379), with a key prefix of their own that is deleted afterwards.
// Without Redis a test skips with a loud message, except under CI=true, where it fails.
package redistest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// URL is the Redis the tests use: REDIS_URL, or the usual local one.
func URL() string {
	if u := os.Getenv("REDIS_URL"); u != "" {
		return u
	}
	return "redis://localhost:6379"
}

// Need returns a client of the test Redis, or skips loudly when none answers (fails
// under CI=true, where .ci/run has started one). The client closes when the test ends.
func Need(tb testing.TB) *redis.Client {
	tb.Helper()
	opt, err := redis.ParseURL(URL())
	if err != nil {
		tb.Fatalf("REDIS_URL: %v", err)
	}
	c := redis.NewClient(opt)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := c.Ping(ctx).Err(); err != nil {
		c.Close()
		msg := "!!! NO REDIS at " + URL() + " (" + err.Error() + "): this Redis test did NOT run; start redis-server or set REDIS_URL"
		if os.Getenv("CI") == "true" {
			tb.Fatal(msg)
		}
		tb.Skip(msg)
	}
	tb.Cleanup(func() { c.Close() })
	return c
}

// Prefix returns a fresh key prefix and deletes every key under it when the test ends.
func Prefix(tb testing.TB, c *redis.Client) string {
	tb.Helper()
	b := make([]byte, 6)
	rand.Read(b)
	prefix := "arena-test:" + hex.EncodeToString(b) + ":"
	tb.Cleanup(func() {
		ctx := context.Background()
		iter := c.Scan(ctx, 0, prefix+"*", 1000).Iterator()
		for iter.Next(ctx) {
			c.Del(ctx, iter.Val())
		}
	})
	return prefix
}

// Server is a redis-server of the test's own, so that the test can stop and restart it.
type Server struct {
	Port, Dir string
	cmd       *exec.Cmd
}

// StartServer runs redis-server on 127.0.0.1:port with its data in dir, append-only with
// appendfsync always (a write Redis answered is on disk, so a kill loses nothing), and
// kills it when the test ends. Without the binary the test skips loudly (fails under
// CI=true). Start it again on the same port and dir to restart it with its data.
func StartServer(tb testing.TB, port, dir string) *Server {
	tb.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		msg := "!!! NO redis-server binary: this test of a Redis outage did NOT run"
		if os.Getenv("CI") == "true" {
			tb.Fatal(msg)
		}
		tb.Skip(msg)
	}
	cmd := exec.Command(bin, "--port", port, "--bind", "127.0.0.1", "--dir", dir, "--save", "",
		"--appendonly", "yes", "--appendfsync", "always", "--logfile", filepath.Join(dir, "redis.log"))
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	s := &Server{Port: port, Dir: dir, cmd: cmd}
	tb.Cleanup(s.Kill)
	c := redis.NewClient(&redis.Options{Addr: "127.0.0.1:" + port})
	defer c.Close()
	for range 100 {
		if c.Ping(context.Background()).Err() == nil {
			return s
		}
		time.Sleep(50 * time.Millisecond)
	}
	tb.Fatalf("redis-server on %s did not answer", port)
	return nil
}

// URL is the server's address for REDIS_URL or --redis-url.
func (s *Server) URL() string { return "redis://127.0.0.1:" + s.Port }

// Kill stops the server at once (SIGKILL), as a crash would.
func (s *Server) Kill() {
	if s.cmd.ProcessState == nil {
		s.cmd.Process.Kill()
		s.cmd.Wait()
	}
}

// FreePort returns a TCP port of 127.0.0.1 that nothing listens on now.
func FreePort(tb testing.TB) string {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	defer ln.Close()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	return port
}
