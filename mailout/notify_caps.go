package mailout

import (
	"strings"
	"time"

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

// capWindows are the cap's periods: the last hour, the last day.
var capWindows = [2]time.Duration{time.Hour, 24 * time.Hour}

// capped reports whether notification kind to to is an answer beyond
// its recipient's caps.
func (q *queue) capped(kind string, to Person) (bool, error) {
	if !q.n.counted(kind) {
		return false, nil
	}
	addr := strings.ToLower(to.Email)
	if q.counts == nil {
		q.counts = &capCounts{base: store.AutomaticCounts{}, added: map[string]map[string]int{}}
	}
	if err := q.counts.read(q, addr); err != nil {
		return false, err
	}
	if q.n.MaxPerHour > 0 && q.counts.count(addr, 0) >= q.n.MaxPerHour {
		return true, nil
	}
	if q.n.MaxPerDay > 0 && q.counts.count(addr, 1) >= q.n.MaxPerDay {
		return true, nil
	}
	return false, nil
}

// counted reports whether a notification of kind counts against its
// recipient's caps.
func (n *Notifier) counted(kind string) bool {
	return (n.MaxPerHour > 0 || n.MaxPerDay > 0) && answers[kind]
}

// capCounts answers the per-recipient cap: the answers queued before, as
// read once per recipient, plus those queued since (by this queue, or by
// the batch that shares it).
type capCounts struct {
	base    store.AutomaticCounts     // recipient → kind → rows not held, in each window
	added   map[string]map[string]int // recipient → kind → rows queued since (not held)
	fetched map[string]bool           // recipients whose base was read
}

// read fills in addr's base counts, once. A batch reads every
// recipient's at once beforehand (PrepareMany) and marks them read.
func (c *capCounts) read(q *queue, addr string) error {
	if c.fetched[addr] {
		return nil
	}
	if _, ok := c.base[addr]; ok {
		return nil
	}
	got, err := store.CountAutomaticMany(q.ctx, q.tx, []string{addr},
		[2]time.Time{q.now.Add(-capWindows[0]), q.now.Add(-capWindows[1])})
	if err != nil {
		return err
	}
	if c.fetched == nil {
		c.fetched = map[string]bool{}
	}
	c.fetched[addr] = true
	if got[addr] != nil {
		c.base[addr] = got[addr]
	}
	return nil
}

// count is how many answers were queued for addr within
// capWindows[window].
func (c *capCounts) count(addr string, window int) int {
	n := 0
	for kind, v := range c.base[addr] {
		if answers[kind] {
			n += v[window]
		}
	}
	for kind, v := range c.added[addr] {
		if answers[kind] {
			n += v
		}
	}
	return n
}

func (c *capCounts) add(addr, kind string) {
	if c.added[addr] == nil {
		c.added[addr] = map[string]int{}
	}
	c.added[addr][kind]++
}
