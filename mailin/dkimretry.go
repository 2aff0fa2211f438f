package mailin

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/ticketd/ticketd/mailin/imapin"
)

// DefaultDKIMRetryFor is how long a message whose DKIM signature could not
// be checked for a temporary reason (DNS) waits in the mailbox, offered
// again at each pass, before it is taken as unverified.
const DefaultDKIMRetryFor = 15 * time.Minute

// dkimUnchecked is why a command was refused when its DKIM signature could
// not be checked for a temporary reason for too long: a code of the
// catalogue (tickets.Identity words it; the details, domains and DNS error,
// are in the log).
const dkimUnchecked = "identity.dkim_unchecked"

// errLater rolls back a message's transaction: it waits in the mailbox
// for a later pass (imapin.Outcome.Later).
var errLater = errors.New("a DKIM key could not be looked up now; the message waits for a later pass")

// laterKey is the context key of a message's *laterFlag.
type laterKey struct{}

// laterFlag is how checkDKIM, deep in a message's processing, tells Handle
// to roll the message back and leave it for later.
type laterFlag struct {
	key     string // the message's position; "" in a batch of several
	canWait bool
	marked  bool
	reason  string
}

// withLater gives ctx a fresh flag for f (nil: a batch of several, where
// any temporary failure sends every message to the one-at-a-time path).
func withLater(ctx context.Context, f *imapin.Fetched) (context.Context, *laterFlag) {
	lf := &laterFlag{}
	if f != nil {
		lf.key = fmt.Sprintf("%s\x00%s\x00%d\x00%d", f.Account, f.Mailbox, f.UIDValidity, f.UID)
		lf.canWait = f.CanWait
	}
	return context.WithValue(ctx, laterKey{}, lf), lf
}

// waiting remembers since when each message waits, by service (an Intake
// is copied by value, and its copies share its service) and position.
var waiting dkimRetries

// dkimRetries remembers since when each waiting message has waited.
type dkimRetries struct {
	mu    sync.Mutex
	first map[string]time.Time
}

// wait reports whether the message under key may wait longer, counting
// from its first temporary failure; forget drops it.
func (r *dkimRetries) wait(key string, now time.Time, retryFor time.Duration) (bool, time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.first == nil {
		r.first = map[string]time.Time{}
	}
	for k, t := range r.first { // messages moved away by a person meanwhile
		if now.Sub(t) > retryFor+time.Hour {
			delete(r.first, k)
		}
	}
	t, ok := r.first[key]
	if !ok {
		r.first[key] = now
		return true, 0
	}
	if waited := now.Sub(t); waited >= retryFor {
		delete(r.first, key)
		return false, waited
	}
	return true, now.Sub(t)
}

func (r *dkimRetries) forget(key string) {
	r.mu.Lock()
	delete(r.first, key)
	r.mu.Unlock()
}

// checkDKIM checks raw's DKIM signature for dom with in.DKIM. A temporary
// failure (a key that could not be looked up now) leaves the message for a
// later pass, through the flag in ctx, until DKIMRetryFor has passed since
// its first; then, or when the message cannot wait (seen mode), it counts
// as unverified and final is the reason to put on record.
func (in *Intake) checkDKIM(ctx context.Context, raw []byte, dom string) (ok bool, why string, final bool) {
	res := in.DKIM.Check(ctx, raw, dom)
	lf, _ := ctx.Value(laterKey{}).(*laterFlag)
	if lf != nil && lf.key != "" && !res.Temporary {
		waiting.forget(in.waitKey(lf))
	}
	if res.OK || !res.Temporary || lf == nil {
		return res.OK, res.Reason, false
	}
	if lf.key == "" { // a batch of several: try it again alone
		lf.marked, lf.reason = true, res.Reason
		return false, res.Reason, false
	}
	retryFor := in.DKIMRetryFor
	if retryFor <= 0 {
		retryFor = DefaultDKIMRetryFor
	}
	if lf.canWait {
		more, _ := waiting.wait(in.waitKey(lf), time.Now(), retryFor)
		if more {
			lf.marked, lf.reason = true, res.Reason
			return false, res.Reason, false
		}
		in.log().Warn("dkim: still a temporary failure after retrying; the sender counts as unverified",
			"from_domain", dom, "retried_for", retryFor, "reason", res.Reason)
		return false, dkimUnchecked, true
	}
	in.log().Warn("dkim: a temporary failure, and this mailbox cannot keep the message for a later try (after = \"seen\"); the sender counts as unverified",
		"from_domain", dom, "reason", res.Reason)
	return false, dkimUnchecked, true
}

func (in *Intake) waitKey(lf *laterFlag) string { return fmt.Sprintf("%p\x00%s", in.Service, lf.key) }

// later runs one message's processing and says whether it must wait:
// errLater then replaces a nil error, so that the transaction rolls back.
func later(lf *laterFlag, err error) error {
	if err == nil && lf.marked {
		return errLater
	}
	return err
}
