package reply

import "strings"

// Suggest returns the command keyword that a "#word" which is no command
// most likely meant ("#escalr" → "#escalar"), and the line rewritten with
// it, when one keyword is within two edits of the word (one, for words of
// four letters or fewer) and no other is as close. ok is false when
// nothing is close enough to guess.
func Suggest(c Command) (keyword, line string, ok bool) {
	word := fold(strings.TrimPrefix(c.Name, "#"))
	if word == "" || len([]rune(word)) > 30 {
		return "", "", false
	}
	limit := 2
	if len([]rune(word)) <= 4 {
		limit = 1
	}
	best, bestD, tie := "", limit+1, false
	for k := range keywords {
		d := editDistance(word, k, limit)
		switch {
		case d < bestD:
			best, bestD, tie = k, d, false
		case d == bestD && keywords[k] != keywords[best]:
			tie = true
		case d == bestD && k < best:
			best = k // same verb: pick one spelling, the same every time
		}
	}
	if best == "" || tie {
		return "", "", false
	}
	keyword = "#" + best
	line = keyword
	if c.Args != "" {
		line += " " + c.Args
	}
	return keyword, line, true
}

// editDistance is the optimal-string-alignment distance between a and b
// (insertions, deletions, substitutions and swaps of two neighbours), or
// limit+1 once it is sure to exceed limit.
func editDistance(a, b string, limit int) int {
	ra, rb := []rune(a), []rune(b)
	if d := len(ra) - len(rb); d > limit || -d > limit {
		return limit + 1
	}
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			v := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				v = min(v, prev2[j-2]+1)
			}
			cur[j] = v
			rowMin = min(rowMin, v)
		}
		if rowMin > limit {
			return limit + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	if prev[len(rb)] > limit {
		return limit + 1
	}
	return prev[len(rb)]
}
