// Package pgtest gives every test a fresh, migrated PostgreSQL database.
//
// With TICKETD_TEST_DATABASE_URL set, it uses that server (the URL's user
// must be allowed to create databases). Otherwise it starts a throwaway
// cluster from the installed server binaries in a temporary folder, once per
// test binary, and stops it when the tests end. A migrated template database
// is cloned for each test, so a fresh database costs milliseconds.
//
// If no PostgreSQL can be found or started, tests FAIL with a message saying
// how to provide one: they never skip.
//
// A package that uses it calls Main from its TestMain:
//
//	func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }
package pgtest

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	_ "github.com/lib/pq" // the PostgreSQL driver

	"github.com/ticketd/ticketd/internal/dbconn"
	"github.com/ticketd/ticketd/internal/pgcluster"
	"github.com/ticketd/ticketd/migrations"
)

// EnvURL names the variable that points the tests at an existing server.
const EnvURL = "TICKETD_TEST_DATABASE_URL"

var (
	mu       sync.Mutex
	started  bool
	startErr error
	cluster  *pgcluster.Cluster
	tmpDir   string
	adminURL string // a database on the server to run CREATE DATABASE from
	template string // the migrated template database's name
)

// Main runs the tests and stops the throwaway cluster afterwards.
func Main(m *testing.M) int {
	code := m.Run()
	mu.Lock()
	defer mu.Unlock()
	if template != "" {
		if db, err := sqlx.Open("postgres", adminURL); err == nil {
			db.Exec(`DROP DATABASE IF EXISTS ` + template + ` WITH (FORCE)`)
			db.Close()
		}
	}
	if cluster != nil {
		if err := cluster.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, "pgtest:", err)
		}
		os.RemoveAll(tmpDir)
	}
	return code
}

func setup() error {
	mu.Lock()
	defer mu.Unlock()
	if started {
		return startErr
	}
	started = true
	startErr = doSetup()
	return startErr
}

func doSetup() error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if u := os.Getenv(EnvURL); u != "" {
		adminURL = u
	} else {
		dir, err := os.MkdirTemp("", "ticketd-pgtest-")
		if err != nil {
			return err
		}
		tmpDir = dir
		c, err := pgcluster.Start(ctx, dir+"/data", 0)
		if err != nil {
			os.RemoveAll(dir)
			return fmt.Errorf("starting a throwaway PostgreSQL: %w", err)
		}
		cluster = c
		adminURL = c.URL("postgres")
	}
	admin, err := sqlx.Open("postgres", adminURL)
	if err != nil {
		return err
	}
	defer admin.Close()
	if err := admin.PingContext(ctx); err != nil {
		return fmt.Errorf("connecting to %s: %w", redact(adminURL), err)
	}
	template = "ticketd_tmpl_" + randomHex(6)
	if _, err := admin.ExecContext(ctx, `CREATE DATABASE `+template); err != nil {
		return fmt.Errorf("creating the template database: %w", err)
	}
	tdb, err := sqlx.Open("postgres", withDB(adminURL, template))
	if err != nil {
		return err
	}
	defer tdb.Close()
	if _, err := migrations.Apply(ctx, tdb.DB); err != nil {
		return fmt.Errorf("migrating the template database: %w", err)
	}
	return nil
}

// URL creates a fresh migrated database for the test, dropped when the test
// ends, and returns its URL (for code under test that opens its own pool).
func URL(t testing.TB) string {
	t.Helper()
	return create(t, "")
}

// EmptyURL creates a fresh database with no schema at all (for migration
// tests), dropped when the test ends.
func EmptyURL(t testing.TB) string {
	t.Helper()
	return create(t, "template0")
}

