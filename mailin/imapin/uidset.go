package imapin

import (
	"iter"

	"github.com/emersion/go-imap/v2"
)

// The helpers below walk UID sets range by range, so a backlog of a million
// messages never turns into a million-element slice. They expect static sets
// (no "*"), which is what SEARCH returns.

// uidRanges yields the ranges of set with Start <= Stop, skipping any
// dynamic ("*") range.
func uidRanges(set imap.UIDSet) iter.Seq[imap.UIDRange] {
	return func(yield func(imap.UIDRange) bool) {
		for _, r := range set {
			if r.Start == 0 || r.Stop == 0 {
				continue
			}
			if r.Start > r.Stop {
				r.Start, r.Stop = r.Stop, r.Start
			}
			if !yield(r) {
				return
			}
		}
	}
}

// uidCount returns how many UIDs set holds.
func uidCount(set imap.UIDSet) int {
	n := 0
	for r := range uidRanges(set) {
		n += int(r.Stop-r.Start) + 1
	}
	return n
}

// uidChunks yields consecutive subsets of set holding at most n UIDs each
// (n < 1 counts as 1), in ascending order when set is sorted.
func uidChunks(set imap.UIDSet, n int) iter.Seq[imap.UIDSet] {
	if n < 1 {
		n = 1
	}
	return func(yield func(imap.UIDSet) bool) {
		var (
			chunk imap.UIDSet
			size  int
		)
		for r := range uidRanges(set) {
			start := r.Start
			for {
				room := uint64(n - size)
				last := uint64(start) + room - 1
				if last >= uint64(r.Stop) {
					chunk = append(chunk, imap.UIDRange{Start: start, Stop: r.Stop})
					size += int(r.Stop-start) + 1
					break
				}
				chunk = append(chunk, imap.UIDRange{Start: start, Stop: imap.UID(last)})
				if !yield(chunk) {
					return
				}
				chunk, size = nil, 0
				start = imap.UID(last + 1)
			}
			if size == n {
				if !yield(chunk) {
					return
				}
				chunk, size = nil, 0
			}
		}
		if size > 0 {
			yield(chunk)
		}
	}
}

// uidsAbove returns the UIDs of set greater than floor.
func uidsAbove(set imap.UIDSet, floor uint32) imap.UIDSet {
	var out imap.UIDSet
	for r := range uidRanges(set) {
		if uint32(r.Stop) <= floor {
			continue
		}
		if uint32(r.Start) <= floor {
			r.Start = imap.UID(floor + 1)
		}
		out = append(out, r)
	}
	return out
}
