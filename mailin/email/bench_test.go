package email

import (
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkParse parses a set of realistic messages. It reads the directory
// named by TICKETD_BENCH_CORPUS, made with
//
//	go run ./internal/cmd/gencorpus -n 500 -dir /tmp/gencorpus500
//	TICKETD_BENCH_CORPUS=/tmp/gencorpus500 go test -run '^$' -bench Parse -cpu 1 ./mailin/email
//
// and falls back to the fixtures in testdata when the variable is unset. It
// reports msgs/s and MB/s.
func BenchmarkParse(b *testing.B) {
	dir := os.Getenv("TICKETD_BENCH_CORPUS")
	if dir == "" {
		dir = "testdata"
		b.Logf("TICKETD_BENCH_CORPUS unset: using %s", dir)
	}
	msgs := loadCorpus(b, dir)
	if len(msgs) == 0 {
		b.Skipf("no .eml files in %s: generate a corpus with gencorpus and set TICKETD_BENCH_CORPUS", dir)
	}
	total := 0
	for _, m := range msgs {
		total += len(m)
	}
	lim := DefaultLimits()
	b.ReportAllocs()
	b.SetBytes(int64(total / len(msgs)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Parse(msgs[i%len(msgs)], lim); err != nil {
			b.Fatalf("message %d: %v", i%len(msgs), err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}

// loadCorpus reads every .eml file under dir.
func loadCorpus(tb testing.TB, dir string) [][]byte {
	tb.Helper()
	var msgs [][]byte
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || filepath.Ext(path) != ".eml" {
			return nil
		}
		raw, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		msgs = append(msgs, raw)
		return nil
	})
	if err != nil {
		tb.Fatalf("read corpus %s: %v", dir, err)
	}
	return msgs
}
