package imapin

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
)

// moveCases runs a scenario against the three ways of moving: UID MOVE,
// COPY + UID EXPUNGE (UIDPLUS), and COPY + \Deleted without expunge.
var moveCases = []struct {
	name string
	caps imap.CapSet
}{
	{"move", capsMove},
	{"uidplus", capsUIDPlus},
	{"copy_only", capsBare},
}

// live returns the messages of a mailbox that are not flagged \Deleted.
func live(msgs []boxMessage) []boxMessage {
	var out []boxMessage
	for _, m := range msgs {
		if !slices.Contains(m.Flags, string(imap.FlagDeleted)) {
			out = append(out, m)
		}
	}
	return out
}

func TestPickupViaIdle(t *testing.T) {
	for _, tc := range moveCases {
		t.Run(tc.name, func(t *testing.T) {
			srv := startMem(t, memOptions{caps: tc.caps})
			h := newMemHandler()
			h.calls = make(chan []Fetched, 10)
			p, _ := startPoller(t, baseConfig(t, srv.Addr), h, nil)

			eventually(t, "poller idle", func() bool { return p.Status().Idle })
			writer := client(t, srv.Addr, testUser, testPassword)
			raw := testMessage(1, 0)
			appendMessage(t, writer, "INBOX", raw)

			var batch []Fetched
			select {
			case batch = <-h.calls:
			case <-time.After(15 * time.Second):
				t.Fatal("message appended while idle was not picked up (poll interval is 1h, so only IDLE can wake the poller)")
			}
			if len(batch) != 1 || !bytes.Equal(batch[0].Raw, raw) {
				t.Fatalf("handler got %d messages, want the appended one", len(batch))
			}
			f := batch[0]
			if f.Account != "default" || f.Mailbox != "INBOX" || f.UID != 1 || f.UIDValidity == 0 ||
				f.Size != int64(len(raw)) || f.TooBig || f.InternalDate.IsZero() {
				t.Errorf("fetched metadata = %+v", f)
			}

			inspect := client(t, srv.Addr, testUser, testPassword)
			eventually(t, "message moved to Procesados", func() bool {
				return len(live(listMailbox(t, inspect, "INBOX"))) == 0 &&
					len(listMailbox(t, inspect, "Procesados")) == 1
			})
			moved := listMailbox(t, inspect, "Procesados")[0]
			if !bytes.Equal(moved.Raw, raw) {
				t.Error("moved message differs from the appended one")
			}
			if cur := listMailbox(t, inspect, "Cuarentena"); cur == nil {
				t.Error("quarantine mailbox was not created")
			}
			st := p.Status()
			if !st.Connected || st.Backlog != 0 || st.LastSuccess.IsZero() {
				t.Errorf("status = %+v", st)
			}
		})
	}
}

func TestBacklogInBatches(t *testing.T) {
	srv := startMem(t, memOptions{})
	writer := client(t, srv.Addr, testUser, testPassword)
	var want [][]byte
	for i := range 10 {
		raw := testMessage(i, 0)
		want = append(want, raw)
		appendMessage(t, writer, "INBOX", raw)
	}
	h := newMemHandler()
	cfg := baseConfig(t, srv.Addr)
	cfg.BatchSize = 3
	startPoller(t, cfg, h, nil)

	eventually(t, "10 messages stored", func() bool { return h.count() == 10 })
	msgs, batches, dups := h.snapshot()
	wantBatches := [][]uint32{{1, 2, 3}, {4, 5, 6}, {7, 8, 9}, {10}}
	if fmt.Sprint(batches) != fmt.Sprint(wantBatches) {
		t.Errorf("batches = %v, want %v", batches, wantBatches)
	}
	if dups != 0 {
		t.Errorf("dups = %d", dups)
	}
	for i, m := range msgs {
		if !bytes.Equal(m.Raw, want[i]) {
			t.Errorf("message %d differs", i)
		}
	}
	inspect := client(t, srv.Addr, testUser, testPassword)
	eventually(t, "all moved", func() bool { return len(listMailbox(t, inspect, "Procesados")) == 10 })
	if n := len(listMailbox(t, inspect, "INBOX")); n != 0 {
		t.Errorf("INBOX still has %d messages", n)
	}
}

