package mailout

import "time"

// toRequester lists the notifications whose sample goes to the requester, who
// must only ever see the public history.
var toRequester = map[string]bool{
	"opened_ack":    true,
	"level_changed": true,
	"comment":       true,
	"resolved":      true,
	"reopened":      true,
	"closed":        true,
	"quarantined":   true,
	"rating_thanks": true,
}

// SampleData returns realistic data for notification name in lang ("es"
// default, "en"): for previews, for the golden tests and for the check
// NewRenderer runs on every template. The same arguments always give the same
// data. The sample history holds an internal note; notifications addressed to
// the requester get PublicHistory of it, the others the whole record.
func SampleData(name, lang string) Data {
	lang = normLang(lang)
	tr := func(es, en string) string {
		if lang == "en" {
			return en
		}
		return es
	}
	at := func(day, hour, minute int) time.Time {
		return time.Date(2026, time.March, day, hour, minute, 0, 0, time.UTC)
	}

	desk := Person{Name: tr("Mesa de Servicio OTI", "OTI Service Desk"), Email: "soporte.oti@entidad.example", Role: "mesa"}
	requester := Person{Name: "María Fernanda Rojas", Email: "mrojas@entidad.example"}
	agent := Person{Name: "Carlos Gómez", Email: "cgomez@entidad.example", Role: "mesa"}
	specialist := Person{Name: "Andrés Castillo", Email: "acastillo@entidad.example", Role: "especialista"}

	d := Data{
		Desk:      DeskInfo{Name: desk.Name, Address: desk.Email},
		Lang:      lang,
		Recipient: requester,
		Ticket: TicketView{
			ID:        123,
			Ref:       "OTI-123",
			Subject:   tr("No puedo imprimir desde el equipo del piso 3", "Cannot print from the 3rd floor computer"),
			State:     "en_atencion",
			Service:   tr("Impresión", "Printing"),
			Level:     2,
			Requester: requester,
			Assignee:  &specialist,
			CreatedAt: at(2, 14, 5),
			UpdatedAt: at(3, 16, 40),
			Body: tr(
				"Buenos días,\n\nDesde ayer el equipo PC-0342 no imprime en la impresora del piso 3.\nAparece el mensaje \"Error de spooler\".\n\nGracias,\nMaría Fernanda",
				"Good morning,\n\nSince yesterday computer PC-0342 does not print on the 3rd floor printer.\nIt shows the message \"Spooler error\".\n\nThanks,\nMaría Fernanda"),
			Attachments: []string{"error-spooler.png"},
		},
		ReplyAddress: "soporte.oti+t123.k7Qz2w@entidad.example",
	}
	history := []HistoryItem{
		{At: at(2, 14, 5), Who: requester.Name, Kind: "opened", Public: true, Activities: []int{1},
			Text: tr("Solicitud recibida por correo.", "Request received by email.")},
		{At: at(2, 15, 20), Who: agent.Name, Kind: "classified", Public: true, Activities: []int{2, 3, 6},
			Text: tr("Clasificado en Impresión, nivel 2.", "Classified as Printing, level 2.")},
		{At: at(2, 15, 22), Who: agent.Name, Kind: "noted", Public: false, Activities: []int{4},
			Text: tr("La usuaria reportó esta misma impresora en enero (OTI-087); revisar garantía.",
				"The user reported this same printer in January (OTI-087); check the warranty.")},
		{At: at(2, 15, 25), Who: agent.Name, Kind: "assigned", Public: true, Activities: []int{6, 7},
			Text: tr("Asignado a Andrés Castillo.", "Assigned to Andrés Castillo.")},
	}
	resolution := tr(
		"Se reinstaló el controlador de la impresora HP del piso 3 y se limpió la cola de impresión. Se hizo una prueba de impresión con la usuaria.",
		"The driver of the 3rd floor HP printer was reinstalled and the print queue cleared. A test page was printed with the user.")
	resolvedItem := HistoryItem{At: at(3, 16, 40), Who: specialist.Name, Kind: "resolved", Public: true,
		Activities: []int{8}, Text: resolution}
	deskCommands := []string{
		tr("#nivel 2", "#level 2"),
		tr("#clasificar <servicio>", "#classify <service>"),
		tr("#escalar nivel 2 a <persona o proveedor>", "#escalate level 2 to <person or provider>"),
		tr("#asignar <persona>", "#assign <person>"),
		tr("#resolver <nota>", "#resolve <note>"),
		tr("#nota <texto>", "#note <text>"),
	}
	assigneeCommands := []string{
		tr("#resolver <nota>", "#resolve <note>"),
		tr("#escalar nivel 3 a <persona o proveedor>", "#escalate level 3 to <person or provider>"),
		tr("#asignar <persona>", "#assign <person>"),
		tr("#nota <texto>", "#note <text>"),
	}
	naming := []string{tr("#asignar", "#assign"), tr("#escalar", "#escalate")}
	closingCommands := []string{tr("#cerrar", "#close"), tr("#reabrir", "#reopen")}
	staff := []LevelStaff{
		{Level: 2, People: []Person{{Name: specialist.Name, Email: specialist.Email, Role: specialist.Role, Alias: "acastillo"},
			{Name: "Soporte en sitio, sede norte", Email: "sitio.norte@entidad.example", Role: "sitio", Alias: "sitio1"}}},
		{Level: 3, People: []Person{{Name: "Soporte Redes S.A.S.", Email: "soporte@proveedor.example", Role: "proveedor", Alias: "proveedor1"}}},
	}
	files := []FileView{
		{ID: 41, Name: "error-spooler.png", Size: 184_320, Attached: true},
		{ID: 42, Name: tr("registro-eventos.zip", "event-log.zip"), Size: 14_680_064, OverLimit: true},
	}

	switch name {
	case "opened_ack":
		d.Ticket.State, d.Ticket.Level, d.Ticket.Assignee, d.Ticket.Service = "nuevo", 1, nil, ""
		d.Ticket.UpdatedAt = d.Ticket.CreatedAt
		d.LinkedRef = "OTI-098"
	case "opened_desk":
		d.Recipient = desk
		d.Ticket.State, d.Ticket.Level, d.Ticket.Assignee, d.Ticket.Service = "nuevo", 1, nil, ""
		d.Ticket.UpdatedAt = d.Ticket.CreatedAt
		d.Commands = deskCommands
		d.Staff, d.Naming = staff, naming
		d.LinkedRef = "OTI-098"
		d.Ticket.Files = []FileView{{ID: 41, Name: "error-spooler.png", Size: 184_320}}
	case "level_changed":
		d.Actor = &agent
		d.History = history
	case "case_assigned":
		d.Recipient = specialist
		d.Actor = &agent
		d.Text = tr("Por favor revisar el servicio de cola de impresión del equipo; la usuaria está disponible en la tarde.",
			"Please check the computer's print spooler service; the user is available in the afternoon.")
		d.History = history
		d.Commands = assigneeCommands
		d.Staff, d.Naming = staff[1:], naming
		d.Ticket.Files = files
	case "comment":
		d.Actor = &specialist
		d.Text = tr("Buenas tardes. Reinicié el servicio de impresión de forma remota.\n¿Podría intentar de nuevo y confirmarnos?",
			"Good afternoon. I restarted the print service remotely.\nCould you try again and let us know?")
		d.History = history
	case "resolved":
		d.Actor = &specialist
		d.Ticket.State = "resuelto"
		d.Text = resolution
		d.History = append(history, resolvedItem)
	case "resolved_desk":
		d.Recipient = desk
		d.Actor = &specialist
		d.Ticket.State = "resuelto"
		d.Text = resolution
		d.Commands = closingCommands
	case "reopened", "reopened_notice":
		if name == "reopened_notice" {
			d.Recipient = specialist
		}
		d.Actor = &requester
		d.Ticket.State, d.Ticket.Level, d.Ticket.Assignee = "en_atencion", 1, nil
		d.Text = tr("La impresora volvió a fallar esta mañana con el mismo mensaje.",
			"The printer failed again this morning with the same message.")
		d.History = append(history, resolvedItem)
	case "closed":
		d.AskRating = true
		d.Actor = &agent
		d.Ticket.State = "cerrado"
		d.Text = resolution
		d.History = append(history, resolvedItem)
	case "rating_thanks":
		d.Ticket.State = "cerrado"
		d.Rating = 4
		d.Text = tr("Muy amables, aunque tardaron un poco.", "Very kind, though it took a while.")
	case "command_result":
		d.Recipient = specialist
		d.Actor = &specialist
		d.Results = []CommandResult{
			{Line: tr("#escalar nivel 3 a soporte@proveedor.example", "#escalate level 3 to soporte@proveedor.example"),
				Applied: true,
				Summary: tr("Nivel 2 → Nivel 3; ahora lo atiende Soporte Redes S.A.S.", "Level 2 → Level 3; now attended by Soporte Redes S.A.S.")},
			{Line: tr("#cerrar", "#close"), Applied: false,
				Reason: tr("Solo la Mesa de Servicio hace el cierre definitivo (actividad 11).",
					"Only the Service Desk makes the definitive closure (activity 11)."),
				Hint: tr("Cuando el caso esté solucionado use #resolver <nota>.", "When the case is solved use #resolve <note>.")},
		}
	case "quarantined":
		d.Reason = tr("El mensaje supera el tamaño máximo permitido (25 MB).",
			"The message exceeds the maximum size allowed (25 MB).")
	case "delivery_failed":
		d.Recipient = desk
		d.Actor = &requester
		d.Reason = "550 5.1.1 <mrojas@entidad.example>: Recipient address rejected: User unknown"
		d.Text = tr("[OTI-123] Su solicitud fue resuelta", "[OTI-123] Your request was resolved")
	case "reminder":
		d.Recipient = specialist
		d.Waiting = tr("3 días hábiles", "3 business days")
		d.Commands = assigneeCommands
	case "comment_on_resolved":
		d.Recipient = desk
		d.Actor = &requester
		d.Ticket.State = "resuelto"
		d.Text = tr("Gracias, pero todavía aparece el error cuando imprimo a doble cara.",
			"Thank you, but the error still appears when I print double-sided.")
		d.Commands = closingCommands
	}
	if toRequester[name] {
		d.History = PublicHistory(d.History)
	}
	return d
}
