package reply

import "testing"

// trimCheck is a whole reply and what Trim must return.
type trimCheck struct{ name, in, want string }

// checkTrims reports every check whose Trim result differs.
func checkTrims(t *testing.T, cases []trimCheck) {
	t.Helper()
	for _, c := range cases {
		if got := Trim(c.in); got != c.want {
			t.Errorf("%s:\n got: %q\nwant: %q", c.name, got, c.want)
		}
	}
}

// TestOfficeSignature checks the office block rule on whole replies: what
// it cuts, and the name blocks, lists and commands it must leave alone.
func TestOfficeSignature(t *testing.T) {
	cases := []trimCheck{
		{"name signed then office block",
			"Hola Adam\n\nGut, und dir?\n\nEva\n\nMag. Eva Musterfrau\nA-1000 Wien, Grüngasse 1\nTel: +43 1 555 0333\n",
			"Hola Adam\n\nGut, und dir?\n\nEva"},
		{"sign-off with name then office block",
			"Listo, ya funciona.\n\nSaludos, Luis\n\nLuis Gómez Rincón\nCarrera 7 # 32-16\nCel. 300 555 1234\n",
			"Listo, ya funciona.\n\nSaludos, Luis"},
		{"name and title joined by a bar below a sentence",
			"Ya recibí el portátil.\n\nAna Ruiz | Profesional Universitaria\nSecretaría General\n",
			"Ya recibí el portátil."},
		{"long block with phone and web site",
			"Favor revisar el equipo del puesto 12.\n\nMartha Rincón\nProfesional Especializado\nOficina Asesora Jurídica\nConmutador: (+57) 601 555 7000\nwww.example.gov.co\n",
			"Favor revisar el equipo del puesto 12."},
		{"long block in Portuguese",
			"Obrigado pelo retorno.\n\nJoão Silva\nAnalista de Sistemas\nSecretaria de Finanças\nRua Augusta, 1500 - São Paulo\nTel.: +55 11 5555-0100\n",
			"Obrigado pelo retorno."},
		{"keeps sign-off and name block", // the named cases' rule
			"Gracias por todo.\n\nAtentamente,\nLuis Gómez\nCoordinador de Archivo\n",
			"Gracias por todo.\n\nAtentamente,\nLuis Gómez\nCoordinador de Archivo"},
		{"keeps Cordialmente, Luis",
			"Muchas gracias.\n\nCordialmente, Luis\n",
			"Muchas gracias.\n\nCordialmente, Luis"},
		{"keeps a short reply of two lines",
			"Gracias\nLuis\n",
			"Gracias\nLuis"},
		{"keeps name and phone typed below a sentence",
			"Gracias, ya recibí el equipo.\n\nCamila Ortiz\nCel. 300 555 1234\n",
			"Gracias, ya recibí el equipo.\n\nCamila Ortiz\nCel. 300 555 1234"},
		{"keeps the data a line announces",
			"Los datos del usuario nuevo son:\n\nMaría López Pardo\nmaria.lopez@example.gov.co\nCarrera 7 # 32-16, piso 3\nExt. 1234 y 601 555 0100\n",
			"Los datos del usuario nuevo son:\n\nMaría López Pardo\nmaria.lopez@example.gov.co\nCarrera 7 # 32-16, piso 3\nExt. 1234 y 601 555 0100"},
		{"keeps a block with a command",
			"Ya quedó instalado.\n\nLuis Gómez | Técnico\n#resolver instalado\n",
			"Ya quedó instalado.\n\nLuis Gómez | Técnico\n#resolver instalado"},
		{"keeps a block that is the whole message",
			"Martha Rincón\nProfesional Especializado\nConmutador: (+57) 601 555 7000\nwww.example.gov.co\n",
			"Martha Rincón\nProfesional Especializado\nConmutador: (+57) 601 555 7000\nwww.example.gov.co"},
		{"keeps a list of people with addresses",
			"Favor crear estos usuarios.\n\nLuis Gómez\nluis.gomez@example.gov.co\n300 555 1234\nAna Ruiz\nana.ruiz@example.gov.co\n301 555 9876\n",
			"Favor crear estos usuarios.\n\nLuis Gómez\nluis.gomez@example.gov.co\n300 555 1234\nAna Ruiz\nana.ruiz@example.gov.co\n301 555 9876"},
		{"keeps a table typed with bars",
			"Estos son los usuarios a crear.\n\nNombre | Cargo\nLuis Gómez | Técnico\nAna Ruiz | Auxiliar\n",
			"Estos son los usuarios a crear.\n\nNombre | Cargo\nLuis Gómez | Técnico\nAna Ruiz | Auxiliar"},
		{"cuts a bar signature with social links",
			"Listo.\n\nAna Ruiz | Profesional\nwww.example.gov.co | Facebook | X\n",
			"Listo."},
		{"keeps an address someone typed",
			"Favor enviar el técnico a esta dirección.\n\nEdificio Central\nCarrera 7 # 32-16, piso 3\nTel. 601 555 0100\nPreguntar por Luis\n",
			"Favor enviar el técnico a esta dirección.\n\nEdificio Central\nCarrera 7 # 32-16, piso 3\nTel. 601 555 0100\nPreguntar por Luis"},
		{"keeps the details of someone to call",
			"Ya no estoy en la oficina.\n\nContactar a Eva\n\nEva Musterfrau\nTel: +43 1 555 0333\n",
			"Ya no estoy en la oficina.\n\nContactar a Eva\n\nEva Musterfrau\nTel: +43 1 555 0333"},
		{"keeps On the other hand",
			"The printer works.\n\nOn the other hand, the scanner does not.\n",
			"The printer works.\n\nOn the other hand, the scanner does not."},
	}
	checkTrims(t, cases)
}

