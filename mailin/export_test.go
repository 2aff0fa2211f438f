package mailin

import (
	"context"

	"github.com/ticketd/ticketd/mailin/imapin"
	"github.com/ticketd/ticketd/tickets/service"
)

// HandleSequentially is Handle as it was before batching: every message of
// the batch through process, one after the other, in one transaction. The
// batch tests hold Handle to it.
func (in *Intake) HandleSequentially(ctx context.Context, batch []imapin.Fetched) ([]imapin.Outcome, error) {
	var out []imapin.Outcome
	err := in.Service.InTx(ctx, func(tx *service.Tx) error {
		out = out[:0]
		for i := range batch {
			r, err := in.process(ctx, tx, &batch[i])
			if err != nil {
				return err
			}
			out = append(out, r.outcome)
		}
		return nil
	})
	return out, err
}
