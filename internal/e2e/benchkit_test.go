package e2e

// What the benchmarks of bench_test.go share: the corpus, a configuration
// for ticketd against the bench's Dovecot, PostgreSQL and SMTP sink, bulk
// IMAP APPEND, waiting on the database, memory sampling and percentiles.

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/ticketd/ticketd/internal/config"
	"github.com/ticketd/ticketd/internal/daemon"
)

// Environment of the benchmarks.
const (
	benchEnvCorpus  = "TICKETD_BENCH_CORPUS"  // folder of *.eml (go run ./internal/cmd/gencorpus)
	benchEnvN       = "TICKETD_BENCH_N"       // backlog size, default 10000
	benchEnvSpacing = "TICKETD_BENCH_SPACING" // between two APPENDs of the latency benchmarks, default 30ms
)

const benchCorpusHint = "generate one with go run ./internal/cmd/gencorpus -n 10000 -dir /tmp/gc10k " +
	"and run with " + benchEnvCorpus + "=/tmp/gc10k"

// benchCorpus is the benchmark's messages, read from disk when appended so that
// the test process does not hold them while ticketd is measured.
type benchCorpus struct{ paths []string }

// loadBenchCorpus lists the *.eml files of TICKETD_BENCH_CORPUS; without
// it the benchmark is skipped, saying how to make one.
func loadBenchCorpus(b *testing.B) benchCorpus {
	b.Helper()
	dir := os.Getenv(benchEnvCorpus)
	if dir == "" {
		b.Skipf("SKIPPING: %s is unset; %s", benchEnvCorpus, benchCorpusHint)
	}
	paths, err := filepath.Glob(filepath.Join(dir, "*.eml"))
	if err != nil || len(paths) == 0 {
		b.Fatalf("no .eml files in %s (%v); %s", dir, err, benchCorpusHint)
	}
	sort.Strings(paths)
	return benchCorpus{paths: paths}
}

// message returns the i-th message. Past the end of the corpus it reuses
// one with a new Message-ID, so that every message is a distinct request.
func (c benchCorpus) message(i int) ([]byte, error) {
	raw, err := os.ReadFile(c.paths[i%len(c.paths)])
	if err != nil || i < len(c.paths) {
		return raw, err
	}
	return benchWithMessageID(raw, fmt.Sprintf("bench-%d.%d@customer.example", i, i/len(c.paths))), nil
}

// benchWithMessageID replaces the Message-ID field of raw (or adds one).
func benchWithMessageID(raw []byte, id string) []byte {
	field := []byte("Message-ID: <" + id + ">\r\n")
	end := bytes.Index(raw, []byte("\r\n\r\n"))
	if end < 0 {
		end = len(raw)
	}
	lines := bytes.SplitAfter(raw[:end+2], []byte("\n"))
	var out bytes.Buffer
	done := false
	for _, l := range lines {
		if !done && len(l) > 11 && strings.EqualFold(string(l[:11]), "message-id:") {
			out.Write(field)
			done = true
			continue
		}
		out.Write(l)
	}
	if !done {
		out.Reset()
		out.Write(field)
		out.Write(raw[:end+2])
	}
	out.Write(raw[end+2:])
	return out.Bytes()
}

// benchBacklogSize is TICKETD_BENCH_N, default def.
func benchBacklogSize(b *testing.B, def int) int {
	s := os.Getenv(benchEnvN)
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil || n <= 0 {
		b.Fatalf("%s=%q is not a positive number", benchEnvN, s)
	}
	return n
}

// benchEnv is where a benchmark's ticketd points.
type benchEnv struct {
	dbURL    string
	imapAddr string
	user     string // the support mailbox's login (deskAddr)
	password string
	smtpAddr string // "" : no SMTP, notifications stay queued
	admin    string // admin listener address, "" : off
}

