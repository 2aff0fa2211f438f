package e2e

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"maps"
	"net/textproto"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/ticketd/ticketd/internal/pgtest"
)

// The fault suite (issue 6, item 6): ticketd runs as a subprocess against
// Dovecot, the SMTP sink and a fresh database, something breaks while it
// works through a few dozen messages, and when everything has settled the
// invariant of invariant_test.go must hold: each message is exactly one
// ticket or one comment, the support INBOX is empty, the outbox is done,
// and every notification arrived once, or twice with the same Message-ID.
//
// No test asserts how fast anything happens; the figures are logged.

// faultWorld is a world with a fresh database, for ticketd subprocesses.
type faultWorld struct {
	*world
	dbURL string
	db    *sqlx.DB
}

func newFaultWorld(t *testing.T) *faultWorld {
	t.Helper()
	w := newWorld(t)
	url := pgtest.URL(t)
	return &faultWorld{world: w, dbURL: url, db: openDB(t, url)}
}

// configFile writes the suite's configuration: IMAP batches of imapBatch
// messages (so a backlog takes several transactions), a first SMTP retry
// after a second and a claim lease of 12s (so a crashed sender's rows come
// back within the test), and per-recipient caps out of the way (the load
// writes more than the default 20 an hour to the same requesters).
func (f *faultWorld) configFile(imapBatch int, s settings) string {
	f.t.Helper()
	s.imap = fmt.Sprintf("batch_size = %d\n%s", imapBatch, s.imap)
	s.smtp = "batch_size = 10\ntimeout = \"3s\"\nretry_initial = \"1s\"\nclaim_lease = \"12s\"\n" + s.smtp
	s.extra += "\n[notifications]\nmax_per_hour = 10000\nmax_per_day = 10000\n[log]\nlevel = \"info\"\n"
	return writeConfig(f.t, f.configTOML(f.dbURL, s))
}

// scalar runs a query that returns one integer.
func (f *faultWorld) scalar(query string, args ...any) int {
	f.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var n int
	if err := f.db.GetContext(ctx, &n, query, args...); err != nil {
		f.t.Fatalf("%s: %v", query, err)
	}
	return n
}

