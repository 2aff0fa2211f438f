package report

import (
	"cmp"
	"slices"
	"strconv"
	"time"

	"github.com/ticketd/ticketd/internal/bizdays"
	"github.com/ticketd/ticketd/tickets"
)

// AgeBucket is a range of ages of the backlog, in business days since
// registration: [From, To), To 0 for no upper bound.
type AgeBucket struct {
	Name     string // stable key: "0-1d", "1-3d", ...
	From, To float64
}

// AgeBuckets are the backlog's ages, in order.
var AgeBuckets = []AgeBucket{
	{Name: "0-1d", From: 0, To: 1},
	{Name: "1-3d", From: 1, To: 3},
	{Name: "3-5d", From: 3, To: 5},
	{Name: "5-10d", From: 5, To: 10},
	{Name: "10d+", From: 10},
}

// AgeOf returns the name of the bucket of an age in business days.
func AgeOf(days float64) string {
	for _, b := range AgeBuckets {
		if days >= b.From && (b.To == 0 || days < b.To) {
			return b.Name
		}
	}
	return AgeBuckets[0].Name
}

// compute turns the rows read into the report's figures: rows are the
// tickets registered in the period, open the backlog at its end, and closed
// the tickets registered before the period and closed in it.
func compute(p Params, rows []ticketRow, open []openRow, closed []closedRow) *Report {
	cal := p.Calendar
	if cal == nil {
		cal = bizdays.Colombia()
	}
	hours := p.Hours
	if hours.PerDay() == 0 {
		hours = bizdays.DefaultHours()
	}
	// The backlog holds tickets older than the period: a year before it is
	// precomputed too.
	clock := cal.WorkClock(hours, p.From.AddDate(-1, 0, 0), p.To)
	if p.Filter.Assignee != "" {
		p.Filter.AssigneeName = p.Filter.Assignee
		if p.Roster != nil {
			if who, ok := p.Roster.Find(p.Filter.Assignee); ok && who.Name != "" {
				p.Filter.AssigneeName = who.Name
			}
		}
	}
	perDay := hours.PerDay()
	asOf := p.Now
	if asOf.IsZero() {
		asOf = time.Now()
	}
	if asOf.After(p.To) {
		asOf = p.To
	}
	r := &Report{
		From: p.From, To: p.To, AsOf: asOf, Filter: p.Filter,
		WorkingHours: hours.String(), HoursPerDay: perDay.Hours(),
	}

	var (
		resolved, firstLevel, reopened, everResolved int
		toL2, toL3                                   []time.Duration
		firstResp                                    = map[[2]string][]time.Duration{}
		resolution                                   = map[[2]string][]time.Duration{}
		byPerson                                     = map[personKey][]time.Duration{}
		backlogOf                                    = map[personKey]int{}
		weekly                                       = map[[2]string]int{}
		sat                                          = satisfaction{}
	)
	for _, t := range rows {
		if !p.Filter.match(t.Service, t.MaxLevel, t.Assignee) {
			continue
		}
		r.Received.Total++
		weekly[[2]string{weekOf(t.Created, p.From, zone(cal)), strconv.Itoa(int(t.MaxLevel))}]++
		if t.ByMail {
			r.Received.Mail++
		} else {
			r.Received.Phone++
		}
		lvl := strconv.Itoa(int(t.MaxLevel))
		if t.State == tickets.StateClosed { // closed in the period: closure is final
			sat.add(lvl, t.Service, t.Rating)
		}
		if t.FirstResponse != nil {
			d := clock.Between(t.Created, *t.FirstResponse)
			for _, k := range [][2]string{{"all", ""}, {"level", lvl}, {"service", t.Service}} {
				firstResp[k] = append(firstResp[k], d)
			}
		}
		if t.AtLevel2 != nil {
			toL2 = append(toL2, clock.Between(t.Created, *t.AtLevel2))
		}
		if t.AtLevel3 != nil {
			toL3 = append(toL3, clock.Between(t.Created, *t.AtLevel3))
		}
		if t.Resolutions > 0 {
			everResolved++
			if t.Reopens > 0 {
				reopened++
			}
		}
		if (t.State == tickets.StateResolved || t.State == tickets.StateClosed) && t.LastResolved != nil {
			resolved++
			if t.MaxLevel == 1 {
				firstLevel++
			}
			d := clock.Between(t.Created, *t.LastResolved)
			for _, k := range [][2]string{{"all", ""}, {"level", lvl}, {"service", t.Service}} {
				resolution[k] = append(resolution[k], d)
			}
			pk := personKey{t.Assignee, t.Level}
			byPerson[pk] = append(byPerson[pk], d)
		}
	}
	r.Received.Resolved = resolved
	r.FirstLevel = share(firstLevel, resolved)
	r.Reopened = share(reopened, everResolved)
	r.Escalation = []EscalationRow{
		{Level: 2, Share: share(len(toL2), r.Received.Total), Time: stat(toL2, perDay)},
		{Level: 3, Share: share(len(toL3), r.Received.Total), Time: stat(toL3, perDay)},
	}
	r.FirstResponse = timeRows(firstResp, perDay)
	r.Resolution = timeRows(resolution, perDay)
	for _, c := range closed {
		if p.Filter.match(c.Service, c.MaxLevel, c.Assignee) {
			sat.add(strconv.Itoa(int(c.MaxLevel)), c.Service, c.Rating)
		}
	}
	r.Satisfaction = sat.rows()

	counts := map[[2]string]int{}
	for _, o := range open {
		if !p.Filter.match(o.Service, o.MaxLevel, o.Assignee) {
			continue
		}
		age := float64(clock.Between(o.Created, asOf)) / float64(perDay)
		counts[[2]string{strconv.Itoa(int(o.Level)), AgeOf(age)}]++
		backlogOf[personKey{o.Assignee, o.Level}]++
	}
	for l := tickets.MinLevel; l <= tickets.MaxLevel; l++ {
		for _, b := range AgeBuckets {
			r.Backlog = append(r.Backlog, BacklogRow{Level: l, Age: b.Name, Tickets: counts[[2]string{strconv.Itoa(int(l)), b.Name}]})
		}
	}
	r.People = people(p.Roster, byPerson, backlogOf, perDay)
	loc := zone(cal)
	for w := weekOf(p.From, p.From, loc); w < p.To.In(loc).Format(time.DateOnly); {
		for l := 1; l <= 3; l++ {
			r.Weekly = append(r.Weekly, WeekRow{Week: w, Level: tickets.Level(l), Tickets: weekly[[2]string{w, strconv.Itoa(l)}]})
		}
		d, _ := time.ParseInLocation(time.DateOnly, w, loc)
		y, m, dd := d.Date()
		monday := time.Date(y, m, dd-(int(d.Weekday())+6)%7+7, 0, 0, 0, 0, loc)
		w = monday.Format(time.DateOnly)
	}
	return r
}

