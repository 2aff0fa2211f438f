package email

import (
	"net/mail"
	"strings"
	"time"
)

// maxIDLen bounds one message id; RFC 5322 lines are at most 998 bytes.
const maxIDLen = 998

// parseIDs reads a msg-id list (Message-ID, In-Reply-To, References;
// RFC 5322 section 3.6.4) tolerantly:
//
//   - "<id>" tokens are taken wherever they are, with white space inside
//     removed (broken folding), and commas or words between them ignored;
//   - with no angle brackets at all, each word holding "@" is an id;
//   - ids with control characters or over 998 bytes are dropped, repeats
//     are dropped;
//   - at most max ids are kept: the first one (the thread's root) and the
//     last max-1 ones (the nearest ancestors), per RFC 5322's advice on
//     trimming References.
func parseIDs(v string, max int) []string {
	if v == "" || max <= 0 {
		return nil
	}
	var ids []string
	seen := make(map[string]struct{})
	add := func(id string) {
		id = strings.Join(strings.Fields(id), "")
		if !validID(id) {
			return
		}
		if _, dup := seen[id]; dup {
			return
		}
		seen[id] = struct{}{}
		ids = append(ids, id)
	}
	if strings.IndexByte(v, '<') >= 0 {
		rest := v
		for {
			lt := strings.IndexByte(rest, '<')
			if lt < 0 {
				break
			}
			rest = rest[lt+1:]
			gt := strings.IndexAny(rest, "<>")
			if gt < 0 {
				add(rest) // unterminated last id
				break
			}
			if rest[gt] == '<' {
				continue // "<<id>" or an unterminated id followed by another
			}
			add(rest[:gt])
			rest = rest[gt+1:]
		}
	} else {
		for _, w := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' }) {
			if strings.Contains(w, "@") {
				add(w)
			}
		}
	}
	if len(ids) > max {
		kept := make([]string, 0, max)
		kept = append(kept, ids[0])
		kept = append(kept, ids[len(ids)-(max-1):]...)
		ids = kept
	}
	return ids
}

// firstID returns the first id of a Message-ID field, or "".
func firstID(v string) string {
	ids := parseIDs(v, 1)
	if len(ids) == 0 {
		return ""
	}
	return ids[0]
}

// validID accepts printable ASCII or UTF-8 with no white space, quotes or
// angle brackets.
func validID(id string) bool {
	if id == "" || len(id) > maxIDLen {
		return false
	}
	for _, r := range id {
		if r <= ' ' || r == 0x7f || r == '<' || r == '>' || r == '"' || r == 0xfffd {
			return false
		}
	}
	return true
}

// dateLayouts are tried when net/mail refuses a Date field.
var dateLayouts = []string{
	"Mon, 2 Jan 2006 15:04:05 -0700",
	"Mon, 2 Jan 2006 15:04:05 MST",
	"Mon, 2 Jan 2006 15:04 -0700",
	"2 Jan 2006 15:04:05 -0700",
	"Mon, 2 Jan 06 15:04:05 -0700",
	"Mon, 2 Jan 2006 15:04:05",
	"Mon Jan 2 15:04:05 2006",
	"Mon Jan 2 15:04:05 MST 2006",
	"Monday, January 2, 2006 3:04 PM",
	time.RFC3339,
	"2006-01-02 15:04:05 -0700",
	"2006-01-02 15:04:05",
}

// parseDate reads a Date field; it returns the zero time when the value is
// absent or unreadable.
func parseDate(v string) time.Time {
	v = strings.TrimSpace(v)
	if v == "" {
		return time.Time{}
	}
	if t, err := mail.ParseDate(v); err == nil {
		return t
	}
	// Drop a trailing comment such as "(CET)" or "(GMT-05:00)" and repeated
	// spaces, then try common broken layouts.
	if i := strings.IndexByte(v, '('); i > 0 {
		v = strings.TrimSpace(v[:i])
	}
	v = strings.Join(strings.Fields(v), " ")
	for _, layout := range dateLayouts {
		if t, err := time.Parse(layout, v); err == nil {
			return t
		}
	}
	return time.Time{}
}
