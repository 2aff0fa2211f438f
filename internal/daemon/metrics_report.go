package daemon

import (
	"context"
	"strconv"
	"sync"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/ticketd/ticketd/internal/bizdays"
	"github.com/ticketd/ticketd/tickets"
	"github.com/ticketd/ticketd/tickets/report"
)

// reportCollector exposes the report's figures that change minute by minute
// (README, "Reports"), read from the database at scrape time: the backlog
// now by level and age, and the resolutions and escalations committed
// since this process's first scrape, with the business time to resolution
// as a histogram. Every replica reads the same record, so they report the
// same backlog and count the same events; like any counter, theirs start
// at zero when the process does.
type reportCollector struct {
	db    *sqlx.DB
	cal   *bizdays.Calendar
	hours bizdays.Hours
	now   func() time.Time

	mu        sync.Mutex
	started   bool
	low       int64              // ids at or below were committed before the first scrape
	high      int64              // the highest id counted
	seen      map[int64]struct{} // ids counted above high-lateIDs
	resolved  *prometheus.CounterVec
	escalated *prometheus.CounterVec
	duration  *prometheus.HistogramVec
}

// lateIDs is how far below the highest id counted a scrape looks again: an
// event's id is taken when it is written, and its transaction may commit
// after one with a higher id (an intake batch writes a few thousand). An
// event committed later than that is not counted.
const lateIDs = 5000

// movementsPerScrape bounds the work of one scrape; the rest waits for the next.
const movementsPerScrape = 20000

var descBacklogTickets = prometheus.NewDesc("ticketd_backlog_tickets",
	"Tickets nuevo or en_atencion now, by level and age in business days since registration (0-1d, 1-3d, 3-5d, 5-10d, 10d+).",
	[]string{"level", "age"}, nil)

func newReportCollector(db *sqlx.DB) *reportCollector {
	day := 8 * 3600.0 // the default working hours' day, in seconds
	return &reportCollector{
		db: db, cal: bizdays.Colombia(), hours: bizdays.DefaultHours(), now: time.Now,
		seen: map[int64]struct{}{},
		resolved: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "ticketd_tickets_resolved_total",
			Help: "Resolutions (activities 5, 8, 10) committed since this process's first scrape, by the level that resolved."}, []string{"level"}),
		escalated: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "ticketd_tickets_escalated_total",
			Help: "Arrivals at a higher level (activities 6, 9: classification at level 2 or 3, or escalation) committed since this process's first scrape, by the level reached."}, []string{"level"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "ticketd_resolution_business_seconds",
			Help:    "Business time (working hours on the Colombian calendar) from a ticket's registration to its resolution, for resolutions committed since this process's first scrape, by level.",
			Buckets: []float64{day / 8, day / 4, day / 2, day, 2 * day, 3 * day, 5 * day, 10 * day, 20 * day}}, []string{"level"}),
	}
}

func (c *reportCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- descBacklogTickets
	c.resolved.Describe(ch)
	c.escalated.Describe(ch)
	c.duration.Describe(ch)
}

func (c *reportCollector) Collect(ch chan<- prometheus.Metric) {
	c.mu.Lock()
	defer c.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	now := c.now()
	clock := c.cal.WorkClock(c.hours, now.AddDate(-1, 0, 0), now)
	if backlog, err := report.BacklogNow(ctx, c.db, clock, now); err == nil {
		for l, ages := range backlog {
			for age, n := range ages {
				ch <- prometheus.MustNewConstMetric(descBacklogTickets, prometheus.GaugeValue, float64(n), strconv.Itoa(int(l)), age)
			}
		}
	}
	c.count(ctx, clock)
	c.resolved.Collect(ch)
	c.escalated.Collect(ch)
	c.duration.Collect(ch)
}

// count adds the movements committed since the last scrape.
func (c *reportCollector) count(ctx context.Context, clock *bizdays.WorkClock) {
	if !c.started {
		last, err := report.LastEventID(ctx, c.db)
		if err != nil {
			return
		}
		c.started, c.low, c.high = true, last, last
		for l := tickets.MinLevel; l <= tickets.MaxLevel; l++ {
			lv := strconv.Itoa(int(l))
			c.resolved.WithLabelValues(lv)
			c.duration.WithLabelValues(lv)
			if l > 1 {
				c.escalated.WithLabelValues(lv)
			}
		}
		return
	}
	after := max(c.low, c.high-lateIDs)
	ms, err := report.Movements(ctx, c.db, after, movementsPerScrape)
	if err != nil {
		return
	}
	for _, m := range ms {
		if _, done := c.seen[m.ID]; done {
			continue
		}
		c.seen[m.ID] = struct{}{}
		c.high = max(c.high, m.ID)
		lv := strconv.Itoa(int(m.Level))
		if m.Resolved {
			c.resolved.WithLabelValues(lv).Inc()
			c.duration.WithLabelValues(lv).Observe(clock.Between(m.Opened, m.At).Seconds())
		} else {
			c.escalated.WithLabelValues(lv).Inc()
		}
	}
	floor := max(c.low, c.high-lateIDs)
	for id := range c.seen {
		if id <= floor {
			delete(c.seen, id)
		}
	}
}
