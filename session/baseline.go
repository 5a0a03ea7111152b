package session

// baselineStep is the last step of the arena analysis: when the workshop moves on from it
// (from step 1 or 2 to step 3 or later) the analysis is kept as the baseline that step 6
// ("correct or complete where needed") compares against.
const baselineStep = 2

// ActorBaseline is the arena analysis of one actor (worksheet 2) at the baseline. It is a
// protocol extension: State.baseline maps actor ids to it.
type ActorBaseline struct {
	Name           string `json:"name"`
	Category       string `json:"category"`
	Importance     int    `json:"importance"`
	Replaceability string `json:"replaceability"`
	ReplaceableBy  string `json:"replaceableBy"`
	Dependency     string `json:"dependency"`
	Rank           int    `json:"rank"`
}

// baselineOf captures the analysis columns of actors. The map is new and never written
// after it is returned.
func baselineOf(actors []*Actor) map[string]*ActorBaseline {
	b := make(map[string]*ActorBaseline, len(actors))
	for _, a := range actors {
		b[a.ID] = &ActorBaseline{
			Name: a.Name, Category: a.Category, Importance: a.Importance,
			Replaceability: a.Replaceability, ReplaceableBy: a.ReplaceableBy,
			Dependency: a.Dependency, Rank: a.Rank,
		}
	}
	return b
}
