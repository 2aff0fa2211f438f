// Package backoff is the one schedule of waits before trying again that
// ticketd uses wherever something failed and will be retried: a dropped
// IMAP connection, an SMTP relay that refused a dial, a notification the
// relay did not take. The wait starts small and doubles per failure up to
// a cap; the jitter, where one is wanted, keeps many daemons or lanes that
// failed together from trying again in step.
//
// It imports nothing of ticketd's (internal/archtest checks it).
package backoff

import "time"

// Delay is the wait before retry number n (0-based): first doubled n
// times, capped at max. A non-positive first, or a doubling that would
// overflow, gives max.
func Delay(first, max time.Duration, n int) time.Duration {
	if first <= 0 {
		return max
	}
	d := first
	for i := 0; i < n && d < max; i++ {
		if d > max/2 {
			return max
		}
		d *= 2
	}
	return min(d, max)
}

// Equal is d with "equal jitter": d/2 plus r of the other half, for r a
// uniform draw in [0, 1).
func Equal(d time.Duration, r float64) time.Duration {
	half := d / 2
	return half + time.Duration(r*float64(d-half))
}

// Shorten is d less a random part of at most d/k of it, for intn(m) a
// uniform draw in [0, m) (math/rand/v2.Int64N): the wait never grows past
// the schedule's.
func Shorten(d time.Duration, k int64, intn func(int64) int64) time.Duration {
	return d - time.Duration(intn(int64(d)/k+1))
}
