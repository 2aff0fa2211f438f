package bizdays

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Hours are the desk's working hours on a business day: spans of the civil
// day in the calendar's zone, such as 08:00-12:00 and 13:00-17:00. The zero
// value has no working time at all; DefaultHours is the desk's.
type Hours struct {
	spans []span // sorted, disjoint, non-empty
}

// span is [from, to) in seconds after midnight.
type span struct{ from, to int }

// DefaultHours are 08:00 to 12:00 and 13:00 to 17:00: eight working hours
// a business day, the office's schedule with an hour for lunch.
func DefaultHours() Hours {
	return Hours{spans: []span{{8 * 3600, 12 * 3600}, {13 * 3600, 17 * 3600}}}
}

// ParseHours reads spans written "HH:MM-HH:MM", separated by commas, in
// any order ("08:00-12:00,13:00-17:00"). A span ends after it starts, may
// end at 24:00, and spans do not overlap.
func ParseHours(s string) (Hours, error) {
	var h Hours
	if strings.TrimSpace(s) == "" {
		return h, errors.New("no working hours given")
	}
	for part := range strings.SplitSeq(s, ",") {
		a, b, ok := strings.Cut(strings.TrimSpace(part), "-")
		if !ok {
			return Hours{}, fmt.Errorf("%q: want HH:MM-HH:MM", strings.TrimSpace(part))
		}
		from, err := clockSeconds(a)
		if err != nil {
			return Hours{}, err
		}
		to, err := clockSeconds(b)
		if err != nil {
			return Hours{}, err
		}
		if to <= from {
			return Hours{}, fmt.Errorf("%q: a span ends after it starts", strings.TrimSpace(part))
		}
		h.spans = append(h.spans, span{from, to})
	}
	slices.SortFunc(h.spans, func(x, y span) int { return x.from - y.from })
	for i := 1; i < len(h.spans); i++ {
		if h.spans[i].from < h.spans[i-1].to {
			return Hours{}, fmt.Errorf("spans %s and %s overlap", h.spans[i-1], h.spans[i])
		}
	}
	return h, nil
}

// clockSeconds reads "HH:MM" (00:00 to 24:00).
func clockSeconds(s string) (int, error) {
	s = strings.TrimSpace(s)
	hh, mm, ok := strings.Cut(s, ":")
	if !ok || len(hh) < 1 || len(hh) > 2 || len(mm) != 2 {
		return 0, fmt.Errorf("%q: want HH:MM", s)
	}
	h, err1 := strconv.Atoi(hh)
	m, err2 := strconv.Atoi(mm)
	if err1 != nil || err2 != nil || h < 0 || m < 0 || m > 59 || h > 24 || h == 24 && m != 0 ||
		strings.ContainsAny(hh+mm, "+-") {
		return 0, fmt.Errorf("%q: want HH:MM between 00:00 and 24:00", s)
	}
	return h*3600 + m*60, nil
}

func (s span) String() string {
	return fmt.Sprintf("%02d:%02d-%02d:%02d", s.from/3600, s.from%3600/60, s.to/3600, s.to%3600/60)
}

// String writes the hours as ParseHours reads them.
func (h Hours) String() string {
	parts := make([]string, len(h.spans))
	for i, s := range h.spans {
		parts[i] = s.String()
	}
	return strings.Join(parts, ",")
}

// PerDay is the working time of one business day.
func (h Hours) PerDay() time.Duration {
	var n int
	for _, s := range h.spans {
		n += s.to - s.from
	}
	return time.Duration(n) * time.Second
}

// upTo is the working time of a business day from midnight to tod.
func (h Hours) upTo(tod time.Duration) time.Duration {
	var d time.Duration
	for _, s := range h.spans {
		from, to := time.Duration(s.from)*time.Second, time.Duration(s.to)*time.Second
		switch {
		case tod >= to:
			d += to - from
		case tod > from:
			d += tod - from
		}
	}
	return d
}

