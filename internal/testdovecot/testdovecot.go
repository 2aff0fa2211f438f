// Package testdovecot starts a throwaway Dovecot 2.3 IMAP server for
// integration tests: loopback only, plain text, maildir under a temporary
// directory, one password for every user. It runs the installed `dovecot`
// binary in the foreground with the configuration template kept beside this
// file (dovecot.conf.tmpl) and never reads the system's conf.d.
//
// When the binary is missing the test is skipped with a loud message, or
// fails when TICKETD_REQUIRE_DOVECOT=1 (as the CI script sets), so the
// integration suite cannot silently stop running.
//
// Test-only: nothing outside _test.go files may import it.
package testdovecot

import (
	"bufio"
	"bytes"
	"crypto/rand"
	_ "embed"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"text/template"
	"time"
)

// RequireEnv is the environment variable that turns a missing Dovecot from
// a skip into a failure.
const RequireEnv = "TICKETD_REQUIRE_DOVECOT"

const installHint = "install it with: apt-get install -y dovecot-imapd (Dovecot 2.3)"

//go:embed dovecot.conf.tmpl
var confTemplate string

var tmpl = template.Must(template.New("dovecot.conf").Parse(confTemplate))

// Server is a running Dovecot instance.
type Server struct {
	Addr     string   // 127.0.0.1:port of the IMAP listener (no TLS)
	Password string   // the password of every user
	Dir      string   // temporary directory: configuration, maildirs, log
	Users    []string // login names, as given to Start

	cmd      *exec.Cmd
	exited   chan struct{}
	stopOnce sync.Once
}

// DefaultUser is the user created when Start is given none.
const DefaultUser = "soporte@example.org"

// Start launches Dovecot with the given users (DefaultUser when none) and
// waits until it accepts IMAP connections. It registers Stop with
// t.Cleanup; when the test failed, the tail of Dovecot's log is printed.
func Start(t testing.TB, users ...string) *Server {
	t.Helper()
	bin, version, err := findDovecot()
	if err != nil {
		unavailable(t, err)
		return nil
	}
	if len(users) == 0 {
		users = []string{DefaultUser}
	}
	for _, u := range users {
		if u == "" || strings.ContainsAny(u, ":\n\r\t ") {
			t.Fatalf("testdovecot: invalid user name %q", u)
		}
	}
	ids, err := mailIdentity()
	if err != nil {
		t.Fatalf("testdovecot: %v", err)
	}

	var lastErr error
	for attempt := 0; attempt < 3; attempt++ {
		s, err := start(bin, ids, users)
		if err == nil {
			t.Cleanup(func() {
				if t.Failed() {
					t.Logf("testdovecot %s (%s) log tail:\n%s", s.Addr, version, tail(s.Log(), 40))
				}
				s.Stop()
				os.RemoveAll(s.Dir)
			})
			return s
		}
		lastErr = err // most likely the port was taken between probe and bind
	}
	t.Fatalf("testdovecot: %v", lastErr)
	return nil
}

// unavailable fails or skips t, depending on RequireEnv.
func unavailable(t testing.TB, err error) {
	t.Helper()
	msg := fmt.Sprintf("testdovecot: %v; %s", err, installHint)
	if os.Getenv(RequireEnv) == "1" {
		t.Fatal(msg)
	}
	t.Skipf("SKIPPING DOVECOT INTEGRATION TEST: %s (set %s=1 to make this a failure)", msg, RequireEnv)
}

// identity is who Dovecot's processes run as.
type identity struct {
	UID, GID                    int
	InternalUser, InternalGroup string
	LoginUser                   string
}

