package daemon

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ticketd/ticketd/internal/bizdays"
	"github.com/ticketd/ticketd/internal/config"
	"github.com/ticketd/ticketd/tickets"
	"github.com/ticketd/ticketd/tickets/service"
	"github.com/ticketd/ticketd/tickets/store"
)

// timers are the procedure's clocks: a resolved ticket with no objection is
// closed after a number of business days (activity 11, actor system), and a
// ticket that waits too long at a level gets a reminder to its assignee and
// the desk. Every replica runs them; the ticket row lock and a re-check
// inside the transaction make each happen once.
type timers struct {
	d   *Daemon
	cal *bizdays.Calendar
	now func() time.Time
}

func (t *timers) run(ctx context.Context) error {
	c := t.d.Parts.Config
	t.cal = newCalendar(c)
	if t.now == nil {
		t.now = time.Now
	}
	tick := time.NewTicker(c.Timers.Interval.Duration)
	defer tick.Stop()
	for {
		if err := t.once(ctx); err != nil && ctx.Err() == nil {
			t.d.log.Warn("timers", "error", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
	}
}

// once runs every timer one time.
func (t *timers) once(ctx context.Context) error {
	return errors.Join(t.autoClose(ctx), t.remind(ctx), t.monthlyReport(ctx))
}

func (t *timers) autoClose(ctx context.Context) error {
	c := t.d.Parts.Config
	svc := t.d.Parts.Service
	now := t.now()
	days := c.Timers.AutoCloseBusinessDays
	// Business days are never fewer than calendar days, so tickets resolved
	// since now-days cannot be due.
	ids, err := store.ResolvedBefore(ctx, svc.DB, now.AddDate(0, 0, -days), 500)
	if err != nil {
		return err
	}
	for _, id := range ids {
		err := svc.InTx(ctx, func(tx *service.Tx) error {
			tk, err := store.LockTicket(ctx, tx.Q, id)
			if err != nil {
				return err
			}
			if tk.State != tickets.StateResolved || tk.ResolvedAt == nil || t.cal.AddBusinessDays(*tk.ResolvedAt, days).After(now) {
				return nil
			}
			// Why it closes goes on the record first, as a note worded
			// for each reader (the closure itself carries no text).
			note := tickets.Note{Code: tickets.NoteAutoClosed, Days: days}
			if _, err := tx.RecordNote(id, tickets.EventNoted, tickets.System, note, nil); err != nil {
				return err
			}
			_, _, err = tx.Apply(id, tickets.Command{Kind: tickets.CmdClose}, tickets.System, nil)
			return err
		})
		if err != nil && !errors.Is(err, tickets.ErrInvalidTransition) {
			return fmt.Errorf("closing ticket %d: %w", id, err)
		}
		if err == nil {
			t.d.log.Info("ticket closed automatically", "ticket", id)
		}
	}
	return nil
}

func (t *timers) remind(ctx context.Context) error {
	c := t.d.Parts.Config
	svc := t.d.Parts.Service
	now := t.now()
	for l := tickets.Level(1); l <= tickets.MaxLevel; l++ {
		after := c.ReminderAfter(l)
		ids, err := store.Waiting(ctx, svc.DB, l, now.Add(-after), 500)
		if err != nil {
			return err
		}
		for _, id := range ids {
			err := svc.InTx(ctx, func(tx *service.Tx) error {
				tk, err := store.LockTicket(ctx, tx.Q, id)
				if err != nil {
					return err
				}
				// Re-check under the lock: another replica may have sent it.
				if !tk.State.Open() || tk.State == tickets.StateResolved || tk.Level != l ||
					tk.LevelSince.After(now.Add(-after)) || (tk.RemindedAt != nil && !tk.RemindedAt.Before(tk.LevelSince)) {
					return nil
				}
				note := tickets.Note{Code: tickets.NoteReminder, Waited: after, Level: int(l)}
				if _, err := tx.RecordNote(id, tickets.EventReminded, tickets.System, note, nil); err != nil {
					return err
				}
				return store.MarkReminded(ctx, tx.Q, id, now)
			})
			if err != nil {
				return fmt.Errorf("reminder for ticket %d: %w", id, err)
			}
		}
	}
	return nil
}

// newCalendar is the Colombian calendar in the desk's time zone.
func newCalendar(c *config.Config) *bizdays.Calendar {
	loc, err := time.LoadLocation(c.Desk.Timezone)
	if err != nil {
		loc = nil // bizdays defaults to America/Bogota
	}
	return &bizdays.Calendar{Loc: loc}
}
