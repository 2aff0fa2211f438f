package daemon

import (
	"testing"

	"github.com/ticketd/ticketd/internal/config"
)

// TestSMTPAccount: SMTP's grant is the first mailbox account's; with no
// mailbox read, the name an addressless [imap] table gave it before there
// were several accounts, or "default".
func TestSMTPAccount(t *testing.T) {
	for _, tc := range []struct {
		c    config.Config
		want string
	}{
		{config.Config{Accounts: []config.IMAP{{Name: "soporte"}, {Name: "proveedores"}}}, "soporte"},
		{config.Config{SMTPAccountName: "mesa"}, "mesa"},
		{config.Config{}, config.DefaultAccount},
	} {
		if got := SMTPAccount(&tc.c); got != tc.want {
			t.Errorf("SMTPAccount(%+v) = %q, want %q", tc.c.Accounts, got, tc.want)
		}
	}
}
