package hub

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/arena-workshop/arena/hub/redistest"
	"github.com/arena-workshop/arena/session"
)

func redisURL() string { return redistest.URL() }

func needRedis(tb testing.TB) *redis.Client { return redistest.Need(tb) }

func testPrefix(tb testing.TB, c *redis.Client) string { return redistest.Prefix(tb, c) }

var redisPrefixes sync.Map // *Redis -> prefix, for reopening and second instances

func openRedisEngine(tb testing.TB, prefix, name string) *Redis {
	tb.Helper()
	e, err := OpenRedis(context.Background(), RedisOptions{URL: redisURL(), Prefix: prefix, ClientName: name})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { e.Close() })
	redisPrefixes.Store(e, prefix)
	return e
}

func redisFactory() engineFactory {
	prefixOf := func(tb testing.TB, e Engine) string {
		p, ok := redisPrefixes.Load(e)
		if !ok {
			tb.Fatal("no prefix for engine")
		}
		return p.(string)
	}
	return engineFactory{
		name: "redis",
		open: func(tb testing.TB) Engine {
			c := needRedis(tb)
			return openRedisEngine(tb, testPrefix(tb, c), "arena-test")
		},
		reopen: func(tb testing.TB, e Engine) Engine {
			if err := e.Close(); err != nil {
				tb.Fatal(err)
			}
			return openRedisEngine(tb, prefixOf(tb, e), "arena-test")
		},
		another: func(tb testing.TB, e Engine) Engine {
			return openRedisEngine(tb, prefixOf(tb, e), "arena-test")
		},
	}
}

func TestRedisEngine(t *testing.T) {
	testEngines(t, redisFactory())
}

// killPubSub kills the pub/sub connection of the client named name (by its id, so that
// other tests sharing this Redis keep theirs).
func killPubSub(tb testing.TB, c *redis.Client, name string) int {
	tb.Helper()
	ctx := context.Background()
	list, err := c.ClientList(ctx).Result()
	if err != nil {
		tb.Fatal(err)
	}
	killed := 0
	for _, line := range strings.Split(list, "\n") {
		if !strings.Contains(line, " name="+name+" ") || !strings.Contains(line, "sub=") || strings.Contains(line, " sub=0 ") {
			continue
		}
		for _, f := range strings.Fields(line) {
			if id, ok := strings.CutPrefix(f, "id="); ok {
				if err := c.Do(ctx, "CLIENT", "KILL", "ID", id).Err(); err != nil {
					tb.Fatalf("client kill: %v", err)
				}
				killed++
			}
		}
	}
	return killed
}

// An instance whose pub/sub connection dies keeps delivering every event, in order:
// it resubscribes and reads what it missed from the log.
func TestRedisPubSubKilled(t *testing.T) {
	c := needRedis(t)
	prefix := testPrefix(t, c)
	e1 := openRedisEngine(t, prefix, "arena-test")
	name := "arena-test-" + strings.TrimSuffix(strings.TrimPrefix(prefix, "arena-test:"), ":")
	e2 := openRedisEngine(t, prefix, name)
	m, _ := newWorkshop(t, e1)
	d := &delivered{seq: map[string][]uint64{}}
	e2.SetDeliver(d.handler)
	e2.Watch(m.ID)
	defer e2.Unwatch(m.ID)
	_, start, _ := e2.Snapshot(context.Background(), m.ID)
	waitFor(t, func() bool { return killPubSubCount(c, name) == 1 }) // subscribed
	const ops = 150
	kills := 0
	for i := range ops {
		commit(t, e1, m.ID, opFn(session.OpActorUpdate, fmt.Sprintf(`{"id":%q,"name":"n%d"}`, firstActor(t, e1, m.ID), i)))
		if i%40 == 20 {
			kills += killPubSub(t, c, name)
		}
		time.Sleep(time.Millisecond)
	}
	if kills < 3 {
		t.Fatalf("killed %d pub/sub connections, want 3 or more", kills)
	}
	_, last, _ := e1.Snapshot(context.Background(), m.ID)
	waitFor(t, func() bool {
		d.mu.Lock()
		defer d.mu.Unlock()
		got := d.seq[m.ID]
		return len(got) > 0 && got[len(got)-1] == last
	})
	d.mu.Lock()
	defer d.mu.Unlock()
	next := start + 1
	for _, s := range d.seq[m.ID] {
		if s != next {
			t.Fatalf("delivered out of order after %d: %v", start, d.seq[m.ID])
		}
		next++
	}
}

