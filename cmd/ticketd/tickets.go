package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/ticketd/ticketd/tickets"
	"github.com/ticketd/ticketd/tickets/service"
	"github.com/ticketd/ticketd/tickets/store"
)

const ticketsUsage = `Uso: ticketd tickets ACCIÓN ...

  open --requester CORREO --subject S [--body B] [--as CORREO]   registrar una solicitud (p. ej. por teléfono)
  list [--state S] [--level N] [--assignee CORREO] [--json]
  show N [--json]                                                el caso y su registro de actividades
  attachment N ID [--out ARCHIVO]                                el contenido de un adjunto del caso
  classify N --as CORREO [--level L] [--service S] [--to PERSONA]
  escalate N --as CORREO [--level L] [--to PERSONA]
  assign   N --as CORREO --to PERSONA
  comment  N --as CORREO --text T
  note     N --as CORREO --text T                                nota interna (nunca llega al solicitante)
  resolve  N --as CORREO [--note T]
  close    N --as CORREO
  reopen   N --as CORREO [--note T]

PERSONA es un alias o un correo de la lista de personal. N es el número o la
referencia (OTI-12). Las acciones siguen las mismas reglas que los comandos
por correo.
`

func (a *app) cmdTickets(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(a.stdout, ticketsUsage)
		if len(args) == 0 {
			return fail(2, "falta la acción")
		}
		return nil
	}
	action, args := args[0], args[1:]
	switch action {
	case "open":
		return a.ticketsOpen(ctx, args)
	case "list":
		return a.ticketsList(ctx, args)
	case "show":
		return a.ticketsShow(ctx, args)
	case "attachment":
		return a.ticketsAttachment(ctx, args)
	case "classify", "escalate", "assign", "comment", "note", "resolve", "close", "reopen":
		return a.ticketsAct(ctx, action, args)
	}
	return fail(2, "acción desconocida %q\n\n%s", action, ticketsUsage)
}

func (a *app) ticketsOpen(ctx context.Context, args []string) error {
	fs := a.newFlags("tickets open", "tickets open --requester CORREO --subject S [--body B] [--as CORREO]")
	req := fs.String("requester", "", "requester's email address")
	name := fs.String("name", "", "requester's name")
	subj := fs.String("subject", "", "subject of the request")
	body := fs.String("body", "", "text of the request")
	as := fs.String("as", "", "desk agent registering it (default: the requester)")
	asJSON := fs.Bool("json", false, "print the ticket as JSON")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	if *req == "" || strings.TrimSpace(*subj) == "" {
		return fail(2, "--requester y --subject son obligatorios")
	}
	if !validEmail(*req) {
		return fail(2, "--requester %q no es un correo válido", *req)
	}
	s, err := a.service(ctx)
	if err != nil {
		return err
	}
	r := service.OpenRequest{Requester: strings.ToLower(*req), RequesterName: *name, Subject: oneLine(*subj), Body: *body}
	if *as != "" {
		r.By = actorFor(s.Roster, *as, nil)
		if !r.By.InRoster() {
			return fail(2, "--as %q no está en la lista de personal", *as)
		}
	}
	t, err := s.Open(ctx, r)
	if err != nil {
		return err
	}
	if *asJSON {
		return a.printJSON(s.TicketView(t))
	}
	fmt.Fprintf(a.stdout, "Caso %s registrado: %s (estado %s, nivel %d)\n", s.Ref(t.ID), t.Subject, t.State, t.Level)
	return nil
}

func (a *app) ticketsList(ctx context.Context, args []string) error {
	fs := a.newFlags("tickets list", "tickets list [--state S] [--level N] [--assignee CORREO] [--json]")
	state := fs.String("state", "", "nuevo | en_atencion | resuelto | cerrado")
	level := fs.Int("level", 0, "1, 2 or 3")
	assignee := fs.String("assignee", "", "assignee's email or alias")
	limit := fs.Int("limit", 0, "at most this many tickets")
	asJSON := fs.Bool("json", false, "print JSON")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	f := store.Filter{Level: tickets.Level(*level), Limit: *limit}
	if *state != "" {
		st, err := tickets.ParseState(*state)
		if err != nil {
			return fail(2, "--state: estado desconocido %q (nuevo, en_atencion, resuelto o cerrado)", *state)
		}
		f.State = st
	}
	if *level != 0 && !f.Level.Valid() {
		return fail(2, "--level debe ser 1, 2 o 3")
	}
	s, err := a.service(ctx)
	if err != nil {
		return err
	}
	if *assignee != "" {
		f.Assignee = *assignee
		if p, ok := s.Roster.Find(*assignee); ok {
			f.Assignee = p.Email
		}
	}
	list, err := s.List(ctx, f)
	if err != nil {
		return err
	}
	if *asJSON {
		return a.printJSON(list)
	}
	if len(list) == 0 {
		fmt.Fprintln(a.stdout, "No hay casos.")
		return nil
	}
	w := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "CASO\tESTADO\tNIVEL\tASIGNADO\tSOLICITANTE\tASUNTO")
	for _, t := range list {
		as := "-"
		if t.Assignee != nil {
			as = *t.Assignee
		}
		fmt.Fprintf(w, "%s\t%s\t%d\t%s\t%s\t%s\n", t.Ref, t.State, t.Level, as, t.Requester, truncate(t.Subject, 50))
	}
	return w.Flush()
}

