package email

import "strings"

// unflow undoes format=flowed (RFC 3676): a line that ends in a space
// continues on the next line of the same quote depth. Space-stuffing is
// removed, and with delsp=yes the trailing space of a flowed line is deleted
// (section 4.2). Quoted lines are written back with ">" markers and a
// space, as a fixed-format reader expects.
func unflow(s string, delsp bool) string {
	if !strings.Contains(s, " \n") {
		// No flowed line: only space-stuffing could differ, and a stuffed
		// line starts with a space a reader ignores anyway.
		return s
	}
	lines := strings.Split(strings.TrimSuffix(s, "\n"), "\n")
	var b strings.Builder
	b.Grow(len(s))
	open := false // the previous line was flowed
	prevDepth := 0
	for _, ln := range lines {
		depth := 0
		for depth < len(ln) && ln[depth] == '>' {
			depth++
		}
		content := ln[depth:]
		content = strings.TrimPrefix(content, " ") // space-stuffing
		if open && depth != prevDepth {
			b.WriteByte('\n') // a flowed line followed by another depth ends there
			open = false
		}
		if !open {
			if depth > 0 {
				b.WriteString(strings.Repeat(">", depth))
				b.WriteByte(' ')
			}
		}
		flowed := strings.HasSuffix(content, " ") && content != "-- "
		if flowed && delsp {
			content = content[:len(content)-1]
		}
		b.WriteString(content)
		if !flowed {
			b.WriteByte('\n')
		}
		open, prevDepth = flowed, depth
	}
	out := b.String()
	switch {
	case open && strings.HasSuffix(s, "\n"):
		out += "\n" // the last line was flowed into nothing
	case !open && !strings.HasSuffix(s, "\n"):
		out = strings.TrimSuffix(out, "\n")
	}
	return out
}
