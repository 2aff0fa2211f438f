package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"

	"github.com/ticketd/ticketd/internal/daemon"
	"github.com/ticketd/ticketd/internal/oauth"
)

const oauth2Usage = `Uso: ticketd oauth2 ACCIÓN

  login [--device]   el paso único de la concesión con token de renovación
                     ([oauth2] grant = "refresh_token"): inicie sesión con la
                     cuenta del buzón y autorice a ticketd; el resultado queda
                     cifrado en la base de datos y ticketd lo renueva solo
  status             si hay una concesión guardada, cuándo se renovó y el
                     último error

Con --device, ticketd muestra una dirección y un código para escribir en
cualquier navegador (device_auth_url). Sin él, muestra la dirección de
inicio de sesión (auth_url) y espera que pegue la dirección a la que el
proveedor lo devolvió (redirect_url), o solo su código.
`

// oauth2Input is where the authorisation-code login reads the address the
// provider redirected to.
var oauth2Input io.Reader = os.Stdin

func (a *app) cmdOAuth2(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(a.stdout, oauth2Usage)
		if len(args) == 0 {
			return fail(2, "falta la acción")
		}
		return nil
	}
	switch args[0] {
	case "login":
		return a.oauth2Login(ctx, args[1:])
	case "status", "estado":
		return a.oauth2Status(ctx, args[1:])
	}
	return fail(2, "acción desconocida %q\n\n%s", args[0], oauth2Usage)
}

// oauth2Client is the [oauth2] client and the migrated database.
func (a *app) oauth2Client(ctx context.Context) (oauth.Config, error) {
	c, err := a.config()
	if err != nil {
		return oauth.Config{}, err
	}
	if c.OAuth2.Grant != oauth.RefreshToken {
		return oauth.Config{}, fail(2, "[oauth2] grant no es \"refresh_token\": la concesión de credenciales de cliente no necesita inicio de sesión")
	}
	oc, err := daemon.OAuth2Config(c)
	if err != nil {
		return oauth.Config{}, fail(2, "%v", err)
	}
	db, err := a.open(ctx)
	if err != nil {
		return oauth.Config{}, err
	}
	return oc, a.checkSchema(ctx, db)
}

func (a *app) oauth2Login(ctx context.Context, args []string) error {
	fs := a.newFlags("oauth2 login", "oauth2 login [--device]")
	device := fs.Bool("device", false, "device-code login: a code to type in any browser")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	oc, err := a.oauth2Client(ctx)
	if err != nil {
		return err
	}
	if *device {
		err = oauth.DeviceLogin(ctx, oc, a.db, func(d oauth.DeviceCode) {
			fmt.Fprintf(a.stdout, "Abra %s en un navegador y escriba el código %s", d.VerificationURI, d.UserCode)
			if !d.Expires.IsZero() {
				fmt.Fprintf(a.stdout, " antes de las %s", d.Expires.Local().Format("15:04"))
			}
			fmt.Fprintln(a.stdout, ".\nInicie sesión con la cuenta del buzón y autorice el acceso. Esperando…")
		})
		if err != nil {
			return fail(1, "no se completó el inicio de sesión: %v", err)
		}
	} else {
		start, err := oauth.StartAuthCode(oc)
		if err != nil {
			return fail(2, "%v", err)
		}
		fmt.Fprintf(a.stdout, "Abra esta dirección en un navegador, inicie sesión con la cuenta del buzón y autorice el acceso:\n\n  %s\n\n"+
			"Luego pegue aquí la dirección a la que el proveedor lo devolvió (o solo su código) y pulse Intro:\n", start.URL)
		line, err := bufio.NewReader(oauth2Input).ReadString('\n')
		if err != nil && strings.TrimSpace(line) == "" {
			return fail(1, "no se recibió la dirección de retorno")
		}
		code, state := codeFrom(strings.TrimSpace(line), start.State)
		if code == "" {
			return fail(1, "la dirección pegada no trae un código de autorización")
		}
		if err := oauth.FinishAuthCode(ctx, oc, a.db, start, code, state); err != nil {
			return fail(1, "no se completó el inicio de sesión: %v", err)
		}
	}
	fmt.Fprintf(a.stdout, "Listo: la concesión de la cuenta %s quedó guardada, cifrada, en la base de datos. ticketd la renueva solo.\n", oc.Account)
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

func (a *app) oauth2Status(ctx context.Context, args []string) error {
	fs := a.newFlags("oauth2 status", "oauth2 status")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	oc, err := a.oauth2Client(ctx)
	if err != nil {
		return err
	}
	info, err := oauth.Status(ctx, a.db, oc.Account)
	if err != nil {
		return err
	}
	if !info.Stored {
		fmt.Fprintf(a.stdout, "No hay una concesión guardada para la cuenta %s: ejecute 'ticketd oauth2 login'.\n", oc.Account)
		return nil
	}
	fmt.Fprintf(a.stdout, "Cuenta %s: concesión guardada.\n", oc.Account)
	fmt.Fprintf(a.stdout, "Última renovación: %s\n", when(info.RenewedAt))
	fmt.Fprintf(a.stdout, "El token de acceso vence: %s\n", when(info.AccessExpiry))
	if info.LastError != "" {
		fmt.Fprintf(a.stdout, "Último error: %s\n", printable(info.LastError, 300))
	}
	return nil
}