func TestQuarantineOutcome(t *testing.T) {
	for _, tc := range moveCases {
		t.Run(tc.name, func(t *testing.T) {
			srv := startMem(t, memOptions{caps: tc.caps})
			writer := client(t, srv.Addr, testUser, testPassword)
			for i := range 4 {
				appendMessage(t, writer, "INBOX", testMessage(i, 0))
			}
			h := newMemHandler()
			h.quarantine = func(f Fetched) (bool, string) {
				return f.UID%2 == 0, "bucle de autorespuesta"
			}
			startPoller(t, baseConfig(t, srv.Addr), h, nil)

			inspect := client(t, srv.Addr, testUser, testPassword)
			eventually(t, "messages sorted out", func() bool {
				return len(live(listMailbox(t, inspect, "INBOX"))) == 0 &&
					len(listMailbox(t, inspect, "Procesados")) == 2 &&
					len(listMailbox(t, inspect, "Cuarentena")) == 2
			})
			for _, m := range listMailbox(t, inspect, "Cuarentena") {
				if !strings.Contains(string(m.Raw), "Solicitud 1") && !strings.Contains(string(m.Raw), "Solicitud 3") {
					t.Errorf("quarantine holds the wrong message: %.60q", m.Raw)
				}
			}
			if tc.caps.Has(imap.CapUIDPlus) {
				if n := len(listMailbox(t, inspect, "INBOX")); n != 0 {
					t.Errorf("INBOX holds %d messages after UID EXPUNGE", n)
				}
			} else {
				// Without UIDPLUS nothing is expunged: the originals stay,
				// flagged \Seen \Deleted.
				for _, m := range listMailbox(t, inspect, "INBOX") {
					if !slices.Contains(m.Flags, `\Deleted`) || !slices.Contains(m.Flags, `\Seen`) {
						t.Errorf("uid %d flags %v, want \\Deleted \\Seen", m.UID, m.Flags)
					}
				}
			}
		})
	}
}

// Without UIDPLUS the poller must not send a bare EXPUNGE: a message someone
// else flagged \Deleted stays.
func TestCopyOnlyLeavesForeignDeletions(t *testing.T) {
	srv := startMem(t, memOptions{caps: capsBare})
	writer := client(t, srv.Addr, testUser, testPassword)
	appendMessage(t, writer, "INBOX", testMessage(1, 0))
	cmd := writer.Append("INBOX", int64(len(testMessage(2, 0))), &imap.AppendOptions{Flags: []imap.Flag{imap.FlagDeleted}})
	cmd.Write(testMessage(2, 0))
	cmd.Close()
	if _, err := cmd.Wait(); err != nil {
		t.Fatal(err)
	}
	h := newMemHandler()
	startPoller(t, baseConfig(t, srv.Addr), h, nil)
	inspect := client(t, srv.Addr, testUser, testPassword)
	eventually(t, "processed", func() bool { return len(listMailbox(t, inspect, "Procesados")) == 1 })
	if n := len(listMailbox(t, inspect, "INBOX")); n != 2 {
		t.Errorf("INBOX has %d messages, want 2 (nothing expunged)", n)
	}
	if h.count() != 1 {
		t.Errorf("handler stored %d, want 1 (the \\Deleted one is skipped)", h.count())
	}
}

