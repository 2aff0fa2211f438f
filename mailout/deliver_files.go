package mailout

import (
	"context"
	"time"

	"github.com/ticketd/ticketd/tickets/notice"
	"github.com/ticketd/ticketd/tickets/store"
)

// zone is the time zone of the Date header: the desk's, as in the bodies.
func (w *Worker) zone() *time.Location {
	if w.cfg.Zone != nil {
		return w.cfg.Zone
	}
	return DefaultZone
}

// files reads the attachments that row o carries (linked when it was
// queued, see notice.Rules.Files), with their bytes. Only the kinds that may carry
// attachments are looked up, so the other rows cost no query.
func (w *Worker) files(ctx context.Context, o store.Outgoing) ([]File, error) {
	if !notice.CarriesFiles(o.Kind) || o.MessageRow == 0 {
		return nil, nil
	}
	atts, err := store.OutboundFiles(ctx, w.db, o.MessageRow)
	if err != nil || len(atts) == 0 {
		return nil, err
	}
	out := make([]File, len(atts))
	for i, a := range atts {
		out[i] = File{Name: a.Filename, ContentType: a.ContentType, ContentID: a.ContentID, Inline: a.Inline, Data: a.Data}
	}
	return out, nil
}
