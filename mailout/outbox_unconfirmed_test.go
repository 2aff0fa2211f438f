package mailout

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ticketd/ticketd/internal/pgtest"
	"github.com/ticketd/ticketd/tickets/store"
)

// hangAfterData makes f take its time over the end of the data (as a
// server whose content filter hangs) for the next n messages, longer than
// the client's timeout of timeout; it keeps each message once the wait is
// over, as such a server would. settled reports whether every message it
// held has been kept; held counts them.
func hangAfterData(f *fakeSMTP, n int, timeout time.Duration) (settled func() bool, held *atomic.Int64) {
	var left, entered, done atomic.Int64
	left.Store(int64(n))
	f.inData = func() {
		if left.Add(-1) >= 0 {
			entered.Add(1)
			time.Sleep(3 * timeout)
			done.Add(1)
		}
	}
	return func() bool { return done.Load() == entered.Load() }, &done
}

// TestSenderUnconfirmedEnd: whatever the server offers, a reply to the end
// of the data that never comes is an unconfirmed delivery, which Send does
// not retry on a new connection; a connection dropped before the message
// is not. go-mail's own transaction (off) cannot tell, and says nothing.
func TestSenderUnconfirmedEnd(t *testing.T) {
	const timeout = 300 * time.Millisecond
	f := newFakeSMTP(t, plainSMTP)
	ctx := context.Background()
	for _, mode := range senderModes(t, f) {
		t.Run(mode.name, func(t *testing.T) {
			before := f.Count()
			s, err := NewSender(SMTPConfig{Address: mode.addr, TLS: TLSNone, Timeout: timeout})
			if err != nil {
				t.Fatal(err)
			}
			s.noPipelining = mode.off
			defer s.Close()
			_, held := hangAfterData(f, 1, timeout)
			err = s.Send(ctx, sendMsg(t, 1, "ana@example.org"))
			var de *DeliveryError
			if !errors.As(err, &de) || de.Unconfirmed == mode.off || !de.Temporary {
				t.Fatalf("send to a server that hangs after the data: %v (%+v), want an unconfirmed (%v) temporary failure", err, de, !mode.off)
			}
			waitFor(t, "the server done with the message", func() bool { return held.Load() == 1 })
			waitFor(t, "the server to keep it", func() bool { return f.Count() == before+1 })

			f.inject("mail", 0, "", 1)
			err = s.Send(ctx, sendMsg(t, 2, "ana@example.org"))
			if errors.As(err, &de) && de.Unconfirmed {
				t.Errorf("a connection dropped at MAIL FROM is unconfirmed: %v", err)
			}
			f.inData = nil
		})
	}
}

// TestHangAfterDataSendsAtMostTwice: a server that never answers the end
// of the data gets the message twice, not once per retry; one that answers
// the second time gets it twice and the row is sent.
func TestHangAfterDataSendsAtMostTwice(t *testing.T) {
	const timeout = 300 * time.Millisecond
	cases := []struct {
		name      string
		hangs     int
		wantError bool // the row keeps the doubt as its last error
	}{
		{"hangs every time", 10, true},
		{"hangs once", 1, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			db := pgtest.New(t)
			f := newFakeSMTP(t, plainSMTP)
			clock := &testClock{}
			w, err := NewWorker(db, nil, SMTPConfig{Address: f.addr, TLS: TLSNone, Timeout: timeout},
				WorkerConfig{Logger: quiet, Now: clock.Now, LoopHeader: testDesk, Tag: "OTI"})
			if err != nil {
				t.Fatal(err)
			}
			settled, _ := hangAfterData(f, c.hangs, timeout)
			o := testRow(clock)
			id := putRow(t, db, o)
			for attempt := 1; attempt <= 4; attempt++ {
				w.SendOnce(context.Background()) // an unconfirmed end is also a lost connection: err
				clock.Advance(2 * time.Hour)     // past any retry delay
			}
			waitFor(t, "the server done with the hung messages", settled)
			copies := 0
			for _, m := range f.Messages() {
				if m.Header(t).Get("Message-Id") == "<"+o.MessageID+">" {
					copies++
				}
			}
			if copies != 2 {
				t.Errorf("the server got the message %d times, want 2", copies)
			}
			r := row(t, db, id)
			if r.Status != store.OutboxSent || r.Attempts != 2 {
				t.Errorf("status %s after %d attempts, want sent after 2", r.Status, r.Attempts)
			}
			if got := strings.HasPrefix(r.LastError, "unconfirmed: "); got != c.wantError {
				t.Errorf("last error %q", r.LastError)
			}
			if s := w.Stats(); s.Sent != 1 || s.Retried != 1 {
				t.Errorf("stats = %+v, want 1 sent and 1 retried", s)
			}
		})
	}
}