func TestHandleErrorMovesNothing(t *testing.T) {
	srv := startMem(t, memOptions{})
	writer := client(t, srv.Addr, testUser, testPassword)
	for i := range 3 {
		appendMessage(t, writer, "INBOX", testMessage(i, 0))
	}
	h := newMemHandler()
	var failing atomic.Bool
	failing.Store(true)
	var failures atomic.Int32
	h.fail = func([]Fetched) error {
		if failing.Load() {
			failures.Add(1)
			return errors.New("database unavailable")
		}
		return nil
	}
	p, _ := startPoller(t, baseConfig(t, srv.Addr), h, nil)

	eventually(t, "handler retried", func() bool { return failures.Load() >= 3 })
	inspect := client(t, srv.Addr, testUser, testPassword)
	if n := len(listMailbox(t, inspect, "INBOX")); n != 3 {
		t.Fatalf("INBOX has %d messages while the handler fails, want 3", n)
	}
	if n := len(listMailbox(t, inspect, "Procesados")); n != 0 {
		t.Fatalf("Procesados has %d messages while the handler fails", n)
	}
	st := p.Status()
	if !strings.Contains(st.LastError, "database unavailable") || st.LastErrorAt.IsZero() || st.Backlog != 3 {
		t.Errorf("status while failing = %+v", st)
	}
	if st.Reconnects != 0 {
		t.Errorf("a handler failure reconnected %d times; the connection was fine", st.Reconnects)
	}

	failing.Store(false)
	eventually(t, "moved after recovery", func() bool { return len(listMailbox(t, inspect, "Procesados")) == 3 })
	if h.count() != 3 {
		t.Errorf("stored %d", h.count())
	}
}

// The handler commits, then the connection dies before the poller can move
// the message (as if the process crashed). The next session offers it again;
// the handler reports the duplicate and the message is moved exactly once.
func TestCrashBetweenCommitAndMove(t *testing.T) {
	for _, tc := range moveCases {
		t.Run(tc.name, func(t *testing.T) {
			srv := startMem(t, memOptions{caps: tc.caps})
			px := startProxy(t, srv.Addr)
			writer := client(t, srv.Addr, testUser, testPassword)
			appendMessage(t, writer, "INBOX", testMessage(1, 0))

			h := newMemHandler()
			var crashed atomic.Bool
			h.afterCommit = func([]Fetched) {
				if !crashed.Swap(true) {
					px.cut()
				}
			}
			p, _ := startPoller(t, baseConfig(t, px.Addr), h, nil)

			inspect := client(t, srv.Addr, testUser, testPassword)
			eventually(t, "moved after reconnect", func() bool {
				return len(live(listMailbox(t, inspect, "INBOX"))) == 0 &&
					len(listMailbox(t, inspect, "Procesados")) == 1
			})
			_, batches, dups := h.snapshot()
			if dups != 1 || len(batches) != 2 {
				t.Errorf("handler saw %d batches and %d duplicates, want 2 and 1", len(batches), dups)
			}
			if h.count() != 1 {
				t.Errorf("stored %d messages, want 1", h.count())
			}
			if st := p.Status(); st.Reconnects < 1 || st.LastError == "" {
				t.Errorf("status after a connection loss = %+v", st)
			}
		})
	}
}

// Same crash, but the poller process is replaced: a new Poller with the same
// store finds the message still in INBOX.
func TestRestartAfterCrash(t *testing.T) {
	srv := startMem(t, memOptions{})
	px := startProxy(t, srv.Addr)
	writer := client(t, srv.Addr, testUser, testPassword)
	appendMessage(t, writer, "INBOX", testMessage(1, 0))

	h := newMemHandler()
	committed := make(chan struct{})
	var once atomic.Bool
	h.afterCommit = func([]Fetched) {
		if !once.Swap(true) {
			px.cut()
			close(committed)
		}
	}
	_, stop := startPoller(t, baseConfig(t, px.Addr), h, func(p *Poller) { p.minBackoff = time.Hour })
	<-committed
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	inspect := client(t, srv.Addr, testUser, testPassword)
	if n := len(listMailbox(t, inspect, "INBOX")); n != 1 {
		t.Fatalf("INBOX has %d messages after the crash, want 1 (not moved)", n)
	}

	h.afterCommit = nil
	startPoller(t, baseConfig(t, srv.Addr), h, nil)
	eventually(t, "moved by the new poller", func() bool { return len(listMailbox(t, inspect, "Procesados")) == 1 })
	if n := len(listMailbox(t, inspect, "INBOX")); n != 0 {
		t.Errorf("INBOX has %d", n)
	}
	if _, _, dups := h.snapshot(); dups != 1 || h.count() != 1 {
		t.Errorf("dups = %d, stored = %d; want 1 and 1", dups, h.count())
	}
}

