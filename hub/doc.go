// Package hub holds the rooms of live connections on this instance, the fan-out of events
// to them, and the engines behind them that store workshops and order their events.
//
// One total order per workshop: Hub.Apply runs session.Apply through Engine.Update, which
// commits the new state and its event as seq+1 or refuses; the event is delivered to the
// rooms in seq order through the engine's delivery handler, and the op's ack goes out only
// after the commit is durable. An event is encoded once; every connection of a room gets
// the same bytes.
package hub
