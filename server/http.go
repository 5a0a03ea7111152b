package main

import (
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/redis/go-redis/v9"
	"golang.org/x/time/rate"

	"github.com/arena-workshop/arena/hub"
	"github.com/arena-workshop/arena/session"
	"github.com/arena-workshop/arena/static"
)

const (
	// readHeaderTimeout stops a client that opens a connection and never finishes its headers.
	readHeaderTimeout = 10 * time.Second
	// maxBody bounds an API request body; the largest legitimate one is a title.
	maxBody = "16K"
	// readyTimeout bounds the store check of /readyz.
	readyTimeout = 2 * time.Second
)

// csp keeps the pages to their own scripts: no inline script, nothing from elsewhere, so
// text a participant types can never run in anyone's browser.
const csp = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"

type server struct {
	cfg     config
	hub     *hub.Hub
	log     *slog.Logger
	echo    *echo.Echo
	guesses guessLimiter
	closers []func() error // run calls them when it stops
}

func newServer(cfg config, h *hub.Hub, log *slog.Logger) (*server, error) {
	s := &server{cfg: cfg, hub: h, log: log, echo: echo.New(), guesses: newLocalGuesses(time.Now)}
	if cfg.RedisURL != "" {
		// Its own small pool: a lookup's count must not wait behind the engine's commits.
		opt, err := redis.ParseURL(cfg.RedisURL)
		if err != nil {
			return nil, fmt.Errorf("--redis-url: %w", err)
		}
		opt.PoolSize, opt.DialTimeout, opt.ReadTimeout, opt.WriteTimeout = 4, time.Second, time.Second, time.Second
		rdb := redis.NewClient(opt)
		s.guesses = &redisGuesses{rdb: rdb, prefix: cfg.RedisPrefix, log: log}
		s.closers = append(s.closers, rdb.Close)
	}
	e := s.echo
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = s.errorHandler
	// A page typed or linked with a trailing slash (/w/CODE/) redirects to its address
	// instead of answering 404; the API keeps exact paths.
	e.Pre(middleware.RemoveTrailingSlashWithConfig(middleware.TrailingSlashConfig{
		RedirectCode: http.StatusMovedPermanently,
		Skipper: func(c echo.Context) bool {
			return c.Request().Method != http.MethodGet || strings.HasPrefix(c.Request().URL.Path, "/api/")
		},
	}))
	e.Use(middleware.Recover())
	e.Use(s.securityHeaders)

	// The client is the connecting address, unless it is a trusted proxy (compose's Caddy):
	// then the one that proxy names in X-Forwarded-For. Trusting private networks by
	// default would let any phone on a venue's Wi-Fi pose as another address.
	e.IPExtractor = echo.ExtractIPDirect()
	if len(cfg.TrustedProxies) > 0 {
		trust := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
		for _, n := range cfg.TrustedProxies {
			trust = append(trust, echo.TrustIPRange(n))
		}
		e.IPExtractor = echo.ExtractIPFromXFFHeader(trust...)
	}
	api := e.Group("/api", middleware.BodyLimit(maxBody))
	api.POST("/workshops", s.createWorkshop, createLimiter())
	api.GET("/workshops/:code", s.getWorkshop)
	api.DELETE("/workshops/:code", s.audited("workshop.deleted", s.deleteWorkshop))
	api.GET("/workshops/:code/qr.svg", s.qr)
	api.GET("/workshops/:code/export", s.audited("workshop.exported", s.exportWorkshop))
	e.GET("/api/workshops/:code/ws", s.websocket) // no body or response-wrapping middleware

	e.GET("/healthz", func(c echo.Context) error { return c.String(http.StatusOK, "ok\n") })
	e.GET("/readyz", s.ready)

	pages, _ := fs.Sub(static.FS, ".")
	page := func(name string) echo.HandlerFunc {
		return func(c echo.Context) error {
			b, err := fs.ReadFile(pages, name)
			if err != nil {
				return err
			}
			c.Response().Header().Set("Cache-Control", "no-cache")
			return c.HTMLBlob(http.StatusOK, b)
		}
	}
	e.GET("/", page("index.html"))
	e.GET("/w/:code", page("join.html"))
	e.GET("/w/:code/present", page("present.html"))
	e.GET("/w/:code/facilitate", page("facilitate.html"))
	assets := http.StripPrefix("/static/", http.FileServer(http.FS(pages)))
	e.GET("/static/*", echo.WrapHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/") || strings.HasSuffix(r.URL.Path, ".go") {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Cache-Control", "no-cache")
		assets.ServeHTTP(w, r)
	})))
	return s, nil
}

