package imapin

// Integration tests and benchmarks against a real Dovecot 2.3 (MOVE,
// UIDPLUS, IDLE with its ~500 ms notification delay), started by
// internal/testdovecot. Without the binary they skip loudly, or fail under
// TICKETD_REQUIRE_DOVECOT=1.

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ticketd/ticketd/internal/testdovecot"
)

func dovecotConfig(t testing.TB, s *testdovecot.Server, user string) Config {
	cfg := baseConfig(t, s.Addr)
	cfg.Username, cfg.Password = user, s.Password
	return cfg
}

func TestDovecot(t *testing.T) {
	users := []string{"pickup@example.org", "crash@example.org", "uidvalidity@example.org",
		"uidvalidity-seen@example.org", "toobig@example.org", "seen@example.org"}
	dc := testdovecot.Start(t, users...)

	t.Run("pickup_move_quarantine", func(t *testing.T) {
		user := users[0]
		h := newMemHandler()
		h.calls = make(chan []Fetched, 10)
		h.quarantine = func(f Fetched) (bool, string) {
			return bytes.Contains(f.Raw, []byte("Solicitud 2")), "remitente automático"
		}
		p, _ := startPoller(t, dovecotConfig(t, dc, user), h, nil)
		eventually(t, "idle", func() bool { return p.Status().Idle })
		if !p.Status().Connected {
			t.Fatal("not connected")
		}

		writer := client(t, dc.Addr, user, dc.Password)
		for i := 1; i <= 2; i++ {
			appendMessage(t, writer, "INBOX", testMessage(i, 0))
			select {
			case <-h.calls:
			case <-time.After(15 * time.Second):
				t.Fatalf("message %d not picked up via IDLE (poll interval is 1h)", i)
			}
		}
		inspect := client(t, dc.Addr, user, dc.Password)
		eventually(t, "sorted out", func() bool {
			return len(listMailbox(t, inspect, "INBOX")) == 0 &&
				len(listMailbox(t, inspect, "Procesados")) == 1 &&
				len(listMailbox(t, inspect, "Cuarentena")) == 1
		})
		if q := listMailbox(t, inspect, "Cuarentena"); !bytes.Contains(q[0].Raw, []byte("Solicitud 2")) {
			t.Error("wrong message quarantined")
		}
	})

	t.Run("crash_between_commit_and_move", func(t *testing.T) {
		user := users[1]
		px := startProxy(t, dc.Addr)
		writer := client(t, dc.Addr, user, dc.Password)
		appendMessage(t, writer, "INBOX", testMessage(1, 0))
		h := newMemHandler()
		var crashed atomic.Bool
		h.afterCommit = func([]Fetched) {
			if !crashed.Swap(true) {
				px.cut()
			}
		}
		cfg := dovecotConfig(t, dc, user)
		cfg.Address = px.Addr
		startPoller(t, cfg, h, nil)
		inspect := client(t, dc.Addr, user, dc.Password)
		eventually(t, "moved once", func() bool {
			return len(listMailbox(t, inspect, "INBOX")) == 0 && len(listMailbox(t, inspect, "Procesados")) == 1
		})
		if _, batches, dups := h.snapshot(); dups != 1 || len(batches) != 2 || h.count() != 1 {
			t.Errorf("batches %v, dups %d, stored %d; want 2 batches, 1 duplicate, 1 stored", batches, dups, h.count())
		}
	})

	// Dovecot cannot delete INBOX, so these read "Soporte", delete it under
	// the idling poller and create it again: new UIDVALIDITY, UIDs from 1.
	for i, after := range []string{AfterMove, AfterSeen} {
		t.Run("uidvalidity_change_"+after, func(t *testing.T) {
			user := users[2+i]
			writer := client(t, dc.Addr, user, dc.Password)
			if err := writer.Create("Soporte", nil).Wait(); err != nil {
				t.Fatal(err)
			}
			for j := range 3 {
				appendMessage(t, writer, "Soporte", testMessage(j, 0))
			}
			h := newMemHandler()
			cfg := dovecotConfig(t, dc, user)
			cfg.Mailbox, cfg.After = "Soporte", after
			p, _ := startPoller(t, cfg, h, nil)
			eventually(t, "first three", func() bool { return h.count() == 3 })
			eventually(t, "idle", func() bool { return p.Status().Idle })

			if err := writer.Delete("Soporte").Wait(); err != nil {
				t.Fatal(err)
			}
			if err := writer.Create("Soporte", nil).Wait(); err != nil {
				t.Fatal(err)
			}
			for j := 10; j < 12; j++ {
				appendMessage(t, writer, "Soporte", testMessage(j, 0))
			}
			eventually(t, "messages of the new mailbox", func() bool { return h.count() == 5 })
			msgs, _, _ := h.snapshot()
			if msgs[3].UIDValidity == msgs[0].UIDValidity || msgs[3].UID != 1 {
				t.Errorf("new message: uidvalidity %d (old %d) uid %d", msgs[3].UIDValidity, msgs[0].UIDValidity, msgs[3].UID)
			}
			t.Logf("status after the change: %+v", p.Status())
		})
	}

	t.Run("too_big_header_only", func(t *testing.T) {
		user := users[4]
		writer := client(t, dc.Addr, user, dc.Password)
		big := testMessage(1, 50_000)
		appendMessage(t, writer, "INBOX", big)
		h := newMemHandler()
		cfg := dovecotConfig(t, dc, user)
		cfg.MaxMessageBytes = 10_000
		startPoller(t, cfg, h, nil)
		eventually(t, "stored", func() bool { return h.count() == 1 })
		msgs, _, _ := h.snapshot()
		wantHeader := big[:bytes.Index(big, []byte("\r\n\r\n"))+4]
		if !msgs[0].TooBig || msgs[0].Size != int64(len(big)) || !bytes.Equal(msgs[0].Raw, wantHeader) {
			t.Errorf("TooBig=%v Size=%d Raw=%q", msgs[0].TooBig, msgs[0].Size, msgs[0].Raw)
		}
	})

	t.Run("seen_mode", func(t *testing.T) {
		user := users[5]
		writer := client(t, dc.Addr, user, dc.Password)
		for j := range 3 {
			appendMessage(t, writer, "INBOX", testMessage(j, 0))
		}
		h := newMemHandler()
		cfg := dovecotConfig(t, dc, user)
		cfg.After = AfterSeen
		startPoller(t, cfg, h, nil)
		inspect := client(t, dc.Addr, user, dc.Password)
		eventually(t, "all seen", func() bool {
			msgs := listMailbox(t, inspect, "INBOX")
			return len(msgs) == 3 && !slices.ContainsFunc(msgs, func(m boxMessage) bool {
				return !slices.Contains(m.Flags, `\Seen`)
			})
		})
		if h.count() != 3 {
			t.Errorf("stored %d", h.count())
		}
	})
}

