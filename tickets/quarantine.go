package tickets

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// QuarantineReason is why a message was quarantined: its kind and the
// figures that go with it. The message's record keeps it in English
// (Record); people read it in their language (Words), with the catalogue's
// quarantine.* entries.
type QuarantineReason struct {
	Kind   string // one of the keys of quarantineRecords
	Limit  int64  // the exceeded limit (bytes, levels or parts)
	Size   int64  // the message's size, for "size"
	Detail string // for the record only: the parse error or the failure
}

// quarantineRecords is each kind's record, in English as every record is;
// its %s verbs take the kind's figures (sizes in bytes, counts as numbers,
// the detail).
var quarantineRecords = map[string]string{
	"size":       "message is %s, over the limit of %s",
	"header":     "header is over %s",
	"depth":      "MIME nesting is deeper than %s",
	"parts":      "message has more than %s MIME parts",
	"empty":      "unreadable message: the message is empty",
	"unreadable": "unreadable message: %s",
	"no_from":    "no usable From address",
	"failed":     "processing failed: %s",
}

// Record is the reason as the message's record keeps it.
func (r QuarantineReason) Record() string {
	format, ok := quarantineRecords[r.Kind]
	if !ok {
		format = quarantineRecords["unreadable"]
	}
	args := r.figures("record")
	if r.Kind == "unreadable" || r.Kind == "failed" || !ok {
		args = []any{r.Detail}
	}
	return fmt.Sprintf(format, args...)
}

// Words is the reason in lang ("es" by default, "en"), as its sender and
// the desk are told: the detail stays in the record.
func (r QuarantineReason) Words(lang string) string {
	if lang != "en" {
		lang = "es"
	}
	key := "quarantine." + r.Kind
	if _, ok := quarantineRecords[r.Kind]; !ok {
		key = "quarantine.unreadable"
	}
	return Say(lang, key, r.figures(lang)...)
}

// figures are the kind's figures as lang (or "record") writes them.
func (r QuarantineReason) figures(lang string) []any {
	switch r.Kind {
	case "size":
		return []any{sizeWords(r.Size, lang), sizeWords(r.Limit, lang)}
	case "header":
		return []any{sizeWords(r.Limit, lang)}
	case "depth", "parts":
		return []any{fmt.Sprint(r.Limit)}
	}
	return nil
}

// sizeWords writes a size as people read it: "31,5 MB" in Spanish,
// "31.5 MB" in English, the exact bytes for the record.
func sizeWords(n int64, lang string) string {
	if lang == "record" {
		return fmt.Sprintf("%d bytes", n)
	}
	var s string
	switch {
	case n >= 1<<20:
		s = fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		s = fmt.Sprintf("%.1f KB", float64(n)/(1<<10))
	default:
		s = fmt.Sprintf("%d bytes", n)
	}
	s = strings.Replace(s, ".0 ", " ", 1)
	if lang != "en" {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// recordOrder is the order the records are tried in: "empty" before
// "unreadable", whose record is a prefix of it.
var recordOrder = []string{"size", "header", "depth", "parts", "empty", "unreadable", "no_from", "failed"}

// recordPatterns match each kind's record, with its figures as groups.
var recordPatterns = func() map[string]*regexp.Regexp {
	const bytes, count, text = `(0|[1-9][0-9]*) bytes`, `(0|[1-9][0-9]*)`, `(.*)`
	groups := map[string][]string{
		"size": {bytes, bytes}, "header": {bytes}, "depth": {count}, "parts": {count}, "unreadable": {text}, "failed": {text},
	}
	m := map[string]*regexp.Regexp{}
	for _, kind := range recordOrder {
		var b strings.Builder
		b.WriteString(`(?s)^`)
		for i, p := range strings.Split(quarantineRecords[kind], "%s") {
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

// readQuarantineRecord is the reason a record says, ok false when it is
// none that Record writes.
func readQuarantineRecord(record string) (QuarantineReason, bool) {
	for _, kind := range recordOrder {
		g := recordPatterns[kind].FindStringSubmatch(record)
		if g == nil {
			continue
		}
		r := QuarantineReason{Kind: kind}
		var err1, err2 error
		switch kind {
		case "size":
			r.Size, err1 = strconv.ParseInt(g[1], 10, 64)
			r.Limit, err2 = strconv.ParseInt(g[2], 10, 64)
		case "header", "depth", "parts":
			r.Limit, err1 = strconv.ParseInt(g[1], 10, 64)
		case "unreadable", "failed":
			r.Detail = g[1]
		}
		if err1 != nil || err2 != nil {
			return QuarantineReason{}, false
		}
		return r, true
	}
	return QuarantineReason{}, false
}

// QuarantineWords is a quarantine reason, as the message's record keeps
// it, in lang ("es" or "en"): the words its sender and the desk were told,
// and apart the technical detail the record keeps (the parse error, the
// failure), "" when there is none. ok is false for a record Record does
// not write (an older one): the caller shows it as it is.
func QuarantineWords(record, lang string) (words, detail string, ok bool) {
	r, ok := readQuarantineRecord(record)
	if !ok {
		return "", "", false
	}
	return r.Words(lang), r.Detail, true
}
