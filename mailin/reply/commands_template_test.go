package reply_test

import (
	"testing"

	"github.com/ticketd/ticketd/mailin/reply"
	"github.com/ticketd/ticketd/mailout"
)

// TestNotificationsHoldNoCommands: when a mail client keeps the quoted
// notification without marking it as a quote (Outlook Mobile does), nothing
// in it may be read as a command. The templates list commands behind "- ",
// never at the start of a line; this renders every notification in both
// languages and parses it as a reply.
func TestNotificationsHoldNoCommands(t *testing.T) {
	r, err := mailout.NewRenderer("")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range r.Names() {
		for _, lang := range []string{"es", "en"} {
			out, err := r.Render(name, lang, mailout.SampleData(name, lang))
			if err != nil {
				t.Fatal(err)
			}
			for _, body := range []string{out.Text, reply.TrimHTML(out.HTML)} {
				if cmds, _ := reply.ParseCommands(body); len(cmds) != 0 {
					t.Errorf("%s (%s) would run %q when quoted without markers", name, lang, cmds[0].Raw)
				}
			}
		}
	}
}