// TestLoneEmDashRule: a lone "—" is a signature rule only with a blank
// line above and a block of two lines or more below.
func TestLoneEmDashRule(t *testing.T) {
	checkTrims(t, []trimCheck{
		{"rule, name and office", "Listo.\n\n—\nAna Ruiz\nMesa de ayuda\n", "Listo."},
		{"dash right under the text", "Gracias por todo.\n—\nLuis\n", "Gracias por todo.\n—\nLuis"},
		{"a name alone below", "Listo.\n\n—\nAna Ruiz\n", "Listo.\n\n—\nAna Ruiz"},
	})
}

// TestAnswersInsideOutlookBlock: answers written into the message Outlook
// quotes stay; a quoted message with no answers in it goes whole.
func TestAnswersInsideOutlookBlock(t *testing.T) {
	hdr := "De: Soporte OTI <soporte.oti@example.gov.co>\nEnviado: jueves, 3 de diciembre de 2026 10:00\nPara: Ana Ruiz <aruiz@example.gov.co>\nAsunto: RE: [OTI-1] Datos\n\n"
	cases := []trimCheck{
		{"arrow answers", "Respondo abajo.\n\n" + hdr + "¿Piso? >> 5\n¿Puesto? >> 18\n",
			"Respondo abajo.\n\n\n¿Piso? >> 5\n¿Puesto? >> 18"},
		{"label under a question", "Ver abajo.\n\n" + hdr + "¿El equipo enciende?\nRta: no\n",
			"Ver abajo.\n\n\n¿El equipo enciende?\nRta: no"},
		{"answers stop at the next marker", "Ver abajo.\n\n" + hdr + "¿Piso? >> 5\n\n-----Mensaje original-----\nDe: Ana\n¿Piso? >> no sé\n",
			"Ver abajo.\n\n\n¿Piso? >> 5"},
		{"answers with nothing above the headers", hdr + "¿Piso? >> 5\n¿Puesto? >> 18\n",
			"¿Piso? >> 5\n¿Puesto? >> 18"},
		{"nothing above and no answers", hdr + "¿Ya funciona?\n", ""},
		{"no answers: the quoted message goes", "Gracias.\n\n" + hdr + "¿Ya funciona?\nRecuerde reiniciar: es importante.\nFecha: 3 de diciembre\n",
			"Gracias."},
		{"a label with no question above is no answer", "Gracias.\n\n" + hdr + "Respuesta: la solicitud quedó registrada.\n",
			"Gracias."},
		{"an arrow without a question is no answer", "Gracias.\n\n" + hdr + "Inicio >> Configuración >> Red\n",
			"Gracias."},
	}
	checkTrims(t, cases)
}

// TestQuoteWrappedWithoutMarks: a long quoted line that the client wrapped
// without quoting the rest is one quote; a short answer under a short
// quoted question is an answer.
func TestQuoteWrappedWithoutMarks(t *testing.T) {
	checkTrims(t, []trimCheck{
		{"wrapped quote", "Listo.\n\nEl mar, 3 dic 2026 a las 10:00, Soporte <s@example.gov.co> escribió:\n> Le informamos que la solicitud quedó registrada y que un técnico lo visitará en\nla tarde de hoy.\n>\n",
			"Listo."},
		{"terse answers between short quotes", "Respondo.\n\nEl mar, 3 dic 2026 a las 10:00, Soporte <s@example.gov.co> escribió:\n> ¿Piso?\ntres\n> ¿Puesto?\ndoce\n",
			"Respondo.\n\n> ¿Piso?\ntres\n> ¿Puesto?\ndoce"},
	})
}