// waitUntil polls cond until it holds, failing the test after timeout with
// cond's last explanation.
func waitUntil(t *testing.T, timeout time.Duration, cond func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		ok, why := cond()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("gave up after %s: %s", timeout, why)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// accepted returns the Message-IDs the SMTP sink has accepted over
// connections opened before t, with how many times each.
func (w *world) accepted(before time.Time) map[string]int {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := map[string]int{}
	for _, d := range w.delivered {
		if !d.opened.Before(before) {
			continue
		}
		h, _ := textproto.NewReader(bufio.NewReader(bytes.NewReader(d.raw))).ReadMIMEHeader()
		out[trimID(h.Get("Message-Id"))]++
	}
	return out
}

// holderPID returns the process id of the replica that reads the support
// INBOX according to mailbox_state (0 if none has reported).
func (f *faultWorld) holderPID() int {
	var holder string
	err := f.db.Get(&holder, `SELECT holder FROM mailbox_state WHERE account = 'default' AND mailbox = 'INBOX'`)
	if err != nil {
		return 0
	}
	i := strings.LastIndexByte(holder, ':')
	pid, _ := strconv.Atoi(holder[i+1:])
	return pid
}

// TestFaultKillBeforeCommit: SIGKILL after the messages were fetched and
// processed, before the transaction committed. Nothing may be on record;
// the next run does everything once.
func TestFaultKillBeforeCommit(t *testing.T) {
	t.Parallel()
	f := newFaultWorld(t)
	cfg := f.configFile(8, settings{})
	first, later := makeLoad("commit-1", 15, 5), makeLoad("commit-2", 9, 3)
	f.put(first)

	a := spawn(t, "a", cfg, "intake-before-commit:1")
	a.waitFault(time.Minute)
	if n := f.scalar(`SELECT count(*) FROM messages WHERE direction = 'in'`); n != 0 {
		t.Errorf("%d inbound messages on record after a kill before the first commit", n)
	}
	if n, err := f.count(deskAddr, "INBOX"); err != nil || int(n) != len(first) {
		t.Errorf("the support INBOX holds %d messages (%v) after the kill, want all %d", n, err, len(first))
	}

	spawn(t, "b", cfg, "")
	f.put(later)
	f.checkInvariant(f.dbURL, append(first, later...))
}

// TestFaultKillBeforeMove: SIGKILL after the first batch committed, before
// it was moved out of the INBOX. The next run finds those messages again
// and must not make a second ticket or comment of any.
func TestFaultKillBeforeMove(t *testing.T) {
	t.Parallel()
	f := newFaultWorld(t)
	cfg := f.configFile(8, settings{})
	first, later := makeLoad("move-1", 15, 5), makeLoad("move-2", 9, 3)
	f.put(first)

	a := spawn(t, "a", cfg, "imap-before-move:1")
	a.waitFault(time.Minute)
	committed := f.scalar(`SELECT count(*) FROM messages WHERE direction = 'in'`)
	if committed == 0 {
		t.Error("nothing on record after a kill that follows a commit")
	}
	if n, err := f.count(deskAddr, "INBOX"); err != nil || int(n) != len(first) {
		t.Errorf("the support INBOX holds %d messages (%v) after the kill, want all %d (none moved)", n, err, len(first))
	}
	t.Logf("%d messages committed and left in the INBOX by the kill", committed)

	spawn(t, "b", cfg, "")
	f.put(later)
	f.checkInvariant(f.dbURL, append(first, later...))
}

// TestFaultKillBeforeMark: SIGKILL after the SMTP server accepted a
// notification, before its outbox row was marked sent. After the claim
// lease the next run sends it again: it arrives twice, with one
// Message-ID, and nothing else does.
func TestFaultKillBeforeMark(t *testing.T) {
	t.Parallel()
	f := newFaultWorld(t)
	cfg := f.configFile(8, settings{})
	first, later := makeLoad("mark-1", 15, 5), makeLoad("mark-2", 9, 3)
	f.put(first)

	a := spawn(t, "a", cfg, "outbox-before-mark:1")
	a.waitFault(time.Minute)
	killed := time.Now()

	spawn(t, "b", cfg, "")
	f.put(later)
	out := f.checkInvariant(f.dbURL, append(first, later...))
	// What the killed process sent: every SMTP connection opened before it
	// died was its own (another of its connections may have been in DATA
	// at the kill; the sink delivered that one too, and it was not marked
	// either).
	inFlight := f.accepted(killed)
	if len(inFlight) == 0 {
		t.Fatal("the kill point after the SMTP reply fired, yet the sink accepted nothing from that process")
	}
	if len(out.duplicates) == 0 {
		t.Errorf("none of the %d messages accepted before the kill was sent again", len(inFlight))
	}
	for id := range out.duplicates {
		if inFlight[id] == 0 {
			t.Errorf("%s arrived twice but was not accepted before the kill", id)
		}
	}
}

// TestFaultSMTPDown: the SMTP server answers 421 to everything for a
// while, during which mail keeps coming in; when it is back every
// notification goes out, once.
func TestFaultSMTPDown(t *testing.T) {
	t.Parallel()
	f := newFaultWorld(t)
	cfg := f.configFile(8, settings{})
	first, later := makeLoad("smtp-1", 15, 5), makeLoad("smtp-2", 9, 3)
	f.setDown(true)
	spawn(t, "a", cfg, "")
	f.put(first)

	// Wait for the outbox to have been refused and to have retried.
	waitUntil(t, time.Minute, func() (bool, string) {
		n := f.scalar(`SELECT count(*) FROM outbox WHERE status = 'pending' AND attempts >= 2 AND last_error <> ''`)
		return n > 0, "no notification retried after a refusal"
	})
	f.put(later)
	waitUntil(t, time.Minute, func() (bool, string) {
		n, err := f.count(deskAddr, "INBOX")
		return err == nil && n == 0, "the intake did not work through the INBOX while SMTP was down"
	})
	if n := len(f.accepted(time.Now())); n != 0 {
		t.Fatalf("the sink accepted %d messages while down", n)
	}
	downFor := f.scalar(`SELECT count(*) FROM outbox WHERE status = 'pending'`)
	f.setDown(false)
	up := time.Now()

	out := f.checkInvariant(f.dbURL, append(first, later...))
	t.Logf("%d notifications waited for the SMTP server; all sent within %s of its return", downFor, time.Since(up).Round(100*time.Millisecond))
	if out.attempts < 2 {
		t.Errorf("no row needed more than one attempt (max %d): the outage did not happen", out.attempts)
	}
}

// TestFaultSMTPHangAfterData: the SMTP server delivers a message and then
// hangs past the client's timeout before answering its end of data: the
// first notification it sees every time, the next three once. Each of
// them arrives twice, never three times: the one that always hangs is
// taken as sent after its second unconfirmed attempt, with the doubt on
// its row; the others are sent on the retry.
func TestFaultSMTPHangAfterData(t *testing.T) {
	t.Parallel()
	f := newFaultWorld(t)
	cfg := f.configFile(8, settings{})
	load := makeLoad("hang", 12, 4)
	var (
		mu     sync.Mutex
		always string
		once   = map[string]bool{} // hung once already
	)
	f.mu.Lock()
	f.hang = func(id string) time.Duration {
		mu.Lock()
		defer mu.Unlock()
		switch {
		case always == "":
			always = id
		case id == always:
		case len(once) < 3 && !once[id]:
			once[id] = true
		default:
			return 0
		}
		return 4 * time.Second // past the suite's smtp.timeout of 3s
	}
	f.mu.Unlock()
	spawn(t, "a", cfg, "")
	f.put(load)
	out := f.checkInvariant(f.dbURL, load)

	mu.Lock()
	defer mu.Unlock()
	hung := append([]string{always}, slices.Collect(maps.Keys(once))...)
	if len(hung) != 4 {
		t.Fatalf("%d notifications hung, want 4", len(hung))
	}
	for _, id := range hung {
		if !out.duplicates[id] {
			t.Errorf("%s hung after its data and arrived once, want twice (the server had it)", id)
		}
		var lastError string
		if err := f.db.Get(&lastError, `SELECT o.last_error FROM outbox o JOIN messages m ON m.id = o.message_row
			WHERE m.message_id = $1`, id); err != nil {
			t.Fatalf("the row of %s: %v", id, err)
		}
		if unsure := strings.HasPrefix(lastError, "unconfirmed: "); unsure != (id == always) {
			t.Errorf("%s: last error %q", id, lastError)
		}
	}
	if len(out.duplicates) != len(hung) {
		t.Errorf("%d notifications arrived twice, want the %d that hung", len(out.duplicates), len(hung))
	}
}

// TestFaultIMAPCut: the IMAP connection is cut in the middle of FETCH
// responses (three connections in a row, at different depths, the last
// one after a batch or two went through), then once more while idle.
func TestFaultIMAPCut(t *testing.T) {
	t.Parallel()
	f := newFaultWorld(t)
	px := newCutProxy(t, f.dove.Addr)
	px.cutFetches(1500, 6000, 30000)
	cfg := f.configFile(8, settings{imapAddr: px.addr()})
	first, later := makeLoad("cut-1", 15, 5), makeLoad("cut-2", 9, 3)
	f.put(first)

	spawn(t, "a", cfg, "")
	waitUntil(t, time.Minute, func() (bool, string) {
		done, planned := px.fetchCuts()
		return planned == 0 && done == 3, strconv.Itoa(done) + " of 3 connections cut mid-fetch"
	})
	waitUntil(t, time.Minute, func() (bool, string) {
		n, err := f.count(deskAddr, "INBOX")
		return err == nil && n == 0, "the INBOX was not emptied after the cuts"
	})
	if n := px.cutAll(); n == 0 {
		t.Error("no IMAP connection open to cut while idle")
	}
	f.put(later)
	f.checkInvariant(f.dbURL, append(first, later...))
}

// TestFaultPostgresRestart: PostgreSQL restarts while ticketd works and
// mail keeps coming in; ticketd stays up and loses nothing.
func TestFaultPostgresRestart(t *testing.T) {
	cl := pgtest.Cluster(t)
	if cl == nil {
		t.Skipf("the tests use %s: there is no throwaway PostgreSQL cluster to restart (unset it to run this test)", pgtest.EnvURL)
	}
	f := newFaultWorld(t)
	cfg := f.configFile(8, settings{})
	first, later := makeLoad("pg-1", 15, 5), makeLoad("pg-2", 9, 3)

	a := spawn(t, "a", cfg, "")
	f.put(first)
	waitUntil(t, time.Minute, func() (bool, string) {
		return f.scalar(`SELECT count(*) FROM tickets`) > 0, "no ticket before the restart"
	})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	restarted := make(chan error, 1)
	go func() { restarted <- cl.Restart(ctx) }()
	f.put(later) // while PostgreSQL stops and starts
	if err := <-restarted; err != nil {
		t.Fatalf("restarting PostgreSQL: %v", err)
	}
	back := time.Now()

	f.checkInvariant(f.dbURL, append(first, later...))
	t.Logf("settled %s after PostgreSQL was back", time.Since(back).Round(100*time.Millisecond))
	if a.exited() {
		t.Errorf("ticketd did not survive the restart: %s", a.exit())
	}
}

// TestFaultReplicaTakeover: two replicas on one database and one mailbox;
// the one reading the mailbox is killed with SIGKILL in the middle of a
// backlog, and the other takes the mailbox lease (a PostgreSQL advisory
// lock, retried every 2s) and finishes the work.
func TestFaultReplicaTakeover(t *testing.T) {
	t.Parallel()
	f := newFaultWorld(t)
	cfg := f.configFile(2, settings{})
	backlog, later := makeLoad("rep-1", 30, 10), makeLoad("rep-2", 9, 3)

	procs := map[int]*proc{}
	for _, name := range []string{"a", "b"} {
		p := spawn(t, name, cfg, "")
		procs[p.pid()] = p
	}
	var holder *proc
	waitUntil(t, time.Minute, func() (bool, string) {
		for _, p := range procs {
			if p.exited() {
				t.Fatalf("replica %s ended (%s)", p.name, p.exit())
			}
		}
		holder = procs[f.holderPID()]
		return holder != nil, "no replica took the mailbox"
	})
	var standby *proc
	for _, p := range procs {
		if p != holder {
			standby = p
		}
	}

	f.put(backlog)
	var done int
	waitUntil(t, time.Minute, func() (bool, string) {
		done = f.scalar(`SELECT count(*) FROM mailbox_positions`)
		return done >= 6, "the holder did not start on the backlog"
	})
	holder.kill()
	killed := time.Now()
	done = f.scalar(`SELECT count(*) FROM mailbox_positions`)
	if done >= len(backlog) {
		t.Fatalf("the backlog (%d messages) was done before the kill: no takeover to test", len(backlog))
	}
	t.Logf("replica %s killed with %d of %d messages handled", holder.name, done, len(backlog))

	waitUntil(t, time.Minute, func() (bool, string) {
		return f.holderPID() == standby.pid(), "the standby replica never took the mailbox"
	})
	t.Logf("replica %s took the mailbox %s after the kill", standby.name, time.Since(killed).Round(100*time.Millisecond))
	f.put(later)
	f.checkInvariant(f.dbURL, append(backlog, later...))
	if standby.exited() {
		t.Errorf("the surviving replica ended: %s", standby.exit())
	}
}
