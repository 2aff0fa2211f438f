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
	fs := a.newFlags("tickets attachment", a.t("syn.attachment"))
	out := fs.String("out", "", a.t("flag.out"))
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		return a.usageError("tickets attachment", a.t("err.attachment_args"))
	}
	s, err := a.service(ctx)
	if err != nil {
		return err
	}
	id, err := a.ticketID("tickets attachment", pos[:1], s.Tag)
	if err != nil {
		return err
	}
	aid, err := strconv.ParseInt(pos[1], 10, 64)
	if err != nil || aid <= 0 {
		return a.usageError("tickets attachment", a.t("err.bad_attachment", pos[1]))
	}
	att, err := store.GetAttachment(ctx, s.DB, id, aid)
	if errors.Is(err, store.ErrNotFound) {
		return a.fail(1, "err.no_attachment", s.Ref(id), aid)
	}
	if err != nil {
		return err
	}
	if *out != "" {
		if err := os.WriteFile(*out, att.Data, 0o600); err != nil {
			return a.fail(1, "err.write_file", *out, err)
		}
		return nil
	}
	_, err = a.stdout.Write(att.Data)
	return err
}
