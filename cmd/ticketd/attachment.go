package main

import (
	"context"
	"errors"
	"os"
	"strconv"

	"github.com/ticketd/ticketd/tickets/store"
)

// ticketsAttachment writes the bytes of one of a ticket's attachments to
// stdout or to --out: what a notification lists without carrying (over
// notifications.max_attachment_bytes) is fetched with it.
func (a *app) ticketsAttachment(ctx context.Context, args []string) error {
	fs := a.newFlags("tickets attachment", "tickets attachment N ID [--out ARCHIVO]")
	out := fs.String("out", "", "write the attachment to this file instead of stdout")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		return fail(2, "indique el caso y el número del adjunto: tickets attachment N ID")
	}
	s, err := a.service(ctx)
	if err != nil {
		return err
	}
	id, err := ticketID(pos[:1], s.Tag)
	if err != nil {
		return err
	}
	aid, err := strconv.ParseInt(pos[1], 10, 64)
	if err != nil || aid <= 0 {
		return fail(2, "%q no es un número de adjunto", pos[1])
	}
	att, err := store.GetAttachment(ctx, s.DB, id, aid)
	if errors.Is(err, store.ErrNotFound) {
		return fail(1, "el caso %s no tiene el adjunto %d", s.Ref(id), aid)
	}
	if err != nil {
		return err
	}
	if *out != "" {
		if err := os.WriteFile(*out, att.Data, 0o600); err != nil {
			return fail(1, "no se pudo escribir %s: %v", *out, err)
		}
		return nil
	}
	_, err = a.stdout.Write(att.Data)
	return err
}
