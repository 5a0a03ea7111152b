package session

// Join adds participant p (a new facilitator or participant, named) to s and returns the
// participant.joined event. The caller makes p.ID; the server, not a client, calls it.
func Join(s *State, p Participant) (Result, error) {
	name, err := CleanName(p.Name)
	if err != nil {
		return Result{}, err
	}
	if p.Role != RoleFacilitator && p.Role != RoleParticipant {
		return Result{}, invalid("role", "role must be facilitator or participant")
	}
	if s.Participant(p.ID) != nil {
		return Result{State: s, ID: p.ID}, nil
	}
	if len(s.Participants) >= MaxParticipants {
		return Result{}, invalid("participants", "this workshop has the maximum of %d participants", MaxParticipants)
	}
	p.Name = name
	return emit(s, Event{Name: EvParticipantJoined, By: p.ID, Data: &ParticipantData{Participant: &p}}, p.ID)
}

func participantRename(s *State, c Caller, data []byte, _ Env) (Result, error) {
	var d struct {
		Name string `json:"name"`
	}
	if err := decode(data, &d); err != nil {
		return Result{}, err
	}
	name, err := CleanName(d.Name)
	if err != nil {
		return Result{}, err
	}
	p := *s.Participant(c.ID)
	p.Name = name
	return emit(s, Event{Name: EvParticipantUpdated, By: c.ID, Data: &ParticipantData{Participant: &p}}, "")
}

func participantRemove(s *State, c Caller, data []byte, _ Env) (Result, error) {
	var d struct {
		ParticipantID string `json:"participantId"`
	}
	if err := decode(data, &d); err != nil {
		return Result{}, err
	}
	if err := requireID("participantId", d.ParticipantID); err != nil {
		return Result{}, err
	}
	p := s.Participant(d.ParticipantID)
	if p == nil {
		return Result{}, notFound("participantId", "participant", d.ParticipantID)
	}
	if p.Role == RoleFacilitator {
		return Result{}, invalid("participantId", "the facilitator cannot be removed")
	}
	return emit(s, Event{Name: EvParticipantRemoved, By: c.ID, Data: &IDData{ID: p.ID}}, "")
}
