package main

import (
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"strings"
	"time"
)

// config is the whole configuration: every flag has an environment variable.
type config struct {
	Addr      string
	AdminAddr string // "" when off
	DataDir   string
	PublicURL string
	Grace     time.Duration
	LogLevel  string
	LogFormat string

	RedisURL    string
	RedisPrefix string
	Retention   time.Duration

	TrustedProxies []*net.IPNet // whose X-Forwarded-For names the client; none: the peer is the client
}

// option binds one flag to its environment variable, for --help and the README table.
type option struct {
	flag, env, def, usage string
}

var options = []option{
	{"addr", "ARENA_ADDR", ":8080", "address to listen on (host:port)"},
	{"admin-addr", "ARENA_ADMIN_ADDR", "127.0.0.1:9091", "address of the admin listener with /metrics and /debug/pprof/ (loopback by default; off: none)"},
	{"data-dir", "ARENA_DATA_DIR", "arena-data", "folder of the embedded store (local engine); created if absent"},
	{"public-url", "ARENA_PUBLIC_URL", "", "base URL of the join links in QR codes (e.g. https://arena.example.org); default: the request's own host"},
	{"shutdown-grace", "ARENA_SHUTDOWN_GRACE", "10s", "how long a stop may take to close websockets and flush"},
	{"log-level", "ARENA_LOG_LEVEL", "info", "debug, info, warn or error"},
	{"log-format", "ARENA_LOG_FORMAT", "text", "text or json"},
	{"redis-url", "REDIS_URL", "", "Redis to share workshops between instances (redis://host:6379/0); empty: the embedded store in --data-dir"},
	{"redis-prefix", "ARENA_REDIS_PREFIX", "arena:", "prefix of every Redis key and channel (several deployments can share one Redis)"},
	{"retention", "ARENA_RETENTION", "720h", "a workshop and all it holds is deleted after this long without a change"},
	{"trusted-proxies", "ARENA_TRUSTED_PROXIES", "", "comma-separated addresses or CIDR ranges of reverse proxies whose X-Forwarded-For names the client (for the limit on creating workshops); empty: the connecting address is the client"},
}

// parseConfig reads flags from args, with environment variables as defaults.
func parseConfig(args []string, getenv func(string) string, out io.Writer) (config, error) {
	fs := flag.NewFlagSet("arena", flag.ContinueOnError)
	fs.SetOutput(out)
	vals := map[string]*string{}
	for _, o := range options {
		def := o.def
		if v := getenv(o.env); v != "" {
			def = v
		}
		vals[o.flag] = fs.String(o.flag, def, fmt.Sprintf("%s (env %s)", o.usage, o.env))
	}
	fs.Usage = func() {
		fmt.Fprintf(out, "Arena: a real-time server for network-building workshops.\n\nUsage: arena [flags]\n       arena --healthcheck   (exit 0 when the server on ARENA_ADDR answers /healthz)\n\nFlags (each also read from an environment variable):\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return config{}, err
	}
	c := config{
		Addr: *vals["addr"], DataDir: *vals["data-dir"], PublicURL: strings.TrimRight(*vals["public-url"], "/"),
		LogLevel: *vals["log-level"], LogFormat: *vals["log-format"],
		RedisURL: *vals["redis-url"], RedisPrefix: *vals["redis-prefix"],
	}
	var err error
	if c.Grace, err = time.ParseDuration(*vals["shutdown-grace"]); err != nil || c.Grace <= 0 {
		return config{}, fmt.Errorf("--shutdown-grace: want a positive duration such as 10s, got %q", *vals["shutdown-grace"])
	}
	if c.Retention, err = time.ParseDuration(*vals["retention"]); err != nil || c.Retention < time.Hour {
		return config{}, fmt.Errorf("--retention: want a duration of at least 1h such as 720h, got %q", *vals["retention"])
	}
	if c.RedisPrefix == "" {
		return config{}, fmt.Errorf("--redis-prefix must not be empty")
	}
	for _, p := range strings.Split(*vals["trusted-proxies"], ",") {
		if p = strings.TrimSpace(p); p == "" {
			continue
		}
		cidr := p
		if ip := net.ParseIP(p); ip != nil && ip.To4() != nil { // one address: a range of one
			cidr = p + "/32"
		} else if ip != nil {
			cidr = p + "/128"
		}
		_, n, err := net.ParseCIDR(cidr)
		if err != nil {
			return config{}, fmt.Errorf("--trusted-proxies: want addresses or CIDR ranges such as 10.0.0.0/8, got %q", p)
		}
		c.TrustedProxies = append(c.TrustedProxies, n)
	}
	switch c.AdminAddr = strings.TrimSpace(*vals["admin-addr"]); c.AdminAddr {
	case "off":
		c.AdminAddr = ""
	case "":
		return config{}, fmt.Errorf("--admin-addr: want host:port such as 127.0.0.1:9091, or off")
	default:
		if _, _, err := net.SplitHostPort(c.AdminAddr); err != nil {
			return config{}, fmt.Errorf("--admin-addr: want host:port such as 127.0.0.1:9091, or off, got %q", c.AdminAddr)
		}
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		return config{}, fmt.Errorf("--log-format: want text or json, got %q", c.LogFormat)
	}
	return c, nil
}

func (c config) logger(w io.Writer) (*slog.Logger, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(c.LogLevel)); err != nil {
		return nil, fmt.Errorf("--log-level: %w", err)
	}
	opts := &slog.HandlerOptions{Level: level}
	if c.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return slog.New(slog.NewTextHandler(w, opts)), nil
}

func osEnv(k string) string { return os.Getenv(k) }
