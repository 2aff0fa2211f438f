package config

import (
	"net/url"
	"strings"
	"testing"
)

// TestRedact: no form of connection string shows its password in a
// message.
func TestRedact(t *testing.T) {
	for in, want := range map[string]string{
		"postgres://ticketd:s3cret@db:5432/ticketd?sslmode=disable":     "postgres://ticketd:***@db:5432/ticketd?sslmode=disable",
		"postgres://ticketd@db/ticketd?sslmode=require&password=s3cret": "postgres://ticketd@db/ticketd?sslmode=require&password=***",
		"postgres://db/ticketd?password=s3cret&sslmode=disable":         "postgres://db/ticketd?password=***&sslmode=disable",
		"host=db user=ticketd password=s3cret dbname=ticketd":           "host=db user=ticketd password=*** dbname=ticketd",
		"host=db password = 's3 c\\'ret' dbname=ticketd":                "host=db password = *** dbname=ticketd",
		"postgres://u:ab#c/d?e@f@db/t":                                  "postgres://u:***@db/t",
		"host=db password=ab&cdef dbname=t":                             "host=db password=*** dbname=t",
		"host=db password=ab\\ cdef dbname=t":                           "host=db password=*** dbname=t",
		"host=db password=se cret dbname=t":                             "host=db password=*** dbname=t",
		"postgres:/ticketd:s3cret@db/t":                                 "postgres:***@db/t",
		"postgres:/ticketd:s3cret@db/t?sslmode=disable":                 "postgres:***@db/t?sslmode=disable",
		"postgres://db/t?password=a#b&sslmode=disable":                  "postgres://db/t?password=***&sslmode=disable",
		"PASSWORD=s3cret host=db":                                       "PASSWORD=*** host=db",
		"host=db user=ticketd dbname=ticketd":                           "host=db user=ticketd dbname=ticketd",
		"host=db passwordfile=/etc/x dbname=ticketd":                    "host=db passwordfile=/etc/x dbname=ticketd",
	} {
		if got := Redact(in); got != want {
			t.Errorf("Redact(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzRedact: whatever the password, it does not survive in a URL or in a
// key=value string, quoted as libpq quotes it.
func FuzzRedact(f *testing.F) {
	for _, s := range []string{"s3cret", "a b", "it's", `back\slash`, "ünï", "p&ss=w?rd"} {
		f.Add(s)
	}
	const scaffold = "host=db user=ticketd password= dbname=ticketd postgres://ticketd:@db/ticketd?sslmode=disable&password=''***"
	f.Fuzz(func(t *testing.T, pw string) {
		quoted := "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(pw) + "'"
		for _, s := range []string{
			"host=db user=ticketd password=" + quoted + " dbname=ticketd",
			"host=db user=ticketd password=" + strings.NewReplacer(`\`, `\\`, " ", `\ `).Replace(pw) + " dbname=ticketd",
			"postgres://ticketd:" + url.PathEscape(pw) + "@db/ticketd",
			"postgres://ticketd:" + pw + "@db/ticketd", // as typed, unescaped
			"postgres://db/ticketd?sslmode=disable&password=" + url.QueryEscape(pw),
		} {
			out := Redact(s)
			for _, shown := range []string{pw, quoted, url.PathEscape(pw), url.QueryEscape(pw)} {
				if len(shown) >= 4 && !strings.Contains(scaffold, shown) && strings.Contains(out, shown) {
					t.Fatalf("Redact(%q) = %q shows the password", s, out)
				}
			}
		}
	})
}
