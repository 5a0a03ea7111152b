// Command arena serves live network-building workshops: phones, a projector and a
// facilitator console on one websocket protocol (see README.md).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/arena-workshop/arena/hub"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if len(os.Args) == 2 && os.Args[1] == "--healthcheck" {
		os.Exit(healthcheck(osEnv))
	}
	if err := run(ctx, os.Args[1:], osEnv, os.Stderr, nil); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return
		}
		fmt.Fprintln(os.Stderr, "arena:", err)
		os.Exit(1)
	}
}

// listening is where a started server listens: the public address and the admin one
// ("" when off).
type listening struct{ Addr, Admin string }

// run starts Arena and serves until ctx ends, then stops gracefully. When ready is not
// nil it receives the listening addresses (tests start the server on :0).
func run(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer, ready chan<- listening) error {
	cfg, err := parseConfig(args, getenv, stderr)
	if err != nil {
		return err
	}
	log, err := cfg.logger(stderr)
	if err != nil {
		return err
	}
	eng, engName, err := openEngine(ctx, cfg, log)
	if err != nil {
		return err
	}
	h := hub.New(eng, log)
	srv, err := newServer(cfg, h, log)
	if err != nil {
		eng.Close()
		return err
	}
	defer srv.close()

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		eng.Close()
		return fmt.Errorf("listen %s: %w", cfg.Addr, err)
	}
	at := listening{Addr: ln.Addr().String()}
	var adminSrv *http.Server
	if cfg.AdminAddr != "" {
		aln, err := net.Listen("tcp", cfg.AdminAddr)
		if err != nil {
			ln.Close()
			eng.Close()
			return fmt.Errorf("listen %s (--admin-addr): %w", cfg.AdminAddr, err)
		}
		at.Admin = aln.Addr().String()
		adminSrv = &http.Server{Handler: srv.adminHandler(), ReadHeaderTimeout: readHeaderTimeout}
		go adminSrv.Serve(aln) // ends when adminSrv is closed below
		defer adminSrv.Close()
	}
	log.Info("arena listening", "addr", at.Addr, "admin", at.Admin, "engine", engName)
	if ready != nil {
		ready <- at
	}
	janitorCtx, stopJanitor := context.WithCancel(ctx)
	janitorDone := make(chan struct{})
	go func() { defer close(janitorDone); expireIdle(janitorCtx, h, cfg.Retention, log) }()
	stopJanitorWait := func() { stopJanitor(); <-janitorDone }
	httpSrv := &http.Server{Handler: srv.echo, ReadHeaderTimeout: readHeaderTimeout}
	serveErr := make(chan error, 1)
	go func() { serveErr <- httpSrv.Serve(ln) }()

	select {
	case <-ctx.Done():
	case err := <-serveErr:
		stopJanitorWait()
		h.Shutdown(context.Background())
		eng.Close()
		return fmt.Errorf("serve: %w", err)
	}
	stopJanitorWait()
	log.Info("arena stopping", "grace", cfg.Grace)
	sctx, cancel := context.WithTimeout(context.Background(), cfg.Grace)
	defer cancel()
	// Stop accepting; Shutdown does not touch hijacked (websocket) connections, so
	// close those ourselves with 1001, then close the store after the last commit.
	shutdownErr := make(chan error, 1)
	go func() { shutdownErr <- httpSrv.Shutdown(sctx) }()
	h.Shutdown(sctx)
	if err := <-shutdownErr; err != nil && !errors.Is(err, context.DeadlineExceeded) {
		log.Warn("http shutdown", "err", err)
	}
	if err := eng.Close(); err != nil {
		return fmt.Errorf("close store: %w", err)
	}
	log.Info("arena stopped")
	return nil
}

// janitorEvery is how often workshops idle for longer than the retention are deleted
// (local engine; Redis expires its keys itself).
const janitorEvery = time.Hour

// expireIdle deletes idle workshops now and every janitorEvery until ctx ends.
func expireIdle(ctx context.Context, h *hub.Hub, retention time.Duration, log *slog.Logger) {
	t := time.NewTicker(janitorEvery)
	defer t.Stop()
	for {
		n, err := h.ExpireIdle(ctx, time.Now().Add(-retention))
		if err != nil {
			log.Warn("expire idle workshops", "err", err)
		} else if n > 0 {
			log.Info("expired idle workshops", "count", n, "retention", retention)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// openEngine opens the Redis engine when a Redis URL is set, else the local one.
func openEngine(ctx context.Context, cfg config, log *slog.Logger) (hub.Engine, string, error) {
	if cfg.RedisURL == "" {
		eng, err := hub.OpenLocal(cfg.DataDir)
		return eng, "local (" + cfg.DataDir + ")", err
	}
	// go-redis logs through a process-wide logger: route it to ours, at debug level
	// (the engine itself warns about what matters, once per outage).
	redis.SetLogger(redisLog{log})
	host, _ := os.Hostname()
	eng, err := hub.OpenRedis(ctx, hub.RedisOptions{
		URL: cfg.RedisURL, Prefix: cfg.RedisPrefix, Retention: cfg.Retention,
		ClientName: clientName(host, cfg.RedisPrefix), Log: log,
	})
	if err != nil {
		return nil, "", err
	}
	return eng, "redis", nil
}

// clientName names this instance's Redis connections (CLIENT LIST): arena, the host and
// the key prefix, with anything but letters, digits and -_:. dropped.
func clientName(host, prefix string) string {
	return strings.Map(func(r rune) rune {
		if r < 128 && (r == '-' || r == '_' || r == ':' || r == '.' || r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z') {
			return r
		}
		return -1
	}, "arena-"+host+"-"+prefix)
}

// redisLog adapts slog to go-redis's logger.
type redisLog struct{ log *slog.Logger }

func (l redisLog) Printf(ctx context.Context, format string, v ...any) {
	l.log.Debug("redis: " + fmt.Sprintf(format, v...))
}

// healthcheck asks the server on this machine for /healthz (for the container's
// HEALTHCHECK, whose image has no curl) and returns the exit code.
func healthcheck(getenv func(string) string) int {
	addr := getenv("ARENA_ADDR")
	if addr == "" {
		addr = ":8080"
	}
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return 1
	}
	client := &http.Client{Timeout: 2 * time.Second}
	resp, err := client.Get("http://127.0.0.1:" + port + "/healthz")
	if err != nil {
		return 1
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return 1
	}
	return 0
}
