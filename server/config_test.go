package main

import (
	"io"
	"net"
	"reflect"
	"testing"
	"time"
)

func TestParseConfig(t *testing.T) {
	env := map[string]string{"ARENA_ADDR": ":9000", "ARENA_SHUTDOWN_GRACE": "3s"}
	getenv := func(k string) string { return env[k] }
	tests := []struct {
		name    string
		args    []string
		want    config
		wantErr bool
	}{
		{"environment", nil, config{Addr: ":9000", AdminAddr: "127.0.0.1:9091", DataDir: "arena-data", Grace: 3 * time.Second, LogLevel: "info", LogFormat: "text", RedisPrefix: "arena:", Retention: 720 * time.Hour}, false},
		{"flag beats environment", []string{"--addr", "127.0.0.1:1234", "--public-url", "https://arena.example.org/"}, config{Addr: "127.0.0.1:1234", AdminAddr: "127.0.0.1:9091", DataDir: "arena-data", PublicURL: "https://arena.example.org", Grace: 3 * time.Second, LogLevel: "info", LogFormat: "text", RedisPrefix: "arena:", Retention: 720 * time.Hour}, false},
		{"redis", []string{"--redis-url", "redis://r:6379/2", "--redis-prefix", "x:", "--retention", "48h"}, config{Addr: ":9000", AdminAddr: "127.0.0.1:9091", DataDir: "arena-data", Grace: 3 * time.Second, LogLevel: "info", LogFormat: "text", RedisURL: "redis://r:6379/2", RedisPrefix: "x:", Retention: 48 * time.Hour}, false},
		{"retention too short", []string{"--retention", "10m"}, config{}, true},
		{"empty prefix", []string{"--redis-prefix", ""}, config{}, true},
		{"bad grace", []string{"--shutdown-grace", "soon"}, config{}, true},
		{"bad log format", []string{"--log-format", "xml"}, config{}, true},
		{"unknown flag", []string{"--nope"}, config{}, true},
		{"trusted proxies", []string{"--trusted-proxies", "172.18.0.0/16, 10.1.2.3,::1"}, config{Addr: ":9000", AdminAddr: "127.0.0.1:9091", DataDir: "arena-data", Grace: 3 * time.Second, LogLevel: "info", LogFormat: "text", RedisPrefix: "arena:", Retention: 720 * time.Hour,
			TrustedProxies: []*net.IPNet{cidr(t, "172.18.0.0/16"), cidr(t, "10.1.2.3/32"), cidr(t, "::1/128")}}, false},
		{"admin listener elsewhere", []string{"--admin-addr", "10.0.0.5:9100"}, config{Addr: ":9000", AdminAddr: "10.0.0.5:9100", DataDir: "arena-data", Grace: 3 * time.Second, LogLevel: "info", LogFormat: "text", RedisPrefix: "arena:", Retention: 720 * time.Hour}, false},
		{"admin listener off", []string{"--admin-addr", "off"}, config{Addr: ":9000", DataDir: "arena-data", Grace: 3 * time.Second, LogLevel: "info", LogFormat: "text", RedisPrefix: "arena:", Retention: 720 * time.Hour}, false},
		{"admin listener without a port", []string{"--admin-addr", "localhost"}, config{}, true},
		{"admin listener empty", []string{"--admin-addr", ""}, config{}, true},
		{"bad trusted proxy", []string{"--trusted-proxies", "10.0.0.0/33"}, config{}, true},
		{"trusted proxy not an address", []string{"--trusted-proxies", "proxy.local"}, config{}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseConfig(tc.args, getenv, io.Discard)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err %v, wantErr %v", err, tc.wantErr)
			}
			if !tc.wantErr && !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestCanonicalCode(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"ABC234", "ABC234", true},
		{"abc234", "ABC234", true},
		{"abc-234", "ABC234", true},
		{" ab c 2 3 4 ", "ABC234", true},
		{"ABC23", "", false},
		{"ABC2345", "", false},
		{"ABC01I", "", false}, // 0, 1, I and O are not in the alphabet
		{"ABC23é", "", false},
		{"../../", "", false},
	}
	for _, tc := range tests {
		got, ok := canonicalCode(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("canonicalCode(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func cidr(t *testing.T, s string) *net.IPNet {
	t.Helper()
	_, n, err := net.ParseCIDR(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}
