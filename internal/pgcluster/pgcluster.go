// Package pgcluster starts a private PostgreSQL cluster from the installed
// server binaries (initdb, pg_ctl) in a folder of its own, on loopback. The
// test harness and `ticketd sandbox` use it so that nobody needs a database
// of their own to try ticketd or run its tests.
//
// PostgreSQL refuses to run as root; when the process is root the cluster is
// run as the "postgres" system user (or "nobody") instead.
//
// ticketd's SQL lives in tickets/store; this package's only SQL creates a
// database in its cluster as the superuser (EnsureDatabase), before any of
// ticketd's schema exists, which is the cluster's business, not the store's.
package pgcluster

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Cluster is a running private PostgreSQL.
type Cluster struct {
	Dir  string // the data folder
	Port int
	User string // the database superuser name

	bin  string
	cred *syscall.Credential
}

// HowToInstall is said whenever no server binaries are found.
const HowToInstall = "install PostgreSQL's server binaries (Debian: apt-get install postgresql-15, or set PATH to include its bin folder), or point TICKETD_TEST_DATABASE_URL at a database you own"

// FindBin returns the folder holding initdb and pg_ctl: PATH first, then
// the usual Debian and other locations, newest version first.
func FindBin() (string, error) {
	if p, err := exec.LookPath("initdb"); err == nil {
		if _, err := exec.LookPath("pg_ctl"); err == nil {
			return filepath.Dir(p), nil
		}
	}
	var cands []string
	for _, pat := range []string{"/usr/lib/postgresql/*/bin", "/usr/local/pgsql/bin", "/usr/pgsql-*/bin", "/opt/homebrew/opt/postgresql*/bin"} {
		m, _ := filepath.Glob(pat)
		cands = append(cands, m...)
	}
	sort.Sort(sort.Reverse(sort.StringSlice(cands)))
	for _, d := range cands {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d, nil
		}
	}
	return "", errors.New("no PostgreSQL server binaries (initdb, pg_ctl) found: " + HowToInstall)
}

// Start creates the cluster in dir if it does not exist yet (dir is kept
// between runs) and starts it on a free loopback port. port 0 picks one.
func Start(ctx context.Context, dir string, port int) (*Cluster, error) {
	bin, err := FindBin()
	if err != nil {
		return nil, err
	}
	c := &Cluster{Dir: dir, User: "postgres", bin: bin}
	if os.Geteuid() == 0 {
		cred, err := unprivileged()
		if err != nil {
			return nil, err
		}
		c.cred = cred
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("postgres data folder: %w", err)
	}
	if err := c.own(dir); err != nil {
		return nil, err
	}
	if _, err := os.Stat(filepath.Join(dir, "PG_VERSION")); errors.Is(err, os.ErrNotExist) {
		if out, err := c.run(ctx, "initdb", "-D", dir, "-U", c.User, "-A", "trust", "-E", "UTF8", "--locale=C", "-N"); err != nil {
			return nil, fmt.Errorf("initdb: %w\n%s", err, out)
		}
	}
	// A pid file left by a run that was killed: if its server still runs
	// (pg_ctl detaches it), use it; if not, the file is stale and ours.
	if pid, err := os.ReadFile(filepath.Join(dir, "postmaster.pid")); err == nil {
		lines := strings.Split(string(pid), "\n")
		n, _ := strconv.Atoi(strings.TrimSpace(lines[0]))
		switch {
		case n > 0 && syscall.Kill(n, 0) == nil:
			if len(lines) > 3 {
				if p, err := strconv.Atoi(strings.TrimSpace(lines[3])); err == nil && p > 0 {
					c.Port = p
					return c, nil
				}
			}
			return nil, fmt.Errorf("a PostgreSQL (pid %d) is already running on %s; stop it first (pg_ctl -D %s stop)", n, dir, dir)
		default:
			os.Remove(filepath.Join(dir, "postmaster.pid"))
		}
	}
	if port == 0 {
		if port, err = freePort(); err != nil {
			return nil, err
		}
	}
	c.Port = port
	opts := strings.Join([]string{
		"-p " + strconv.Itoa(port),
		"-c listen_addresses=127.0.0.1",
		"-c unix_socket_directories=''",
		"-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off",
		"-c max_connections=300", "-c shared_buffers=64MB",
	}, " ")
	logf := filepath.Join(dir, "postgres.log")
	if out, err := c.run(ctx, "pg_ctl", "-D", dir, "-l", logf, "-o", opts, "-w", "-t", "60", "start"); err != nil {
		tail, _ := os.ReadFile(logf)
		return nil, fmt.Errorf("pg_ctl start: %w\n%s\n%s", err, out, lastLines(tail, 15))
	}
	return c, nil
}