// configTOML is the roster of the procedure test with the bench's servers,
// every other setting at its production default, and warnings-only logs.
func (e benchEnv) configTOML() string {
	smtp := ""
	if e.smtpAddr != "" {
		smtp = fmt.Sprintf("[smtp]\naddress = %q\ntls = \"none\"\n", e.smtpAddr)
	}
	admin := ""
	if e.admin != "" {
		admin = fmt.Sprintf("[admin]\naddress = %q\n", e.admin)
	}
	return fmt.Sprintf(`
[database]
url = %q
[desk]
name = "Mesa de Servicio OTI"
address = %q
subject_tag = "OTI"
[[people]]
email = %q
name = "Juan Gómez"
role = "mesa"
alias = "jgomez"
[[people]]
email = %q
name = "María Rojas"
role = "mesa"
alias = "mrojas"
[[people]]
email = %q
name = "Luis Pérez"
role = "especialista"
levels = [2]
alias = "lperez"
[[services]]
name = "redes"
keywords = ["vpn", "wifi"]
level = 2
[imap]
address = %q
tls = "none"
username = %q
password = %q
[log]
level = "warn"
%s%s`, e.dbURL, deskAddr, jgomez, mrojas, lperez, e.imapAddr, e.user, e.password, smtp, admin)
}

func (e benchEnv) config(b *testing.B) *config.Config {
	b.Helper()
	c, err := config.Parse([]byte(e.configTOML()))
	if err != nil {
		b.Fatalf("configuration: %v", err)
	}
	return c
}

// benchAppendAll APPENDs n messages of c to the INBOX of user, over conns
// connections in parallel; it returns the bytes appended.
func benchAppendAll(b *testing.B, addr, user, password string, c benchCorpus, n, conns int) int64 {
	b.Helper()
	var (
		next     atomic.Int64
		total    atomic.Int64
		wg       sync.WaitGroup
		errMu    sync.Mutex
		firstErr error
	)
	fail := func(err error) {
		errMu.Lock()
		if firstErr == nil {
			firstErr = err
		}
		errMu.Unlock()
	}
	for range conns {
		wg.Go(func() {
			cl, err := imapclient.DialInsecure(addr, nil)
			if err != nil {
				fail(err)
				return
			}
			defer cl.Close()
			if err := cl.Login(user, password).Wait(); err != nil {
				fail(err)
				return
			}
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					break
				}
				raw, err := c.message(i)
				if err == nil {
					err = benchAppendOne(cl, raw)
				}
				if err != nil {
					fail(fmt.Errorf("append %d: %w", i, err))
					return
				}
				total.Add(int64(len(raw)))
			}
			cl.Logout().Wait()
		})
	}
	wg.Wait()
	if firstErr != nil {
		b.Fatal(firstErr)
	}
	return total.Load()
}

// benchLastUID is the highest UID in the INBOX of user (UIDNEXT - 1): the
// intake has committed everything once its cursor reaches it.
func benchLastUID(b *testing.B, addr, user, password string) int {
	b.Helper()
	c, err := imapclient.DialInsecure(addr, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	if err := c.Login(user, password).Wait(); err != nil {
		b.Fatal(err)
	}
	st, err := c.Status("INBOX", &imap.StatusOptions{UIDNext: true}).Wait()
	if err != nil {
		b.Fatal(err)
	}
	return int(st.UIDNext) - 1
}

// benchCursor is the intake's cursor: the highest UID committed. Polling it
// costs the database one row read, where counting would scan.
const benchCursor = `SELECT COALESCE(max(last_uid), 0) FROM mailbox_state`

func benchAppendOne(c *imapclient.Client, raw []byte) error {
	cmd := c.Append("INBOX", int64(len(raw)), nil)
	if _, err := cmd.Write(raw); err != nil {
		cmd.Close()
		return err
	}
	if err := cmd.Close(); err != nil {
		return err
	}
	_, err := cmd.Wait()
	return err
}

// benchRunInProcess starts ticketd in this process and returns its stop
// function (also registered for cleanup). Its warnings go to a file whose
// line count and first lines are logged at stop.
func benchRunInProcess(b *testing.B, c *config.Config) (stop func()) {
	b.Helper()
	logPath := filepath.Join(b.TempDir(), "ticketd.log")
	lf, err := os.Create(logPath)
	if err != nil {
		b.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(lf, &slog.HandlerOptions{Level: slog.LevelWarn}))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	ready := make(chan struct{})
	go func() {
		done <- daemon.Run(ctx, daemon.Options{Config: c, Logger: log, Ready: func(*daemon.Daemon) { close(ready) }})
	}()
	select {
	case <-ready:
	case err := <-done:
		b.Fatalf("ticketd did not start: %v", err)
	case <-time.After(60 * time.Second):
		b.Fatal("ticketd did not start within a minute")
	}
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				b.Errorf("ticketd run: %v", err)
			}
			lf.Close()
			benchSummariseLog(b, logPath)
		})
	}
	b.Cleanup(stop)
	return stop
}

