package mailout

import (
	"context"

	"github.com/ticketd/ticketd/tickets/store"
)

// files reads the attachments that row o carries (linked when it was
// queued, see filesFor), with their bytes. Only the kinds that may carry
// attachments are looked up, so the other rows cost no query.
func (w *Worker) files(ctx context.Context, o store.Outgoing) ([]File, error) {
	if !carriesFiles(o.Kind) || o.MessageRow == 0 {
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
