package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/url"
	"os"
	"slices"
	"strings"

	"github.com/ticketd/ticketd/internal/daemon"
	"github.com/ticketd/ticketd/internal/oauth"
)

// oauth2Input is where the authorisation-code login reads the address the
// provider redirected to.
var oauth2Input io.Reader = os.Stdin

func (a *app) cmdOAuth2(ctx context.Context, args []string) error {
	if len(args) == 0 {
		fmt.Fprint(a.stderr, a.t("usage.oauth2"))
		return &exitError{code: 2}
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		fmt.Fprint(a.stdout, a.t("usage.oauth2"))
		return nil
	case "login":
		return a.oauth2Login(ctx, args[1:])
	case "status", "estado":
		return a.oauth2Status(ctx, "oauth2 "+args[0], args[1:])
	}
	return a.usageError("oauth2", a.t("err.unknown_action", args[0]))
}

// oauth2Client is the [oauth2] client of an account ("": the first, whose
// grant SMTP uses too) and the migrated database.
func (a *app) oauth2Client(ctx context.Context, account string) (oauth.Config, error) {
	c, err := a.config()
	if err != nil {
		return oauth.Config{}, err
	}
	if c.OAuth2.Grant != oauth.RefreshToken {
		return oauth.Config{}, a.fail(2, "err.oauth2_grant")
	}
	if account == "" {
		account = daemon.SMTPAccount(c)
	}
	names := []string{daemon.SMTPAccount(c)}
	for _, acc := range c.Accounts {
		if !slices.Contains(names, acc.Name) {
			names = append(names, acc.Name)
		}
	}
	if !slices.Contains(names, account) {
		return oauth.Config{}, a.fail(2, "err.oauth2_account", account, strings.Join(names, ", "))
	}
	oc, err := daemon.OAuth2Config(c, account)
	if err != nil {
		return oauth.Config{}, a.fail(2, "err.oauth2_config", err)
	}
	if _, err := a.openCurrent(ctx); err != nil {
		return oauth.Config{}, err
	}
	return oc, nil
}

func (a *app) oauth2Login(ctx context.Context, args []string) error {
	fs := a.newFlags("oauth2 login", a.t("syn.oauth2_login"))
	device := fs.Bool("device", false, a.t("flag.device"))
	account := fs.String("account", "", a.t("flag.oauth2_account"))
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	oc, err := a.oauth2Client(ctx, *account)
	if err != nil {
		return err
	}
	if *device {
		err = oauth.DeviceLogin(ctx, oc, a.db, func(d oauth.DeviceCode) {
			if d.Expires.IsZero() {
				fmt.Fprintln(a.stdout, a.t("out.oauth2_device", d.VerificationURI, d.UserCode))
			} else {
				fmt.Fprintln(a.stdout, a.t("out.oauth2_device_by", d.VerificationURI, d.UserCode, d.Expires.Local().Format("15:04")))
			}
			fmt.Fprintln(a.stdout, a.t("out.oauth2_waiting"))
		})
		if err != nil {
			return a.fail(1, "err.oauth2_login", err)
		}
	} else {
		start, err := oauth.StartAuthCode(oc)
		if err != nil {
			return a.fail(2, "err.oauth2_start", err)
		}
		fmt.Fprintln(a.stdout, a.t("out.oauth2_open", start.URL))
		line, err := bufio.NewReader(oauth2Input).ReadString('\n')
		if err != nil && strings.TrimSpace(line) == "" {
			return a.fail(1, "err.oauth2_no_return")
		}
		code, state := codeFrom(strings.TrimSpace(line), start.State)
		if code == "" {
			return a.fail(1, "err.oauth2_no_code")
		}
		if err := oauth.FinishAuthCode(ctx, oc, a.db, start, code, state); err != nil {
			return a.fail(1, "err.oauth2_login", err)
		}
	}
	fmt.Fprintln(a.stdout, a.t("out.oauth2_done", oc.Account))
	return nil
}

// codeFrom reads the code and state of the address the provider redirected
// to; a bare code goes with the state that was sent.
func codeFrom(s, sent string) (code, state string) {
	if u, err := url.Parse(s); err == nil && u.RawQuery != "" {
		q := u.Query()
		return q.Get("code"), q.Get("state")
	}
	if strings.ContainsAny(s, " \t?&=") {
		return "", ""
	}
	return s, sent
}

func (a *app) oauth2Status(ctx context.Context, cmd string, args []string) error {
	fs := a.newFlags(cmd, a.t("syn.oauth2_status"))
	account := fs.String("account", "", a.t("flag.oauth2_account"))
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	oc, err := a.oauth2Client(ctx, *account)
	if err != nil {
		return err
	}
	info, err := oauth.Status(ctx, a.db, oc.Account)
	if err != nil {
		return err
	}
	if !info.Stored {
		fmt.Fprintln(a.stdout, a.t("out.oauth2_none", oc.Account))
		return nil
	}
	fmt.Fprintln(a.stdout, a.t("out.oauth2_stored", oc.Account))
	fmt.Fprintln(a.stdout, a.t("out.oauth2_renewed", when(info.RenewedAt)))
	fmt.Fprintln(a.stdout, a.t("out.oauth2_expiry", when(info.AccessExpiry)))
	if info.LastError != "" {
		fmt.Fprintln(a.stdout, a.t("out.oauth2_error", printable(info.LastError, 300)))
	}
	return nil
}
