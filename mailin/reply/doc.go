// Package reply extracts what a person actually wrote in a reply to a ticket
// notification, and the command lines in it.
//
// Trim, TrimHTML and TrimBody remove the quoted history that mail clients
// append (attribution lines such as "El lun, 3 mar 2025 a las 10:02, Ana
// <a@b.co> escribió:", Outlook "De:/Enviado:/Para:/Asunto:" header blocks,
// "-----Mensaje original-----" and forwarded-message markers, trailing ">"
// quotes), the signature after the "-- " delimiter of RFC 3676 section 4.3,
// and mobile signatures ("Enviado desde mi iPhone"). ParseCommands then finds
// the "#escalar", "#resolver", ... lines of PROCEDURE.md in the new part and
// returns them with the remaining comment.
//
// Everything here is a pure function of its input: no I/O, no clock, no
// globals that change. Input is data, never trusted: work is linear in the
// input, which is capped at MaxInput bytes, and no input makes it panic.
//
// This package must not import anything from ticketd except mailin/htmltext,
// and no database, network or IMAP/SMTP package.
package reply
