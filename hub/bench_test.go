package hub

import (
	"fmt"
	"runtime"
	"sync"
	"testing"

	"github.com/arena-workshop/arena/session"
)

// Benchmarks of the fan-out path: one committed event to every connection of a room.
// They run only with -bench (see bench/README.md for the figures):
//
//	go test -run='^$' -bench=. -benchmem ./hub/
//
// Besides ns/op and allocs/op (one op = one event to the whole room), each reports
// ns/delivery and allocs/delivery (per connection reached).

var benchRoomSizes = []int{50, 500}

// benchEvent is a typical event: an actor.updated with a filled-in actor.
func benchEvent() *session.Event {
	yes := true
	return &session.Event{Name: session.EvActorUpdated, By: "6f1c1d0e-9d36-4a43-9d53-2d4a0bb5d0a1", Data: &session.ActorData{Actor: &session.Actor{
		ID: "2b7e1516-28ae-4d2a-a6ab-f7158809cf4f", Name: "Gemeente Utrecht, afdeling wonen", Category: "core",
		Resources: "budget, a say over permits", Importance: 3, Replaceability: "small", Dependency: "ratherLarge",
		Form: "network", Selected: true, CreatedBy: "6f1c1d0e-9d36-4a43-9d53-2d4a0bb5d0a1", Version: 7,
		FollowUp: session.FollowUp{Status: "contacted", AssessmentRight: &yes, Interest: "high", Willingness: "medium"},
	}}}
}

// benchRoom returns a room with n connections as the hub makes them, except that they
// have no websocket (fanout only enqueues) and no writer: the caller takes their queues.
func benchRoom(n int) (*room, []*Conn) {
	h := &Hub{rooms: map[string]*room{}, conns: map[*Conn]struct{}{}}
	r := newRoom(h, "bench")
	conns := make([]*Conn, n)
	for i := range conns {
		c := newConn(nil, fmt.Sprintf("p%d", i), session.RoleParticipant, &h.stats)
		c.joined.Store(r)
		r.conns[c] = struct{}{}
		c.idx = len(r.list)
		r.list = append(r.list, c)
		conns[i] = c
	}
	return r, conns
}

func drainAll(conns []*Conn) {
	for _, c := range conns {
		c.take(nil)
	}
}

// mallocs returns the number of heap allocations so far (all goroutines).
func mallocs() uint64 {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.Mallocs
}

// reportPerDelivery adds ns/delivery and allocs/delivery for b.N events to n connections.
func reportPerDelivery(b *testing.B, n int, allocs uint64) {
	deliveries := float64(b.N) * float64(n)
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/deliveries, "ns/delivery")
	b.ReportMetric(float64(allocs)/deliveries, "allocs/delivery")
}

// inChunks runs event(1) .. event(b.N) with the timer on, in chunks of sendQueue/2; the
// writers' cursors catch up between chunks with the timer stopped, and after the last.
// It stops the timer and returns the heap allocations made during the chunks.
func inChunks(b *testing.B, conns []*Conn, event func(seq uint64)) uint64 {
	var allocs uint64
	b.ResetTimer()
	for done := 0; done < b.N; {
		chunk := min(sendQueue/2, b.N-done)
		b.StopTimer()
		drainAll(conns)
		before := mallocs()
		b.StartTimer()
		for range chunk {
			done++
			event(uint64(done))
		}
		b.StopTimer()
		allocs += mallocs() - before
		b.StartTimer()
	}
	b.StopTimer()
	drainAll(conns)
	return allocs
}

func checkNoSlowConsumer(b *testing.B, r *room) {
	if s := r.hub.stats.SlowConsumers.Load(); s != 0 {
		b.Fatalf("%d slow-consumer closes: the benchmark must drain the queues", s)
	}
}

// BenchmarkFanout is room.fanout alone, with the writers behind, as under load: the
// event goes into the room's ring once and no writer waits to be woken. The writers'
// cursors catch up with the timer stopped, every sendQueue/2 events.
func BenchmarkFanout(b *testing.B) {
	msg, err := EncodeEvent(1, benchEvent())
	if err != nil {
		b.Fatal(err)
	}
	for _, n := range benchRoomSizes {
		b.Run(fmt.Sprintf("conns=%d", n), func(b *testing.B) {
			r, conns := benchRoom(n)
			b.ReportAllocs()
			allocs := inChunks(b, conns, func(seq uint64) { r.fanout(seq, msg) })
			reportPerDelivery(b, n, allocs)
			checkNoSlowConsumer(b, r)
			if got := r.hub.stats.Deliveries.Load(); got != int64(b.N)*int64(n) {
				b.Fatalf("%d deliveries, want %d", got, int64(b.N)*int64(n))
			}
		})
	}
}

// BenchmarkFanoutParkedWriters is room.fanout with one goroutine per connection parked
// as the real writers are when the server keeps up (Conn.await): each event wakes every
// goroutine, which takes it from the ring. The time includes the drainers'
// share of the CPU (GOMAXPROCS as given), not a network write.
func BenchmarkFanoutParkedWriters(b *testing.B) {
	msg, err := EncodeEvent(1, benchEvent())
	if err != nil {
		b.Fatal(err)
	}
	for _, n := range benchRoomSizes {
		b.Run(fmt.Sprintf("conns=%d", n), func(b *testing.B) {
			r, conns := benchRoom(n)
			var got sync.WaitGroup
			var wg sync.WaitGroup
			for _, c := range conns {
				wg.Go(func() {
					var out [][]byte
					for c.await() { // as the writer waits, until quit
						out, _ = c.take(out[:0])
						for range out {
							got.Done()
						}
					}
				})
			}
			b.ReportAllocs()
			b.ResetTimer()
			before := mallocs()
			for i := 0; i < b.N; i++ {
				got.Add(n)
				r.fanout(uint64(i+1), msg)
				got.Wait() // every writer took it: the queues never fill
			}
			allocs := mallocs() - before
			b.StopTimer()
			for _, c := range conns {
				close(c.quit)
			}
			wg.Wait()
			reportPerDelivery(b, n, allocs)
			checkNoSlowConsumer(b, r)
		})
	}
}

// BenchmarkEncodeEvent is the one encoding of an event (engine commit path); the bytes
// are then shared by every delivery.
func BenchmarkEncodeEvent(b *testing.B) {
	ev := benchEvent()
	b.ReportAllocs()
	var size int
	for i := 0; i < b.N; i++ {
		msg, err := EncodeEvent(uint64(i+1), ev)
		if err != nil {
			b.Fatal(err)
		}
		size = len(msg)
	}
	b.ReportMetric(float64(size), "bytes/event")
}

// BenchmarkEventToRoom is one event from its encoding to every queue of the room: one
// EncodeEvent, then fanout of the same bytes. Per delivery, the encoding's cost and
// allocations are shared by the n connections.
func BenchmarkEventToRoom(b *testing.B) {
	ev := benchEvent()
	for _, n := range benchRoomSizes {
		b.Run(fmt.Sprintf("conns=%d", n), func(b *testing.B) {
			r, conns := benchRoom(n)
			b.ReportAllocs()
			allocs := inChunks(b, conns, func(seq uint64) {
				msg, err := EncodeEvent(seq, ev)
				if err != nil {
					b.Fatal(err)
				}
				r.fanout(seq, msg)
			})
			reportPerDelivery(b, n, allocs)
			b.ReportMetric(float64(allocs)/float64(b.N), "allocs/event")
			checkNoSlowConsumer(b, r)
		})
	}
}
