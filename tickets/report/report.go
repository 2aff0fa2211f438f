// Package report reads the procedure's record (the event log) back as the
// figures the quality system asks for: tickets received by channel, first-
// level resolution, escalation, times to first response and to resolution
// in business time, reopenings, the backlog at the end of a period and the
// requesters' satisfaction with the tickets closed in it, by level, service
// and person. README.md, section "Reports", defines each figure in the words
// of the procedure's activities; this package is the one place that
// computes them.
//
// The database does the reading (one row per ticket, aggregated from its
// events with FILTER), with queries that live in tickets/store (report.go)
// like all of ticketd's SQL; this package measures business time on the
// Colombian calendar and takes medians and percentiles. It imports the
// domain, the calendar and the store, never a mail package.
package report

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/ticketd/ticketd/internal/bizdays"
	"github.com/ticketd/ticketd/tickets"
	"github.com/ticketd/ticketd/tickets/store"
)

// Params say what a report covers.
type Params struct {
	From, To time.Time // the period, [From, To)
	Filter   Filter
	Calendar *bizdays.Calendar // nil: Colombia
	Hours    bizdays.Hours     // the desk's working hours; zero: bizdays.DefaultHours
	Roster   *tickets.Roster   // names and roles of people; may be nil
	// Now is the time of the report (zero: the clock's). The backlog of a
	// period not yet over is the backlog now, and its ages count to now.
	Now time.Time
}

// Filter narrows a report to some tickets. Zero values match everything.
type Filter struct {
	Service  string        `json:"service,omitempty"`  // the ticket's service at the end of the period
	Level    tickets.Level `json:"level,omitempty"`    // the highest level the ticket reached
	Assignee string        `json:"assignee,omitempty"` // the ticket's assignee at the end of the period (an email)
	// AssigneeName is the assignee's name in the roster (the email when not there).
	AssigneeName string `json:"assignee_name,omitempty"`
}

// Report is a report's figures. Its JSON form is a stable interface,
// documented in README.md ("Reports"). Times are business time: hours
// within the working hours, and days of HoursPerDay hours.
type Report struct {
	From         time.Time `json:"from"`
	To           time.Time `json:"to"`
	AsOf         time.Time `json:"as_of"` // the backlog's moment: To, or the report's time if earlier
	Filter       Filter    `json:"filter"`
	WorkingHours string    `json:"working_hours"`
	HoursPerDay  float64   `json:"hours_per_day"`

	Received      Received        `json:"received"`
	FirstLevel    Share           `json:"first_level_resolution"`
	Reopened      Share           `json:"reopened"`
	Escalation    []EscalationRow `json:"escalation"`
	FirstResponse []TimeRow       `json:"first_response"`
	Resolution    []TimeRow       `json:"resolution"`
	Backlog       []BacklogRow    `json:"backlog"`
	People        []PersonRow     `json:"people"`
	Weekly        []WeekRow       `json:"weekly"`
	// Satisfaction is the requesters' ratings of the tickets closed in
	// the period, whenever registered: all, by level and by service.
	Satisfaction []SatisfactionRow `json:"satisfaction"`
}

// WeekRow is the tickets received in one week (Monday to Sunday in the
// calendar's zone; Week is its Monday, cut to the period) whose highest
// level was Level.
type WeekRow struct {
	Week    string        `json:"week"` // AAAA-MM-DD
	Level   tickets.Level `json:"level"`
	Tickets int           `json:"tickets"`
}

// Received counts the tickets registered in the period (activity 1), by
// channel: from an email, or by the desk from the command line (a phone
// call, a visit).
type Received struct {
	Total    int `json:"total"`
	Mail     int `json:"mail"`
	Phone    int `json:"phone"`
	Resolved int `json:"resolved"` // of them, resolved or closed at the end of the period
}

// Share is Part of Of, and Rate its fraction (nil when Of is 0).
type Share struct {
	Part int      `json:"part"`
	Of   int      `json:"of"`
	Rate *float64 `json:"rate"`
}

func share(part, of int) Share {
	s := Share{Part: part, Of: of}
	if of > 0 {
		r := float64(part) / float64(of)
		s.Rate = &r
	}
	return s
}

// EscalationRow is the tickets that reached Level or above, of those
// received, and how long after their registration they got there.
type EscalationRow struct {
	Level tickets.Level `json:"level"`
	Share
	Time Stat `json:"time"`
}

// TimeRow is a time's distribution for a group of tickets: By is "level"
// (Key "1", "2" or "3") or "service" (Key the service, "" when none) or
// "all".
type TimeRow struct {
	By   string `json:"by"`
	Key  string `json:"key"`
	Time Stat   `json:"time"`
}

// Stat is a distribution of business times: how many, median and 90th
// percentile in hours and in days (nil when N is 0).
type Stat struct {
	N           int      `json:"n"`
	MedianHours *float64 `json:"median_hours"`
	P90Hours    *float64 `json:"p90_hours"`
	MedianDays  *float64 `json:"median_days"`
	P90Days     *float64 `json:"p90_days"`
}

// BacklogRow is the tickets nuevo or en_atencion at the end of the period,
// at one level and of one age (business days since registration).
type BacklogRow struct {
	Level   tickets.Level `json:"level"`
	Age     string        `json:"age"` // one of AgeBuckets' names
	Tickets int           `json:"tickets"`
}

// PersonRow is one person's tickets: those they held when resolved (of the
// tickets received in the period) with their times to resolution, and
// those they hold in the backlog at the end. Person is an email, "" for a
// level's group (unassigned).
type PersonRow struct {
	Person   string        `json:"person"`
	Name     string        `json:"name"`
	Role     tickets.Role  `json:"role"`
	Level    tickets.Level `json:"level,omitempty"` // for a group: its level
	Resolved Stat          `json:"resolution"`
	Backlog  int           `json:"backlog"`
}

// Build reads the record and computes the report. Its queries run in one
// read-only transaction, so that they see the record at one moment.
func Build(ctx context.Context, db *sqlx.DB, p Params) (*Report, error) {
	if !p.To.After(p.From) {
		return nil, fmt.Errorf("report: the period ends before it starts")
	}
	tx, err := store.BeginReportRead(ctx, db)
	if err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	defer tx.Rollback()
	rows, err := store.ReportReceived(ctx, tx, p.From, p.To)
	if err != nil {
		return nil, err
	}
	open, err := store.ReportBacklog(ctx, tx, p.To)
	if err != nil {
		return nil, err
	}
	closed, err := store.ReportClosedEarlier(ctx, tx, p.From, p.To)
	if err != nil {
		return nil, err
	}
	return compute(p, rows, open, closed), nil
}

// Period returns the period from one civil date to another, both included,
// in the calendar's zone.
func Period(cal *bizdays.Calendar, from, to time.Time) (time.Time, time.Time) {
	loc := zone(cal)
	y, m, d := from.Date()
	y2, m2, d2 := to.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, loc), time.Date(y2, m2, d2+1, 0, 0, 0, 0, loc)
}

// Month returns the period of one calendar month in the calendar's zone.
func Month(cal *bizdays.Calendar, year int, month time.Month) (time.Time, time.Time) {
	loc := zone(cal)
	return time.Date(year, month, 1, 0, 0, 0, 0, loc), time.Date(year, month+1, 1, 0, 0, 0, 0, loc)
}

func zone(cal *bizdays.Calendar) *time.Location {
	if cal == nil || cal.Loc == nil {
		return bizdays.Colombia().Loc
	}
	return cal.Loc
}