func TestTooBigFetchedHeaderOnly(t *testing.T) {
	srv := startMem(t, memOptions{})
	writer := client(t, srv.Addr, testUser, testPassword)
	small := testMessage(1, 100)
	big := testMessage(2, 5000)
	appendMessage(t, writer, "INBOX", small)
	appendMessage(t, writer, "INBOX", big)

	h := newMemHandler()
	cfg := baseConfig(t, srv.Addr)
	cfg.MaxMessageBytes = 2000
	startPoller(t, cfg, h, nil)
	eventually(t, "both stored", func() bool { return h.count() == 2 })
	msgs, _, _ := h.snapshot()
	if msgs[0].TooBig || !bytes.Equal(msgs[0].Raw, small) {
		t.Errorf("small message: TooBig=%v, %d bytes", msgs[0].TooBig, len(msgs[0].Raw))
	}
	wantHeader := big[:bytes.Index(big, []byte("\r\n\r\n"))+4]
	if !msgs[1].TooBig || !bytes.Equal(msgs[1].Raw, wantHeader) || msgs[1].Size != int64(len(big)) {
		t.Errorf("big message: TooBig=%v size=%d raw=%q", msgs[1].TooBig, msgs[1].Size, msgs[1].Raw)
	}
	inspect := client(t, srv.Addr, testUser, testPassword)
	eventually(t, "both moved", func() bool { return len(listMailbox(t, inspect, "Procesados")) == 2 })
}

func TestSeenMode(t *testing.T) {
	srv := startMem(t, memOptions{})
	writer := client(t, srv.Addr, testUser, testPassword)
	for i := range 5 {
		appendMessage(t, writer, "INBOX", testMessage(i, 0))
	}
	h := newMemHandler()
	// Before a crash the store committed UIDs 1-2 (UID 1 was flagged,
	// UID 2 was not) and UIDVALIDITY 1 is the mailbox's.
	h.cursors[cursorKey("default", "INBOX", 1)] = 2
	if _, err := writer.Select("INBOX", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	if err := writer.Store(imap.UIDSetNum(1), &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{imap.FlagSeen}}, nil).Close(); err != nil {
		t.Fatal(err)
	}
	h.quarantine = func(f Fetched) (bool, string) { return f.UID == 4, "sin remitente" }
	cfg := baseConfig(t, srv.Addr)
	cfg.After = AfterSeen
	cfg.IdleRenew = 10 * time.Millisecond // drain again and again with nothing new
	startPoller(t, cfg, h, nil)

	inspect := client(t, srv.Addr, testUser, testPassword)
	eventually(t, "all flagged seen", func() bool {
		msgs := listMailbox(t, inspect, "INBOX")
		if len(msgs) != 5 {
			return false
		}
		for _, m := range msgs {
			if !slices.Contains(m.Flags, `\Seen`) {
				return false
			}
		}
		return true
	})
	_, batches, _ := h.snapshot()
	if fmt.Sprint(batches) != "[[3 4 5]]" {
		t.Errorf("handler batches = %v, want [[3 4 5]] (1-2 were committed before)", batches)
	}
	for _, m := range listMailbox(t, inspect, "INBOX") {
		if flagged := slices.Contains(m.Flags, `\Flagged`); flagged != (m.UID == 4) {
			t.Errorf("uid %d flags %v", m.UID, m.Flags)
		}
	}
	if listMailbox(t, inspect, "Procesados") != nil {
		t.Error("seen mode created the processed mailbox")
	}

	appendMessage(t, writer, "INBOX", testMessage(9, 0))
	eventually(t, "new message handled", func() bool { return h.count() == 4 })
	// "UID 7:*" matches UID 6 when 6 is the highest: repeated drains must
	// not offer it again.
	n := h.cursorN.Load()
	eventually(t, "three more drains", func() bool { return h.cursorN.Load() >= n+3 })
	if _, _, dups := h.snapshot(); dups != 0 {
		t.Errorf("%d messages offered twice in seen mode", dups)
	}
}

