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

func (a *app) cmdTickets(ctx context.Context, args []string) error {
	if len(args) == 0 {
		fmt.Fprint(a.stderr, a.t("usage.tickets"))
		return &exitError{code: 2}
	}
	action, args := args[0], args[1:]
	switch action {
	case "-h", "-help", "--help", "help":
		fmt.Fprint(a.stdout, a.t("usage.tickets"))
		return nil
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
	return a.usageError("tickets", a.t("err.unknown_action", action))
}

func (a *app) ticketsOpen(ctx context.Context, args []string) error {
	fs := a.newFlags("tickets open", a.t("syn.open"))
	req := fs.String("requester", "", a.t("flag.requester"))
	name := fs.String("name", "", a.t("flag.name"))
	subj := fs.String("subject", "", a.t("flag.subject"))
	body := fs.String("body", "", a.t("flag.body"))
	as := fs.String("as", "", a.t("flag.as_open"))
	asJSON := fs.Bool("json", false, a.t("flag.json_ticket"))
	var quiet bool
	fs.BoolVar(&quiet, "quiet", false, a.t("flag.quiet"))
	fs.BoolVar(&quiet, "q", false, a.t("flag.quiet"))
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	if *req == "" || strings.TrimSpace(*subj) == "" {
		return a.usageError("tickets open", a.t("err.open_required"))
	}
	if !validEmail(*req) {
		return a.usageError("tickets open", a.t("err.bad_email", "--requester", *req))
	}
	s, err := a.service(ctx)
	if err != nil {
		return err
	}
	r := service.OpenRequest{Requester: strings.ToLower(*req), RequesterName: *name, Subject: oneLine(*subj), Body: *body}
	if *as != "" {
		r.By = actorFor(s.Roster, *as, nil)
		if !r.By.InRoster() {
			return a.fail(3, "err.not_in_roster", *as)
		}
	}
	t, err := s.Open(ctx, r)
	if err != nil {
		return err
	}
	switch {
	case *asJSON:
		return a.printJSON(s.TicketView(t))
	case quiet:
		fmt.Fprintln(a.stdout, t.ID)
		return nil
	}
	fmt.Fprintln(a.stdout, a.t("out.opened", s.Ref(t.ID), t.Subject, a.stateName(t.State), t.Level))
	return nil
}

func (a *app) ticketsList(ctx context.Context, args []string) error {
	fs := a.newFlags("tickets list", a.t("syn.list"))
	state := fs.String("state", "", a.t("flag.state"))
	level := fs.Int("level", 0, a.t("flag.level_filter"))
	assignee := fs.String("assignee", "", a.t("flag.assignee"))
	limit := fs.Int("limit", 0, a.t("flag.limit"))
	asJSON := fs.Bool("json", false, a.t("flag.json"))
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	f := store.Filter{Level: tickets.Level(*level), Limit: *limit}
	if *state != "" {
		st, err := tickets.ParseState(*state)
		if err != nil {
			return a.usageError("tickets list", a.t("err.unknown_state", *state))
		}
		f.State = st
	}
	if *level != 0 && !f.Level.Valid() {
		return a.usageError("tickets list", a.t("err.bad_level", "--level"))
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
		fmt.Fprintln(a.stdout, a.t("out.no_tickets"))
		return nil
	}
	w := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, a.t("out.list_header"))
	for _, t := range list {
		as := "-"
		if t.Assignee != nil {
			as = personName(s.Roster, *t.Assignee)
		}
		requester := t.Requester
		if t.RequesterName != "" {
			requester = t.RequesterName
		}
		fmt.Fprintf(w, "%s\t%s\t%d\t%s\t%s\t%s\n", t.Ref, a.stateName(tickets.State(t.State)), t.Level, truncate(as, 24), truncate(requester, 28), truncate(t.Subject, 40))
	}
	return w.Flush()
}

func (a *app) ticketsShow(ctx context.Context, args []string) error {
	fs := a.newFlags("tickets show", a.t("syn.show"))
	asJSON := fs.Bool("json", false, a.t("flag.json"))
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	s, err := a.service(ctx)
	if err != nil {
		return err
	}
	id, err := a.ticketID("tickets show", pos, s.Tag)
	if err != nil {
		return err
	}
	d, err := s.Show(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return a.fail(1, "err.no_ticket", s.Ref(id))
	}
	if err != nil {
		return err
	}
	if *asJSON {
		return a.printJSON(wordedIn(d, a.lang, peopleIn(d, a.lang, a.nameOf)))
	}
	a.printDetail(d)
	return nil
}