// loadCorpus reads the *.eml files of TICKETD_BENCH_CORPUS, or makes n
// synthetic 3-30 KB messages when it is unset.
func loadCorpus(b *testing.B, n int) [][]byte {
	dir := os.Getenv("TICKETD_BENCH_CORPUS")
	if dir == "" {
		b.Logf("TICKETD_BENCH_CORPUS unset: using %d synthetic messages (generate a realistic corpus with "+
			"go run ./internal/cmd/gencorpus -n 2000 -dir /tmp/gc2000)", n)
		r := rand.New(rand.NewPCG(1, 2))
		var out [][]byte
		for i := range n {
			out = append(out, testMessage(i, 3000+r.IntN(27000)))
		}
		return out
	}
	paths, err := filepath.Glob(filepath.Join(dir, "*.eml"))
	if err != nil || len(paths) == 0 {
		b.Fatalf("no .eml files in %s: %v", dir, err)
	}
	sort.Strings(paths)
	var out [][]byte
	for _, p := range paths {
		raw, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		out = append(out, raw)
	}
	return out
}

// countingHandler stores nothing and counts, signalling when want is
// reached: the poller's own cost is what is measured.
type countingHandler struct {
	n    atomic.Int64
	want int64
	done chan struct{}
}

func (h *countingHandler) Handle(_ context.Context, batch []Fetched) ([]Outcome, error) {
	out := make([]Outcome, len(batch))
	for i, f := range batch {
		out[i] = Outcome{UID: f.UID}
	}
	if h.n.Add(int64(len(batch))) >= h.want {
		select {
		case h.done <- struct{}{}:
		default:
		}
	}
	return out, nil
}

func (h *countingHandler) Cursor(context.Context, string, string, uint32) (uint32, error) {
	return 0, nil
}

// BenchmarkBacklogFetch appends a corpus to Dovecot, then times a Poller
// draining it into a no-op handler (fetch, hand over, UID MOVE). Two backlog
// sizes show whether the heap stays flat as the backlog grows.
func BenchmarkBacklogFetch(b *testing.B) {
	dc := testdovecot.Start(b)
	corpus := loadCorpus(b, 2000)
	for _, n := range []int{len(corpus) / 10, len(corpus)} {
		b.Run(fmt.Sprintf("backlog=%d", n), func(b *testing.B) {
			benchDrain(b, dc, corpus[:n])
		})
	}
}