// weekOf is the Monday of t's week in loc, or from's date when that Monday
// comes before the period.
func weekOf(t, from time.Time, loc *time.Location) string {
	lt := t.In(loc)
	y, m, d := lt.Date()
	monday := time.Date(y, m, d-(int(lt.Weekday())+6)%7, 0, 0, 0, 0, loc)
	if start := from.In(loc); monday.Before(start) {
		return start.Format(time.DateOnly)
	}
	return monday.Format(time.DateOnly)
}

func (f Filter) match(service string, maxLevel tickets.Level, assignee string) bool {
	return (f.Service == "" || f.Service == service) &&
		(f.Level == 0 || f.Level == maxLevel) &&
		(f.Assignee == "" || f.Assignee == assignee)
}

// personKey is an assignee, or a level's group when the email is "".
type personKey struct {
	email string
	level tickets.Level
}

func people(roster *tickets.Roster, resolved map[personKey][]time.Duration, backlog map[personKey]int, perDay time.Duration) []PersonRow {
	// A person's tickets at several levels are one row; a group's are one per level.
	merged := map[personKey]*PersonRow{}
	var keys []personKey
	row := func(k personKey) *PersonRow {
		if k.email != "" {
			k.level = 0
		}
		if pr, ok := merged[k]; ok {
			return pr
		}
		pr := &PersonRow{Person: k.email, Level: k.level}
		if k.email != "" {
			pr.Name, pr.Role = k.email, ""
			if roster != nil {
				if p, ok := roster.Find(k.email); ok {
					pr.Name, pr.Role = cmp.Or(p.Name, p.Email), p.Role
				}
			}
		} else if k.level == 1 {
			pr.Role = tickets.RoleDesk
		}
		merged[k] = pr
		keys = append(keys, k)
		return pr
	}
	times := map[*PersonRow][]time.Duration{}
	for k, ds := range resolved {
		pr := row(k)
		times[pr] = append(times[pr], ds...)
	}
	for k, n := range backlog {
		row(k).Backlog += n
	}
	out := make([]PersonRow, 0, len(keys))
	for _, k := range keys {
		pr := merged[k]
		pr.Resolved = stat(times[pr], perDay)
		out = append(out, *pr)
	}
	// Groups first by level, then people by name.
	slices.SortFunc(out, func(a, b PersonRow) int {
		if (a.Person == "") != (b.Person == "") {
			if a.Person == "" {
				return -1
			}
			return 1
		}
		return cmp.Or(cmp.Compare(a.Level, b.Level), cmp.Compare(a.Name, b.Name), cmp.Compare(a.Person, b.Person))
	})
	return out
}

// timeRows orders the groups: all, then levels, then services by name.
func timeRows(m map[[2]string][]time.Duration, perDay time.Duration) []TimeRow {
	out := []TimeRow{{By: "all", Time: stat(m[[2]string{"all", ""}], perDay)}}
	for l := 1; l <= 3; l++ {
		k := [2]string{"level", strconv.Itoa(l)}
		out = append(out, TimeRow{By: "level", Key: k[1], Time: stat(m[k], perDay)})
	}
	var services []string
	for k := range m {
		if k[0] == "service" {
			services = append(services, k[1])
		}
	}
	slices.Sort(services)
	for _, s := range services {
		out = append(out, TimeRow{By: "service", Key: s, Time: stat(m[[2]string{"service", s}], perDay)})
	}
	return out
}

// stat is the distribution of ds: the median and the 90th percentile by
// linear interpolation between the closest ranks (PostgreSQL's
// percentile_cont).
func stat(ds []time.Duration, perDay time.Duration) Stat {
	s := Stat{N: len(ds)}
	if len(ds) == 0 {
		return s
	}
	sorted := slices.Clone(ds)
	slices.Sort(sorted)
	med, p90 := percentile(sorted, 0.5).Hours(), percentile(sorted, 0.9).Hours()
	day := perDay.Hours()
	medD, p90D := med/day, p90/day
	s.MedianHours, s.P90Hours, s.MedianDays, s.P90Days = &med, &p90, &medD, &p90D
	return s
}

func percentile(sorted []time.Duration, p float64) time.Duration {
	pos := p * float64(len(sorted)-1)
	i := int(pos)
	if i+1 >= len(sorted) {
		return sorted[len(sorted)-1]
	}
	frac := pos - float64(i)
	return sorted[i] + time.Duration(frac*float64(sorted[i+1]-sorted[i]))
}