// The mailbox is deleted and re-created under the poller (new UIDVALIDITY,
// UIDs restart at 1). Nothing is lost: in seen mode the old cursor must not
// hide the new, low UIDs.
func TestUIDValidityChange(t *testing.T) {
	for _, after := range []string{AfterMove, AfterSeen} {
		t.Run(after, func(t *testing.T) {
			srv := startMem(t, memOptions{})
			writer := client(t, srv.Addr, testUser, testPassword)
			for i := range 3 {
				appendMessage(t, writer, "INBOX", testMessage(i, 0))
			}
			h := newMemHandler()
			cfg := baseConfig(t, srv.Addr)
			cfg.After = after
			cfg.IdleRenew = 50 * time.Millisecond // re-select often: that is how a change is seen while idle
			p, _ := startPoller(t, cfg, h, nil)
			eventually(t, "first three", func() bool { return h.count() == 3 })
			eventually(t, "idle", func() bool { return p.Status().Idle })

			if err := srv.User.Delete("INBOX"); err != nil {
				t.Fatal(err)
			}
			if err := srv.User.Create("INBOX", nil); err != nil {
				t.Fatal(err)
			}
			for i := 10; i < 12; i++ {
				appendMessage(t, writer, "INBOX", testMessage(i, 0))
			}
			eventually(t, "messages of the new mailbox", func() bool { return h.count() == 5 })
			msgs, _, _ := h.snapshot()
			if msgs[3].UIDValidity == msgs[0].UIDValidity || msgs[3].UID != 1 || msgs[4].UID != 2 {
				t.Errorf("new messages: uidvalidity %d (old %d), uids %d %d",
					msgs[3].UIDValidity, msgs[0].UIDValidity, msgs[3].UID, msgs[4].UID)
			}
		})
	}
}

func TestPollWithoutIdle(t *testing.T) {
	srv := startMem(t, memOptions{})
	h := newMemHandler()
	cfg := baseConfig(t, srv.Addr)
	cfg.PollInterval = 20 * time.Millisecond
	p, _ := startPoller(t, cfg, h, func(p *Poller) { p.noIdle = true })
	eventually(t, "connected", func() bool { return p.Status().Connected })
	writer := client(t, srv.Addr, testUser, testPassword)
	appendMessage(t, writer, "INBOX", testMessage(1, 0))
	eventually(t, "picked up by polling", func() bool { return h.count() == 1 })
	if p.Status().Idle {
		t.Error("status says idle in poll mode")
	}
}

func TestCancelWhileIdleReturnsPromptly(t *testing.T) {
	srv := startMem(t, memOptions{})
	p, stop := startPoller(t, baseConfig(t, srv.Addr), newMemHandler(), nil)
	eventually(t, "idle", func() bool { return p.Status().Idle })
	done := make(chan error, 1)
	go func() { done <- stop() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(shutdownGrace / 2):
		t.Fatal("Run did not return well within the shutdown grace")
	}
	if st := p.Status(); st.Connected || st.Idle {
		t.Errorf("status after stop = %+v", st)
	}
}

