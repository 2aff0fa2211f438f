package mailin

import (
	"regexp"
	"strconv"
	"strings"
)

// The record keeps a quarantine reason in English (quarantineTexts'
// record); ReasonWords reads it back so that whoever looks at the
// quarantine later (the command line) reads it in their language, with
// the same words the sender and the desk were told.

// recordOrder is the order the records are tried in: "empty" before
// "unreadable", whose record is a prefix of it.
var recordOrder = []string{"size", "header", "depth", "parts", "empty", "unreadable", "no_from", "failed"}

// recordPatterns match each kind's record, with its figures as groups.
var recordPatterns = func() map[string]*regexp.Regexp {
	groups := map[string][]string{
		"size":       {`(0|[1-9][0-9]*) bytes`, `(0|[1-9][0-9]*) bytes`},
		"header":     {`(0|[1-9][0-9]*) bytes`},
		"depth":      {`(0|[1-9][0-9]*)`},
		"parts":      {`(0|[1-9][0-9]*)`},
		"unreadable": {`(.*)`},
		"failed":     {`(.*)`},
	}
	m := map[string]*regexp.Regexp{}
	for _, kind := range recordOrder {
		pieces := strings.Split(quarantineTexts[kind].record, "%s")
		var b strings.Builder
		b.WriteString(`(?s)^`)
		for i, p := range pieces {
			if i > 0 {
				b.WriteString(groups[kind][i-1])
			}
			b.WriteString(regexp.QuoteMeta(p))
		}
		b.WriteString(`$`)
		m[kind] = regexp.MustCompile(b.String())
	}
	return m
}()

// readReason is the reason a record says, ok false when it is none that
// quarantine writes.
func readReason(record string) (quarantineReason, bool) {
	for _, kind := range recordOrder {
		g := recordPatterns[kind].FindStringSubmatch(record)
		if g == nil {
			continue
		}
		r := quarantineReason{kind: kind}
		num := func(s string) (int64, bool) {
			n, err := strconv.ParseInt(s, 10, 64)
			return n, err == nil
		}
		var ok1, ok2 bool
		switch kind {
		case "size":
			r.size, ok1 = num(g[1])
			r.limit, ok2 = num(g[2])
			if !ok1 || !ok2 {
				return quarantineReason{}, false
			}
		case "header", "depth", "parts":
			if r.limit, ok1 = num(g[1]); !ok1 {
				return quarantineReason{}, false
			}
		case "unreadable", "failed":
			r.detail = g[1]
		}
		return r, true
	}
	return quarantineReason{}, false
}

// ReasonWords is a quarantine reason, as the message's record keeps it,
// in lang ("es" or "en"): the words its sender and the desk were told,
// and apart the technical detail the record keeps (the parse error, the
// failure), "" when there is none. ok is false for a record quarantine
// does not write (an older one): the caller shows it as it is.
func ReasonWords(record, lang string) (words, detail string, ok bool) {
	r, ok := readReason(record)
	if !ok {
		return "", "", false
	}
	if lang != "en" {
		lang = "es"
	}
	return r.words(lang), r.detail, true
}
