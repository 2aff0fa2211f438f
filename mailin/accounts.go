package mailin

// serviceFor is the default service of a new ticket from mailbox of
// account: the account's for that mailbox, else the account's own, else
// MailboxServices' for the mailbox ("" for none). Two accounts may both
// have an INBOX, each with its own service.
func (in *Intake) serviceFor(account, mailbox string) string {
	if m, ok := in.AccountServices[account]; ok {
		if s := m[mailbox]; s != "" {
			return s
		}
		if s := m[""]; s != "" {
			return s
		}
	}
	return in.MailboxServices[mailbox]
}
