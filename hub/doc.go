// Package hub holds the rooms of live connections on this instance, the fan-out of events
// to them, and the engines behind them that store workshops and order their events.
//
// One total order per workshop: Hub.Apply runs session.Apply through Engine.Update, which
// commits the new state and its event as seq+1 or refuses; the event is delivered to the
// rooms in seq order through the engine's delivery handler, and the op's ack goes out only
// after the commit is durable. An event is encoded once; every connection of a room gets
// the same bytes, several events of one commit group in one message. The fan-out adds a
// delivery once to the room's ring (room.fanout); each connection's writer reads the ring
// with its own cursor and merges its own messages in the order they were queued (Conn.take).
//
// Two engines: Local (memory plus a bbolt file, group commit, one process) and Redis (any
// number of instances: a commit script refuses when another instance committed first; pub/
// sub carries the events as a hint, every instance checks seq continuity and reads gaps
// from the log). Both keep votes and estimates beside the state, changed atomically per
// participant, and pass the one suite in engine_test.go.
//
// Live messages (presence, tallies, ballots, estimates) are not sequenced: an instance
// tells the others through Engine.PublishLive that something changed, and each reads it
// again from the engine (coalesced) and sends what each connection may see.
package hub
