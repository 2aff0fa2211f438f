// Command ticketd runs the support procedure by email: the daemon (run),
// the desk's command line (tickets), migrations, configuration checks,
// template previews and a self-contained sandbox.
//
// This package is wiring only: every rule lives in tickets/, mailin/ and
// mailout/.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/ticketd/ticketd/tickets"
)

const usage = `ticketd: mesa de servicio por correo electrónico (procedimiento 130.13.08-3)

Uso:
  ticketd [-config ARCHIVO] COMANDO [opciones]

Comandos:
  sandbox [--walkthrough] [--reset]   todo en local: PostgreSQL, IMAP, SMTP y ticketd
  run [--no-migrate]                  el servicio: lee el buzón, aplica comandos, envía avisos
  migrate                             aplica las migraciones pendientes de la base de datos
  config check                        revisa el archivo de configuración
  tickets open|list|show|classify|escalate|assign|comment|note|resolve|close|reopen
  templates preview NOMBRE [--lang es|en]
  status                              estado de buzones y de la bandeja de salida
  cuarentena list|show|liberar|descartar   el correo que no se pudo procesar
  oauth2 login [--device] | status    la concesión OAuth 2.0 que ticketd renueva solo
  version

La configuración viene de -config o de TICKETD_CONFIG (ver ticketd.example.toml).
"ticketd COMANDO -h" muestra las opciones de cada comando.
`

var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// exitError carries an exit status with a message for stderr.
type exitError struct {
	code int
	msg  string
}

func (e *exitError) Error() string { return e.msg }

func fail(code int, format string, args ...any) error {
	return &exitError{code: code, msg: fmt.Sprintf(format, args...)}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	global := flag.NewFlagSet("ticketd", flag.ContinueOnError)
	global.SetOutput(io.Discard)
	configPath := global.String("config", "", "configuration file (or TICKETD_CONFIG)")
	if err := global.Parse(args); err != nil {
		fmt.Fprint(stderr, usage)
		return 2
	}
	rest := global.Args()
	if len(rest) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	app := &app{configPath: *configPath, stdout: stdout, stderr: stderr}
	var err error
	switch cmd, sub := rest[0], rest[1:]; cmd {
	case "run":
		err = app.cmdRun(ctx, sub)
	case "migrate":
		err = app.cmdMigrate(ctx, sub)
	case "config":
		err = app.cmdConfig(ctx, sub)
	case "tickets", "ticket":
		err = app.cmdTickets(ctx, sub)
	case "templates":
		err = app.cmdTemplates(ctx, sub)
	case "sandbox":
		err = app.cmdSandbox(ctx, sub)
	case "status":
		err = app.cmdStatus(ctx, sub)
	case "cuarentena", "quarantine":
		err = app.cmdQuarantine(ctx, sub)
	case "oauth2":
		err = app.cmdOAuth2(ctx, sub)
	case "version":
		fmt.Fprintln(stdout, "ticketd", version)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
	default:
		fmt.Fprintf(stderr, "ticketd: comando desconocido %q\n\n%s", cmd, usage)
		return 2
	}
	if err == nil {
		return 0
	}
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	var ee *exitError
	if errors.As(err, &ee) {
		fmt.Fprintln(stderr, "ticketd:", ee.msg)
		return ee.code
	}
	var r *tickets.Refusal
	if errors.As(err, &r) {
		fmt.Fprintln(stderr, "ticketd: no se aplicó:", r.Explain("es"))
		return 3
	}
	fmt.Fprintln(stderr, "ticketd:", err)
	return 1
}

// parseFlags parses flags that may come before or after positional
// arguments ("tickets show 12 --json") and returns the positionals.
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// newFlags returns a flag set that also takes -config after the command.
func (a *app) newFlags(name, help string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(a.stderr)
	fs.Func("config", "configuration file (or TICKETD_CONFIG)", func(s string) error { a.configPath = s; return nil })
	fs.Usage = func() {
		fmt.Fprintf(a.stderr, "Uso: ticketd %s\n\n", help)
		fs.PrintDefaults()
	}
	return fs
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