func create(t testing.TB, from string) string {
	t.Helper()
	if err := setup(); err != nil {
		t.Fatalf("pgtest: no PostgreSQL for the tests: %v\n(%s)", err, pgcluster.HowToInstall)
	}
	name := "ticketd_t_" + randomHex(8)
	admin, err := sqlx.Open("postgres", adminURL)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	// CREATE DATABASE ... TEMPLATE fails while another session is connected
	// to the template; serialise clones within this process.
	mu.Lock()
	_, err = admin.Exec(`CREATE DATABASE ` + name + ` TEMPLATE ` + cmp.Or(from, template))
	mu.Unlock()
	if err != nil {
		t.Fatalf("pgtest: creating a test database: %v", err)
	}
	t.Cleanup(func() {
		a, err := sqlx.Open("postgres", adminURL)
		if err == nil {
			a.Exec(`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`)
			a.Close()
		}
	})
	return withDB(adminURL, name)
}

// New returns a pool on a fresh migrated database, closed when the test
// ends, opened as the daemon opens its own.
func New(t testing.TB) *sqlx.DB {
	t.Helper()
	db, err := dbconn.Open(URL(t))
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(20)
	t.Cleanup(func() { db.Close() })
	return db
}

// Cluster returns the throwaway cluster, or nil when the tests run against
// TICKETD_TEST_DATABASE_URL (fault tests that restart PostgreSQL need it).
func Cluster(t testing.TB) *pgcluster.Cluster {
	t.Helper()
	if err := setup(); err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	return cluster
}

// Outage stops the throwaway cluster in pg_ctl's mode ("fast",
// "immediate") for a fault test and returns the function that starts it
// again on the same port (run at cleanup too, if the test did not). A test
// that calls it must not run in parallel with others: every database of
// the test binary goes away. With TICKETD_TEST_DATABASE_URL set there is
// no cluster to stop, and the test is skipped with that reason.
func Outage(t testing.TB, mode string) (start func()) {
	t.Helper()
	cl := Cluster(t)
	if cl == nil {
		t.Skipf("the tests use %s: there is no throwaway PostgreSQL cluster to stop (unset it to run this test)", EnvURL)
	}
	if err := cl.StopWith(mode); err != nil {
		t.Fatalf("pgtest: stopping PostgreSQL: %v", err)
	}
	var once sync.Once
	start = func() {
		once.Do(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			nc, err := pgcluster.Start(ctx, cl.Dir, cl.Port)
			if err != nil {
				t.Fatalf("pgtest: starting PostgreSQL again: %v", err)
			}
			mu.Lock()
			*cl = *nc
			mu.Unlock()
		})
	}
	t.Cleanup(start)
	return start
}

// Freeze stops every process of the throwaway cluster with SIGSTOP, for
// a fault test of a database that does not answer (as across a network
// partition): connections stay open and statements hang. It returns the
// function that resumes them (SIGCONT; run at cleanup too). The same
// cautions as Outage apply.
func Freeze(t testing.TB) (thaw func()) {
	t.Helper()
	cl := Cluster(t)
	if cl == nil {
		t.Skipf("the tests use %s: there is no throwaway PostgreSQL cluster to freeze (unset it to run this test)", EnvURL)
	}
	pids, err := cl.PIDs()
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	for _, p := range pids {
		syscall.Kill(p, syscall.SIGSTOP)
	}
	var once sync.Once
	thaw = func() {
		once.Do(func() {
			for _, p := range pids {
				syscall.Kill(p, syscall.SIGCONT)
			}
		})
	}
	t.Cleanup(thaw)
	return thaw
}

func withDB(u, db string) string {
	pu, err := url.Parse(u)
	if err != nil || pu.Scheme == "" {
		// key=value form
		return u + " dbname=" + db
	}
	pu.Path = "/" + db
	// A dbname parameter in the query would win over the path.
	q := pu.Query()
	q.Del("dbname")
	pu.RawQuery = q.Encode()
	return pu.String()
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func redact(u string) string {
	if pu, err := url.Parse(u); err == nil && pu.User != nil {
		if _, ok := pu.User.Password(); ok {
			pu.User = url.UserPassword(pu.User.Username(), "***")
		}
		return pu.String()
	}
	return strings.SplitN(u, "password", 2)[0]
}