// close releases what newServer opened.
func (s *server) close() {
	for _, f := range s.closers {
		f()
	}
}

func (s *server) securityHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Response().Header()
		h.Set("Content-Security-Policy", csp)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		return next(c)
	}
}

// canonicalCode is session.CanonicalCode.
func canonicalCode(raw string) (string, bool) { return session.CanonicalCode(raw) }

// resolve finds the workshop of the :code parameter or answers 404; a client address
// that looked up too many codes that do not exist answers 429 with Retry-After
// (guess.go), whether or not this code exists.
func (s *server) resolve(c echo.Context) (hub.Meta, error) {
	code, ok := canonicalCode(c.Param("code"))
	if !ok {
		return hub.Meta{}, hub.ErrNotFound
	}
	ctx, addr := c.Request().Context(), c.RealIP()
	if ok, retry := s.guesses.take(ctx, addr); !ok {
		secs := int(math.Ceil(retry.Seconds()))
		c.Response().Header().Set("Retry-After", strconv.Itoa(max(secs, 1)))
		return hub.Meta{}, session.Errorf(session.CodeRateLimited, "too many codes that do not exist were tried from this address; try again in %d s", max(secs, 1))
	}
	m, err := s.hub.Engine().Resolve(ctx, code)
	if err == nil {
		s.guesses.found(ctx, addr)
	}
	return m, err
}

type links struct {
	Join       string `json:"join"`
	Present    string `json:"present"`
	Facilitate string `json:"facilitate"`
}

type createdBody struct {
	ID               string `json:"id"`
	Code             string `json:"code"`
	Title            string `json:"title"`
	Locale           string `json:"locale"`
	FacilitatorToken string `json:"facilitatorToken"`
	Links            links  `json:"links"`
}

func (s *server) createWorkshop(c echo.Context) error {
	var req struct {
		Title  *string `json:"title"`
		Locale string  `json:"locale"`
	}
	dec := json.NewDecoder(c.Request().Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return fail(c, codeTooLarge, "the request body is too large")
		}
		return fail(c, session.CodeInvalid, "the body must be a JSON object {\"title\", \"locale\"}: "+err.Error())
	}
	if req.Title == nil {
		return &session.Error{Code: session.CodeInvalid, Message: "title is required", Field: "title"}
	}
	title, err := session.CleanTitle(*req.Title)
	if err != nil {
		return err
	}
	locale, err := session.CleanLocale(req.Locale)
	if err != nil {
		return err
	}
	st, token, err := s.hub.Create(c.Request().Context(), title, locale)
	if err != nil {
		return err
	}
	s.audit(c, "workshop.created", "workshop", st.Code, "id", st.ID)
	base := "/w/" + st.Code
	return c.JSON(http.StatusCreated, createdBody{
		ID: st.ID, Code: st.Code, Title: st.Title, Locale: st.Locale, FacilitatorToken: token,
		Links: links{Join: base, Present: base + "/present", Facilitate: base + "/facilitate#token=" + token},
	})
}

// Creating workshops is limited per client address, so that nobody can fill the store:
// a burst of createBurst (a venue's facilitators behind one NAT), then one every
// createEvery.
const (
	createBurst = 20
	createEvery = 10 * time.Second
)

func createLimiter() echo.MiddlewareFunc {
	return middleware.RateLimiterWithConfig(middleware.RateLimiterConfig{
		Store: middleware.NewRateLimiterMemoryStoreWithConfig(middleware.RateLimiterMemoryStoreConfig{
			Rate: rate.Every(createEvery), Burst: createBurst, ExpiresIn: time.Hour,
		}),
		IdentifierExtractor: func(c echo.Context) (string, error) { return c.RealIP(), nil },
		ErrorHandler: func(c echo.Context, err error) error {
			return fail(c, session.CodeInvalid, "cannot tell who is asking")
		},
		DenyHandler: func(c echo.Context, _ string, _ error) error {
			return fail(c, session.CodeRateLimited, "too many new workshops from this address; try again in a minute")
		},
	})
}

