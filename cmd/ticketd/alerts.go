package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"

	"github.com/ticketd/ticketd/internal/alerts"
)

// printAlerts adds to 'ticketd status' what fails now: each mailbox or
// the sender, since when, and whether the administrators were told.
func (a *app) printAlerts(ctx context.Context, db *sqlx.DB) error {
	fs, err := alerts.Failures(ctx, db)
	if err != nil {
		return err
	}
	if len(fs) == 0 {
		fmt.Fprintln(a.stdout, a.t("out.alerts_ok"))
		return nil
	}
	fmt.Fprintln(a.stdout, a.t("out.alerts"))
	for _, f := range fs {
		told := a.t("out.alert_untold")
		if f.AlertedAt != nil {
			told = a.t("out.alert_told", f.AlertedAt.Local().Format("2006-01-02 15:04"))
		}
		since := f.FailingSince
		fmt.Fprintln(a.stdout, a.t("out.alert_line", a.partWords(f.Subject), when(&since), told, printable(f.LastError, 200)))
	}
	return nil
}

// partWords names a part of health_alerts for people.
func (a *app) partWords(subject string) string {
	if subject == alerts.KindSMTP {
		return a.t("part.smtp")
	}
	if name, ok := strings.CutPrefix(subject, alerts.KindIMAP+" "); ok {
		if account, mailbox, ok := strings.Cut(name, "/"); ok {
			return a.t("part.imap", mailbox, account)
		}
	}
	return subject
}
