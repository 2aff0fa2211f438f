package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/ticketd/ticketd/internal/daemon"
	"github.com/ticketd/ticketd/mailin"
	"github.com/ticketd/ticketd/mailin/rawview"
	"github.com/ticketd/ticketd/tickets"
	"github.com/ticketd/ticketd/tickets/store"
)

const quarantineUsage = `Uso: ticketd cuarentena ACCIÓN ...   (en inglés: quarantine list|show|release|discard)

  list [--json]                               los mensajes en cuarentena, con remitente y motivo
  show N                                      cabeceras y partes del mensaje tal como llegó
  liberar N --as PERSONA [--nota T]           procesarlo de nuevo (p. ej. tras subir un límite)
  descartar N --as PERSONA --motivo T         sacarlo de la cuarentena sin procesarlo

N es el número del mensaje que muestra "list". PERSONA es un agente de la
mesa (alias o correo de la lista de personal). Un mensaje liberado sigue el
camino de cualquier correo que llega, una sola vez; si vuelve a fallar,
vuelve a la cuarentena con el nuevo motivo. Lo liberado y lo descartado
queda registrado con quién lo hizo y por qué.
`

func (a *app) cmdQuarantine(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(a.stdout, quarantineUsage)
		if len(args) == 0 {
			return fail(2, "falta la acción")
		}
		return nil
	}
	action, args := args[0], args[1:]
	switch action {
	case "list", "listar":
		return a.quarantineList(ctx, args)
	case "show", "ver", "mostrar":
		return a.quarantineShow(ctx, args)
	case "liberar", "release":
		return a.quarantineRelease(ctx, args)
	case "descartar", "discard":
		return a.quarantineDiscard(ctx, args)
	}
	return fail(2, "acción desconocida %q\n\n%s", action, quarantineUsage)
}

// intake builds the mail intake the daemon runs, for a release.
func (a *app) intake(ctx context.Context) (*mailin.Intake, error) {
	c, err := a.config()
	if err != nil {
		return nil, err
	}
	db, err := a.open(ctx)
	if err != nil {
		return nil, err
	}
	if err := a.checkSchema(ctx, db); err != nil {
		return nil, err
	}
	parts, err := daemon.Build(ctx, c, db)
	if err != nil {
		return nil, fail(2, "%v", err)
	}
	return parts.Intake(slog.New(slog.DiscardHandler), nil), nil
}

func (a *app) quarantineList(ctx context.Context, args []string) error {
	fs := a.newFlags("cuarentena list", "cuarentena list [--json]")
	asJSON := fs.Bool("json", false, "print JSON")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	db, err := a.open(ctx)
	if err != nil {
		return err
	}
	if err := a.checkSchema(ctx, db); err != nil {
		return err
	}
	list, err := store.ListQuarantined(ctx, db)
	if err != nil {
		return err
	}
	if *asJSON {
		type item struct {
			ID        int64     `json:"id"`
			MessageID string    `json:"message_id"`
			From      string    `json:"from"`
			Subject   string    `json:"subject"`
			Reason    string    `json:"reason"`
			Size      int64     `json:"size"`
			CreatedAt time.Time `json:"created_at"`
		}
		out := []item{}
		for _, q := range list {
			out = append(out, item{q.ID, q.MessageID, q.FromAddr, q.Subject, q.Reason, q.Size, q.CreatedAt})
		}
		return a.printJSON(out)
	}
	if len(list) == 0 {
		fmt.Fprintln(a.stdout, "No hay mensajes en cuarentena.")
		return nil
	}
	w := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "N.º\tRECIBIDO\tREMITENTE\tASUNTO\tTAMAÑO\tMOTIVO")
	for _, q := range list {
		fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\t%s\n", q.ID, q.CreatedAt.Local().Format("2006-01-02 15:04"),
			orDash(printable(q.FromAddr, 40)), orDash(printable(q.Subject, 40)), size(q.Size), printable(reasonWords(q.Reason), 80))
	}
	return w.Flush()
}

