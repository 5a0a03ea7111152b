package hub

import (
	"sync/atomic"
	"time"
)

// CommitBuckets are the upper bounds of the commit-time histogram: from a fast fsync on an
// SSD to a disk or Redis that stalls.
var CommitBuckets = [...]time.Duration{
	100 * time.Microsecond, 250 * time.Microsecond, 500 * time.Microsecond,
	time.Millisecond, 2500 * time.Microsecond, 5 * time.Millisecond, 10 * time.Millisecond,
	25 * time.Millisecond, 50 * time.Millisecond, 100 * time.Millisecond, 250 * time.Millisecond,
	time.Second,
}

// Histogram counts durations in the buckets of CommitBuckets, without a lock. The zero
// value is ready to use.
type Histogram struct {
	counts [len(CommitBuckets) + 1]atomic.Uint64 // one a bucket, and the last for what is over every bound
	sum    atomic.Int64                          // nanoseconds
}

// Observe counts one duration.
func (h *Histogram) Observe(d time.Duration) {
	i := 0
	for i < len(CommitBuckets) && d > CommitBuckets[i] {
		i++
	}
	h.counts[i].Add(1)
	h.sum.Add(int64(d))
}

// Read returns, for each bound of CommitBuckets, how many durations were at most that
// bound (cumulative, as Prometheus wants them), the count of all and their sum.
func (h *Histogram) Read() (cumulative []uint64, count uint64, sum time.Duration) {
	cumulative = make([]uint64, len(CommitBuckets))
	for i := range CommitBuckets {
		count += h.counts[i].Load()
		cumulative[i] = count
	}
	return cumulative, count + h.counts[len(CommitBuckets)].Load(), time.Duration(h.sum.Load())
}
