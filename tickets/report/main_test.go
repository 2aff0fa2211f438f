package report_test

import (
	"os"
	"testing"

	"github.com/ticketd/ticketd/internal/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }
