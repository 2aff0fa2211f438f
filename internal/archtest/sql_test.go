package archtest

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"unicode"
)

// sqlHomes are the packages that may hold SQL and import the database
// driver (lib/pq) or database/sql: ticketd's SQL is in tickets/store
// (issue 20); the schema's migrations run their own DDL; pgtest and
// pgcluster create and drop whole databases as the cluster's superuser,
// before any of ticketd's schema exists; dbconn opens the pools with
// lib/pq's connector. Anywhere else, SQL is a store function's to run.
var sqlHomes = []string{"tickets/store/...", "migrations", "internal/pgtest", "internal/pgcluster", "internal/dbconn"}

// sqlImports are the imports that mean talking SQL directly; sqlx is not
// among them, as transactions (*sqlx.Tx) are handed through the layers.
var sqlImports = []string{"database/sql", "github.com/lib/pq"}

// sqlKeywords begin an SQL statement.
var sqlKeywords = []string{"SELECT", "INSERT", "UPDATE", "DELETE", "WITH", "CREATE", "ALTER", "DROP", "SET",
	"LOCK", "TRUNCATE", "COPY", "VALUES", "EXPLAIN", "SHOW", "RESET", "BEGIN", "GRANT", "VACUUM", "ANALYZE",
	"NOTIFY", "LISTEN"}

// sqlClause is a piece of a statement built from fragments (" FROM t
// WHERE …", "(SELECT …", " AND status = $2", " LIMIT $1"): a clause word
// in capitals, then a name, a parameter, a number or a parenthesis. A
// clause word at the literal's end is not taken: SMTP's "MAIL FROM " + from
// would be.
var sqlClause = regexp.MustCompile(`(^|[\s(])(FROM|WHERE|RETURNING|JOIN|ORDER BY|GROUP BY|ON CONFLICT|AND|LIMIT|OFFSET|\(\s*SELECT)\s+[a-z_("$*0-9]`)

// holdsSQL reports whether a literal begins a statement or holds a clause
// of one.
func holdsSQL(s string) bool { return startsSQL(s) || sqlClause.MatchString(s) }

// startsSQL reports whether a string literal's value, leading space
// trimmed, begins with an SQL statement keyword, in capitals as the
// module writes SQL, followed by a space or a line break: "SELECT id
// FROM tickets", "SELECT " + cols. A word that only starts like one
// ("SETTINGS", "Update the ticket", "SET") is not.
func startsSQL(s string) bool {
	s = strings.TrimLeftFunc(s, unicode.IsSpace)
	for _, k := range sqlKeywords {
		if rest, ok := strings.CutPrefix(s, k); ok && rest != "" && unicode.IsSpace(rune(rest[0])) {
			return true
		}
	}
	return false
}

// sqlViolations parses every non-test .go file of the module in fsys (its
// root at "."), as the go tool sees the module (no testdata, no folder
// starting with "." or "_"), and names file:line for each string literal
// that begins with SQL and each import of database/sql or lib/pq outside
// homes (patterns as the import rules' ones).
func sqlViolations(fsys fs.FS, homes []string) ([]string, error) {
	var out []string
	fset := token.NewFileSet()
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if p != "." && (name == "testdata" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")) {
				return fs.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			return nil
		}
		if slices.ContainsFunc(homes, func(pat string) bool { return match(pat, path.Dir(p), "") }) {
			return nil
		}
		src, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		f, err := parser.ParseFile(fset, p, src, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		for _, imp := range f.Imports {
			ip, _ := strconv.Unquote(imp.Path.Value)
			if slices.ContainsFunc(sqlImports, func(s string) bool { return ip == s || strings.HasPrefix(ip, s+"/") }) {
				out = append(out, fmt.Sprintf("%s: imports %s: only %v talk to the database directly",
					fset.Position(imp.Pos()), ip, homes))
			}
		}
		ast.Inspect(f, func(n ast.Node) bool {
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			s, err := strconv.Unquote(lit.Value)
			if err != nil || !holdsSQL(s) {
				return true
			}
			first, _, _ := strings.Cut(strings.TrimSpace(s), "\n")
			if len(first) > 40 {
				first = first[:40] + "…"
			}
			out = append(out, fmt.Sprintf("%s: SQL %q: SQL lives in tickets/store, as a function the caller calls",
				fset.Position(lit.Pos()), first))
			return true
		})
		return nil
	})
	return out, err
}

// TestSQLOnlyInTheStore: no SQL text and no database/sql or lib/pq import
// outside the store and the few packages that administer the database.
func TestSQLOnlyInTheStore(t *testing.T) {
	dir, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}").Output()
	if err != nil {
		t.Fatalf("go list -m: %v", err)
	}
	root := os.DirFS(strings.TrimSpace(string(dir)))
	// The check must see the store's SQL when it looks there, or it checks
	// nothing: run over the store alone with no homes, it must find some.
	inStore, err := sqlViolations(subFS(t, root, "tickets/store"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(inStore) < 10 {
		t.Fatalf("the check finds %d SQL literals or imports in tickets/store: it cannot be seeing the code", len(inStore))
	}
	got, err := sqlViolations(root, sqlHomes)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range got {
		t.Error(v)
	}
}

// subFS is dir of fsys, as a module of its own.
func subFS(t *testing.T, fsys fs.FS, dir string) fs.FS {
	t.Helper()
	sub, err := fs.Sub(fsys, dir)
	if err != nil {
		t.Fatal(err)
	}
	return sub
}

// TestSQLViolationsNamed: on a made-up module, the check names each file
// and line that holds SQL or imports the driver outside the store, and
// passes what only looks like SQL.
func TestSQLViolationsNamed(t *testing.T) {
	fsys := fstest.MapFS{
		"mailin/intake.go": {Data: []byte(`package mailin

import (
	"database/sql"

	_ "github.com/lib/pq"
)

var q = "  SELECT id FROM tickets WHERE id = $1"

func f(db *sql.DB, cols string) {
	db.Exec(` + "`" + `
		UPDATE tickets SET state = 'cerrado'` + "`" + `)
	db.Query("SELECT " + cols + " FROM events")
}
`)},
		"mailout/render.go": {Data: []byte(`package mailout

import "database/sql/driver"

// Text that only starts like SQL.
var (
	a = "SETTINGS"
	b = "Update the ticket"
	c = "SET"
	d = "select your language"
	e = "Seleccione"
	f = "WITHOUT a reply"
	g = 'S'
)

var _ driver.Value
`)},
		"mailout/render_test.go":        {Data: []byte("package mailout\n\nimport \"database/sql\"\n\nvar q = \"DELETE FROM outbox\"\n")},
		"mailout/testdata/x.go":         {Data: []byte("package x\n\nvar q = \"DROP TABLE outbox\"\n")},
		"tickets/store/tickets.go":      {Data: []byte("package store\n\nimport \"github.com/lib/pq\"\n\nvar q = \"INSERT INTO tickets DEFAULT VALUES\"\n\nvar _ pq.StringArray\n")},
		"tickets/store/sub/x.go":        {Data: []byte("package sub\n\nvar q = \"LOCK TABLE tickets\"\n")},
		"migrations/migrate.go":         {Data: []byte("package migrations\n\nimport \"database/sql\"\n\nvar q = \"CREATE TABLE schema_migrations ()\"\n\nvar _ sql.DB\n")},
		"migrations/more/x.go":          {Data: []byte("package more\n\nvar q = \"ALTER TABLE t ADD c int\"\n")},
		"internal/daemon/.old/lease.go": {Data: []byte("package old\n\nvar q = \"SELECT 1\"\n")},
		"README.md":                     {Data: []byte("SELECT * FROM tickets\n")},
	}
	got, err := sqlViolations(fsys, sqlHomes)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		`mailin/intake.go:4:2: imports database/sql`,
		`mailin/intake.go:6:2: imports github.com/lib/pq`,
		`mailin/intake.go:9:9: SQL "SELECT id FROM tickets WHERE id = $1"`,
		`mailin/intake.go:12:10: SQL "UPDATE tickets SET state = 'cerrado'"`,
		`mailin/intake.go:14:11: SQL "SELECT"`,
		`mailin/intake.go:14:30: SQL "FROM events"`,
		`mailout/render.go:3:8: imports database/sql/driver`,
		`migrations/more/x.go:3:9: SQL "ALTER TABLE t ADD c int"`,
	}
	if len(got) != len(want) {
		t.Fatalf("violations:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for i := range want {
		if !strings.HasPrefix(got[i], want[i]+":") {
			t.Errorf("violation %d: %s\nwant it to begin %s", i, got[i], want[i])
		}
	}
	// Move the SQL into the store and drop the imports: nothing is left.
	fsys["tickets/store/intake.go"] = fsys["mailin/intake.go"]
	fsys["mailin/intake.go"] = &fstest.MapFile{Data: []byte("package mailin\n\nfunc f() {}\n")}
	delete(fsys, "migrations/more/x.go")
	fsys["mailout/render.go"] = &fstest.MapFile{Data: []byte("package mailout\n\nvar a = \"SETTINGS\"\n")}
	if got, err := sqlViolations(fsys, sqlHomes); err != nil || len(got) != 0 {
		t.Errorf("a module that keeps SQL in the store: %v, %v", got, err)
	}
}

// TestHoldsSQL: fragments of a statement count, prose and headers do not.
func TestHoldsSQL(t *testing.T) {
	for s, want := range map[string]bool{
		" FROM events WHERE ticket_id = $1": true,
		"(SELECT max(id) FROM events)":      true,
		" RETURNING id":                     true,
		" AND status = $2":                  true,
		" LIMIT $1":                         true,
		"Mesa OR sede":                      false,
		"MAIL FROM ":                        false,
		"VALUES ($1, $2)":                   true,
		"From: Ana <ana@example.gov.co>":    false,
		"WHERE IS MY TICKET?":               false,
		"order by date":                     false,
	} {
		if got := holdsSQL(s); got != want {
			t.Errorf("holdsSQL(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestStartsSQL(t *testing.T) {
	for _, c := range []struct {
		s    string
		want bool
	}{
		{"SELECT 1", true},
		{"\n\tWITH x AS (SELECT 1) SELECT * FROM x", true},
		{"SET LOCAL jit = off", true},
		{"SELECT\n\tid FROM t", true},
		{"COPY t FROM STDIN", true},
		{"SELECT", false}, // a bare word: an IMAP command, a label
		{"SELECTED", false},
		{"Set the level", false},
		{"set level 2", false},
		{"En atención", false},
		{"", false},
		{"   ", false},
	} {
		if got := startsSQL(c.s); got != c.want {
			t.Errorf("startsSQL(%q) = %v, want %v", c.s, got, c.want)
		}
	}
}

// FuzzStartsSQL: leading space never changes the verdict, and a literal
// judged SQL does begin, past its space, with a keyword and a space.
func FuzzStartsSQL(f *testing.F) {
	for _, s := range []string{"SELECT 1", "\n\tWITH x AS (SELECT 1) SELECT 1", "SET", "SETTINGS x", "En atención", "select 1", "COPY\u00a0t", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := startsSQL(s)
		if startsSQL(" \n\t"+s) != got {
			t.Fatalf("leading space changes the verdict on %q", s)
		}
		if !got {
			return
		}
		rest := strings.TrimLeftFunc(s, unicode.IsSpace)
		if !slices.ContainsFunc(sqlKeywords, func(k string) bool {
			return strings.HasPrefix(rest, k) && len(rest) > len(k) && unicode.IsSpace(rune(rest[len(k)]))
		}) {
			t.Fatalf("%q judged SQL without a keyword and a space", s)
		}
	})
}