// mailIdentity returns the mail user: as root a "vmail" system user
// (created if missing) with Dovecot's usual service users; otherwise the
// current user for everything, which Dovecot accepts for an unprivileged
// instance.
func mailIdentity() (identity, error) {
	if os.Geteuid() != 0 {
		u, err := user.Current()
		if err != nil {
			return identity{}, err
		}
		g, err := user.LookupGroupId(u.Gid)
		if err != nil {
			return identity{}, err
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		return identity{uid, gid, u.Username, g.Name, u.Username}, nil
	}
	vmailOnce.Do(func() { vmail, vmailErr = ensureVmail() })
	if vmailErr != nil {
		return identity{}, vmailErr
	}
	return identity{vmail.UID, vmail.GID, "dovecot", "dovecot", "dovenull"}, nil
}

var (
	vmailOnce sync.Once
	vmail     identity
	vmailErr  error
)

func ensureVmail() (identity, error) {
	u, err := user.Lookup("vmail")
	if err != nil {
		out, uerr := exec.Command("useradd", "-M", "-s", "/usr/sbin/nologin", "vmail").CombinedOutput()
		if u, err = user.Lookup("vmail"); err != nil {
			return identity{}, fmt.Errorf("create mail user vmail: %v: %s", uerr, bytes.TrimSpace(out))
		}
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return identity{UID: uid, GID: gid}, nil
}

// fallbackPaths are tried when dovecot is not on PATH (sbin is often
// missing from an unprivileged user's PATH).
var fallbackPaths = []string{"/usr/sbin/dovecot", "/usr/local/sbin/dovecot"}

var versionRE = regexp.MustCompile(`^(\d+)\.(\d+)`)

// findDovecot locates the binary and checks it is 2.3: 2.4 changed the
// configuration syntax this template uses.
func findDovecot() (path, version string, err error) {
	path, err = exec.LookPath("dovecot")
	if err != nil {
		for _, p := range fallbackPaths {
			if _, serr := os.Stat(p); serr == nil {
				path, err = p, nil
				break
			}
		}
	}
	if err != nil {
		return "", "", errors.New("dovecot binary not found")
	}
	out, err := exec.Command(path, "--version").Output()
	if err != nil {
		return "", "", fmt.Errorf("%s --version: %w", path, err)
	}
	version = strings.TrimSpace(string(out))
	m := versionRE.FindStringSubmatch(version)
	if m == nil || m[1] != "2" || m[2] != "3" {
		return "", "", fmt.Errorf("dovecot %q found, but this harness needs 2.3", version)
	}
	return path, version, nil
}

func start(bin string, ids identity, users []string) (*Server, error) {
	dir, err := os.MkdirTemp("", "testdovecot-")
	if err != nil {
		return nil, err
	}
	fail := func(err error) (*Server, error) {
		os.RemoveAll(dir)
		return nil, err
	}
	// Dovecot's mail processes run as the mail user: they must traverse
	// the directory and own the mail and home trees.
	if err := os.Chmod(dir, 0o755); err != nil {
		return fail(err)
	}
	for _, sub := range []string{"maildir", "home"} {
		p := filepath.Join(dir, sub)
		if err := os.Mkdir(p, 0o755); err != nil {
			return fail(err)
		}
		if err := os.Chown(p, ids.UID, ids.GID); err != nil {
			return fail(err)
		}
	}
	password, err := randomPassword()
	if err != nil {
		return fail(err)
	}
	var passwd strings.Builder
	for _, u := range users {
		fmt.Fprintf(&passwd, "%s:{PLAIN}%s::::::\n", u, password)
	}
	if err := os.WriteFile(filepath.Join(dir, "passwd"), []byte(passwd.String()), 0o644); err != nil {
		return fail(err)
	}
	port, err := freePort()
	if err != nil {
		return fail(err)
	}
	var conf bytes.Buffer
	err = tmpl.Execute(&conf, struct {
		identity
		Dir  string
		Port int
	}{ids, dir, port})
	if err != nil {
		return fail(err)
	}
	confPath := filepath.Join(dir, "dovecot.conf")
	if err := os.WriteFile(confPath, conf.Bytes(), 0o644); err != nil {
		return fail(err)
	}

	cmd := exec.Command(bin, "-F", "-c", confPath)
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stderr, &stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} // Stop can end its whole group
	if err := cmd.Start(); err != nil {
		return fail(fmt.Errorf("start %s: %w", bin, err))
	}
	s := &Server{
		Addr:     net.JoinHostPort("127.0.0.1", strconv.Itoa(port)),
		Password: password,
		Dir:      dir,
		Users:    append([]string(nil), users...),
		cmd:      cmd,
		exited:   make(chan struct{}),
	}
	go func() { cmd.Wait(); close(s.exited) }()

	if err := s.waitReady(15 * time.Second); err != nil {
		s.Stop()
		log := s.Log()
		os.RemoveAll(dir)
		return nil, fmt.Errorf("%w\nstderr: %s\nlog: %s", err, bytes.TrimSpace(stderr.Bytes()), tail(log, 20))
	}
	return s, nil
}

// waitReady dials until Dovecot sends its "* OK" greeting.
func (s *Server) waitReady(limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for {
		select {
		case <-s.exited:
			return errors.New("dovecot exited during start-up")
		default:
		}
		conn, err := net.DialTimeout("tcp", s.Addr, time.Second)
		if err == nil {
			conn.SetDeadline(time.Now().Add(5 * time.Second))
			line, rerr := bufio.NewReader(conn).ReadString('\n')
			conn.Close()
			if rerr == nil && strings.HasPrefix(line, "* OK") {
				return nil
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("dovecot not accepting connections on %s after %v", s.Addr, limit)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Stop ends Dovecot (SIGTERM, then SIGKILL to its process group after 10s)
// and waits for it. Safe to call more than once.
func (s *Server) Stop() {
	s.stopOnce.Do(func() {
		pgid := s.cmd.Process.Pid
		_ = s.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-s.exited:
		case <-time.After(10 * time.Second):
			_ = syscall.Kill(-pgid, syscall.SIGKILL)
			<-s.exited
		}
	})
}

// Log returns Dovecot's log so far.
func (s *Server) Log() string {
	b, _ := os.ReadFile(filepath.Join(s.Dir, "dovecot.log"))
	return string(b)
}

func tail(s string, lines int) string {
	l := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(l) > lines {
		l = l[len(l)-lines:]
	}
	return strings.Join(l, "\n")
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

func randomPassword() (string, error) {
	b := make([]byte, 12)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}