// Cancellation while Handle runs: the batch in hand is finished (moved),
// then Run returns nil.
func TestCancelFinishesBatchInHand(t *testing.T) {
	srv := startMem(t, memOptions{})
	writer := client(t, srv.Addr, testUser, testPassword)
	for i := range 4 {
		appendMessage(t, writer, "INBOX", testMessage(i, 0))
	}
	h := newMemHandler()
	entered := make(chan struct{})
	release := make(chan struct{})
	var first atomic.Bool
	var handleCtxErr atomic.Value
	h.fail = func([]Fetched) error {
		if !first.Swap(true) {
			close(entered)
			<-release
		}
		return nil
	}
	hb := &ctxSpy{Handler: h, err: &handleCtxErr}
	cfg := baseConfig(t, srv.Addr)
	cfg.BatchSize = 2
	_, stop := startPoller(t, cfg, hb, nil)
	<-entered
	done := make(chan error, 1)
	go func() { done <- stop() }()
	time.Sleep(20 * time.Millisecond) // let the cancellation land while Handle runs
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if e, _ := handleCtxErr.Load().(string); e != "" {
		t.Errorf("Handle's context was cancelled with Run's: %s", e)
	}
	inspect := client(t, srv.Addr, testUser, testPassword)
	if n := len(listMailbox(t, inspect, "Procesados")); n != 2 {
		t.Errorf("Procesados has %d, want the 2 of the batch in hand", n)
	}
	if n := len(listMailbox(t, inspect, "INBOX")); n != 2 {
		t.Errorf("INBOX has %d, want the 2 not started", n)
	}
}

// ctxSpy records whether Handle's context was already cancelled when it
// returned.
type ctxSpy struct {
	Handler
	err *atomic.Value
}

func (s *ctxSpy) Handle(ctx context.Context, b []Fetched) ([]Outcome, error) {
	out, err := s.Handler.Handle(ctx, b)
	if ctx.Err() != nil {
		s.err.Store(ctx.Err().Error())
	}
	return out, err
}

func TestCheck(t *testing.T) {
	srv := startMem(t, memOptions{})
	tests := []struct {
		name     string
		password string
		mailbox  string
		wantErr  string
	}{
		{"ok", testPassword, "INBOX", ""},
		{"wrong_password", "nope", "INBOX", "login"},
		{"missing_mailbox", testPassword, "NoExiste", "examine"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := baseConfig(t, srv.Addr)
			cfg.Password, cfg.Mailbox = tc.password, tc.mailbox
			p, err := New(cfg, newMemHandler())
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			err = p.Check(ctx)
			if tc.wantErr == "" && err != nil {
				t.Fatalf("Check: %v", err)
			}
			if tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)) {
				t.Fatalf("Check error = %v, want one mentioning %q", err, tc.wantErr)
			}
		})
	}
}

func TestWrongPasswordRetriesAndReports(t *testing.T) {
	srv := startMem(t, memOptions{})
	cfg := baseConfig(t, srv.Addr)
	cfg.Password = "nope"
	p, _ := startPoller(t, cfg, newMemHandler(), nil)
	eventually(t, "two failed attempts", func() bool { return p.Status().Reconnects >= 2 })
	st := p.Status()
	if st.Connected || !strings.Contains(st.LastError, "login") {
		t.Errorf("status = %+v", st)
	}
}

// preparingHandler is a memHandler that is also a Preparer: it records
// which batches were prepared and in which order relative to Handle.
type preparingHandler struct {
	*memHandler
	mu       sync.Mutex
	prepared [][]uint32
	handled  int // batches handled when each Prepare ran, by Prepare call
	ahead    []int
}

func (h *preparingHandler) Prepare(batch []Fetched) {
	h.mu.Lock()
	defer h.mu.Unlock()
	var uids []uint32
	for i := range batch {
		uids = append(uids, batch[i].UID)
		batch[i].Prepared = batch[i].UID
	}
	h.prepared = append(h.prepared, uids)
	_, handled, _ := h.memHandler.snapshot()
	h.ahead = append(h.ahead, len(h.prepared)-1-len(handled))
}

