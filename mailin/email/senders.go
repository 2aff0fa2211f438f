package email

import (
	"strings"
)

// What a sender's address says about who wrote a message. Addresses are
// the validated, lower-case ones of Address; "" never matches.

// normLocal is the local part of an address as these rules compare it:
// without a subaddress ("+tag") and without the separators people and
// programs spell the same word with ("no-reply", "no_reply", "no.reply").
func normLocal(email string) string {
	local := localPart(email)
	if i := strings.IndexByte(local, '+'); i > 0 {
		local = local[:i]
	}
	return strings.Map(func(r rune) rune {
		if r == '-' || r == '_' || r == '.' {
			return -1
		}
		return r
	}, local)
}

// deliverySystem reports whether an address is a mail system's own: the
// MAILER-DAEMON of RFC 5321 section 4.5.5 and its spellings, postmaster
// (RFC 5321 section 4.5.1), a bare bounce@ or bounces@, and Exchange's
// system mailbox
// "MicrosoftExchange" followed by 32 hex digits, which sends Exchange's and
// Office 365's non-delivery reports.
func deliverySystem(email string) bool {
	if email == "" {
		return false
	}
	switch l := normLocal(email); {
	case l == "mailerdaemon", l == "maildaemon", l == "postmaster", l == "mailerdeamon", l == "bounce", l == "bounces":
		return true
	case strings.HasPrefix(l, "microsoftexchange") && len(l) == len("microsoftexchange")+32 && isHexString(l[len("microsoftexchange"):]):
		return true
	}
	return false
}

// deliverySystemNames are display names only mail systems use. Lower case.
var deliverySystemNames = []string{
	"mailer-daemon", "mailer daemon", "mailerdaemon", "mail delivery system", "mail delivery subsystem",
	"mail delivery service", "sistema de entrega de correo", "subsistema de entrega de correo",
}

// deliverySystemName reports whether a lower-case display name (or, when
// there is no usable address, the whole From field) names a mail system:
// "Mail Delivery Subsystem", "MAILER-DAEMON <>".
func deliverySystemName(s string) bool {
	for _, n := range deliverySystemNames {
		if strings.Contains(s, n) {
			return true
		}
	}
	return false
}

// noReplyWords are the local parts (as normLocal spells them) of addresses
// that say nobody reads what is sent to them, in English, Spanish,
// Portuguese and French. A local part that holds one counts
// ("azure-noreply", "cloudplatform-noreply", "no-reply-alertas").
var noReplyWords = []string{
	"noreply", "donotreply", "dontreply", "noresponder", "noresponda", "norespondas", "norresponder",
	"nocontestar", "nocontestes", "noresponse", "naoresponda", "naoresponder", "nepasrepondre", "nereponds",
}

// noReply reports whether an address is one nobody answers at.
func noReply(email string) bool {
	if email == "" {
		return false
	}
	l := normLocal(email)
	for _, w := range noReplyWords {
		if strings.Contains(l, w) {
			return true
		}
	}
	return false
}

// listAdmin reports whether an address belongs to a mailing-list manager
// (Mailman, Sympa, Majordomo, LISTSERV, ezmlm): the list's -owner,
// -bounces, -request, -admin or -confirm address, owner-list, or the
// manager itself. The suffixes are read before normLocal drops the
// separators.
func listAdmin(email string) bool {
	if email == "" {
		return false
	}
	local := localPart(email)
	if i := strings.IndexByte(local, '+'); i > 0 {
		local = local[:i]
	}
	for _, s := range []string{"-owner", "-bounces", "-request", "-admin", "-confirm", "-return"} {
		if strings.HasSuffix(local, s) && len(local) > len(s) {
			return true
		}
	}
	if strings.HasPrefix(local, "owner-") && len(local) > len("owner-") {
		return true
	}
	switch local {
	case "mailman", "listserv", "majordomo", "sympa", "listmaster", "ezmlm", "listproc":
		return true
	}
	return false
}

// notifierWords are local parts of shared senders that mostly send
// notifications but that a team may also write from. Lower case, as
// normLocal spells them.
var notifierWords = []string{"notifications", "notification", "notificaciones", "notificacion", "notify", "alerts",
	"alert", "alertas", "alerta", "automailer", "mailer", "monitoring", "monitoreo", "daemon"}

// notifier reports whether an address is such a shared sender; it is a
// weak signal only.
func notifier(email string) bool {
	if email == "" {
		return false
	}
	l := normLocal(email)
	for _, w := range notifierWords {
		if l == w {
			return true
		}
	}
	return false
}

// bulkSenderDomains are the envelope domains of bulk-mail services (Amazon
// SES, SendGrid, Mailgun, Mailchimp and Mandrill, SparkPost, Mailjet,
// Brevo). A person's mail may go through them (Amazon WorkMail sends
// through SES), so they are a weak signal only.
var bulkSenderDomains = []string{"amazonses.com", "sendgrid.net", "mailgun.org", "mailgun.net", "mcsv.net", "rsgsv.net",
	"mandrillapp.com", "sparkpostmail.com", "mailjet.com", "sendinblue.com", "brevo.com"}

// bulkSenderDomain reports whether an address is at one of them or below.
func bulkSenderDomain(email string) bool {
	at := strings.LastIndexByte(email, '@')
	if at < 0 {
		return false
	}
	dom := email[at+1:]
	for _, d := range bulkSenderDomains {
		if dom == d || strings.HasSuffix(dom, "."+d) {
			return true
		}
	}
	return false
}

func isHexString(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isHex(s[i]) {
			return false
		}
	}
	return s != ""
}
