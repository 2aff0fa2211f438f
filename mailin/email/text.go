package email

import "github.com/ticketd/ticketd/internal/textsafe"

// Every string a Message holds is valid UTF-8 without NUL, whatever the
// decoded bytes were: a quoted-printable "=00", a base64 body from a
// bounce, an UTF-16 part labelled as something else. PostgreSQL's text type
// refuses both NUL and invalid sequences, and so do the notifications that
// quote the text. The raw source is never touched: it is kept as it came.

// safeText replaces each NUL and each byte that does not start a valid
// UTF-8 sequence with U+FFFD (textsafe.Clean).
func safeText(s string) string { return textsafe.Clean(s) }
