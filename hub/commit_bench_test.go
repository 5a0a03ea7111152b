package hub

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/arena-workshop/arena/hub/redistest"
	"github.com/arena-workshop/arena/session"
)

// Benchmarks of the commit path (see bench/README.md for the figures):
//
//	go test -run='^$' -bench=Commit -benchmem ./hub/
//
// One op = one actor.update applied, committed and acknowledged (Update, then Wait: on
// the local engine the ack waits for the fsync). 64 writers at once, spread over the
// workshops (and over two instances for Redis); reported as ops/s beside ns/op.

const benchWriters = 64

func BenchmarkCommit(b *testing.B) {
	for _, ws := range []int{1, 100} {
		b.Run(fmt.Sprintf("engine=local/workshops=%d", ws), func(b *testing.B) {
			l, err := OpenLocal(b.TempDir())
			if err != nil {
				b.Fatal(err)
			}
			defer l.Close()
			benchCommit(b, []Engine{l}, ws)
		})
	}
	for _, ws := range []int{1, 100} {
		b.Run(fmt.Sprintf("engine=redis/instances=2/workshops=%d", ws), func(b *testing.B) {
			c := redistest.Need(b)
			prefix := redistest.Prefix(b, c)
			e1 := openRedisEngine(b, prefix, "arena-bench")
			e2 := openRedisEngine(b, prefix, "arena-bench")
			benchCommit(b, []Engine{e1, e2}, ws)
		})
	}
}

func benchCommit(b *testing.B, engines []Engine, workshops int) {
	type target struct{ id, actor string }
	targets := make([]target, workshops)
	for i := range targets {
		m, _ := newWorkshop(b, engines[0])
		c := commit(b, engines[0], m.ID, opFn(session.OpActorAdd, `{"name":"bench"}`))
		targets[i] = target{m.ID, c.ID}
		for _, e := range engines {
			e.Watch(m.ID) // as the hub does for workshops with connections
			defer e.Unwatch(m.ID)
		}
	}
	var next atomic.Int64
	b.SetParallelism(benchWriters / 2) // × GOMAXPROCS (2 here) = 64 writers
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			n := next.Add(1)
			t := targets[int(n)%len(targets)]
			e := engines[int(n)%len(engines)]
			data := fmt.Appendf(nil, `{"id":%q,"name":"bench %d"}`, t.actor, n) // always a change
			c, err := e.Update(context.Background(), t.id, opFnBytes(session.OpActorUpdate, data))
			if err == nil {
				err = c.Wait(context.Background())
			}
			if err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "ops/s")
}

func opFnBytes(name string, data []byte) func(*session.State) (Change, error) {
	return func(st *session.State) (Change, error) {
		r, err := session.Apply(st, facCaller, name, data, session.Env{Now: 1, NewID: newID})
		return Change{Result: r}, err
	}
}
