package daemon

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// adminServer is the operations listener: /healthz (the process lives),
// /readyz (database, each mailbox and SMTP reachable) and /metrics.
type adminServer struct {
	d   *Daemon
	ln  net.Listener
	srv *http.Server

	mu        sync.Mutex
	smtpErr   error
	smtpAt    time.Time
	smtpCheck time.Duration
}

func newAdmin(d *Daemon, addr string) (*adminServer, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	a := &adminServer{d: d, ln: ln, smtpCheck: 30 * time.Second}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("GET /readyz", a.ready)
	mux.Handle("GET /metrics", promhttp.HandlerFor(d.metrics.reg, promhttp.HandlerOpts{}))
	a.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	return a, nil
}

func (a *adminServer) addr() string { return a.ln.Addr().String() }

func (a *adminServer) run(ctx context.Context) error {
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		a.srv.Shutdown(sctx)
	}()
	if err := a.srv.Serve(a.ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// check is one line of the readiness report.
type check struct {
	OK     bool   `json:"ok"`
	Detail string `json:"detail,omitempty"`
}

func (a *adminServer) ready(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 10*time.Second)
	defer cancel()
	checks := map[string]check{}
	all := true
	put := func(name string, err error, detail string) {
		c := check{OK: err == nil, Detail: detail}
		if err != nil {
			c.Detail = err.Error()
			all = false
		}
		checks[name] = c
	}
	put("database", a.d.Parts.DB.PingContext(ctx), "")
	a.d.mu.Lock()
	runners := make([]*mailboxRunner, 0, len(a.d.pollers))
	for _, r := range a.d.pollers {
		runners = append(runners, r)
	}
	a.d.mu.Unlock()
	for _, r := range runners {
		switch st := r.status(); {
		case r.standby():
			put("imap "+r.name, nil, "standby: another replica reads this mailbox")
		case st.Connected:
			put("imap "+r.name, nil, "connected")
		case st.LastError != "":
			put("imap "+r.name, errors.New(st.LastError), "")
		default:
			put("imap "+r.name, errors.New("connecting"), "")
		}
	}
	if a.d.Worker != nil {
		put("smtp", a.smtp(ctx), "")
	}
	put("quiet", a.d.quiet(ctx), "no mailbox or sender has failed longer than alerts.quiet_after")
	w.Header().Set("Content-Type", "application/json")
	if !all {
		w.WriteHeader(http.StatusServiceUnavailable)
	}
	json.NewEncoder(w).Encode(map[string]any{"ready": all, "checks": checks})
}

// smtp checks the SMTP server at most every 30 seconds.
func (a *adminServer) smtp(ctx context.Context) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if time.Since(a.smtpAt) < a.smtpCheck {
		return a.smtpErr
	}
	a.smtpErr = a.d.Worker.Check(ctx)
	a.smtpAt = time.Now()
	return a.smtpErr
}