// killPubSubCount counts the pub/sub connections of the client named name.
func killPubSubCount(c *redis.Client, name string) int {
	list, err := c.ClientList(context.Background()).Result()
	if err != nil {
		return -1
	}
	n := 0
	for _, line := range strings.Split(list, "\n") {
		if strings.Contains(line, " name="+name+" ") && strings.Contains(line, "sub=") && !strings.Contains(line, " sub=0 ") {
			n++
		}
	}
	return n
}

var actorOnce sync.Map // workshop id -> actor id

// firstActor returns an actor of the workshop, adding one the first time.
func firstActor(tb testing.TB, e Engine, id string) string {
	tb.Helper()
	if a, ok := actorOnce.Load(id); ok {
		return a.(string)
	}
	c := commit(tb, e, id, opFn(session.OpActorAdd, `{"name":"first"}`))
	actorOnce.Store(id, c.ID)
	return c.ID
}

// Every key of a workshop expires after the retention period of inactivity: none is
// left without an expiry, whatever was done with the workshop.
func TestRedisRetention(t *testing.T) {
	c := needRedis(t)
	prefix := testPrefix(t, c)
	e, err := OpenRedis(context.Background(), RedisOptions{URL: redisURL(), Prefix: prefix, Retention: 2 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	ctx := context.Background()
	m, st, rd := pollWorkshop(t, e, 2)
	e.Watch(m.ID)
	defer e.Unwatch(m.ID)
	commit(t, e, m.ID, func(*session.State) (Change, error) {
		return Change{Grant: &Grant{Hash: HashToken("tok"), ParticipantID: "p0"}}, nil
	})
	caller := session.Caller{ID: "p0", Role: session.RoleParticipant}
	a := st.Actors[0].ID
	if _, err := e.CastVote(ctx, m.ID, rd, "p0", func(mine session.Ballot) (session.Ballot, error) {
		return session.CastVote(st, caller, session.Vote{RoundID: rd.ID, ActorID: a, Count: 2}, mine)
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.SetEstimate(ctx, m.ID, a, "p0", func(session.Estimate) (session.Estimate, error) {
		return session.Estimate{Importance: 3}, nil
	}); err != nil {
		t.Fatal(err)
	}
	if err := e.SetShare(ctx, m.ID, "instance", Share{Online: []string{"p0"}, At: time.Now().UnixMilli()}); err != nil {
		t.Fatal(err)
	}
	if err := e.CloseRound(ctx, m.ID, rd.ID); err != nil {
		t.Fatal(err)
	}
	keys, err := c.Keys(ctx, prefix+"*").Result()
	if err != nil {
		t.Fatal(err)
	}
	want := []string{":ws", ":log", ":tok", ":b:", ":est:", ":closed", ":pres", "code:"}
	for _, w := range want {
		found := false
		for _, k := range keys {
			found = found || strings.Contains(k, w)
		}
		if !found {
			t.Errorf("no key like %q among %v", w, keys)
		}
	}
	for _, k := range keys {
		ttl, err := c.PTTL(ctx, k).Result()
		if err != nil || ttl <= 0 || ttl > 2*time.Hour {
			t.Errorf("key %s expires in %v (%v), want within the 2h retention", k, ttl, err)
		}
	}
}

// MoveActor's transactions run again when a watched key changed before they ran (a vote
// stored meanwhile), instead of failing the move.
func TestRedisWatchRetries(t *testing.T) {
	e := redisFactory().open(t).(*Redis)
	ctx := context.Background()
	key := e.prefix + "{w}:watched"
	tries := 0
	err := e.watch(ctx, func(tx *redis.Tx) error {
		tries++
		if tries == 1 { // another writer, between the WATCH and the transaction
			if err := e.rdb.Set(ctx, key, "theirs", time.Minute).Err(); err != nil {
				return err
			}
		}
		_, err := tx.TxPipelined(ctx, func(p redis.Pipeliner) error {
			p.Set(ctx, key, "mine", time.Minute)
			return nil
		})
		return err
	}, key)
	if err != nil || tries != 2 {
		t.Fatalf("watch: %v after %d tries, want success on the second", err, tries)
	}
	if v, _ := e.rdb.Get(ctx, key).Result(); v != "mine" {
		t.Errorf("value %q, want mine", v)
	}
	e.rdb.Del(ctx, key)
}