func (a *app) quarantineShow(ctx context.Context, args []string) error {
	fs := a.newFlags("cuarentena show", "cuarentena show N")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	id, err := messageNumber(pos)
	if err != nil {
		return err
	}
	db, err := a.open(ctx)
	if err != nil {
		return err
	}
	if err := a.checkSchema(ctx, db); err != nil {
		return err
	}
	m, err := store.GetInboundRaw(ctx, db, id)
	if errors.Is(err, store.ErrNotFound) {
		return fail(1, "no existe el mensaje recibido %d", id)
	}
	if err != nil {
		return err
	}
	acts, err := store.QuarantineActions(ctx, db, id)
	if err != nil {
		return err
	}
	out := a.stdout
	fmt.Fprintf(out, "Mensaje %d, recibido el %s (%s)\n", m.ID, m.CreatedAt.Local().Format("2006-01-02 15:04:05"), size(int64(len(m.Raw))))
	fmt.Fprintf(out, "Estado: %s\n", statusWords(m.Status))
	if m.Reason != "" {
		fmt.Fprintf(out, "Motivo: %s\n", printable(reasonWords(m.Reason), 300))
	}
	if m.TicketID != nil {
		fmt.Fprintf(out, "Caso: %s\n", tickets.Ref(a.cfg.Desk.SubjectTag, *m.TicketID))
	}
	v := rawview.Outline(m.Raw)
	fmt.Fprintln(out, "\nCabeceras:")
	for _, f := range v.Header {
		fmt.Fprintf(out, "  %s: %s\n", f.Name, f.Value)
	}
	fmt.Fprintln(out, "\nPartes:")
	for _, p := range v.Parts {
		line := p.ContentType
		if p.BadType != "" {
			line += " (tipo ilegible: " + p.BadType + ")"
		}
		if p.Disposition != "" {
			line += ", " + p.Disposition
		}
		if p.Filename != "" {
			line += ", «" + p.Filename + "»"
		}
		if p.Encoding != "" {
			line += ", " + p.Encoding
		}
		fmt.Fprintf(out, "  %s%s, %s\n", strings.Repeat("  ", p.Depth), line, size(int64(p.Size)))
	}
	for _, p := range v.Problems {
		fmt.Fprintf(out, "  (%s)\n", problemWords(p))
	}
	if len(acts) > 0 {
		fmt.Fprintln(out, "\nRegistro:")
		for _, x := range acts {
			what := "liberado por " + x.Actor
			if x.Action == "discarded" {
				what = "descartado por " + x.Actor
			}
			fmt.Fprintf(out, "  %s  %s", x.At.Local().Format("2006-01-02 15:04"), what)
			if x.Note != "" {
				fmt.Fprintf(out, ": %s", printable(x.Note, 200))
			}
			if x.Outcome != "" {
				fmt.Fprintf(out, " (resultado: %s)", outcomeWords(x.Outcome))
			}
			fmt.Fprintln(out)
		}
	}
	return nil
}

func (a *app) quarantineRelease(ctx context.Context, args []string) error {
	fs := a.newFlags("cuarentena liberar", "cuarentena liberar N --as PERSONA [--nota T]")
	as := fs.String("as", "", "the desk agent who releases it (roster alias or email)")
	var note string
	fs.StringVar(&note, "nota", "", "why it is released")
	fs.StringVar(&note, "note", "", "why it is released")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	id, err := messageNumber(pos)
	if err != nil {
		return err
	}
	in, err := a.intake(ctx)
	if err != nil {
		return err
	}
	who, err := deskAgent(in.Service.Roster, *as)
	if err != nil {
		return err
	}
	rel, err := in.Release(ctx, id, who, strings.TrimSpace(note))
	if err != nil {
		return quarantineError(id, err)
	}
	switch {
	case rel.Outcome == "quarantined":
		fmt.Fprintf(a.stdout, "El mensaje %d volvió a la cuarentena: %s\n", id, printable(reasonWords(rel.Reason), 300))
	case rel.TicketID != nil && rel.Outcome == "opened":
		fmt.Fprintf(a.stdout, "Mensaje %d liberado: abrió el caso %s.\n", id, in.Service.Ref(*rel.TicketID))
	case rel.TicketID != nil:
		fmt.Fprintf(a.stdout, "Mensaje %d liberado: %s (caso %s).\n", id, outcomeWords(rel.Outcome), in.Service.Ref(*rel.TicketID))
	default:
		fmt.Fprintf(a.stdout, "Mensaje %d liberado: %s.\n", id, outcomeWords(rel.Outcome))
	}
	return nil
}

