package hub

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/arena-workshop/arena/session"
)

// Keys of votes and estimates, under the workshop's hash tag.
func (e *Redis) kBallots(id, round string) string { return e.prefix + "{" + id + "}:b:" + round }
func (e *Redis) kClosed(id string) string         { return e.prefix + "{" + id + "}:closed" }
func (e *Redis) kEst(id, actor string) string     { return e.prefix + "{" + id + "}:est:" + actor }

// casScript replaces one participant's ballot or estimate when it still is what the
// instance decided from, so the ballot that session.CastVote checked is exactly the one
// replaced. For a ballot it also refuses in a closed round, and enforces the budget itself:
// only candidates, at most the cap per actor, at most the dots in all.
// KEYS: hash, closed set (or the hash again). ARGV: round (empty for estimates),
// participant, expected (empty: none), new (empty: delete), ttl ms, dots in all (0: no
// total), cap per actor, candidates joined by commas.
var casScript = redis.NewScript(`
if ARGV[1] ~= '' and redis.call('SISMEMBER', KEYS[2], ARGV[1]) == 1 then return 'closed' end
local cur = redis.call('HGET', KEYS[1], ARGV[2]) or ''
if cur ~= ARGV[3] then return 'moved' end
if ARGV[1] ~= '' and ARGV[4] ~= '' then
  local cands = {}
  for id in string.gmatch(ARGV[8], '[^,]+') do cands[id] = true end
  local per, dots, total = tonumber(ARGV[7]), tonumber(ARGV[6]), 0
  for id, n in pairs(cjson.decode(ARGV[4])) do
    if not cands[id] then return 'invalid' end
    if n > per then return 'budget' end
    total = total + n
  end
  if dots > 0 and total > dots then return 'budget' end
end
if ARGV[4] == '' then redis.call('HDEL', KEYS[1], ARGV[2]) else redis.call('HSET', KEYS[1], ARGV[2], ARGV[4]) end
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return 'ok'
`)

// rules are a round's limits as the compare-and-set script reads them.
type rules struct {
	dots, per  int
	candidates string
}

func rulesOf(rd *session.Round) rules {
	if rd == nil {
		return rules{}
	}
	per, dots := rd.MaxPerActor, rd.Dots
	if rd.Mode == session.ModeApprove || per <= 0 {
		per, dots = 1, 0
	}
	return rules{dots: dots, per: per, candidates: strings.Join(rd.Candidates, ",")}
}

// cas runs decide on the stored value of field in key and stores the result, again
// when another writer came between.
func (e *Redis) cas(ctx context.Context, key, closedKey, round string, rl rules, field string, decide func(raw string) (string, error)) error {
	for range maxConflicts {
		raw, err := e.rdb.HGet(ctx, key, field).Result()
		if err != nil && !errors.Is(err, redis.Nil) {
			return unavailable("read", err)
		}
		next, err := decide(raw)
		if err != nil {
			return err
		}
		if next == raw {
			return nil
		}
		began := time.Now()
		res, err := casScript.Run(ctx, e.rdb, []string{key, closedKey}, round, field, raw, next, e.ttl.Milliseconds(), rl.dots, rl.per, rl.candidates).Text()
		e.commitTime.Observe(time.Since(began))
		if err != nil {
			return unavailable("write", err)
		}
		switch res {
		case "ok":
			return nil
		case "closed":
			return session.Errorf(session.CodeClosed, "this round is closed")
		case "budget":
			return session.Errorf(session.CodeBudget, "over the budget of this round")
		case "invalid":
			return session.Errorf(session.CodeInvalid, "this actor is not a candidate in this round")
		}
	}
	return fmt.Errorf("hub: %s: %w: too many conflicts", key, ErrUnavailable)
}

