package notice

import (
	"context"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/ticketd/ticketd/tickets/store"
)

// Loop caps (README, "Loop caps"). What can make two programs write to
// each other forever is an answer: a message we send because the
// recipient wrote to us (the acknowledgement of a request or of a
// reopening, a command's result, a quarantine notice). A notice that tells
// of what someone else did (an agent's comment, a change of level, a
// resolution, a closure, the assignment of a case) is bounded by what
// people do, and is never held. So only answers count against an
// address's caps, and only answers are held back: a person who writes ten
// requests and thirty replies in an hour gets her ten acknowledgements
// and every notice, while an auto-responder that answers each
// acknowledgement with a new message gets MaxPerHour acknowledgements in
// an hour (MaxPerDay in a day) and then nothing more, with what was held
// on record.
var answers = map[string]bool{
	"opened_ack": true, "reopened": true, "command_result": true, "quarantined": true,
}

// CapWindows are the caps' periods: the last hour, the last day.
var CapWindows = [2]time.Duration{time.Hour, 24 * time.Hour}

// Since are the starts of the caps' periods that end at now.
func Since(now time.Time) [2]time.Time {
	return [2]time.Time{now.Add(-CapWindows[0]), now.Add(-CapWindows[1])}
}

// Counted reports whether a notice of purpose name counts against its
// recipient's caps.
func (r Rules) Counted(name string) bool {
	return (r.MaxPerHour > 0 || r.MaxPerDay > 0) && answers[name]
}

// Caps answers whether a notice is held back: the answers queued to its
// recipient before, as read once per recipient, plus those queued since
// (by one transaction's notices, or one batch's).
type Caps struct {
	r       Rules
	base    store.AutomaticCounts     // recipient → name → rows not held, in each window
	added   map[string]map[string]int // recipient → name → rows queued since (not held)
	fetched map[string]bool           // recipients whose base was read
}

// NewCaps starts the counts from base, the counts of the recipients
// already read (all of recipients; more are read as they come).
func (r Rules) NewCaps(base store.AutomaticCounts, recipients []string) *Caps {
	if base == nil {
		base = store.AutomaticCounts{}
	}
	c := &Caps{r: r, base: base, added: map[string]map[string]int{}, fetched: map[string]bool{}}
	for _, a := range recipients {
		c.fetched[a] = true
	}
	return c
}

// Held reports whether a notice of purpose name to addr, queued at now,
// is an answer beyond its recipient's caps; it reads addr's counts from q
// the first time.
func (c *Caps) Held(ctx context.Context, q sqlx.QueryerContext, name, addr string, now time.Time) (bool, error) {
	if !c.r.Counted(name) {
		return false, nil
	}
	addr = strings.ToLower(addr)
	if err := c.read(ctx, q, addr, now); err != nil {
		return false, err
	}
	if c.r.MaxPerHour > 0 && c.count(addr, 0) >= c.r.MaxPerHour {
		return true, nil
	}
	if c.r.MaxPerDay > 0 && c.count(addr, 1) >= c.r.MaxPerDay {
		return true, nil
	}
	return false, nil
}

// Queued counts a notice of purpose name queued (not held) to addr.
func (c *Caps) Queued(addr, name string) {
	addr = strings.ToLower(addr)
	if c.added[addr] == nil {
		c.added[addr] = map[string]int{}
	}
	c.added[addr][name]++
}

func (c *Caps) read(ctx context.Context, q sqlx.QueryerContext, addr string, now time.Time) error {
	if c.fetched[addr] {
		return nil
	}
	if _, ok := c.base[addr]; ok {
		return nil
	}
	got, err := store.CountAutomaticMany(ctx, q, []string{addr}, Since(now))
	if err != nil {
		return err
	}
	c.fetched[addr] = true
	if got[addr] != nil {
		c.base[addr] = got[addr]
	}
	return nil
}

// count is how many answers were queued for addr within
// CapWindows[window].
func (c *Caps) count(addr string, window int) int {
	n := 0
	for name, v := range c.base[addr] {
		if answers[name] {
			n += v[window]
		}
	}
	for name, v := range c.added[addr] {
		if answers[name] {
			n += v
		}
	}
	return n
}