func (a *app) quarantineDiscard(ctx context.Context, args []string) error {
	fs := a.newFlags("cuarentena descartar", "cuarentena descartar N --as PERSONA --motivo T")
	as := fs.String("as", "", "the desk agent who discards it (roster alias or email)")
	var reason string
	fs.StringVar(&reason, "motivo", "", "why it is discarded (on record)")
	fs.StringVar(&reason, "reason", "", "why it is discarded (on record)")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	id, err := messageNumber(pos)
	if err != nil {
		return err
	}
	if strings.TrimSpace(reason) == "" {
		return fail(2, "--motivo es obligatorio: queda en el registro")
	}
	in, err := a.intake(ctx)
	if err != nil {
		return err
	}
	who, err := deskAgent(in.Service.Roster, *as)
	if err != nil {
		return err
	}
	if err := in.Discard(ctx, id, who, strings.TrimSpace(reason)); err != nil {
		return quarantineError(id, err)
	}
	fmt.Fprintf(a.stdout, "Mensaje %d descartado; el motivo quedó registrado.\n", id)
	return nil
}

// deskAgent resolves --as to a desk agent's address: deciding about
// quarantined mail is the single point of contact's.
func deskAgent(r *tickets.Roster, as string) (string, error) {
	if strings.TrimSpace(as) == "" {
		return "", fail(2, "--as PERSONA es obligatorio: quién lo decide")
	}
	p, ok := r.Find(as)
	if !ok {
		return "", fail(2, "--as: %q no está en la lista de personal", as)
	}
	if p.Role != tickets.RoleDesk {
		return "", fail(3, "solo un agente de la mesa de servicio decide sobre la cuarentena; %s no lo es", p.Name)
	}
	return strings.ToLower(p.Email), nil
}

func quarantineError(id int64, err error) error {
	switch {
	case errors.Is(err, store.ErrNotFound):
		return fail(1, "no existe el mensaje recibido %d", id)
	case errors.Is(err, store.ErrNotQuarantined):
		return fail(3, "el mensaje %d ya no está en cuarentena (lo liberó o descartó alguien más); vea 'ticketd cuarentena show %d'", id, id)
	case errors.Is(err, mailin.ErrHeaderOnly):
		return fail(3, "del mensaje %d solo se guardó la cabecera, porque superaba el tamaño máximo: súbalo (limits.max_message_bytes) "+
			"y mueva el mensaje en el servidor de la carpeta de cuarentena a la bandeja de entrada para que se lea de nuevo completo", id)
	}
	return err
}

// messageNumber reads the one positional argument: a message row number.
func messageNumber(pos []string) (int64, error) {
	if len(pos) != 1 {
		return 0, fail(2, "indique un mensaje: el número que muestra 'ticketd cuarentena list'")
	}
	id, err := strconv.ParseInt(strings.TrimPrefix(strings.TrimSpace(pos[0]), "#"), 10, 64)
	if err != nil || id <= 0 {
		return 0, fail(2, "%q no es un número de mensaje", pos[0])
	}
	return id, nil
}

func statusWords(s string) string {
	switch s {
	case store.StatusQuarantined:
		return "en cuarentena"
	case store.StatusDiscarded:
		return "descartado"
	case store.StatusProcessed:
		return "procesado"
	case store.StatusReceived:
		return "recibido, sin procesar"
	}
	return s
}

func outcomeWords(o string) string {
	switch o {
	case "opened":
		return "abrió un caso nuevo"
	case "comment":
		return "quedó como comentario"
	case "commands":
		return "se aplicaron sus comandos"
	case "automatic":
		return "era un mensaje automático y quedó registrado"
	case "bounce":
		return "era un aviso de no entrega y quedó registrado"
	case "duplicate":
		return "ya estaba registrado"
	case "quarantined":
		return "volvió a la cuarentena"
	}
	return o
}

func problemWords(p rawview.Problem) string {
	switch p {
	case rawview.TooManyParts:
		return fmt.Sprintf("tiene más de %d partes: no se muestran las demás", rawview.MaxParts)
	case rawview.TooDeep:
		return fmt.Sprintf("anida más de %d niveles: no se muestran las partes interiores", rawview.MaxDepth)
	case rawview.NoBoundary:
		return "una parte multipart no declara su separador"
	case rawview.Unclosed:
		return "una parte multipart no termina con su separador de cierre"
	case rawview.TooManyFields:
		return fmt.Sprintf("más de %d campos de cabecera: no se muestran los demás", rawview.MaxFields)
	case rawview.BadHeaderLines:
		return "se omitieron líneas de cabecera que no son campos"
	}
	return "parte ilegible"
}

func size(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}

// printable is s on one line, without control characters, at most n runes.
func printable(s string, n int) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) {
			return ' '
		}
		return r
	}, strings.ToValidUTF8(s, "\uFFFD"))
	return truncate(oneLine(s), n)
}
