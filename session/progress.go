package session

// ProgressMessage is the live "progress" message (an extension of PROTOCOL.md): how far
// each participant is with its own answers at steps 2 and 3, so that the room sees who is
// done ("7 of 9 gave their estimates"). Estimates stay private: it says how many actors a
// participant answered, never what.
type ProgressMessage struct {
	Type   string `json:"type"`   // always "progress"
	Actors int    `json:"actors"` // actors in the table now
	// Counts holds, per participant (role participant) who answered for at least one
	// actor, how many actors it rated and placed; absent means none. (Not "by": that is
	// an event's author, a string.)
	Counts map[string]ParticipantProgress `json:"counts"`
}

// ParticipantProgress is one participant's part of a ProgressMessage.
type ParticipantProgress struct {
	Rated  int `json:"rated"`  // actors with all three of importance, replaceability and dependency
	Placed int `json:"placed"` // actors placed on the forms worksheet (step 3)
}

// Rated reports whether e gives all three numbers of the arena analysis.
func (e Estimate) Rated() bool {
	return e.Importance > 0 && e.Replaceability > 0 && e.Dependency > 0
}

// Progress counts, for every participant of s, the actors of s it rated and placed in
// est (actor → participant → estimate, folded through merges as FoldEstimates does).
// Estimates of actors that left, and of the facilitator, do not count.
func Progress(s *State, est map[string]map[string]Estimate) ProgressMessage {
	m := ProgressMessage{Type: "progress", Actors: len(s.Actors), Counts: map[string]ParticipantProgress{}}
	for _, p := range s.Participants {
		if p.Role != RoleParticipant {
			continue
		}
		var pp ParticipantProgress
		for _, a := range s.Actors {
			e := est[a.ID][p.ID]
			if e.Rated() {
				pp.Rated++
			}
			if e.Form != nil {
				pp.Placed++
			}
		}
		if pp != (ParticipantProgress{}) {
			m.Counts[p.ID] = pp
		}
	}
	return m
}
