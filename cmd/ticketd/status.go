package main

import (
	"context"
	"fmt"
	"os"
	"text/tabwriter"
	"time"

	"github.com/ticketd/ticketd/tickets/store"
)

func hasEnvConfig() bool { return os.Getenv("TICKETD_CONFIG") != "" }

// cmdStatus prints the mailboxes' state and the outbox backlog, as stored
// by the daemons that share the database.
func (a *app) cmdStatus(ctx context.Context, args []string) error {
	fs := a.newFlags("status", a.t("syn.status"))
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	db, err := a.openCurrent(ctx)
	if err != nil {
		return err
	}
	boxes, err := store.Mailboxes(ctx, db)
	if err != nil {
		return err
	}
	w := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, a.t("out.status_header"))
	for _, b := range boxes {
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%d\t%s\n", b.Account, b.Mailbox, orDash(b.Holder), when(b.LastSuccess), b.Backlog, orDash(b.LastError))
	}
	w.Flush()
	pending, failed, err := store.OutboxBacklog(ctx, db)
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "\n%s\n", a.t("out.status_outbox", pending, failed))
	return a.printAlerts(ctx, db) // alerts.go
}

func when(t *time.Time) string {
	if t == nil {
		return "-"
	}
	return t.Local().Format("2006-01-02 15:04:05")
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
