package daemon

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/ticketd/ticketd/tickets/store"
)

// metrics are what /metrics exposes, in the Prometheus format.
type metrics struct {
	reg        *prometheus.Registry
	messages   *prometheus.CounterVec
	refused    *prometheus.CounterVec
	sent       *prometheus.CounterVec
	sendFail   *prometheus.CounterVec
	pickup     prometheus.Histogram
	sendTime   prometheus.Histogram
	commitTime prometheus.Histogram
}

func newMetrics(db *sqlx.DB, pollers func() []pollerState) *metrics {
	reg := prometheus.NewRegistry()
	m := &metrics{
		reg: reg,
		messages: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "ticketd_messages_total",
			Help: "Inbound messages handled, by outcome (opened, comment, commands, automatic, bounce, duplicate, quarantined)."}, []string{"outcome"}),
		refused: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "ticketd_messages_refused_total",
			Help: "Inbound messages quarantined, by reason."}, []string{"reason"}),
		sent: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "ticketd_notifications_sent_total",
			Help: "Notifications accepted by the SMTP server, by kind."}, []string{"kind"}),
		sendFail: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "ticketd_notification_failures_total",
			Help: "Failed SMTP attempts (temporary or permanent), by kind."}, []string{"kind"}),
		pickup: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "ticketd_pickup_latency_seconds",
			Help:    "From the message's arrival in the mailbox (IMAP INTERNALDATE, second resolution) to its transaction committed.",
			Buckets: []float64{.1, .25, .5, .75, 1, 1.5, 2, 3, 5, 10, 30, 60, 300}}),
		sendTime: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "ticketd_send_latency_seconds",
			Help:    "Time of one SMTP exchange for a notification.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30}}),
		commitTime: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "ticketd_intake_batch_seconds",
			Help:    "Time to store and apply one batch of inbound messages.",
			Buckets: prometheus.DefBuckets}),
	}
	reg.MustRegister(m.messages, m.refused, m.sent, m.sendFail, m.pickup, m.sendTime, m.commitTime,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		&dbCollector{db: db, pollers: pollers}, newReportCollector(db))
	return m
}

func (m *metrics) onMessage(outcome, reason string) {
	m.messages.WithLabelValues(outcome).Inc()
	if outcome == "quarantined" {
		m.refused.WithLabelValues(reasonClass(reason)).Inc()
	}
}

// reasonClass keeps the label's values few.
func reasonClass(r string) string {
	switch {
	case strings.Contains(r, "bytes, over the limit"), strings.Contains(r, "bytes, limit"):
		return "size"
	case strings.Contains(r, "limit"):
		return "limits"
	case strings.HasPrefix(r, "unreadable"):
		return "unreadable"
	case strings.HasPrefix(r, "no usable From"):
		return "no_from"
	case strings.HasPrefix(r, "processing failed"):
		return "processing_failed"
	}
	return "other"
}

func (m *metrics) onSend(kind string, d time.Duration, err error) {
	m.sendTime.Observe(d.Seconds())
	if err != nil {
		m.sendFail.WithLabelValues(kind).Inc()
		return
	}
	m.sent.WithLabelValues(kind).Inc()
}

// dbCollector reads gauges from the database at scrape time, so every
// replica reports the same figures.
type dbCollector struct {
	db      *sqlx.DB
	pollers func() []pollerState
	mu      sync.Mutex
}

var (
	descTickets    = prometheus.NewDesc("ticketd_tickets", "Tickets by state and level.", []string{"state", "level"}, nil)
	descPending    = prometheus.NewDesc("ticketd_outbox_pending", "Notifications waiting to be sent.", nil, nil)
	descFailed     = prometheus.NewDesc("ticketd_outbox_failed", "Notifications that failed permanently.", nil, nil)
	descReconnects = prometheus.NewDesc("ticketd_imap_reconnects_total", "IMAP reconnections by this process, by account and mailbox.", []string{"account", "mailbox"}, nil)
	descBacklog    = prometheus.NewDesc("ticketd_imap_backlog", "Messages waiting in a mailbox read by this process, by account and mailbox.", []string{"account", "mailbox"}, nil)
	descConnected  = prometheus.NewDesc("ticketd_imap_connected", "1 when this process holds and is connected to the mailbox, by account and mailbox.", []string{"account", "mailbox"}, nil)
)

func (c *dbCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descTickets, descPending, descFailed, descReconnects, descBacklog, descConnected} {
		ch <- d
	}
}

func (c *dbCollector) Collect(ch chan<- prometheus.Metric) {
	c.mu.Lock()
	defer c.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if counts, err := store.CountByStateLevel(ctx, c.db); err == nil {
		for k, n := range counts {
			ch <- prometheus.MustNewConstMetric(descTickets, prometheus.GaugeValue, float64(n), k[0], k[1])
		}
	}
	if p, f, err := store.OutboxBacklog(ctx, c.db); err == nil {
		ch <- prometheus.MustNewConstMetric(descPending, prometheus.GaugeValue, float64(p))
		ch <- prometheus.MustNewConstMetric(descFailed, prometheus.GaugeValue, float64(f))
	}
	for _, st := range c.pollers() {
		ch <- prometheus.MustNewConstMetric(descReconnects, prometheus.CounterValue, float64(st.Reconnects), st.Account, st.Mailbox)
		ch <- prometheus.MustNewConstMetric(descBacklog, prometheus.GaugeValue, float64(st.Backlog), st.Account, st.Mailbox)
		conn := 0.0
		if st.Connected {
			conn = 1
		}
		ch <- prometheus.MustNewConstMetric(descConnected, prometheus.GaugeValue, conn, st.Account, st.Mailbox)
	}
}