// URL returns a connection URL for database db.
func (c *Cluster) URL(db string) string {
	return fmt.Sprintf("postgres://%s@127.0.0.1:%d/%s?sslmode=disable", c.User, c.Port, db)
}

// Stop shuts the cluster down (fast mode: sessions are ended).
func (c *Cluster) Stop() error { return c.StopWith("fast") }

// StopWith shuts the cluster down in pg_ctl's mode ("smart", "fast" or
// "immediate": the server quits without a checkpoint and recovers at the
// next start, as after a crash). Fault tests start it again with Start on
// the same folder and port.
func (c *Cluster) StopWith(mode string) error {
	switch mode {
	case "smart", "fast", "immediate":
	default:
		return fmt.Errorf("pg_ctl stop: unknown mode %q", mode)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	out, err := c.run(ctx, "pg_ctl", "-D", c.Dir, "-m", mode, "-w", "stop")
	if err != nil {
		return fmt.Errorf("pg_ctl stop: %w\n%s", err, out)
	}
	return nil
}

// PIDs returns the process ids of the running server: the postmaster
// (from its pid file) and its children.
func (c *Cluster) PIDs() ([]int, error) {
	b, err := os.ReadFile(filepath.Join(c.Dir, "postmaster.pid"))
	if err != nil {
		return nil, fmt.Errorf("postgres pid file: %w", err)
	}
	pm, err := strconv.Atoi(strings.TrimSpace(strings.SplitN(string(b), "\n", 2)[0]))
	if err != nil || pm <= 0 {
		return nil, fmt.Errorf("postgres pid file: no pid in %q", b)
	}
	pids := []int{pm}
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...: comm may hold spaces, so read after
		// its closing parenthesis.
		i := bytes.LastIndexByte(stat, ')')
		if i < 0 {
			continue
		}
		if f := strings.Fields(string(stat[i+1:])); len(f) > 1 && f[1] == strconv.Itoa(pm) {
			pids = append(pids, pid)
		}
	}
	return pids, nil
}

// Restart stops and starts the cluster on the same port (for fault tests).
func (c *Cluster) Restart(ctx context.Context) error {
	if err := c.Stop(); err != nil {
		return err
	}
	nc, err := Start(ctx, c.Dir, c.Port)
	if err != nil {
		return err
	}
	*c = *nc
	return nil
}

func (c *Cluster) run(ctx context.Context, name string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, filepath.Join(c.bin, name), args...)
	cmd.Dir = c.Dir
	cmd.Env = append(os.Environ(), "LC_ALL=C", "LANG=C")
	if c.cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: c.cred}
	}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	// pg_ctl start leaves the server running with our stdout; do not wait
	// for its pipes to close.
	cmd.WaitDelay = 5 * time.Second
	err := cmd.Run()
	return out.Bytes(), err
}

// own hands dir (and its parents under the system temp folder) to the
// unprivileged user the cluster runs as.
func (c *Cluster) own(dir string) error {
	if c.cred == nil {
		return nil
	}
	uid, gid := int(c.cred.Uid), int(c.cred.Gid)
	if err := os.Chown(dir, uid, gid); err != nil {
		return fmt.Errorf("handing %s to the postgres user: %w", dir, err)
	}
	// Parents must be traversable by that user.
	for p := filepath.Dir(dir); p != "/" && p != "."; p = filepath.Dir(p) {
		fi, err := os.Stat(p)
		if err != nil {
			break
		}
		if fi.Mode().Perm()&0o001 == 0 {
			os.Chmod(p, fi.Mode().Perm()|0o011)
		}
	}
	return nil
}

func unprivileged() (*syscall.Credential, error) {
	for _, name := range []string{"postgres", "nobody"} {
		u, err := user.Lookup(name)
		if err != nil {
			continue
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
	}
	return nil, errors.New("running as root and no 'postgres' or 'nobody' user to run PostgreSQL as (initdb refuses root): create one with useradd -r postgres")
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func lastLines(b []byte, n int) string {
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
