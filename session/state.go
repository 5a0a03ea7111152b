package session

// Roles of a connection. A viewer (the projector) reads and never edits.
const (
	RoleFacilitator = "facilitator"
	RoleParticipant = "participant"
	RoleViewer      = "viewer"
)

// State is the shared document of one workshop. Treat it as immutable: Apply and
// ApplyEvent return a new State and never write to the old one or to the actors,
// criteria, rounds and participants it points to.
type State struct {
	ID           string         `json:"id"`
	Code         string         `json:"code"`
	Title        string         `json:"title"`
	Locale       string         `json:"locale"`
	Step         int            `json:"step"`
	Locked       bool           `json:"locked"`
	Issue        string         `json:"issue"`
	Goal         string         `json:"goal"`
	Actors       []*Actor       `json:"actors"`
	Criteria     []*Criterion   `json:"criteria"`
	Rounds       []*Round       `json:"rounds"`
	Participants []*Participant `json:"participants"`
	Timer        *Timer         `json:"timer"`
	CreatedAt    int64          `json:"createdAt"`
	// Baseline is the arena analysis as it stood when the workshop left step 2 (nil until
	// then); step 6 compares the actors against it. Actors added later have no entry.
	Baseline map[string]*ActorBaseline `json:"baseline"`
	// Gone says where each actor that left went: id → the actor it was merged into, or
	// "" when it was removed. A ballot stored or decided before a merge still counts for
	// the actor merged into wherever it is read (FoldBallot), and an actor.add sent again
	// with the id of an actor that left adds nothing. An extension of PROTOCOL.md.
	Gone map[string]string `json:"gone,omitempty"`
	// Projector is what the projector shows beside the step: ProjectorTable (the step's own
	// view; also when absent), ProjectorMap, ProjectorBoth or ProjectorGuide. An extension of
	// PROTOCOL.md, set by projector.set.
	Projector string `json:"projector,omitempty"`
	// TextVersions is the version of each free text that has changed, by TextKey: a
	// text.edit names the version it was typed against. An extension of PROTOCOL.md.
	TextVersions map[string]int `json:"textVersions,omitempty"`
	// textLog holds the last TextLogSize committed changes of each text, to transform
	// a late text.edit against. It is not stored: a state read back starts without it,
	// and an edit older than its version is refused as stale.
	textLog map[string][]loggedEdit
}

// Actor is one row of the arena analysis.
type Actor struct {
	ID             string   `json:"id"`
	Name           string   `json:"name"`
	Category       string   `json:"category"`
	Resources      string   `json:"resources"`
	Importance     int      `json:"importance"`
	Replaceability string   `json:"replaceability"`
	ReplaceableBy  string   `json:"replaceableBy"`
	Dependency     string   `json:"dependency"`
	Rank           int      `json:"rank"`
	Form           string   `json:"form"`
	Selected       bool     `json:"selected"`
	FollowUp       FollowUp `json:"followUp"`
	CreatedBy      string   `json:"createdBy"`
	Version        int      `json:"version"`
}

// FollowUp is what the group plans and learns when it approaches a selected actor (steps 5, 6).
type FollowUp struct {
	Owner           string `json:"owner"`
	Status          string `json:"status"`
	AssessmentRight *bool  `json:"assessmentRight"`
	Interest        string `json:"interest"`
	Willingness     string `json:"willingness"`
	Notes           string `json:"notes"`
}

// Criterion is a selection criterion, written before voting (step 4).
type Criterion struct {
	ID   string `json:"id"`
	Text string `json:"text"`
}

// Round is a vote round (step 4).
type Round struct {
	ID          string         `json:"id"`
	Status      string         `json:"status"` // RoundStatusOpen or RoundStatusClosed
	Mode        string         `json:"mode"`   // ModeApprove or ModeDots
	Dots        int            `json:"dots"`
	MaxPerActor int            `json:"maxPerActor"`
	Anonymous   bool           `json:"anonymous"`
	Reveal      string         `json:"reveal"`
	Candidates  []string       `json:"candidates"`
	Tally       map[string]int `json:"tally"`
	Voters      int            `json:"voters"`
	OpenedAt    int64          `json:"openedAt"`
	ClosedAt    *int64         `json:"closedAt"`
	// FacilitatorVotes lets the facilitator vote in this round (a protocol extension;
	// by default the facilitator only runs the vote).
	FacilitatorVotes bool `json:"facilitatorVotes"`
}

// Participant is someone who joined: the facilitator or a participant. Viewers are not listed.
type Participant struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Role string `json:"role"`
}

// Timer is a countdown; clients show zero once EndsAt has passed.
type Timer struct {
	EndsAt int64 `json:"endsAt"`
}

// New returns the state of a workshop just created: step 1, unlocked, no timer.
func New(id, code, title, locale string, now int64) *State {
	return &State{
		ID: id, Code: code, Title: title, Locale: locale, Step: 1,
		Actors: []*Actor{}, Criteria: []*Criterion{}, Rounds: []*Round{},
		Participants: []*Participant{}, CreatedAt: now,
	}
}

// Actor returns the actor with the given id and its index, or nil, -1.
func (s *State) Actor(id string) (*Actor, int) {
	for i, a := range s.Actors {
		if a.ID == id {
			return a, i
		}
	}
	return nil, -1
}

// Participant returns the participant with the given id, or nil.
func (s *State) Participant(id string) *Participant {
	for _, p := range s.Participants {
		if p.ID == id {
			return p
		}
	}
	return nil
}

func (s *State) criterion(id string) (*Criterion, int) {
	for i, c := range s.Criteria {
		if c.ID == id {
			return c, i
		}
	}
	return nil, -1
}

func (s *State) round(id string) (*Round, int) {
	for i, r := range s.Rounds {
		if r.ID == id {
			return r, i
		}
	}
	return nil, -1
}

// RoundByID returns the round with the given id and its index, or nil, -1.
func (s *State) RoundByID(id string) (*Round, int) { return s.round(id) }

// OpenRound returns the round that is open now, or nil.
func (s *State) OpenRound() *Round {
	for _, r := range s.Rounds {
		if r.Status == RoundStatusOpen {
			return r
		}
	}
	return nil
}

// shallow returns a copy of s that can be changed at its top level; slices must be
// copied before they are changed (see replaced, without).
func (s *State) shallow() *State {
	c := *s
	return &c
}

// replaced returns a copy of xs with element i set to v.
func replaced[T any](xs []*T, i int, v *T) []*T {
	out := make([]*T, len(xs))
	copy(out, xs)
	out[i] = v
	return out
}

// without returns a copy of xs without element i.
func without[T any](xs []*T, i int) []*T {
	out := make([]*T, 0, len(xs)-1)
	out = append(out, xs[:i]...)
	return append(out, xs[i+1:]...)
}

// appended returns a copy of xs with v at the end (never sharing the backing array).
func appended[T any](xs []*T, v *T) []*T {
	out := make([]*T, len(xs), len(xs)+1)
	copy(out, xs)
	return append(out, v)
}