func (a *app) ticketsShow(ctx context.Context, args []string) error {
	fs := a.newFlags("tickets show", "tickets show N [--json]")
	asJSON := fs.Bool("json", false, "print JSON")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	s, err := a.service(ctx)
	if err != nil {
		return err
	}
	id, err := ticketID(pos, s.Tag)
	if err != nil {
		return err
	}
	d, err := s.Show(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return fail(1, "no existe el caso %s", s.Ref(id))
	}
	if err != nil {
		return err
	}
	if *asJSON {
		return a.printJSON(d)
	}
	service.PrintDetail(a.stdout, d)
	return nil
}

func (a *app) ticketsAct(ctx context.Context, action string, args []string) error {
	fs := a.newFlags("tickets "+action, "tickets "+action+" N --as CORREO ...")
	as := fs.String("as", "", "who acts: a roster email (or the requester's, for reopen and comment)")
	level := fs.Int("level", 0, "target level")
	svc := fs.String("service", "", "service category")
	to := fs.String("to", "", "person: roster alias or email")
	text := fs.String("text", "", "text of the comment or note")
	note := fs.String("note", "", "note that goes with the action")
	asJSON := fs.Bool("json", false, "print the ticket as JSON")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if *as == "" {
		return fail(2, "--as CORREO es obligatorio: quién realiza la acción")
	}
	s, err := a.service(ctx)
	if err != nil {
		return err
	}
	id, err := ticketID(pos, s.Tag)
	if err != nil {
		return err
	}
	cur, err := store.GetTicket(ctx, s.DB, id)
	if errors.Is(err, store.ErrNotFound) {
		return fail(1, "no existe el caso %s", s.Ref(id))
	}
	if err != nil {
		return err
	}
	actor := actorFor(s.Roster, *as, &cur.Ticket)
	cmd := tickets.Command{Kind: tickets.CommandKind(action), Level: tickets.Level(*level), Service: *svc, Text: *text}
	if *note != "" {
		cmd.Text = *note
	}
	if *to != "" {
		p, err := s.Person(*to)
		if err != nil {
			return err
		}
		cmd.To = p
	}
	if *svc != "" {
		sv, ok := s.Roster.FindService(*svc)
		if !ok {
			return fail(2, "--service: %q no está en el catálogo de servicios", *svc)
		}
		cmd.Service = sv.Name
	}
	if (action == "comment" || action == "note") && strings.TrimSpace(cmd.Text) == "" {
		return fail(2, "--text es obligatorio")
	}
	t, _, err := s.Apply(ctx, id, cmd, actor)
	if err != nil {
		return err
	}
	if *asJSON {
		return a.printJSON(s.TicketView(t))
	}
	assignee := "-"
	if t.Assignee != "" {
		assignee = t.Assignee
	}
	fmt.Fprintf(a.stdout, "Caso %s: estado %s, nivel %d, asignado %s\n", s.Ref(t.ID), t.State, t.Level, assignee)
	return nil
}

// ticketID reads "12", "#12" or "OTI-12".
func ticketID(pos []string, tag string) (int64, error) {
	if len(pos) != 1 {
		return 0, fail(2, "indique un caso: número o referencia (p. ej. 12 o %s-12)", tag)
	}
	s := strings.TrimPrefix(strings.TrimSpace(pos[0]), "#")
	if i := strings.LastIndexByte(s, '-'); i >= 0 && strings.EqualFold(s[:i], tag) {
		s = s[i+1:]
	}
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, fail(2, "%q no es un número de caso", pos[0])
	}
	return id, nil
}

func (a *app) printJSON(v any) error {
	enc := json.NewEncoder(a.stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func truncate(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

func validEmail(s string) bool {
	at := strings.IndexByte(s, '@')
	return at > 0 && at < len(s)-1 && !strings.ContainsAny(s, " \t\r\n<>\",;")
}

// actorFor resolves --as: a roster alias or address, or else the address of
// the requester or of someone outside the roster.
func actorFor(r *tickets.Roster, as string, t *tickets.Ticket) tickets.Actor {
	if p, ok := r.Find(as); ok {
		return tickets.ActorOf(p)
	}
	return r.ActorFor(as, t)
}