func (s *server) getWorkshop(c echo.Context) error {
	m, err := s.resolve(c)
	if err != nil {
		return err
	}
	st, _, err := s.hub.Engine().Snapshot(c.Request().Context(), m.ID)
	if err != nil {
		return err
	}
	online, err := s.hub.Online(c.Request().Context(), m.ID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{
		"code": st.Code, "title": st.Title, "locale": st.Locale, "step": st.Step,
		"participants": online,
	})
}

// facilitator checks the bearer token of a facilitator call: 401 when missing, 403 when wrong.
func facilitator(c echo.Context, m hub.Meta) error {
	auth := c.Request().Header.Get("Authorization")
	token, ok := strings.CutPrefix(auth, "Bearer ")
	if !ok || token == "" {
		return fail(c, codeUnauthorized, "this call needs Authorization: Bearer <facilitatorToken>")
	}
	if subtle.ConstantTimeCompare([]byte(hub.HashToken(token)), []byte(m.FacilitatorHash)) != 1 {
		return fail(c, session.CodeForbidden, "wrong facilitator token")
	}
	return nil
}

func (s *server) deleteWorkshop(c echo.Context) error {
	m, err := s.resolve(c)
	if err != nil {
		return err
	}
	if err := facilitator(c, m); err != nil || c.Response().Committed {
		return err
	}
	if err := s.hub.Delete(c.Request().Context(), m.ID); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func (s *server) ready(c echo.Context) error {
	ctx, cancel := contextWithTimeout(c, readyTimeout)
	defer cancel()
	if err := s.hub.Engine().Ping(ctx); err != nil {
		return fail(c, session.CodeUnavailable, "the store does not answer: "+err.Error())
	}
	return c.String(http.StatusOK, "ready\n")
}

func (s *server) metrics() http.Handler {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	st := s.hub.Stats()
	gauge := func(name, help string, f func() float64) {
		reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help}, f))
	}
	counter := func(name, help string, f func() float64) {
		reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help}, f))
	}
	gauge("arena_connections", "Open websocket connections on this instance.", func() float64 { return float64(st.Conns.Load()) })
	counter("arena_events_total", "Events delivered to rooms on this instance.", func() float64 { return float64(st.Events.Load()) })
	counter("arena_deliveries_total", "Event messages queued to connections.", func() float64 { return float64(st.Deliveries.Load()) })
	counter("arena_frames_total", "Websocket frames written (a frame may batch several messages).", func() float64 { return float64(st.Frames.Load()) })
	counter("arena_slow_consumers_total", "Connections closed because their send queue overflowed.", func() float64 { return float64(st.SlowConsumers.Load()) })
	counter("arena_ops_total", "Ops received.", func() float64 { return float64(st.Ops.Load()) })
	counter("arena_op_errors_total", "Ops answered with an error.", func() float64 { return float64(st.OpErrors.Load()) })
	reg.MustRegister(histogramCollector{
		desc: prometheus.NewDesc("arena_commit_seconds", "How long the engine's writes to its store took; each makes ops, votes or estimates durable (local: one bbolt transaction with its fsync, for a batch of them; Redis: one call of the commit or the vote-and-estimate script, including calls refused because another instance wrote first).", nil, nil),
		h:    s.hub.Engine().CommitTime(),
	})
	if r, ok := s.hub.Engine().(*hub.Redis); ok {
		rs := r.Stats()
		counter("arena_redis_commits_total", "Commit script calls that committed (each may hold a batch of ops).", func() float64 { return float64(rs.Commits.Load()) })
		counter("arena_redis_conflicts_total", "Commit script calls refused because another instance committed first (then caught up and retried).", func() float64 { return float64(rs.Conflicts.Load()) })
		counter("arena_redis_catchups_total", "Catch-ups from the log after a gap, a resubscription or a seq check.", func() float64 { return float64(rs.CatchUps.Load()) })
	}
	return promhttp.HandlerFor(reg, promhttp.HandlerOpts{})
}

// histogramCollector shows a hub.Histogram to Prometheus.
type histogramCollector struct {
	desc *prometheus.Desc
	h    *hub.Histogram
}

func (c histogramCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }

func (c histogramCollector) Collect(ch chan<- prometheus.Metric) {
	cumulative, count, sum := c.h.Read()
	buckets := make(map[float64]uint64, len(cumulative))
	for i, n := range cumulative {
		buckets[hub.CommitBuckets[i].Seconds()] = n
	}
	ch <- prometheus.MustNewConstHistogram(c.desc, count, sum.Seconds(), buckets)
}
