package mailout

import (
	"os"
	"testing"

	"github.com/ticketd/ticketd/internal/pgtest"
)

// TestMain stops the throwaway PostgreSQL of the outbox tests when they end;
// the tests that need no database never start it.
func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }
