package tickets

import (
	"fmt"
	"strings"
)

// words is the catalogue of what the system writes for people outside the
// mail templates: the notes it puts on a ticket's record (note.*, worded
// when read, in the reader's language) and the answers the intake gives to
// the commands it receives (reply.*, hint.*, usage.*, …). Each entry is
// Spanish, then English; the test walks them all. Code holds no prose of
// its own: it says which entry, with what.
var words = map[string][2]string{
	// Notes on the record (Note.Text).
	"note.commands.outsider": {
		"Comandos de %s no aplicados: solo el personal de soporte ejecuta comandos: %s",
		"Commands from %s not applied: only support staff run commands: %s"},
	"note.commands.unverified": {
		"Comandos de %s no aplicados: no se verificó su identidad (%s): %s",
		"Commands from %s not applied: identity not verified (%s): %s"},
	"note.commands.refused": {
		"Comando rechazado; no se aplicó nada del mensaje: %s",
		"Command refused; nothing of the message was applied: %s"},
	"note.command.refused": {"Comando rechazado: %s: %s", "Command refused: %s: %s"},
	"note.comment.refused": {"Comentario no aplicado: %s", "Comment not applied: %s"},
	"note.unverified.kept": {
		"Mensaje de %s sin identidad verificada, guardado como interno (%s):\n%s",
		"Unverified message from %s kept internal (%s):\n%s"},
	"note.automatic.kept": {
		"Correo automático de %s guardado sin avisar a nadie (%s): %s",
		"Automatic mail from %s kept without notifying anyone (%s): %s"},
	"note.bounce.reported": {"Falla de entrega informada por %s", "Delivery failure reported by %s"},
	"note.delivery.failed": {"No se pudo entregar %s a %s: %s", "Could not deliver %s to %s: %s"},
	"note.auto.closed": {
		"Cierre automático: %d días hábiles sin objeción del solicitante",
		"Closed automatically: %d business days without objection from the requester"},
	"note.reminder": {"El caso lleva más de %s en el nivel %d", "The ticket has waited more than %s at level %d"},
	"note.notice.held": {
		"Aviso retenido por el límite de avisos por destinatario: %s para %s",
		"Notice held back by the per-recipient limit: %s to %s"},
	"note.routed.mailbox": {
		"Clasificado por el catálogo: el buzón al que llegó es de este servicio.",
		"Routed by the catalogue: the mailbox it arrived at belongs to this service."},
	"note.routed.subject": {
		"Clasificado por el catálogo: la palabra «%s» en el asunto.",
		"Routed by the catalogue: the keyword \"%s\" in the subject."},
	"note.routed.body": {
		"Clasificado por el catálogo: la palabra «%s» en el mensaje.",
		"Routed by the catalogue: the keyword \"%s\" in the message."},
	"note.unknown":   {"Nota del sistema: %s", "System note: %s"},
	"note.separator": {"; ", "; "},

	// The notices a delivery failure or a held notice names.
	"notice.opened_ack":          {"el acuse de recibo de la solicitud", "the acknowledgement of the request"},
	"notice.opened_desk":         {"el aviso de solicitud nueva a la mesa", "the new-request notice to the desk"},
	"notice.level_changed":       {"el aviso de cambio de nivel", "the notice of a change of level"},
	"notice.case_assigned":       {"el aviso de caso asignado", "the notice of an assigned ticket"},
	"notice.comment":             {"el aviso de comentario", "the comment notice"},
	"notice.resolved":            {"el aviso de solución", "the resolution notice"},
	"notice.resolved_desk":       {"el aviso de solución a la mesa", "the resolution notice to the desk"},
	"notice.reopened":            {"el aviso de reapertura", "the reopening notice"},
	"notice.reopened_notice":     {"el aviso de reapertura al personal", "the reopening notice to the staff"},
	"notice.closed":              {"el aviso de cierre", "the closure notice"},
	"notice.command_result":      {"la respuesta a los comandos", "the answer to the commands"},
	"notice.quarantined":         {"el aviso de mensaje retenido", "the notice of a held message"},
	"notice.delivery_failed":     {"el aviso de entrega fallida", "the delivery-failure notice"},
	"notice.reminder":            {"el recordatorio", "the reminder"},
	"notice.comment_on_resolved": {"el aviso de comentario sobre un caso resuelto", "the notice of a comment on a resolved ticket"},
	"notice.rating_thanks":       {"el agradecimiento por la calificación", "the thanks for the rating"},
	"notice.other":               {"una notificación", "a notification"},

	// Why a message was quarantined, as its sender and the desk are told
	// (QuarantineReason.Words; the record keeps its own English form). The
	// verbs take the kind's figures, sizes already worded. Spanish is
	// written for people who do not know what MIME is.
	"quarantine.size": {
		"el mensaje ocupa %s y la Mesa de Servicio recibe mensajes de hasta %s; envíe los archivos grandes por otro medio (una carpeta compartida, por ejemplo) o en varios mensajes",
		"the message is %s and the Service Desk accepts messages of up to %s; please send large files another way (a shared folder, for instance) or in several messages"},
	"quarantine.header": {
		"el encabezado del mensaje supera %s, más de lo que la Mesa de Servicio puede leer",
		"the message's header is over %s, more than the Service Desk can read"},
	"quarantine.depth": {
		"el mensaje tiene más de %s niveles de partes unas dentro de otras (mensajes reenviados dentro de mensajes reenviados, por ejemplo)",
		"the message has more than %s levels of parts inside one another (forwarded messages inside forwarded messages, for instance)"},
	"quarantine.parts": {
		"el mensaje tiene más de %s partes entre textos y adjuntos; envíe los adjuntos en varios mensajes",
		"the message has more than %s parts, texts and attachments together; please send the attachments in several messages"},
	"quarantine.empty":      {"el mensaje llegó vacío", "the message arrived empty"},
	"quarantine.unreadable": {"no fue posible leer el mensaje", "the message could not be read"},
	"quarantine.no_from":    {"el mensaje no trae una dirección de remitente válida", "the message has no valid sender address"},
	"quarantine.failed": {
		"ocurrió un error al registrarlo; la Mesa de Servicio ya fue informada y lo revisará",
		"an error occurred while recording it; the Service Desk has been told and will look into it"},

	// How long a ticket waited.
	"duration.days":    {"%d días", "%d days"},
	"duration.hours":   {"%d horas", "%d hours"},
	"duration.minutes": {"%d minutos", "%d minutes"},

	// Why a sender's identity was not verified (Note.Why, the answers).
	"identity.expired":      {"la dirección de respuesta venció", "the reply address has expired"},
	"identity.old_key":      {"la dirección de respuesta fue firmada con una clave que ya no se usa", "the reply address was signed with a key no longer in use"},
	"identity.wrong_sender": {"la dirección de respuesta no corresponde a este remitente", "the reply address is not valid for this sender"},
	"identity.other_ticket": {"la dirección de respuesta pertenece a otro caso", "the reply address belongs to another ticket"},
	"identity.no_ticket":    {"la dirección de respuesta nombra un caso que no existe", "the reply address names a ticket that does not exist"},
	"identity.dkim_unchecked": {
		"la clave DKIM del dominio del remitente no se pudo consultar durante un buen rato (una falla temporal del DNS)",
		"the DKIM key of the sender's domain could not be looked up for a while (a temporary DNS failure)"},
	"identity.unsigned": {
		"el mensaje no llegó por la dirección de respuesta firmada de un aviso, ni trae una autenticación de confianza del remitente",
		"the message did not come through the signed reply address of a notification, and no trusted authentication result vouches for the sender"},

	// The answers to the commands of a reply.
	"reply.outsider": {
		"los comandos son del personal de soporte; su mensaje quedó en el caso como comentario y la mesa de servicio lo recibió",
		"commands are for support staff; your message was kept on the ticket as a comment and the service desk received it"},
	"reply.unverified":         {"no se pudo verificar que el mensaje viene de usted (%s)", "your identity could not be verified (%s)"},
	"reply.unverified.comment": {"no se pudo verificar que el mensaje viene de usted (%s); no se publicó en el caso", "your identity could not be verified (%s); it was not posted on the ticket"},
	"reply.comment.line":       {"(comentario)", "(comment)"},
	"reply.not_run.all": {
		"no se ejecutó: cuando un comando de un mensaje es rechazado, no se ejecuta ninguno; corrija la línea rechazada y envíe de nuevo todos los comandos",
		"not run: when one command of a message is refused, none runs; correct the refused line and send all the commands again"},
	"reply.not_run.after": {"no se ejecutó porque el comando anterior fue rechazado", "not run because the command before it was refused"},
	"reply.attachments":   {"(adjuntos: %s)", "(attachments: %s)"},

	// What a command changed.
	"summary.state":    {"estado: %s", "state: %s"},
	"summary.level":    {"nivel %d", "level %d"},
	"summary.assigned": {"asignado a %s", "assigned to %s"},
	"summary.desk":     {"mesa de servicio", "service desk"},
	"summary.service":  {"servicio: %s", "service: %s"},
	"summary.recorded": {"registrado en el caso", "recorded on the ticket"},
	"summary.joiner":   {" · ", " · "},

	// What would work instead of a refused command.
	"hint.verify": {
		"responda con «Responder» al último aviso que recibió de la mesa: su dirección de respuesta lleva una firma que lo identifica",
		"use Reply on the latest notification you received from the desk: its reply address carries a signature that identifies you"},
	"hint.not_allowed":  {"pida a la mesa de servicio o al responsable del caso que lo haga", "ask the service desk or the ticket's assignee to do it"},
	"hint.no_higher":    {"use #resolver cuando quede solucionado, o #asignar a otra persona de nivel 3", "use #resolve once it is solved, or #assign another level-3 person"},
	"hint.person":       {"use el alias o el correo de alguien de la lista de personal que atienda ese nivel", "use the alias or address of a roster person who serves that level"},
	"hint.service":      {"use el nombre de un servicio del catálogo", "use the name of a service in the catalogue"},
	"hint.commands":     {"comandos: #nivel, #clasificar, #escalar, #asignar, #resolver, #cerrar, #reabrir, #nota (vea el estado actual del caso abajo)", "commands: #level, #classify, #escalate, #assign, #resolve, #close, #reopen, #note (see the ticket's current state below)"},
	"hint.format":       {"revise el formato: #escalar nivel 3 a <persona>, #asignar <persona>, #nivel 2", "check the format: #escalate level 3 to <person>, #assign <person>, #level 2"},
	"hint.did_you_mean": {"¿quiso decir «%s»? O %s", "did you mean \"%s\"? Or %s"},

	// What a sender may run now (#ayuda, and the hints).
	"may.none.roster": {
		"en el estado actual del caso usted no puede ejecutar comandos; pida a la mesa de servicio o al responsable del caso lo que necesite",
		"as the ticket stands you cannot run commands on it; ask the service desk or the ticket's assignee for what you need"},
	"may.none.outsider": {
		"responda en palabras, sin comandos: la mesa de servicio y el responsable del caso reciben su mensaje",
		"reply in plain words, without commands: the service desk and the ticket's assignee receive your message"},
	"may.some":       {"use uno de los comandos que puede ejecutar ahora: %s", "use one of the commands you may run now: %s"},
	"help.title":     {"Comandos que puede usar ahora en este caso (una línea por comando, al comienzo de su respuesta):", "Commands you may use on this ticket now (one per line, at the top of your reply):"},
	"help.whom":      {" (a quién: %s)", " (whom: %s)"},
	"help.level":     {" (nivel %d: %s)", " (level %d: %s)"},
	"help.self":      {"- #ayuda: esta lista", "- #help: this list"},
	"usage.classify": {"#nivel <1-3> · #clasificar <servicio>", "#level <1-3> · #classify <service>"},
	"usage.escalate": {"#escalar [nivel 3] [a <persona>]", "#escalate [level 3] [to <person>]"},
	"usage.assign":   {"#asignar <persona>", "#assign <person>"},
	"usage.resolve":  {"#resolver <qué se hizo>", "#resolve <what was done>"},
	"usage.close":    {"#cerrar", "#close"},
	"usage.reopen":   {"#reabrir <por qué>", "#reopen <why>"},
	"usage.note":     {"#nota <texto interno>", "#note <internal text>"},
}

// sameInBothLanguages are the entries that read the same in Spanish and
// English (punctuation); the test lets only these be equal.
var sameInBothLanguages = map[string]bool{"note.separator": true, "summary.joiner": true}

// Say words the catalogue's entry key in lang ("es" by default, "en"),
// with args in its verbs; a State among them is worded as it completes "el
// caso está …". An unknown key is a programming error, shown as the key so
// the test catches it.
func Say(lang, key string, args ...any) string {
	w, ok := words[key]
	if !ok {
		return key
	}
	if len(args) == 0 {
		return w[langIndex(lang)]
	}
	vals := make([]any, len(args))
	for i, a := range args {
		if s, ok := a.(State); ok {
			a = s.Phrase(lang)
		}
		vals[i] = a
	}
	return fmt.Sprintf(w[langIndex(lang)], vals...)
}

// Has says whether the catalogue has an entry key.
func Has(key string) bool { _, ok := words[key]; return ok }

// Identity words why a sender's identity was not verified: an identity.*
// code in lang, or the checker's own words (an authentication result) as
// they came.
func Identity(why, lang string) string {
	if strings.HasPrefix(why, "identity.") && Has(why) {
		return Say(lang, why)
	}
	return why
}