// CastVote decides and stores pid's ballot with a compare-and-set script.
func (e *Redis) CastVote(ctx context.Context, id string, rd *session.Round, pid string, decide func(session.Ballot) (session.Ballot, error)) (session.Ballot, error) {
	var out session.Ballot
	err := e.cas(ctx, e.kBallots(id, rd.ID), e.kClosed(id), rd.ID, rulesOf(rd), pid, func(raw string) (string, error) {
		var cur session.Ballot
		if raw != "" {
			if err := json.Unmarshal([]byte(raw), &cur); err != nil {
				return "", fmt.Errorf("hub: ballot: %w", err)
			}
		}
		nb, err := decide(cur)
		if err != nil {
			return "", err
		}
		out = nb
		return string(ballotValue(nb)), nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// CloseRound adds the round to the workshop's set of closed rounds.
func (e *Redis) CloseRound(ctx context.Context, id, roundID string) error {
	_, err := e.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.SAdd(ctx, e.kClosed(id), roundID)
		p.PExpire(ctx, e.kClosed(id), e.ttl)
		return nil
	})
	if err != nil {
		return unavailable("close round", err)
	}
	return nil
}

// Ballots reads every ballot of a round.
func (e *Redis) Ballots(ctx context.Context, id, roundID string) (map[string]session.Ballot, error) {
	raw, err := e.rdb.HGetAll(ctx, e.kBallots(id, roundID)).Result()
	if err != nil {
		return nil, unavailable("ballots", err)
	}
	out := make(map[string]session.Ballot, len(raw))
	for pid, v := range raw {
		var b session.Ballot
		if json.Unmarshal([]byte(v), &b) == nil {
			out[pid] = b
		}
	}
	return out, nil
}

// SetEstimate decides and stores pid's estimate with a compare-and-set script.
func (e *Redis) SetEstimate(ctx context.Context, id, actorID, pid string, decide func(session.Estimate) (session.Estimate, error)) (session.Estimate, error) {
	var out session.Estimate
	key := e.kEst(id, actorID)
	err := e.cas(ctx, key, key, "", rules{}, pid, func(raw string) (string, error) {
		var cur session.Estimate
		if raw != "" {
			if err := json.Unmarshal([]byte(raw), &cur); err != nil {
				return "", fmt.Errorf("hub: estimate: %w", err)
			}
		}
		ne, err := decide(cur)
		if err != nil {
			return "", err
		}
		out = ne
		if ne.Empty() {
			return "", nil
		}
		b, _ := json.Marshal(ne)
		return string(b), nil
	})
	if err != nil {
		return session.Estimate{}, err
	}
	return out, nil
}

// Estimates reads the estimates of the given actors in one round trip.
func (e *Redis) Estimates(ctx context.Context, id string, actorIDs []string) (map[string]map[string]session.Estimate, error) {
	cmds := make([]*redis.MapStringStringCmd, len(actorIDs))
	_, err := e.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, a := range actorIDs {
			cmds[i] = p.HGetAll(ctx, e.kEst(id, a))
		}
		return nil
	})
	if err != nil {
		return nil, unavailable("estimates", err)
	}
	out := make(map[string]map[string]session.Estimate, len(actorIDs))
	for i, a := range actorIDs {
		m := map[string]session.Estimate{}
		for pid, v := range cmds[i].Val() {
			var est session.Estimate
			if json.Unmarshal([]byte(v), &est) == nil {
				m[pid] = est
			}
		}
		out[a] = m
	}
	return out, nil
}

// watch runs fn in a WATCH transaction on keys, again when one of them changed before
// the transaction ran (a concurrent vote or estimate).
func (e *Redis) watch(ctx context.Context, fn func(*redis.Tx) error, keys ...string) error {
	for range maxConflicts {
		err := e.rdb.Watch(ctx, fn, keys...)
		if !errors.Is(err, redis.TxFailedErr) {
			return err
		}
	}
	return fmt.Errorf("hub: %v: too many conflicts", keys)
}

// MoveActor moves ballots and estimates of from onto into, in one transaction per key
// group (WATCH, so a concurrent vote or estimate makes it run again).
func (e *Redis) MoveActor(ctx context.Context, id, from, into string, rounds []*session.Round) error {
	for _, r := range rounds {
		key := e.kBallots(id, r.ID)
		err := e.watch(ctx, func(tx *redis.Tx) error {
			raw, err := tx.HGetAll(ctx, key).Result()
			if err != nil {
				return err
			}
			_, err = tx.TxPipelined(ctx, func(p redis.Pipeliner) error {
				for pid, v := range raw {
					var b session.Ballot
					if json.Unmarshal([]byte(v), &b) != nil || b[from] == 0 {
						continue
					}
					if nb := session.MergeBallot(r, b, from, into); len(nb) == 0 {
						p.HDel(ctx, key, pid)
					} else {
						p.HSet(ctx, key, pid, ballotValue(nb))
					}
				}
				return nil
			})
			return err
		}, key)
		if err != nil {
			return unavailable("move ballots", err)
		}
	}
	fk, ik := e.kEst(id, from), e.kEst(id, into)
	err := e.watch(ctx, func(tx *redis.Tx) error {
		fromRaw, err := tx.HGetAll(ctx, fk).Result()
		if err != nil {
			return err
		}
		intoRaw, err := tx.HGetAll(ctx, ik).Result()
		if err != nil {
			return err
		}
		_, err = tx.TxPipelined(ctx, func(p redis.Pipeliner) error {
			for pid, v := range fromRaw {
				var fe, ie session.Estimate
				if json.Unmarshal([]byte(v), &fe) != nil {
					continue
				}
				if iv, ok := intoRaw[pid]; ok {
					json.Unmarshal([]byte(iv), &ie)
				}
				b, _ := json.Marshal(session.MergeEstimate(fe, ie))
				p.HSet(ctx, ik, pid, b)
			}
			p.PExpire(ctx, ik, e.ttl)
			p.Del(ctx, fk)
			return nil
		})
		return err
	}, fk, ik)
	if err != nil {
		return unavailable("move estimates", err)
	}
	return nil
}
