package daemon

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/ticketd/ticketd/internal/alerts"
	"github.com/ticketd/ticketd/internal/oauth"
	"github.com/ticketd/ticketd/mailout"
	"github.com/ticketd/ticketd/tickets/store"
)

// smtpHealth is what this replica's sender shows of the SMTP server: when
// it last delivered, and when it last could not reach or keep a
// connection. A message the server refuses (a wrong recipient) says
// nothing about the server.
type smtpHealth struct {
	mu        sync.Mutex
	okAt      time.Time
	failAt    time.Time
	firstFail time.Time // the first failure after the last success
	err       string
}

func (h *smtpHealth) record(err error, now time.Time) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if err == nil {
		h.okAt = now
		return
	}
	var de *mailout.DeliveryError
	if !errors.As(err, &de) || (!de.Dial && !de.ConnLost) {
		return // the server answered (or the message could not even be composed): it works
	}
	if !h.failAt.After(h.okAt) {
		h.firstFail = now
	}
	h.failAt, h.err = now, err.Error()
}

// observation is nil when the sender has shown nothing yet.
func (h *smtpHealth) observation() *alerts.Observation {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.okAt.IsZero() && h.failAt.IsZero() {
		return nil
	}
	o := &alerts.Observation{Kind: alerts.KindSMTP}
	if h.failAt.After(h.okAt) {
		o.Failing, o.Since, o.Error = true, h.firstFail, h.err
	}
	return o
}

// onSend feeds the metrics and the SMTP health from the outbox worker,
// and tells the OAuth 2.0 source when the server refused its token, so
// that the next connection renews it.
func (d *Daemon) onSend(kind string, took time.Duration, err error) {
	d.metrics.onSend(kind, took, err)
	d.smtp.record(err, time.Now())
	if d.smtpToken != nil && refusedToken(err) {
		oauth.Invalidate(d.smtpToken)
	}
}

// observe is what this replica sees of every part: each configured
// mailbox as its reader last stored it, and the SMTP sender.
func (d *Daemon) observe(ctx context.Context) ([]alerts.Observation, error) {
	c := d.Parts.Config
	var obs []alerts.Observation
	if len(c.Accounts) > 0 {
		boxes, err := store.Mailboxes(ctx, d.Parts.DB)
		if err != nil {
			return nil, err
		}
		configured := map[string]bool{}
		for _, a := range c.Accounts {
			for _, mb := range a.Mailboxes {
				configured[a.Name+"/"+mb] = true
			}
		}
		for _, b := range boxes {
			if !configured[b.Account+"/"+b.Mailbox] {
				continue
			}
			o := alerts.Observation{Kind: alerts.KindIMAP, Name: b.Account + "/" + b.Mailbox}
			if b.LastErrorAt != nil && (b.LastSuccess == nil || b.LastErrorAt.After(*b.LastSuccess)) {
				o.Failing, o.Since, o.Error = true, *b.LastErrorAt, b.LastError
			}
			obs = append(obs, o)
		}
	}
	if d.Worker != nil {
		if o := d.smtp.observation(); o != nil {
			obs = append(obs, *o)
		}
	}
	return obs, nil
}

// watch applies what this replica observes every check interval.
func (d *Daemon) watch(ctx context.Context) error {
	t := time.NewTicker(d.Parts.Config.AlertsCheckInterval())
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
		obs, err := d.observe(ctx)
		if err == nil {
			err = d.alerts.Apply(ctx, obs)
		}
		if err != nil && ctx.Err() == nil {
			d.log.Warn("alerts: cannot check the mailboxes' health", "error", err)
		}
	}
}

// newWatcher is the alerts watcher of the configuration.
func newWatcher(p *Parts, d *Daemon) *alerts.Watcher {
	c := p.Config
	loc, err := time.LoadLocation(c.Desk.Timezone)
	if err != nil {
		loc = time.UTC
	}
	return &alerts.Watcher{DB: p.DB, Admins: c.Alerts.Admins, Lang: c.Alerts.Language, QuietAfter: c.AlertsQuietAfter(),
		Location: loc, From: c.Desk.Address, FromName: c.Desk.Name, Logger: d.log.With("component", "alerts")}
}

// quiet is the readiness line of the parts that failed longer than
// quiet_after.
func (d *Daemon) quiet(ctx context.Context) error {
	fs, err := alerts.Failures(ctx, d.Parts.DB)
	if err != nil {
		return err
	}
	var msgs []error
	for _, f := range fs {
		if time.Since(f.FailingSince) >= d.Parts.Config.AlertsQuietAfter() {
			msgs = append(msgs, fmt.Errorf("%s failing since %s: %s", f.Subject, f.FailingSince.UTC().Format(time.RFC3339), f.LastError))
		}
	}
	return errors.Join(msgs...)
}

// quietCollector is the metric: each failing part, and whether it failed
// longer than quiet_after.
type quietCollector struct {
	d       *Daemon
	failing *prometheus.Desc
	quiet   *prometheus.Desc
}

func newQuietCollector(d *Daemon) *quietCollector {
	return &quietCollector{d: d,
		failing: prometheus.NewDesc("ticketd_part_failing_seconds", "How long a mailbox (imap) or the sender (smtp) has been failing.", []string{"part"}, nil),
		quiet:   prometheus.NewDesc("ticketd_part_quiet", "1 when a part has failed longer than alerts.quiet_after (the administrators were told).", []string{"part"}, nil),
	}
}

func (q *quietCollector) Describe(ch chan<- *prometheus.Desc) { ch <- q.failing; ch <- q.quiet }

func (q *quietCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	fs, err := alerts.Failures(ctx, q.d.Parts.DB)
	if err != nil {
		return
	}
	for _, f := range fs {
		s := time.Since(f.FailingSince)
		ch <- prometheus.MustNewConstMetric(q.failing, prometheus.GaugeValue, s.Seconds(), f.Subject)
		v := 0.0
		if s >= q.d.Parts.Config.AlertsQuietAfter() {
			v = 1
		}
		ch <- prometheus.MustNewConstMetric(q.quiet, prometheus.GaugeValue, v, f.Subject)
	}
}
