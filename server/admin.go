package main

import (
	"net/http"
	"net/http/pprof"
)

// adminHandler serves what only the operator should reach, on the admin listener
// (--admin-addr, loopback by default), never on the public port: the Prometheus metrics
// and the Go profiler (net/http/pprof), which would tell anyone how busy the server is
// and let them make it spend CPU on a 30-second profile.
func (s *server) adminHandler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", s.metrics())
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("ok\n")) })
	return mux
}
