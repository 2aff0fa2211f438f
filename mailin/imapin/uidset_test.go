package imapin

import (
	"fmt"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
)

func set(ranges ...[2]uint32) imap.UIDSet {
	var s imap.UIDSet
	for _, r := range ranges {
		s = append(s, imap.UIDRange{Start: imap.UID(r[0]), Stop: imap.UID(r[1])})
	}
	return s
}

func TestUIDChunks(t *testing.T) {
	tests := []struct {
		name string
		set  imap.UIDSet
		n    int
		want string
	}{
		{"empty", nil, 3, "[]"},
		{"exact_multiple", set([2]uint32{1, 6}), 3, "[1:3 4:6]"},
		{"remainder", set([2]uint32{1, 7}), 3, "[1:3 4:6 7]"},
		{"gaps_merge_into_chunks", set([2]uint32{1, 2}, [2]uint32{5, 5}, [2]uint32{9, 12}), 3, "[1:2,5 9:11 12]"},
		{"single_uids", set([2]uint32{4, 4}, [2]uint32{8, 8}), 1, "[4 8]"},
		{"n_zero_means_one", set([2]uint32{1, 2}), 0, "[1 2]"},
		{"reversed_range", set([2]uint32{5, 3}), 2, "[3:4 5]"},
		{"dynamic_range_skipped", set([2]uint32{2, 0}, [2]uint32{7, 8}), 5, "[7:8]"},
		{"top_of_uid_space", set([2]uint32{4294967294, 4294967295}), 1, "[4294967294 4294967295]"},
		{"large_range_one_chunk", set([2]uint32{1, 100}), 1000, "[1:100]"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for c := range uidChunks(tc.set, tc.n) {
				got = append(got, c.String())
			}
			if s := fmt.Sprint(got); s != tc.want {
				t.Errorf("chunks = %s, want %s", s, tc.want)
			}
		})
	}
}

func TestUIDChunksStopEarly(t *testing.T) {
	n := 0
	for range uidChunks(set([2]uint32{1, 100}), 10) {
		n++
		if n == 2 {
			break
		}
	}
	if n != 2 {
		t.Fatalf("iterated %d", n)
	}
}

func TestUIDsAbove(t *testing.T) {
	tests := []struct {
		name  string
		set   imap.UIDSet
		floor uint32
		want  string
	}{
		{"all_above", set([2]uint32{5, 9}), 2, "5:9"},
		{"clip_inside_range", set([2]uint32{1, 9}), 4, "5:9"},
		{"highest_below_floor", set([2]uint32{7, 7}), 9, ""},
		{"exactly_floor", set([2]uint32{3, 3}, [2]uint32{6, 8}), 6, "7:8"},
		{"zero_floor", set([2]uint32{1, 2}), 0, "1:2"},
		{"max_floor", set([2]uint32{1, 4294967295}), 4294967295, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := uidsAbove(tc.set, tc.floor).String(); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

// FuzzUIDChunks checks that chunking preserves every UID exactly once, in
// order, with no chunk above n, for arbitrary range lists.
func FuzzUIDChunks(f *testing.F) {
	f.Add([]byte{1, 5, 9, 12, 20, 20}, uint8(3))
	f.Add([]byte{0, 4, 7, 2}, uint8(1))
	f.Add([]byte{255, 255}, uint8(0))
	f.Fuzz(func(t *testing.T, b []byte, n8 uint8) {
		var s imap.UIDSet
		for i := 0; i+1 < len(b) && i < 40; i += 2 {
			s.AddRange(imap.UID(b[i])+1, imap.UID(b[i+1])+1) // AddRange keeps the set normalised
		}
		n := int(n8)
		want, _ := s.Nums()
		var got []imap.UID
		for c := range uidChunks(s, n) {
			k := uidCount(c)
			if k == 0 || (n >= 1 && k > n) || (n < 1 && k != 1) {
				t.Fatalf("chunk %s has %d uids (n=%d)", c, k, n)
			}
			nums, _ := c.Nums()
			got = append(got, nums...)
		}
		if fmt.Sprint(got) != fmt.Sprint(want) && !(len(got) == 0 && len(want) == 0) {
			t.Fatalf("chunks give %v, set holds %v", got, want)
		}
		if uidCount(s) != len(want) {
			t.Fatalf("uidCount = %d, want %d", uidCount(s), len(want))
		}
	})
}

func TestSplitByBytes(t *testing.T) {
	m := func(sizes ...int64) []meta {
		var out []meta
		for i, s := range sizes {
			out = append(out, meta{uid: imap.UID(i + 1), size: s})
		}
		return out
	}
	tests := []struct {
		name   string
		metas  []meta
		max    int64
		budget int64
		want   string
	}{
		{"empty", nil, 100, 1000, "[]"},
		{"all_fit", m(100, 200, 300), 1000, 1000, "[[1 2 3]]"},
		{"split_on_budget", m(400, 400, 400), 1000, 1000, "[[1 2] [3]]"},
		{"oversized_alone", m(10, 5000, 10), 10000, 1000, "[[1] [2] [3]]"},
		{"too_big_counts_as_header", m(600, 1<<30, 300), 1000, 70000, "[[1 2 3]]"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got [][]imap.UID
			for _, g := range splitByBytes(tc.metas, tc.max, tc.budget) {
				var uids []imap.UID
				for _, x := range g {
					uids = append(uids, x.uid)
				}
				got = append(got, uids)
			}
			if s := fmt.Sprint(got); s != tc.want {
				t.Errorf("groups = %s, want %s", s, tc.want)
			}
		})
	}
}

func TestHeaderOf(t *testing.T) {
	tests := []struct {
		name, raw, want string
	}{
		{"crlf", "Subject: a\r\n\r\nbody", "Subject: a\r\n\r\n"},
		{"bare_lf", "Subject: a\n\nbody", "Subject: a\n\n"},
		{"no_body_separator", "Subject: a\r\nFrom: b", "Subject: a\r\nFrom: b"},
		{"empty", "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := string(headerOf([]byte(tc.raw))); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func FuzzHeaderOf(f *testing.F) {
	f.Add([]byte("A: b\r\n\r\nc"))
	f.Add([]byte("\n\n"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		h := headerOf(raw)
		if len(h) > len(raw) || string(raw[:len(h)]) != string(h) {
			t.Fatalf("header is not a prefix")
		}
	})
}

func TestBackoff(t *testing.T) {
	const min, max = time.Second, 5 * time.Minute
	tests := []struct {
		name    string
		attempt int
		rnd     float64
		want    time.Duration
	}{
		{"first_low_jitter", 0, 0, 500 * time.Millisecond},
		{"first_high_jitter", 0, 1, time.Second},
		{"third", 2, 1, 4 * time.Second},
		{"ninth_capped", 9, 1, max},
		{"huge_attempt_capped", 1000, 0, max / 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := backoff(tc.attempt, min, max, func() float64 { return tc.rnd }); got != tc.want {
				t.Errorf("backoff = %v, want %v", got, tc.want)
			}
		})
	}
}