// rosterOnly are the actions only roster people run; comment and reopen
// are the requester's too.
var rosterOnly = map[string]bool{"classify": true, "escalate": true, "assign": true, "note": true, "resolve": true, "close": true}

func (a *app) ticketsAct(ctx context.Context, action string, args []string) error {
	fs := a.newFlags("tickets "+action, a.t("syn."+action))
	as := fs.String("as", "", a.t("flag.as"))
	var level *int
	var svc, to, text, note *string
	switch action {
	case "classify", "escalate":
		level = fs.Int("level", 0, a.t("flag.level"))
		to = fs.String("to", "", a.t("flag.to"))
		if action == "classify" {
			svc = fs.String("service", "", a.t("flag.service"))
		}
	case "assign":
		to = fs.String("to", "", a.t("flag.to"))
	case "comment", "note":
		text = fs.String("text", "", a.t("flag.text_"+action))
	case "resolve", "reopen":
		note = fs.String("note", "", a.t("flag.note_"+action))
	}
	asJSON := fs.Bool("json", false, a.t("flag.json_ticket"))
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if *as == "" {
		return a.usageError(fs.Name(), a.t("err.as_required"))
	}
	if action == "assign" && *to == "" {
		return a.usageError(fs.Name(), a.t("err.to_required"))
	}
	if text != nil && strings.TrimSpace(*text) == "" {
		return a.usageError(fs.Name(), a.t("err.text_required"))
	}
	s, err := a.service(ctx)
	if err != nil {
		return err
	}
	id, err := a.ticketID(fs.Name(), pos, s.Tag)
	if err != nil {
		return err
	}
	cur, err := store.GetTicket(ctx, s.DB, id)
	if errors.Is(err, store.ErrNotFound) {
		return a.fail(1, "err.no_ticket", s.Ref(id))
	}
	if err != nil {
		return err
	}
	actor := actorFor(s.Roster, *as, &cur.Ticket)
	switch {
	case rosterOnly[action] && !actor.InRoster():
		return a.fail(3, "err.not_in_roster", *as)
	case action == "reopen" && !actor.InRoster() && actor.Role != tickets.RoleRequester:
		return a.fail(3, "err.not_roster_nor_requester", *as, s.Ref(id))
	}
	cmd := tickets.Command{Kind: tickets.CommandKind(action)}
	if level != nil {
		cmd.Level = tickets.Level(*level)
	}
	if text != nil {
		cmd.Text = *text
	}
	if note != nil {
		cmd.Text = *note
	}
	if to != nil && *to != "" {
		p, ok := s.Roster.Find(*to)
		if !ok {
			return a.fail(3, "err.not_in_roster", *to)
		}
		cmd.To = &p
	}
	if svc != nil && *svc != "" {
		sv, ok := s.Roster.FindService(*svc)
		if !ok {
			return a.usageError(fs.Name(), a.t("err.unknown_service", *svc))
		}
		cmd.Service = sv.Name
	}
	t, _, err := s.Apply(ctx, id, cmd, actor)
	if err != nil {
		return err
	}
	if *asJSON {
		return a.printJSON(s.TicketView(t))
	}
	if t.Assignee == "" {
		fmt.Fprintln(a.stdout, a.t("out.acted_desk", s.Ref(t.ID), a.stateName(t.State), t.Level))
		return nil
	}
	fmt.Fprintln(a.stdout, a.t("out.acted", s.Ref(t.ID), a.stateName(t.State), t.Level, personName(s.Roster, t.Assignee)))
	return nil
}

// ticketID reads "12", "#12" or "OTI-12".
func (a *app) ticketID(cmd string, pos []string, tag string) (int64, error) {
	if len(pos) != 1 {
		return 0, a.usageError(cmd, a.t("err.ticket_required", tag))
	}
	s := strings.TrimPrefix(strings.TrimSpace(pos[0]), "#")
	if i := strings.LastIndexByte(s, '-'); i >= 0 && strings.EqualFold(s[:i], tag) {
		s = s[i+1:]
	}
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, a.usageError(cmd, a.t("err.bad_ticket", pos[0], tag))
	}
	return id, nil
}

// stateName is a state in words.
func (a *app) stateName(s tickets.State) string { return stateWord(a.lang, string(s)) }

// personName is a roster person's name, or the address of anyone else.
func personName(r *tickets.Roster, addr string) string {
	if p, ok := r.Find(addr); ok && p.Name != "" {
		return p.Name
	}
	return addr
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