// benchSummariseLog reports how many lines a ticketd log has, and its first few.
func benchSummariseLog(b *testing.B, path string) {
	data, err := os.ReadFile(path)
	if err != nil || len(bytes.TrimSpace(data)) == 0 {
		return
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	head := lines[:min(len(lines), 5)]
	b.Logf("%s: %d warning/error lines; first: \n%s", filepath.Base(path), len(lines), strings.Join(head, "\n"))
}

// benchOpenDB opens the bench's database for the test's own queries.
func benchOpenDB(b *testing.B, url string) *sqlx.DB {
	b.Helper()
	db, err := sqlx.Open("postgres", url)
	if err != nil {
		b.Fatal(err)
	}
	db.SetMaxOpenConns(2)
	b.Cleanup(func() { db.Close() })
	return db
}

// benchWaitCount polls query every 50 ms until it returns at least want, and
// returns when that was seen.
func benchWaitCount(b *testing.B, db *sqlx.DB, query string, want int, limit time.Duration) time.Time {
	b.Helper()
	deadline := time.Now().Add(limit)
	last := -1
	for {
		var n int
		if err := db.Get(&n, query); err != nil {
			b.Fatalf("%s: %v", query, err)
		}
		if n >= want {
			return time.Now()
		}
		if time.Now().After(deadline) {
			b.Fatalf("after %v: %d of %d (%s)", limit, n, want, query)
		}
		if n != last {
			last = n
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// benchMem samples this process's memory every 50 ms.
type benchMem struct {
	heapInuse, sys atomic.Uint64
	quit, done     chan struct{}
}

// benchSampleMemory starts sampling after a collection, with the process's peak
// RSS (VmHWM) reset to the current RSS where the kernel allows it.
func benchSampleMemory() *benchMem {
	runtime.GC()
	debug.FreeOSMemory()
	os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) // resets VmHWM (Linux ≥ 4.0)
	m := &benchMem{quit: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(m.done)
		t := time.NewTicker(50 * time.Millisecond)
		defer t.Stop()
		for {
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > m.heapInuse.Load() {
				m.heapInuse.Store(ms.HeapInuse)
			}
			if ms.Sys > m.sys.Load() {
				m.sys.Store(ms.Sys)
			}
			select {
			case <-m.quit:
				return
			case <-t.C:
			}
		}
	}()
	return m
}

func (m *benchMem) stop() { close(m.quit); <-m.done }

// benchProcStatusKB reads a "Vm…" line of /proc/<pid>/status in kB (0 if absent).
func benchProcStatusKB(pid, field string) int64 {
	data, err := os.ReadFile("/proc/" + pid + "/status")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(l, field+":"); ok {
			n, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return n
		}
	}
	return 0
}

// benchCPU is the CPU time (user and system) this process and the
// PostgreSQL backends serving database db have used so far: where a
// backlog's time goes. A backend that exited is no longer counted; the
// daemon's pool keeps its connections.
func benchCPU(db string) (self, pg time.Duration) {
	self = benchProcCPU("self")
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	for _, d := range dirs {
		cmd, err := os.ReadFile(d + "/cmdline")
		if err != nil || !bytes.HasPrefix(cmd, []byte("postgres: ")) || !bytes.Contains(cmd, []byte(" "+db+" ")) {
			continue
		}
		pg += benchProcCPU(filepath.Base(d))
	}
	return self, pg
}

// benchDovecotCPU is the CPU time the Dovecot processes have used so far
// (only the tests' Dovecot runs on a bench machine).
func benchDovecotCPU() time.Duration {
	var total time.Duration
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	for _, d := range dirs {
		cmd, err := os.ReadFile(d + "/cmdline")
		if err == nil && (bytes.HasPrefix(cmd, []byte("dovecot")) || bytes.Contains(cmd, []byte("/dovecot"))) {
			total += benchProcCPU(filepath.Base(d))
		}
	}
	return total
}

// benchProcCPU reads utime + stime of /proc/<pid>/stat (clock ticks of
// 10 ms, the Linux default).
func benchProcCPU(pid string) time.Duration {
	data, err := os.ReadFile("/proc/" + pid + "/stat")
	if err != nil {
		return 0
	}
	// The command name may hold spaces; the fields after it may not.
	rest := string(data)
	if i := strings.LastIndexByte(rest, ')'); i >= 0 {
		rest = rest[i+1:]
	}
	f := strings.Fields(rest)
	if len(f) < 13 {
		return 0
	}
	u, _ := strconv.ParseInt(f[11], 10, 64)
	s, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(u+s) * 10 * time.Millisecond
}

// benchCommitWatch hears, through LISTEN/NOTIFY, the moment each inbound
// message's transaction commits (a message is processed when its row is
// inserted processed, or updated from received). It installs a trigger in the bench's
// database (never in the migrations): PostgreSQL delivers a notification
// only when the transaction that raised it commits, so the arrival time is
// the commit time plus one loopback hop.
type benchCommitWatch struct {
	l  *pq.Listener
	mu sync.Mutex
	at map[string]time.Time // Message-ID → commit heard
	ch chan struct{}
}

const benchCommitTrigger = `
CREATE FUNCTION bench_committed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF NEW.direction = 'in' AND NEW.status <> 'received' AND (TG_OP = 'INSERT' OR OLD.status = 'received') THEN
		PERFORM pg_notify('bench_committed', NEW.message_id);
	END IF;
	RETURN NULL;
END $$;
CREATE TRIGGER bench_committed AFTER INSERT OR UPDATE OF status ON messages
	FOR EACH ROW EXECUTE FUNCTION bench_committed();`

func benchWatchCommits(b *testing.B, db *sqlx.DB, url string) *benchCommitWatch {
	b.Helper()
	if _, err := db.Exec(benchCommitTrigger); err != nil {
		b.Fatalf("installing the commit trigger: %v", err)
	}
	w := &benchCommitWatch{at: map[string]time.Time{}, ch: make(chan struct{}, 1)}
	w.l = pq.NewListener(url, 10*time.Millisecond, time.Second, nil)
	if err := w.l.Listen("bench_committed"); err != nil {
		b.Fatal(err)
	}
	go func() {
		for n := range w.l.Notify {
			if n == nil {
				continue
			}
			now := time.Now()
			w.mu.Lock()
			if _, ok := w.at[n.Extra]; !ok {
				w.at[n.Extra] = now
			}
			w.mu.Unlock()
			select {
			case w.ch <- struct{}{}:
			default:
			}
		}
	}()
	b.Cleanup(func() { w.l.Close() })
	return w
}

func (w *benchCommitWatch) committed(id string) (time.Time, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	t, ok := w.at[id]
	return t, ok
}

// benchWaitAll waits until have reports every id, waking on ch (or every 100 ms).
func benchWaitAll(b *testing.B, ids []string, have func(string) (time.Time, bool), ch <-chan struct{}, limit time.Duration, what string) {
	b.Helper()
	deadline := time.After(limit)
	for {
		missing := 0
		for _, id := range ids {
			if _, ok := have(id); !ok {
				missing++
			}
		}
		if missing == 0 {
			return
		}
		select {
		case <-ch:
		case <-time.After(100 * time.Millisecond):
		case <-deadline:
			b.Fatalf("%d of %d messages never reached %s within %v", missing, len(ids), what, limit)
		}
	}
}

// benchPercentile is the nearest-rank q-quantile of sorted durations, in ms.
func benchPercentile(sorted []time.Duration, q float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	i := int(math.Ceil(q*float64(len(sorted)))) - 1
	i = min(max(i, 0), len(sorted)-1)
	return float64(sorted[i].Microseconds()) / 1000
}

// benchLatencies returns end-start for every id, sorted.
func benchLatencies(ids []string, start map[string]time.Time, end func(string) (time.Time, bool)) []time.Duration {
	var out []time.Duration
	for _, id := range ids {
		if e, ok := end(id); ok {
			out = append(out, e.Sub(start[id]))
		}
	}
	slices.Sort(out)
	return out
}

// benchLoadAverage is the first field of /proc/loadavg, to note how busy the
// shared machine was.
func benchLoadAverage() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(data))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}
