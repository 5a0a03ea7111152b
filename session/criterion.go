package session

func criterionAdd(s *State, c Caller, data []byte, env Env) (Result, error) {
	var d struct {
		ID   string `json:"id"`
		Text string `json:"text"`
	}
	if err := decode(data, &d); err != nil {
		return Result{}, err
	}
	id, err := newID(d.ID, env)
	if err != nil {
		return Result{}, err
	}
	if cr, _ := s.criterion(id); cr != nil {
		return Result{State: s, ID: id}, nil
	}
	text, err := cleanText("text", d.Text, MaxCriterion, false, true)
	if err != nil {
		return Result{}, err
	}
	if len(s.Criteria) >= MaxCriteria {
		return Result{}, invalid("criteria", "at most %d criteria", MaxCriteria)
	}
	return emit(s, Event{Name: EvCriterionAdded, By: c.ID, Data: &CriterionData{Criterion: &Criterion{ID: id, Text: text}}}, id)
}

func criterionUpdate(s *State, c Caller, data []byte, _ Env) (Result, error) {
	var d struct {
		ID   string `json:"id"`
		Text string `json:"text"`
	}
	if err := decode(data, &d); err != nil {
		return Result{}, err
	}
	if err := requireID("id", d.ID); err != nil {
		return Result{}, err
	}
	if cr, _ := s.criterion(d.ID); cr == nil {
		return Result{}, notFound("id", "criterion", d.ID)
	}
	text, err := cleanText("text", d.Text, MaxCriterion, false, true)
	if err != nil {
		return Result{}, err
	}
	return emit(s, Event{Name: EvCriterionUpdated, By: c.ID, Data: &CriterionData{Criterion: &Criterion{ID: d.ID, Text: text}}}, "")
}

func criterionRemove(s *State, c Caller, data []byte, _ Env) (Result, error) {
	var d struct {
		ID string `json:"id"`
	}
	if err := decode(data, &d); err != nil {
		return Result{}, err
	}
	if err := requireID("id", d.ID); err != nil {
		return Result{}, err
	}
	if cr, _ := s.criterion(d.ID); cr == nil {
		return Result{}, notFound("id", "criterion", d.ID)
	}
	return emit(s, Event{Name: EvCriterionRemoved, By: c.ID, Data: &IDData{ID: d.ID}}, "")
}