func benchDrain(b *testing.B, dc *testdovecot.Server, corpus [][]byte) {
	var total int64
	for _, m := range corpus {
		total += int64(len(m))
	}
	writer := client(b, dc.Addr, testdovecot.DefaultUser, dc.Password)
	cfg := dovecotConfig(b, dc, testdovecot.DefaultUser)
	// drain appends the corpus, then runs a poller until it handed over
	// every message, returning the time that took.
	drain := func(timed bool) time.Duration {
		for _, m := range corpus {
			appendMessage(b, writer, "INBOX", m)
		}
		h := &countingHandler{want: int64(len(corpus)), done: make(chan struct{}, 1)}
		if timed {
			b.StartTimer()
		}
		start := time.Now()
		_, stop := startPoller(b, cfg, h, nil)
		select {
		case <-h.done:
		case <-time.After(10 * time.Minute):
			b.Fatal("backlog not drained")
		}
		elapsed := time.Since(start)
		b.StopTimer()
		stop()
		return elapsed
	}

	b.StopTimer()
	var elapsed time.Duration
	for i := 0; i < b.N; i++ {
		elapsed += drain(true)
	}
	// One more, untimed pass measures the live heap: the sampler forces a
	// collection before each reading, so garbage not yet collected does
	// not count.
	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	var peak uint64
	stopSampling := sampleLiveHeap(&peak, base.HeapAlloc)
	drain(false)
	stopSampling()

	n := float64(len(corpus) * b.N)
	b.ReportMetric(n/elapsed.Seconds(), "msgs/s")
	b.ReportMetric(float64(total*int64(b.N))/elapsed.Seconds()/(1<<20), "MB/s")
	b.ReportMetric(float64(peak)/(1<<20), "peak-live-heap-MB")
	b.Logf("%d messages, %.1f MB, drained in %v (connect and login included)",
		len(corpus), float64(total)/(1<<20), elapsed/time.Duration(b.N))
}

// sampleLiveHeap records the highest live heap above base, collecting
// garbage before each reading, until stopped.
func sampleLiveHeap(peak *uint64, base uint64) (stop func()) {
	quit := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			runtime.GC()
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			if ms.HeapAlloc > base && ms.HeapAlloc-base > *peak {
				*peak = ms.HeapAlloc - base
			}
			select {
			case <-quit:
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
	}()
	return func() { close(quit); <-done }
}

// BenchmarkPickupLatency measures APPEND → Handle with the poller in IDLE on
// Dovecot, whose ~500 ms notification delay is the floor.
func BenchmarkPickupLatency(b *testing.B) {
	dc := testdovecot.Start(b)
	pickupLatency(b, dc.Addr, testdovecot.DefaultUser, dc.Password, 50)
}

// BenchmarkPickupLatencyMem is the same against the in-memory server, which
// notifies at once: it shows the poller's own share.
func BenchmarkPickupLatencyMem(b *testing.B) {
	srv := startMem(b, memOptions{})
	pickupLatency(b, srv.Addr, testUser, testPassword, 50)
}

func pickupLatency(b *testing.B, addr, user, password string, n int) {
	h := newMemHandler()
	h.calls = make(chan []Fetched, 1)
	cfg := baseConfig(b, addr)
	cfg.Username, cfg.Password = user, password
	p, _ := startPoller(b, cfg, h, nil)
	writer := client(b, addr, user, password)
	var lat []time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for j := range n {
			eventually(b, "idle", func() bool { return p.Status().Idle })
			raw := testMessage(i*n+j, 0)
			start := time.Now()
			appendMessage(b, writer, "INBOX", raw)
			select {
			case <-h.calls:
			case <-time.After(30 * time.Second):
				b.Fatal("message not picked up")
			}
			lat = append(lat, time.Since(start))
		}
	}
	b.StopTimer()
	slices.Sort(lat)
	pct := func(q float64) float64 {
		return float64(lat[int(q*float64(len(lat)-1))].Microseconds()) / 1000
	}
	b.ReportMetric(pct(0.5), "median-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	b.ReportMetric(float64(lat[len(lat)-1].Microseconds())/1000, "max-ms")
	b.Logf("%d pickups: median %.1f ms, p99 %.1f ms", len(lat), pct(0.5), pct(0.99))
}
