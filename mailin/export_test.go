package mailin

import (
	"context"

	"github.com/ticketd/ticketd/mailin/imapin"
	"github.com/ticketd/ticketd/tickets/service"
)

// HandleSequentially handles every message of the batch as a batch of one,
// one after the other, in one transaction: what the intake does with each
// message alone. The batch tests hold Handle to it.
func (in *Intake) HandleSequentially(ctx context.Context, batch []imapin.Fetched) ([]imapin.Outcome, error) {
	var out []imapin.Outcome
	err := in.Service.InTx(ctx, func(tx *service.Tx) error {
		out = out[:0]
		for i := range batch {
			rs, err := in.handleBatch(ctx, tx, batch[i:i+1])
			if err != nil {
				return err
			}
			out = append(out, rs[0].outcome)
		}
		return nil
	})
	return out, err
}

// HandleByProcess is Handle with every message through process, none opened
// in a run: the general path the runs must agree with.
func (in *Intake) HandleByProcess(ctx context.Context, batch []imapin.Fetched) ([]imapin.Outcome, error) {
	g := *in
	g.noRuns = true
	return g.Handle(ctx, batch)
}

// ErrStoredMeanwhile is errStoredMeanwhile, for the tests to recognise.
var ErrStoredMeanwhile = errStoredMeanwhile
