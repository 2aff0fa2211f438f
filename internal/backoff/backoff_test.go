package backoff

import (
	"math"
	"testing"
	"time"
)

func TestDelay(t *testing.T) {
	cases := []struct {
		first, max time.Duration
		n          int
		want       time.Duration
	}{
		{time.Second, time.Minute, 0, time.Second},
		{time.Second, time.Minute, 1, 2 * time.Second},
		{time.Second, time.Minute, 5, 32 * time.Second},
		{time.Second, time.Minute, 6, time.Minute},
		{time.Second, time.Minute, 1000, time.Minute},
		{time.Minute, time.Hour, 5, 32 * time.Minute},
		{time.Minute, time.Hour, 6, time.Hour},
		{3 * time.Second, 10 * time.Second, 2, 10 * time.Second},
		{0, time.Hour, 3, time.Hour},
		{-time.Second, time.Hour, 0, time.Hour},
		{time.Duration(math.MaxInt64 / 3), time.Duration(math.MaxInt64), 4, time.Duration(math.MaxInt64)},
		{5 * time.Millisecond, 50 * time.Millisecond, 3, 40 * time.Millisecond},
	}
	for _, c := range cases {
		if got := Delay(c.first, c.max, c.n); got != c.want {
			t.Errorf("Delay(%v, %v, %d) = %v, want %v", c.first, c.max, c.n, got, c.want)
		}
	}
}

// TestDelayMonotone: a later retry never waits less, and never more than
// the cap.
func TestDelayMonotone(t *testing.T) {
	for _, first := range []time.Duration{time.Nanosecond, 7 * time.Millisecond, time.Second, time.Hour} {
		prev := time.Duration(0)
		for n := range 80 {
			d := Delay(first, 24*time.Hour, n)
			if d < prev || d > 24*time.Hour {
				t.Fatalf("Delay(%v, 24h, %d) = %v after %v", first, n, d, prev)
			}
			prev = d
		}
	}
}

func TestEqual(t *testing.T) {
	for _, c := range []struct {
		d    time.Duration
		r    float64
		want time.Duration
	}{
		{10 * time.Second, 0, 5 * time.Second},
		{10 * time.Second, 0.5, 7500 * time.Millisecond},
		{10 * time.Second, 0.999999, 9999995 * time.Microsecond},
		{0, 0.7, 0},
	} {
		if got := Equal(c.d, c.r); got != c.want {
			t.Errorf("Equal(%v, %v) = %v, want %v", c.d, c.r, got, c.want)
		}
	}
}

func TestShorten(t *testing.T) {
	var asked int64
	most := func(k int64) int64 { asked = k; return k - 1 }
	if got := Shorten(time.Minute, 5, most); got != 48*time.Second {
		t.Errorf("Shorten(1m, 5, most) = %v, want 48s", got)
	}
	if asked != int64(12*time.Second)+1 {
		t.Errorf("Shorten asked for a draw below %d, want %d", asked, int64(12*time.Second)+1)
	}
	if got := Shorten(time.Hour, 10, most); got != 54*time.Minute {
		t.Errorf("Shorten(1h, 10, most) = %v, want 54m", got)
	}
	if got := Shorten(time.Minute, 5, func(int64) int64 { return 0 }); got != time.Minute {
		t.Errorf("Shorten(1m, 5, none) = %v, want 1m", got)
	}
}

func FuzzDelay(f *testing.F) {
	f.Add(int64(time.Second), int64(time.Minute), 3)
	f.Add(int64(1), int64(math.MaxInt64), 70)
	f.Fuzz(func(t *testing.T, first, max int64, n int) {
		if max <= 0 || n < 0 || n > 1<<16 {
			return
		}
		d := Delay(time.Duration(first), time.Duration(max), n)
		if d <= 0 || d > time.Duration(max) {
			t.Fatalf("Delay(%d, %d, %d) = %d: outside (0, max]", first, max, n, d)
		}
		if first > 0 && first <= max && n == 0 && d != time.Duration(first) {
			t.Fatalf("Delay(%d, %d, 0) = %d, want first", first, max, d)
		}
	})
}