// WorkClock measures working time (business days of the calendar, within
// Hours) between instants. It keeps the working time before each day of a
// range, so that a measure costs the same whatever its length; instants
// outside the range cost time in proportion to their distance from it. A
// WorkClock is safe for concurrent use once built.
type WorkClock struct {
	cal   *Calendar
	hours Hours
	first int64           // the range's first civil day, in days since 1970-01-01
	cum   []time.Duration // cum[i]: working time from day first to the start of day first+i
	biz   []bool          // biz[i]: day first+i is a business day
	// fixed: the zone's offset from UTC is off seconds all through the
	// range (Bogotá has had no daylight saving since 1993), so an instant's
	// day and time of day are arithmetic.
	fixed bool
	off   int64
}

// WorkClock returns a clock for instants between from and to (either
// order); it works for any instant, fastest inside that range.
func (c *Calendar) WorkClock(h Hours, from, to time.Time) *WorkClock {
	if to.Before(from) {
		from, to = to, from
	}
	w := &WorkClock{cal: c, hours: h}
	w.first = c.civilDay(from)
	n := c.civilDay(to) - w.first + 2
	w.cum = make([]time.Duration, n)
	w.biz = make([]bool, n-1)
	per := h.PerDay()
	y0, m0, d0 := civilDate(w.first)
	_, off := time.Date(y0, m0, d0, 0, 0, 0, 0, c.loc()).Zone()
	w.fixed, w.off = true, int64(off)
	for i := int64(1); i < n; i++ {
		w.cum[i] = w.cum[i-1]
		y, m, d := civilDate(w.first + i - 1)
		if isBusinessDate(y, m, d) {
			w.cum[i] += per
			w.biz[i-1] = true
		}
		if _, o := time.Date(y, m, d+1, 0, 0, 0, 0, c.loc()).Zone(); int64(o) != w.off {
			w.fixed = false
		}
	}
	return w
}

// Hours are the working hours the clock counts.
func (w *WorkClock) Hours() Hours { return w.hours }

// Between is the working time from a to b: zero when b is not after a.
func (w *WorkClock) Between(a, b time.Time) time.Duration {
	if !b.After(a) {
		return 0
	}
	return w.offset(b) - w.offset(a)
}

// offset is the working time from the start of the range's first day to t
// (negative before it).
func (w *WorkClock) offset(t time.Time) time.Duration {
	if w.fixed {
		local := t.Unix() + w.off
		day := local / 86400
		if local < 0 && local%86400 != 0 {
			day--
		}
		if i := day - w.first; i >= 0 && i < int64(len(w.biz)) {
			if !w.biz[i] {
				return w.cum[i]
			}
			tod := time.Duration(local-day*86400)*time.Second + time.Duration(t.Nanosecond())
			return w.cum[i] + w.hours.upTo(tod)
		}
	}
	lt := t.In(w.cal.loc())
	day := w.cal.civilDay(t)
	y, m, d := lt.Date()
	var before time.Duration // working time from the first day to the start of t's day
	switch i := day - w.first; {
	case i >= 0 && i < int64(len(w.cum)):
		before = w.cum[i]
	case i >= int64(len(w.cum)):
		before = w.cum[len(w.cum)-1]
		for k := w.first + int64(len(w.cum)) - 1; k < day; k++ {
			if isBusinessDate(civilDate(k)) {
				before += w.hours.PerDay()
			}
		}
	default:
		for k := day; k < w.first; k++ {
			if isBusinessDate(civilDate(k)) {
				before -= w.hours.PerDay()
			}
		}
	}
	if !isBusinessDate(y, m, d) {
		return before
	}
	midnight := time.Date(y, m, d, 0, 0, 0, 0, w.cal.loc())
	return before + w.hours.upTo(lt.Sub(midnight))
}

// civilDay is t's date in the calendar's zone, in days since 1970-01-01.
func (c *Calendar) civilDay(t time.Time) int64 {
	y, m, d := t.In(c.loc()).Date()
	return time.Date(y, m, d, 12, 0, 0, 0, time.UTC).Unix() / 86400
}

func civilDate(day int64) (int, time.Month, int) {
	return time.Unix(day*86400+12*3600, 0).UTC().Date()
}
