package session

func workshopUpdate(s *State, c Caller, data []byte, _ Env) (Result, error) {
	var d struct {
		Title  opt[string] `json:"title"`
		Issue  opt[string] `json:"issue"`
		Goal   opt[string] `json:"goal"`
		Locale opt[string] `json:"locale"`
	}
	if err := decode(data, &d); err != nil {
		return Result{}, err
	}
	w := WorkshopData{Title: s.Title, Issue: s.Issue, Goal: s.Goal, Locale: s.Locale}
	var err error
	if d.Title.Set {
		if w.Title, err = CleanTitle(d.Title.V); err != nil {
			return Result{}, err
		}
	}
	if d.Issue.Set {
		if w.Issue, err = cleanText("issue", d.Issue.V, MaxLongText, true, false); err != nil {
			return Result{}, err
		}
	}
	if d.Goal.Set {
		if w.Goal, err = cleanText("goal", d.Goal.V, MaxLongText, true, false); err != nil {
			return Result{}, err
		}
	}
	if d.Locale.Set {
		if d.Locale.V == "" {
			return Result{}, invalid("locale", "locale must be nl or en")
		}
		if w.Locale, err = CleanLocale(d.Locale.V); err != nil {
			return Result{}, err
		}
	}
	return emit(s, Event{Name: EvWorkshopUpdated, By: c.ID, Data: &w}, "")
}

func stepSet(s *State, c Caller, data []byte, _ Env) (Result, error) {
	var d struct {
		Step *int `json:"step"`
	}
	if err := decode(data, &d); err != nil {
		return Result{}, err
	}
	if d.Step == nil || *d.Step < 1 || *d.Step > Steps {
		return Result{}, invalid("step", "step must be 1 to %d", Steps)
	}
	return emit(s, Event{Name: EvStepChanged, By: c.ID, Data: &StepData{Step: *d.Step}}, "")
}

func lockSet(s *State, c Caller, data []byte, _ Env) (Result, error) {
	var d struct {
		Locked *bool `json:"locked"`
	}
	if err := decode(data, &d); err != nil {
		return Result{}, err
	}
	if d.Locked == nil {
		return Result{}, invalid("locked", "locked is required (true or false)")
	}
	return emit(s, Event{Name: EvLockChanged, By: c.ID, Data: &LockData{Locked: *d.Locked}}, "")
}

func timerSet(s *State, c Caller, data []byte, env Env) (Result, error) {
	var d struct {
		Seconds opt[int] `json:"seconds"`
	}
	if err := decode(data, &d); err != nil {
		return Result{}, err
	}
	if !d.Seconds.Set {
		return Result{}, invalid("seconds", "seconds is required (1-%d, or null to stop)", MaxTimerSeconds)
	}
	var t *Timer
	if !d.Seconds.Null {
		if d.Seconds.V < 1 || d.Seconds.V > MaxTimerSeconds {
			return Result{}, invalid("seconds", "seconds must be 1 to %d, or null to stop", MaxTimerSeconds)
		}
		t = &Timer{EndsAt: env.Now + int64(d.Seconds.V)*1000}
	}
	return emit(s, Event{Name: EvTimerChanged, By: c.ID, Data: &TimerData{Timer: t}}, "")
}

// What the projector shows (State.Projector). The table is the step's own view: steps 1, 3,
// 4, 5 and 6 have no map of their own, so "map" and "both" show the arena map there too.
const (
	ProjectorTable = "table" // the step's view; an absent projector means the same
	ProjectorMap   = "map"
	ProjectorBoth  = "both"
	ProjectorGuide = "guide"
)

func projectorSet(s *State, c Caller, data []byte, _ Env) (Result, error) {
	var d struct {
		View *string `json:"view"`
	}
	if err := decode(data, &d); err != nil {
		return Result{}, err
	}
	if d.View == nil {
		return Result{}, invalid("view", "view is required (table, map, both or guide)")
	}
	switch v := *d.View; v {
	case ProjectorTable, ProjectorMap, ProjectorBoth, ProjectorGuide:
		return emit(s, Event{Name: EvProjectorChanged, By: c.ID, Data: &ProjectorData{View: v}}, "")
	}
	return Result{}, invalid("view", "view must be table, map, both or guide")
}
