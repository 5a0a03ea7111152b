package main

import (
	"fmt"

	"github.com/arena-workshop/arena/session"
)

// reportText holds the words of the Markdown report and the CSV table in one language:
// headings, column names, and the labels of the values that the state keeps as codes (the
// same words as the pages', static/js/i18n*.js), and the CSV separator its Excel expects.
type reportText struct {
	exported, issue, goal, arena, criteria, followUp, voteRound, whoVoted string
	voters                                                                func(n int) string
	actorCols, followUpCols                                               string
	csvCols                                                               []string
	csvVotes                                                              string
	csvSep                                                                byte
	yes, no, removedParticipant                                           string
	labels                                                                map[string]string // code -> word
	// Step 3 and step 6 (report_changes.go).
	forms, formsNote, placementCols    string
	csvPlacement                       []string
	changes, noChanges, added, removed string
	csvChange                          string
	mergedInto                         string            // a format with the name of the actor merged into
	fields                             map[string]string // compared field -> its column's name
}

var reportTexts = map[string]reportText{
	"nl": {
		exported: "Workshop %s, geëxporteerd op %s.", issue: "Onderwerp", goal: "Doel", arena: "Arena-analyse",
		criteria: "Selectiecriteria", followUp: "Opvolging", voteRound: "Stemronde %d (%s, %s)", voters: plural("1 deelnemer heeft gestemd.", "%d deelnemers hebben gestemd."),
		whoVoted:     "Wie stemde waarvoor:",
		actorCols:    "| actor | soort actor | machts- en hulpbronnen | belangrijkheid | vervangbaarheid (door wie) | afhankelijkheid | rangorde | samenwerkingsvorm | geselecteerd |",
		followUpCols: "| actor | wie neemt contact op | status | inschatting juist | organisatiebelang | handelingsbereidheid | notities |",
		csvCols: []string{"naam", "soort actor", "machts- en hulpbronnen", "belangrijkheid", "vervangbaarheid", "vervangbaar door",
			"afhankelijkheid", "rangorde", "samenwerkingsvorm", "geselecteerd", "wie neemt contact op", "status", "inschatting juist",
			"organisatiebelang", "handelingsbereidheid", "notities"},
		csvVotes: "stemmen ronde %d", csvSep: ';',
		yes: "ja", no: "nee", removedParticipant: "verwijderde deelnemer",
		forms:         "Vormen van samenwerking",
		formsNote:     "Plaats op de schaal van 0 tot 100: overleg onder 25, ad hoc onder 50, netwerk onder 75, fusie vanaf 75; ieders plaats is het gemiddelde van de zes dimensies.",
		placementCols: "| actor | plaatsingen | gemiddeld | laagst | hoogst | volgens de plaatsingen | afgesproken vorm |",
		csvPlacement:  []string{"plaatsingen", "plaats gemiddeld (0-100)", "plaats laagst", "plaats hoogst", "vorm volgens de plaatsingen"},
		changes:       "Wat veranderde sinds stap 2", noChanges: "Niets veranderde sinds stap 2.",
		csvChange: "sinds stap 2", added: "toegevoegd", removed: "verwijderd", mergedInto: "samengevoegd met %s",
		fields: map[string]string{"name": "naam", "category": "soort actor", "importance": "belangrijkheid", "replaceability": "vervangbaarheid",
			"replaceableBy": "vervangbaar door", "dependency": "afhankelijkheid", "rank": "rangorde"},
		labels: map[string]string{
			"core": "kernactor", "peripheral": "randactor", "context": "contextactor", "anchoring": "verankeringsactor",
			"large": "groot", "ratherLarge": "eerder groot", "ratherSmall": "eerder klein", "small": "klein",
			"consultation": "overleg", "adhoc": "ad hoc", "network": "netwerk", "merger": "fusie",
			"todo": "te doen", "contacted": "gecontacteerd", "agreed": "akkoord", "declined": "weigert",
			"low": "laag", "medium": "gemiddeld", "high": "hoog",
			session.ModeApprove: "ja/nee per actor", session.ModeDots: "stippen verdelen",
			session.RoundStatusOpen: "open", session.RoundStatusClosed: "gesloten",
		},
	},
	"en": {
		exported: "Workshop %s, exported %s.", issue: "Issue", goal: "Goal", arena: "Arena analysis",
		criteria: "Selection criteria", followUp: "Follow-up", voteRound: "Vote round %d (%s, %s)", voters: plural("1 voter.", "%d voters."),
		whoVoted:     "Who voted for what:",
		actorCols:    "| actor | kind of actor | power and help resources | importance | replaceability (by whom) | dependency | rank | form of collaboration | selected |",
		followUpCols: "| actor | who makes contact | status | assessment right | organisational interest | willingness to act | notes |",
		csvCols: []string{"name", "kind of actor", "power and help resources", "importance", "replaceability", "replaceable by",
			"dependency", "rank", "form of collaboration", "selected", "who makes contact", "status", "assessment right",
			"organisational interest", "willingness to act", "notes"},
		csvVotes: "votes round %d", csvSep: ',',
		yes: "yes", no: "no", removedParticipant: "removed participant",
		forms:         "Forms of collaboration",
		formsNote:     "Place on the scale from 0 to 100: consultation below 25, ad hoc below 50, network below 75, merger from 75; each one's place is the mean of the six dimensions.",
		placementCols: "| actor | placements | mean | lowest | highest | by the placements | agreed form |",
		csvPlacement:  []string{"placements", "place mean (0-100)", "place lowest", "place highest", "form by the placements"},
		changes:       "What changed since step 2", noChanges: "Nothing changed since step 2.",
		csvChange: "since step 2", added: "added", removed: "removed", mergedInto: "merged into %s",
		fields: map[string]string{"name": "name", "category": "kind of actor", "importance": "importance", "replaceability": "replaceability",
			"replaceableBy": "replaceable by", "dependency": "dependency", "rank": "rank"},
		labels: map[string]string{
			"core": "core actor", "peripheral": "peripheral actor", "context": "context actor", "anchoring": "anchoring actor",
			"large": "large", "ratherLarge": "rather large", "ratherSmall": "rather small", "small": "small",
			"consultation": "consultation", "adhoc": "ad hoc", "network": "network", "merger": "merger",
			"todo": "to do", "contacted": "contacted", "agreed": "agreed", "declined": "declined",
			"low": "low", "medium": "medium", "high": "high",
			session.ModeApprove: "yes/no per actor", session.ModeDots: "spread dots",
			session.RoundStatusOpen: "open", session.RoundStatusClosed: "closed",
		},
	},
}

// reportLang is the report's language: lang when it is one of the report's, else the
// workshop's locale, else English.
func reportLang(lang, locale string) reportText {
	if rt, ok := reportTexts[lang]; ok {
		return rt
	}
	if rt, ok := reportTexts[locale]; ok {
		return rt
	}
	return reportTexts["en"]
}

// label is the word for a code ("" stays "").
func (rt reportText) label(code string) string {
	if w, ok := rt.labels[code]; ok {
		return w
	}
	return code
}

// flag is yes, no or nothing.
func (rt reportText) flag(b *bool) string {
	switch {
	case b == nil:
		return ""
	case *b:
		return rt.yes
	default:
		return rt.no
	}
}

// plural picks one or many (a format with %d) by n.
func plural(one, many string) func(int) string {
	return func(n int) string {
		if n == 1 {
			return one
		}
		return fmt.Sprintf(many, n)
	}
}