func (h *preparingHandler) Handle(ctx context.Context, batch []Fetched) ([]Outcome, error) {
	for _, f := range batch {
		if f.Prepared != f.UID {
			return nil, fmt.Errorf("uid %d handed over unprepared (%v)", f.UID, f.Prepared)
		}
	}
	return h.memHandler.Handle(ctx, batch)
}

// A Preparer gets every batch, in order, before it is handled, and never
// more than one batch ahead of the one in hand.
func TestPreparerSeesEachBatchBeforeHandle(t *testing.T) {
	srv := startMem(t, memOptions{})
	writer := client(t, srv.Addr, testUser, testPassword)
	for i := range 10 {
		appendMessage(t, writer, "INBOX", testMessage(i, 0))
	}
	h := &preparingHandler{memHandler: newMemHandler()}
	// Handle waits, so the reader has time to run ahead if it could.
	h.afterCommit = func([]Fetched) { time.Sleep(50 * time.Millisecond) }
	cfg := baseConfig(t, srv.Addr)
	cfg.BatchSize = 3
	startPoller(t, cfg, h, nil)

	eventually(t, "10 messages stored", func() bool { return h.count() == 10 })
	_, batches, _ := h.snapshot()
	h.mu.Lock()
	defer h.mu.Unlock()
	if fmt.Sprint(h.prepared) != fmt.Sprint(batches) {
		t.Errorf("prepared %v, handled %v: want the same batches in the same order", h.prepared, batches)
	}
	for i, a := range h.ahead {
		// Batch i is prepared while batch i-1 is in hand at the earliest.
		if a > 1 {
			t.Errorf("batch %d prepared %d batches ahead of those handled", i, a)
		}
	}
	inspect := client(t, srv.Addr, testUser, testPassword)
	eventually(t, "all moved", func() bool { return len(listMailbox(t, inspect, "Procesados")) == 10 })
}

// A message the Handler leaves for later stays in the mailbox and is
// offered again after RetryLater, with no new mail to wake the poller from
// IDLE; the others are moved at once.
func TestLaterOutcomeIsOfferedAgain(t *testing.T) {
	srv := startMem(t, memOptions{})
	writer := client(t, srv.Addr, testUser, testPassword)
	for i := range 3 {
		appendMessage(t, writer, "INBOX", testMessage(i, 0))
	}
	h := newMemHandler()
	var mu sync.Mutex
	offers, canWait := 0, true
	h.later = func(f Fetched) bool {
		if !strings.Contains(string(f.Raw), "Solicitud 1") {
			return false
		}
		mu.Lock()
		defer mu.Unlock()
		offers++
		canWait = canWait && f.CanWait
		return offers <= 2
	}
	cfg := baseConfig(t, srv.Addr)
	cfg.RetryLater = 20 * time.Millisecond
	p, _ := startPoller(t, cfg, h, nil)
	inspect := client(t, srv.Addr, testUser, testPassword)
	eventually(t, "the other messages moved", func() bool { return len(listMailbox(t, inspect, "Procesados")) >= 2 })
	eventually(t, "the waiting message offered again and moved", func() bool {
		return len(live(listMailbox(t, inspect, "INBOX"))) == 0 && len(listMailbox(t, inspect, "Procesados")) == 3
	})
	mu.Lock()
	if offers != 3 || !canWait {
		t.Errorf("offered %d times (want 3), CanWait %v in move mode", offers, canWait)
	}
	mu.Unlock()
	if n := h.count(); n != 3 {
		t.Errorf("%d messages stored, want 3", n)
	}
	if !p.Status().Idle && !p.Status().Connected {
		t.Errorf("status %+v", p.Status())
	}
}
