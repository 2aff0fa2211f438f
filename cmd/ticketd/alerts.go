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
		fmt.Fprintln(a.stdout, "Alertas: todo funciona.")
		return nil
	}
	fmt.Fprintln(a.stdout, "Alertas:")
	for _, f := range fs {
		told := "aún no se avisó a los administradores"
		if f.AlertedAt != nil {
			told = "se avisó a los administradores el " + f.AlertedAt.Local().Format("2006-01-02 15:04")
		}
		since := f.FailingSince
		fmt.Fprintf(a.stdout, "  %s falla desde %s (%s): %s\n", partWords(f.Subject), when(&since), told, printable(f.LastError, 200))
	}
	return nil
}

// partWords names a part of health_alerts for people.
func partWords(subject string) string {
	if subject == alerts.KindSMTP {
		return "el envío de correo (SMTP)"
	}
	if name, ok := strings.CutPrefix(subject, alerts.KindIMAP+" "); ok {
		return "el buzón " + name
	}
	return subject
}
