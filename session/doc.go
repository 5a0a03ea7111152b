// Package session is the workshop domain of Arena: the shared state of a workshop, the ops
// that change it, their validation and permissions, and the events they produce.
//
// It is pure: no I/O, no goroutines, no clock of its own. Apply decides; ApplyEvent is the
// only code that changes a State, so a replica rebuilt from the event log (ApplyEvent over
// the events) is the same as the state the deciding instance held. A State is treated as an
// immutable value once returned: Apply and ApplyEvent return a new State that shares the
// unchanged parts with the old one (actors and participants are pointers that are never
// written after they are published).
//
// Ballots and estimates are not in the State: the engine keeps them per participant (a
// vote or an estimate produces no event) and asks this package for the rules: DecodeVote
// and CastVote decide a vote against the state and the voter's ballot, Tally and Left sum
// ballots up, MergeBallot and MergeEstimate follow an actor merge, DecodeEstimate and
// Aggregate handle estimates. round.close takes its final tally from Env.Ballots.
package session
