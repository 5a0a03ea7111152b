package main

import (
	"context"
	"io"
	"math/rand/v2"
	"net/http"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// The buckets on a clock the test moves: a room of 60 behind one NAT, arriving over 90 s,
// each typing a wrong code twice before the right one, is never refused; a guesser who
// tries 10,000 codes in 10 s gets at most guessBurst lookups.
func TestGuessBuckets(t *testing.T) {
	t.Run("a room behind one NAT", func(t *testing.T) {
		now := time.Unix(0, 0)
		l := newLocalGuesses(func() time.Time { return now })
		type ev struct {
			at  time.Duration
			hit bool
		}
		var evs []ev
		r := rand.New(rand.NewPCG(1, 2))
		for range 60 {
			start := time.Duration(r.Int64N(int64(90 * time.Second)))
			evs = append(evs, ev{start, false}, ev{start + 4*time.Second, false}, ev{start + 8*time.Second, true})
		}
		sort.Slice(evs, func(i, j int) bool { return evs[i].at < evs[j].at })
		for i, e := range evs {
			now = time.Unix(0, 0).Add(e.at)
			if ok, _ := l.take(context.Background(), "203.0.113.7"); !ok {
				t.Fatalf("lookup %d of the room (at %v) refused", i, e.at)
			}
			if e.hit {
				l.found(context.Background(), "203.0.113.7")
			}
		}
	})
	t.Run("all at once, mistyped twice each", func(t *testing.T) {
		// The worst order: all 120 misses before the first right code, within a second.
		l := newLocalGuesses(time.Now)
		refused := 0
		for range 120 {
			if ok, _ := l.take(context.Background(), "203.0.113.7"); !ok {
				refused++
			}
		}
		if refused != 120-guessBurst {
			t.Errorf("%d of 120 refused, want %d (the burst is %d)", refused, 120-guessBurst, guessBurst)
		}
	})
	t.Run("a guesser", func(t *testing.T) {
		now := time.Unix(0, 0)
		l := newLocalGuesses(func() time.Time { return now })
		answered := 0
		var retry time.Duration
		for i := range 10_000 {
			now = time.Unix(0, 0).Add(time.Duration(i) * time.Millisecond) // 10 s in all
			ok, r := l.take(context.Background(), "198.51.100.9")
			if ok {
				answered++
			} else {
				retry = r
			}
		}
		if answered > guessBurst+4 {
			t.Errorf("%d of 10,000 guesses answered, want at most %d", answered, guessBurst+4)
		}
		if retry <= 0 || retry > guessEvery {
			t.Errorf("retry after %v, want (0, %v]", retry, guessEvery)
		}
		// Another address, and the same household's other IPv6 address, are their own.
		if ok, _ := l.take(context.Background(), "198.51.100.10"); !ok {
			t.Error("another address refused")
		}
		for range guessBurst {
			l.take(context.Background(), "2001:db8:1:2::1")
		}
		if ok, _ := l.take(context.Background(), "2001:db8:1:2:ffff::9"); ok {
			t.Error("an address of the same IPv6 /64 has a bucket of its own")
		}
	})
	t.Run("memory", func(t *testing.T) {
		now := time.Unix(0, 0)
		l := newLocalGuesses(func() time.Time { return now })
		l.max = 1000
		for i := range 5000 {
			now = now.Add(guessEvery * guessBurst / 1000) // the older buckets fill up again
			l.take(context.Background(), "10.0."+strconv.Itoa(i/256)+"."+strconv.Itoa(i%256))
		}
		if len(l.b) > 1000 {
			t.Errorf("%d buckets kept, want at most 1000", len(l.b))
		}
	})
}

// guessFrom looks up codes from one client address (named in X-Forwarded-For, the server
// trusting the loopback proxy) and counts the answers that are not 429.
func guessFrom(t *testing.T, bases []string, addr string, codes []string) (answered int, statuses map[string]int) {
	t.Helper()
	var n atomic.Int64
	statuses = map[string]int{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	work := make(chan int)
	client := &http.Client{Timeout: 5 * time.Second}
	for range 8 {
		wg.Go(func() {
			for i := range work {
				req, _ := http.NewRequest("GET", bases[i%len(bases)]+"/api/workshops/"+codes[i], nil)
				req.Header.Set("X-Forwarded-For", addr)
				resp, err := client.Do(req)
				if err != nil {
					t.Errorf("guess %d: %v", i, err)
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusTooManyRequests {
					n.Add(1)
				} else if resp.Header.Get("Retry-After") == "" {
					t.Errorf("429 without Retry-After")
				}
				mu.Lock()
				statuses[codes[i]] = resp.StatusCode
				mu.Unlock()
			}
		})
	}
	for i := range codes {
		work <- i
	}
	close(work)
	wg.Wait()
	return int(n.Load()), statuses
}

// randomCodes makes n codes that are not want, with want at index at.
func randomCodes(n, at int, want string) []string {
	const alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
	r := rand.New(rand.NewPCG(7, 8))
	out := make([]string, n)
	for i := range out {
		b := make([]byte, 6)
		for j := range b {
			b[j] = alphabet[r.IntN(len(alphabet))]
		}
		if out[i] = string(b); out[i] == want {
			out[i] = "ZZZZZZ"
		}
	}
	if at >= 0 {
		out[at] = want
	}
	return out
}

// Issue 12, finding 1, re-run: 10,000 lookups of random codes from one address, the real
// code planted at guess 9,000, get at most guessBurst answers that are not 429, and the
// real code is not among them; a websocket upgrade from that address is refused before
// upgrading; another address (a phone in the room) joins as ever.
func TestCodeGuessing(t *testing.T) {
	dir := t.TempDir()
	s := startServerArgs(t, dir, "--data-dir", dir, "--trusted-proxies", "127.0.0.1")
	w := s.create(t, "Echt")
	start := time.Now()
	answered, statuses := guessFrom(t, []string{s.base}, "198.51.100.9", randomCodes(10_000, 9_000, w.Code))
	t.Logf("10,000 guesses from one address in %v: %d answered other than 429; the real code at guess 9,000: %d", time.Since(start).Round(time.Millisecond), answered, statuses[w.Code])
	// The bucket refills one every guessEvery while the guesses run (13.7 s under -race on
	// a loaded machine, under 1 s on a quiet one).
	if limit := guessBurst + int(time.Since(start)/guessEvery) + 1; answered > limit {
		t.Errorf("%d of 10,000 guesses answered other than 429, want at most %d (the burst and the refill over the run)", answered, limit)
	}
	if statuses[w.Code] != http.StatusTooManyRequests {
		t.Errorf("the real code, guessed at 9,000, answered %d, want 429", statuses[w.Code])
	}
	// The websocket upgrade is a lookup too: refused before upgrading.
	req, _ := http.NewRequest("GET", s.base+"/api/workshops/"+w.Code+"/ws", nil)
	req.Header.Set("X-Forwarded-For", "198.51.100.9")
	req.Header.Set("Connection", "Upgrade")
	req.Header.Set("Upgrade", "websocket")
	req.Header.Set("Sec-WebSocket-Version", "13")
	req.Header.Set("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusTooManyRequests {
		t.Errorf("websocket upgrade from the guessing address: %d, want 429", resp.StatusCode)
	}
	// A participant on another address finds the workshop and joins.
	if n, st := guessFrom(t, []string{s.base}, "203.0.113.7", []string{w.Code}); n != 1 || st[w.Code] != 200 {
		t.Errorf("another address: %v", st)
	}
	connect(t, s, w.Code, map[string]any{"role": "participant", "name": "Lien"})
}

// Finding 1 on two instances sharing Redis: a balancer that sends guesses round-robin to
// both does not double what one address gets.
func TestCodeGuessingShared(t *testing.T) {
	url := needRedis(t)
	srvs := startInstances(t, 2, url, redisPrefix(t, url), "--trusted-proxies", "127.0.0.1")
	start := time.Now()
	answered, _ := guessFrom(t, []string{srvs[0].base, srvs[1].base}, "198.51.100.9", randomCodes(400, -1, ""))
	t.Logf("400 guesses over 2 instances: %d answered other than 429", answered)
	if limit := guessBurst + int(time.Since(start)/guessEvery) + 1; answered > limit {
		t.Errorf("%d of 400 guesses over two instances answered, want at most %d", answered, limit)
	}
}
