package report

import (
	"slices"
	"strconv"
)

// SatisfactionRow is the requesters' satisfaction with a group of the
// tickets closed in the period (activities 11 and 12), whenever they were
// registered: By is "all", "level" (Key "1", "2" or "3", the highest level
// reached) or "service" (Key the service, "" when none). Closed is how many;
// Rated those of them with a rating before the period's end, each counted
// once with its latest score. ResponseRate is Rated of Closed; Average and Median are of
// the scores (nil with no rating); Scores[i] is how many scored i+1.
type SatisfactionRow struct {
	By           string   `json:"by"`
	Key          string   `json:"key"`
	Closed       int      `json:"closed"`
	Rated        int      `json:"rated"`
	ResponseRate *float64 `json:"response_rate"`
	Average      *float64 `json:"average"`
	Median       *float64 `json:"median"`
	Scores       [5]int   `json:"scores"`
}

// satisfaction gathers the closed tickets' latest scores by group, as
// compute walks the period's tickets.
type satisfaction map[[2]string]*SatisfactionRow

// add counts a ticket closed in the period, in the groups
// "all", its level and its service; score is its latest rating or nil.
func (s satisfaction) add(level, service string, score *int) {
	for _, k := range [][2]string{{"all", ""}, {"level", level}, {"service", service}} {
		row := s[k]
		if row == nil {
			row = &SatisfactionRow{By: k[0], Key: k[1]}
			s[k] = row
		}
		row.Closed++
		if score != nil && *score >= 1 && *score <= 5 {
			row.Rated++
			row.Scores[*score-1]++
		}
	}
}

// rows orders the groups as timeRows does: all, the levels, then the
// services by name; each with its rates worked out.
func (s satisfaction) rows() []SatisfactionRow {
	keys := [][2]string{{"all", ""}}
	for l := 1; l <= 3; l++ {
		keys = append(keys, [2]string{"level", strconv.Itoa(l)})
	}
	var services []string
	for k := range s {
		if k[0] == "service" {
			services = append(services, k[1])
		}
	}
	slices.Sort(services)
	for _, svc := range services {
		keys = append(keys, [2]string{"service", svc})
	}
	out := make([]SatisfactionRow, 0, len(keys))
	for _, k := range keys {
		row := SatisfactionRow{By: k[0], Key: k[1]}
		if r := s[k]; r != nil {
			row = *r
		}
		row.ResponseRate = share(row.Rated, row.Closed).Rate
		row.Average, row.Median = scoreStats(row.Scores)
		out = append(out, row)
	}
	return out
}

// scoreStats is the mean and the median of a distribution of scores 1-5,
// the median interpolated between the two middle scores as the report's
// other medians are (PostgreSQL's percentile_cont); nil with no score.
func scoreStats(scores [5]int) (avg, median *float64) {
	var all []float64
	sum := 0.0
	for i, n := range scores {
		for range n {
			all = append(all, float64(i+1))
			sum += float64(i + 1)
		}
	}
	if len(all) == 0 {
		return nil, nil
	}
	a := sum / float64(len(all))
	pos := 0.5 * float64(len(all)-1)
	i := int(pos)
	m := all[i]
	if i+1 < len(all) {
		m += (pos - float64(i)) * (all[i+1] - all[i])
	}
	return &a, &m
}
