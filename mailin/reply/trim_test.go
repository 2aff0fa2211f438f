package reply

import (
	"strings"
	"testing"
)

// trimCase is one reply and the new part a reader sees in it.
type trimCase struct {
	name string
	in   string
	want string
}

var trimCases = []trimCase{
	{
		name: "spanish outlook reply",
		in: `Buenos días, ya reinicié el equipo y sigue igual.

Gracias,
Ana Pérez
Oficina de Planeación

________________________________
De: Soporte OTI <soporte.oti@entidad.gov.co>
Enviado: lunes, 3 de marzo de 2025 10:02
Para: Ana Pérez <ana.perez@entidad.gov.co>
Asunto: [OTI #123] La impresora no imprime

Hola Ana, ¿puede reiniciar el equipo?
#cerrar
`,
		want: "Buenos días, ya reinicié el equipo y sigue igual.\n\nGracias,\nAna Pérez\nOficina de Planeación",
	},
	{
		name: "spanish outlook 2016 headers, enviado el",
		in:   "Listo.\n\nDe: Soporte OTI [mailto:soporte.oti@entidad.gov.co]\nEnviado el: lunes, 3 de marzo de 2025 10:02 a. m.\nPara: Ana\nCC: Jefe\nAsunto: RE: [OTI #123] Impresora\n\nTexto anterior",
		want: "Listo.",
	},
	{
		name: "gmail reply in spanish",
		in: `Ya funciona, gracias.

El lun, 3 mar 2025 a las 10:02, Ana <a@b.co> escribió:

> Hola, ¿ya quedó?
> #cerrar
`,
		want: "Ya funciona, gracias.",
	},
	{
		name: "gmail spanish attribution wrapped over two lines",
		in:   "Ya funciona.\n\nEl lun, 3 mar 2025 a las 10:02, Soporte de la Oficina de TI <\nsoporte.oti@entidad.gov.co> escribió:\n\n> Hola\n",
		want: "Ya funciona.",
	},
	{
		name: "iphone reply in spanish",
		in:   "Ok, lo reviso mañana.\n\nEnviado desde mi iPhone\n\nEl 3 mar 2025, a las 10:02, Soporte OTI <soporte@entidad.gov.co> escribió:\n\n> Hola Ana\n> #cerrar\n",
		want: "Ok, lo reviso mañana.",
	},
	{
		name: "android phone signature",
		in:   "Recibido.\n\nEnviado desde mi teléfono Huawei\n",
		want: "Recibido.",
	},
	{
		name: "english outlook reply",
		in: `Thanks, the printer works now.

From: IT Support <support@example.org>
Sent: Monday, March 3, 2025 10:02 AM
To: Bob <bob@example.org>
Subject: RE: [OTI #123] Printer

Hi Bob,
`,
		want: "Thanks, the printer works now.",
	},
	{
		name: "english outlook bold headers after a rule",
		in:   "Done.\n\n -----------------------------\n*From:* IT Support\n*Sent:* 2025-03-03\n*To:* bob@example.org\n*Subject:* Printer\n\nold text",
		want: "Done.",
	},
	{
		name: "original message marker in spanish",
		in:   "Adjunto el pantallazo.\n\n-----Mensaje original-----\nDe: Soporte\nEnviado: hoy\nPara: Ana\nAsunto: x\n\nviejo",
		want: "Adjunto el pantallazo.",
	},
	{
		name: "original message marker in english",
		in:   "See attached.\n\n-----Original Message-----\nFrom: Support\nSent: today\n\nold",
		want: "See attached.",
	},
	{
		name: "forwarded message in spanish",
		in:   "Les reenvío el error.\n\n---------- Mensaje reenviado ----------\nDe: Sistema <no-reply@x.co>\nFecha: lun, 3 mar 2025\nAsunto: Error\n\nDetalle del error",
		want: "Les reenvío el error.",
	},
	{
		name: "forwarded message in english",
		in:   "FYI\n\n----- Forwarded message -----\nFrom: a@b.co\nDate: Mon\nSubject: x\nTo: c@d.co\n\nbody",
		want: "FYI",
	},
	{
		name: "forwarded message with nothing above keeps the forwarded body",
		in:   "---------- Forwarded message ---------\nFrom: Sistema <no-reply@x.co>\nDate: Mon, Mar 3, 2025 at 10:02 AM\nSubject: Error\nTo: <soporte@x.co>\n\n\nEl servidor no responde.",
		want: "El servidor no responde.",
	},
	{
		name: "outlook reply with nothing typed gives nothing",
		in:   "\n\n________________________________\nDe: Soporte OTI <s@x.co>\nEnviado: lunes, 3 de marzo de 2025 10:02\nPara: Ana\nAsunto: [OTI #123] Caso asignado\n\nComandos:\n#resolver <nota>\n#escalar nivel 3\n",
		want: "",
	},
	{
		name: "original message with nothing typed gives nothing",
		in:   "-----Original Message-----\nFrom: IT\nSent: Monday\n\n#cerrar",
		want: "",
	},
	{
		name: "english gmail attribution",
		in:   "Works now.\n\nOn Mon, Mar 3, 2025 at 10:02 AM Ana <a@b.co> wrote:\n\n> Hi\n",
		want: "Works now.",
	},
	{
		name: "english attribution wrapped over two lines",
		in:   "Works.\n\nOn Mon, Feb 1, 2016 at 6:32 PM, Jeff Atwood <info@example.org>\nwrote:\n\n> Hi\n",
		want: "Works.",
	},
	{
		name: "long attribution wrapped inside the name",
		in:   "Ya funciona.\nEl lun, 3 mar 2025 a las 10:02, Oficina de Tecnologías de la\nInformación <soporte@entidad.gov.co> escribió:\n\n> Hola\n",
		want: "Ya funciona.",
	},
	{
		name: "sentence starting like an attribution is not joined to one",
		in:   "El equipo sigue fallando\nEl lun, 3 mar 2025 a las 10:02, Soporte <s@x.co> escribió:\n> Hola\n",
		want: "El equipo sigue fallando",
	},
	{
		name: "lotus notes attribution",
		in:   "Recibido.\n\nAna Pérez/ENTIDAD escribió el 03/03/2025 10:02:\n\nTexto anterior sin comillas",
		want: "Recibido.",
	},
	{
		name: "french attribution over three lines",
		in:   "C'est bon.\nLe 4 janv. 2016 19:03, \"Neil\"\n<info@example.org>\na écrit :\n\n> Bonjour\n",
		want: "C'est bon.",
	},
	{
		name: "german attribution",
		in:   "Danke.\n\nAm 21.04.2016 um 17:48 schrieb Hans <hans@example.de>:\n\n> Hallo\n",
		want: "Danke.",
	},
	{
		name: "german attribution with address wrapped before the colon",
		in:   "Danke.\n\nAm 21.04.2016 17:48 schrieb \"Hans\" <hans@example.de\n>:\n\n> Hallo\n",
		want: "Danke.",
	},
	{
		name: "portuguese attribution",
		in:   "Obrigado.\n\nEm seg., 3 de mar. de 2025 às 10:02, Ana <a@b.co> escreveu:\n\n> Olá\n",
		want: "Obrigado.",
	},
	{
		name: "italian attribution",
		in:   "Grazie.\n\nIl giorno lun 3 mar 2025 alle ore 10:02 Ana <a@b.co> ha scritto:\n\n> Ciao\n",
		want: "Grazie.",
	},
	{
		name: "dutch attribution",
		in:   "Bedankt.\n\nOp 3 mrt. 2025 om 10:02 schreef Ana <a@b.co>:\n\n> Hoi\n",
		want: "Bedankt.",
	},
	{
		name: "attribution without address",
		in:   "Sí.\n\nEl jueves, 21 de noviembre de 2013, soporte escribió:\n\n> ¿Ya?\n",
		want: "Sí.",
	},
	{
		name: "short attribution believed because a quote follows",
		in:   "Sí señor.\n\nAna escribió:\n> ¿Ya quedó?\n",
		want: "Sí señor.",
	},
	{
		name: "short attribution without a quote is text",
		in:   "Como dije en la reunión, Ana escribió:\nque el equipo estaba dañado.",
		want: "Como dije en la reunión, Ana escribió:\nque el equipo estaba dañado.",
	},
	{
		name: "quoted block at the end",
		in:   "De acuerdo.\n\n> Texto anterior\n> más texto\n",
		want: "De acuerdo.",
	},
	{
		name: "answers between quoted lines are kept",
		in:   "Respondo abajo.\n\nEl 3 mar 2025, a las 10:02, Soporte <s@x.co> escribió:\n> ¿Qué modelo es?\nHP LaserJet\n> ¿Qué piso?\nPiso 3\n> Gracias\n",
		want: "Respondo abajo.\n\n> ¿Qué modelo es?\nHP LaserJet\n> ¿Qué piso?\nPiso 3",
	},
	{
		name: "reply below the quote",
		in:   "El 3 mar 2025, a las 10:02, Soporte <s@x.co> escribió:\n\n> ¿Qué modelo es?\n\nEs una HP LaserJet.",
		want: "Es una HP LaserJet.",
	},
	{
		name: "quote then text without a marker is kept",
		in:   "> ¿Qué modelo es?\n\nEs una HP.",
		want: "> ¿Qué modelo es?\n\nEs una HP.",
	},
	{
		name: "signature delimiter",
		in:   "Listo.\n\n-- \nAna Pérez\nProfesional Universitario\nExt. 1234",
		want: "Listo.",
	},
	{
		name: "signature delimiter without the space",
		in:   "Listo.\n--\nAna",
		want: "Listo.",
	},
	{
		name: "get outlook for ios",
		in:   "Ok\n\nGet Outlook for iOS<https://aka.ms/o0ukef>\n________________________________\nFrom: IT <it@x.org>\nSent: Monday\nTo: Bob\nSubject: Re\n\nold",
		want: "Ok",
	},
	{
		name: "obtener outlook para android",
		in:   "Ok\n\nObtener Outlook para Android<https://aka.ms/ghei36>\n\n",
		want: "Ok",
	},
	{
		name: "sent from my iphone without quote",
		in:   "On my way.\n\nSent from my iPhone",
		want: "On my way.",
	},
	{
		name: "mobile signature in the middle stays",
		in:   "Enviado desde mi iPhone no se ven los adjuntos.\nPor favor revisar.",
		want: "Enviado desde mi iPhone no se ven los adjuntos.\nPor favor revisar.",
	},
	{
		name: "rules inside the text stay",
		in:   "Paso 1\n-----\nPaso 2",
		want: "Paso 1\n-----\nPaso 2",
	},
	{
		name: "header-like lines of a form stay",
		in:   "Fecha: 3 de marzo\nAsunto: impresora\nDependencia: Planeación",
		want: "Fecha: 3 de marzo\nAsunto: impresora\nDependencia: Planeación",
	},
	{
		name: "log lines with dates stay",
		in:   "El error dice:\n2025-03-03 10:02:33 ERROR disk full\n2025-03-03 10:02:34 GMT retry",
		want: "El error dice:\n2025-03-03 10:02:33 ERROR disk full\n2025-03-03 10:02:34 GMT retry",
	},
	{
		name: "crlf line endings",
		in:   "Hola\r\n\r\nEl lun, 3 mar 2025 a las 10:02, Ana <a@b.co> escribió:\r\n> x\r\n",
		want: "Hola",
	},
	{
		name: "only quoted history gives nothing",
		in:   "El lun, 3 mar 2025 a las 10:02, Ana <a@b.co> escribió:\n> x\n",
		want: "",
	},
	{
		name: "empty",
		in:   "",
		want: "",
	},
	{
		name: "invisible marks and no-break spaces",
		in:   "Listo\u00a0\n\u200b\nEl lun, 3 mar 2025 a las 10:02, Ana <a@b.co> escribió:\n> x",
		want: "Listo",
	},
	{
		name: "answers between quotes below a top attribution",
		in:   "El 2/12/26 a las 16:05, Soporte escribió:\n> ¿Piso?\n\nTres.\n\n> ¿Puesto?\n\nCatorce.\n\n> Soporte OTI\n",
		want: "> ¿Piso?\n\nTres.\n\n> ¿Puesto?\n\nCatorce.",
	},
	{
		name: "entity left in a text part",
		in:   "已收到。\n\n------------------&nbsp;原始邮件&nbsp;------------------\n发件人: \"IT支持\"<s@x.cn>;\n发送时间: 2026年12月3日 上午9:00\n主题: 工单\n",
		want: "已收到。",
	},
	{
		name: "app line with its link below",
		in:   "Listo.\n\nObtener Outlook para Android\n<https://aka.ms/ghei36>\n",
		want: "Listo.",
	},
	{
		name: "link the person wrote below a sentence",
		in:   "El portal es este:\n<https://portal.example.gov.co>\n",
		want: "El portal es este:\n<https://portal.example.gov.co>",
	},
	{
		name: "phone number above an attribution",
		in:   "Thanks!\n\nTom Baker\n+1 555 0199\n\nOn Thu, Dec 3, 2026 at 10:00 AM IT <it@x.org> wrote:\n\n> Fixed?\n",
		want: "Thanks!\n\nTom Baker\n+1 555 0199",
	},
	{
		name: "groupwise chevrons",
		in:   "Confirmo.\n\n>>> Soporte <s@x.co> 02/12/2026 3:15 p. m. >>>\nLa visita es mañana.\n",
		want: "Confirmo.",
	},
	{
		name: "chevrons in what the person wrote",
		in:   "La ruta es:\n>>> Inicio >>> Configuración >>>\nY ahí no aparece la opción.\n",
		want: "La ruta es:\n>>> Inicio >>> Configuración >>>\nY ahí no aparece la opción.",
	},
	{
		name: "bottom post below a top attribution",
		in:   "El 2/12/26 a las 16:05, Soporte escribió:\n> ¿Piso?\n> ¿Puesto?\n\nTres, puesto catorce.\n",
		want: "Tres, puesto catorce.",
	},
}

func TestTrim(t *testing.T) {
	for _, tc := range trimCases {
		t.Run(tc.name, func(t *testing.T) {
			got := Trim(tc.in)
			if got != tc.want {
				t.Errorf("Trim:\n--- got:\n%s\n--- want:\n%s", got, tc.want)
			}
		})
	}
}

// TestTrimAttributionsByLanguage checks the attribution lines that Gmail,
// Apple Mail, Thunderbird and Outlook write in the languages a public
// agency may receive, each above a quote and each below a one-line reply.
func TestTrimAttributionsByLanguage(t *testing.T) {
	attributions := map[string]string{
		"es gmail":           "El lun, 3 mar 2025 a las 10:02, Ana Pérez (<ana@x.co>) escribió:",
		"es thunderbird":     "El 3/3/25 a las 10:02, Ana Pérez escribió:",
		"es apple":           "El 3 mar 2025, a las 10:02, Ana Pérez <ana@x.co> escribió:",
		"en gmail":           "On Mon, Mar 3, 2025 at 10:02 AM Ana <ana@x.co> wrote:",
		"en apple":           "On Mar 3, 2025, at 10:02, Ana <ana@x.co> wrote:",
		"en yahoo":           "On Monday, March 3, 2025, 10:02:00 AM GMT-5, Ana <ana@x.co> wrote:",
		"en thunderbird":     "On 3/3/25 10:02 AM, Ana wrote:",
		"pt gmail":           "Em seg., 3 de mar. de 2025 às 10:02, Ana <ana@x.co> escreveu:",
		"fr gmail":           "Le lun. 3 mars 2025 à 10:02, Ana <ana@x.co> a écrit :",
		"de gmail":           "Am Mo., 3. März 2025 um 10:02 Uhr schrieb Ana <ana@x.co>:",
		"it gmail":           "Il giorno lun 3 mar 2025 alle ore 10:02 Ana <ana@x.co> ha scritto:",
		"nl gmail":           "Op ma 3 mrt 2025 om 10:02 schreef Ana <ana@x.co>:",
		"sv gmail":           "Den mån 3 mars 2025 kl 10:02 skrev Ana <ana@x.co>:",
		"pl gmail":           "pon., 3 mar 2025 o 10:02 Ana <ana@x.co> napisał(a):",
		"ru gmail":           "пн, 3 мар. 2025 г. в 10:02, Ana <ana@x.co>:",
		"tr gmail":           "Ana <ana@x.co>, 3 Mar 2025 Pzt, 10:02 tarihinde şunu yazdı:",
		"ja gmail":           "2025年3月3日(月) 10:02 Ana <ana@x.co>:",
		"zh gmail":           "Ana <ana@x.co> 于2025年3月3日周一 10:02写道：",
		"ko gmail":           "2025년 3월 3일 (월) 오전 10:02, Ana <ana@x.co>님이 작성:",
		"lotus notes":        "Ana Pérez/ENTIDAD wrote on 03/03/2025 10:02:",
		"yahoo old":          "--- On Mon, 3/3/25, Ana <ana@x.co> wrote:",
		"zoho decorated":     "---- On Mon, 03 Mar 2025 10:02:00 -0500 Ana <ana@x.co> wrote ----",
		"gmail date only":    "2025-03-03 10:02 GMT-05:00 Ana Pérez <ana@x.co>:",
		"eudora at":          "At 6/16/2016 08:32 PM, you wrote:",
		"en said":            "On Mon, Dec 2, 2026 at 9:00 AM IT Support <support@example.org> said:",
		"usenet writes":      "In message <123@example.org>, IT Support writes:",
		"de name first":      "Max Mustermann <max@example.de> schrieb am Fr., 28. Apr. 2017 um 11:53 Uhr:",
		"uk":                 "30 серп. 2016 р. 20:45 \"Arpit\" no-reply@example.com пише:",
		"zh original":        "------------------ 原始邮件 ------------------",
		"en outlook mac":     "On 12/3/26, 10:00 AM, \"IT Support\" <support@example.org> wrote:",
		"es outlook mac":     "El 3/12/26 10:00, \"Soporte OTI\" <soporte.oti@example.gov.co> escribió:",
		"de thunderbird":     "Am 03.12.26 um 10:00 schrieb IT-Support:",
		"fr thunderbird":     "Le 03/12/2026 à 10:00, Support a écrit :",
		"it thunderbird":     "Il 03/12/26 10:00, Supporto IT ha scritto:",
		"pt thunderbird":     "Em 03/12/2026 10:00, Suporte TI escreveu:",
		"nl thunderbird":     "Op 03-12-2026 om 10:00 schreef IT-support:",
		"nl apple":           "Op 3 dec. 2026 om 10:00 heeft IT-support <s@example.nl> het volgende geschreven:",
		"it apple":           "Il giorno 3 dic 2026, alle ore 10:00, Supporto <s@example.it> ha scritto:",
		"pt apple":           "Em 3 de dez. de 2026, à(s) 10:00, Suporte <s@example.com.br> escreveu:",
		"fr zimbra":          "----- Mail original -----",
		"it zimbra":          "----- Messaggio originale -----",
		"nl zimbra":          "----- Oorspronkelijk bericht -----",
		"sk":                 "Dňa 3. 12. 2026 o 10:00 Podpora <p@example.sk> napísal(a):",
		"da":                 "Den 3. dec. 2026 kl. 10.00 skrev IT <it@example.dk>:",
		"no":                 "tir. 3. des. 2026 kl. 10:00 skrev IT <it@example.no>:",
		"de hat geschrieben": "Am Di., 3. Dez. 2026, 10:00 hat IT-Support <s@example.de> geschrieben:",
		"ar gmail":           "في الثلاثاء، 3 ديسمبر 2026 10:00 ص، كتب Ana <ana@x.co>:",
		"he gmail":           "ב-3 בדצמ׳ 2026, בשעה 10:00, Ana <ana@x.co> כתב/ה:",
		"horde quoting":      "Quoting IT Support <support@example.org>:",
		"es name first":      "Soporte OTI <soporte.oti@example.gov.co> escribió el mar, 3 dic 2026 a las 10:00:",
		"zoho es":            "---- El mar, 03 dic 2026 10:00:00 -0500 Soporte OTI <soporte.oti@example.gov.co> escribió ----",
	}
	for name, attr := range attributions {
		t.Run(name, func(t *testing.T) {
			for _, in := range []string{
				"Respuesta nueva.\n\n" + attr + "\n\n> Mensaje anterior\n> #cerrar\n",
				// HTML turned into text: the quote has no marks.
				"Respuesta nueva.\n\n" + attr + "\n\nMensaje anterior\n#cerrar\n",
			} {
				if got := Trim(in); got != "Respuesta nueva." {
					t.Errorf("Trim kept history after %q:\n%s", attr, got)
				}
			}
		})
	}
}

// TestTrimHeaderBlocksByLanguage checks quoted header blocks.
func TestTrimHeaderBlocksByLanguage(t *testing.T) {
	blocks := map[string]string{
		"es outlook":     "De: Ana <ana@x.co>\nEnviado: lunes, 3 de marzo de 2025 10:02\nPara: Soporte\nAsunto: RE: caso",
		"es outlook mac": "De: Ana <ana@x.co>\nFecha: lunes, 3 de marzo de 2025, 10:02\nPara: Soporte <s@x.co>\nAsunto: Re: caso",
		"en outlook":     "From: Ana <ana@x.co>\nSent: Monday, March 3, 2025 10:02 AM\nTo: Support\nCc: Boss\nSubject: RE: case",
		"en outlook mac": "From: Ana <ana@x.co>\nDate: Monday, March 3, 2025 at 10:02 AM\nTo: Support <s@x.co>\nSubject: Re: case",
		"fr outlook":     "De : Ana <ana@x.co>\nEnvoyé : lundi 3 mars 2025 10:02\nÀ : Support\nObjet : RE: cas",
		"de outlook":     "Von: Ana <ana@x.co>\nGesendet: Montag, 3. März 2025 10:02\nAn: Support\nBetreff: AW: Fall",
		"it outlook":     "Da: Ana <ana@x.co>\nInviato: lunedì 3 marzo 2025 10:02\nA: Supporto\nOggetto: R: caso",
		"pt outlook":     "De: Ana <ana@x.co>\nEnviado: segunda-feira, 3 de março de 2025 10:02\nPara: Suporte\nAssunto: RE: caso",
		"bold":           "*De:* Ana <ana@x.co>\n*Enviado:* lunes\n*Para:* Soporte\n*Asunto:* caso",
		"wrapped from":   "From: ana@x.co [mailto:\nana@x.co]\nSent: Monday\nTo: Support\nSubject: case",
		"nl outlook":     "Van: Ana <ana@x.co>\nVerzonden: maandag 3 maart 2025 10:02\nAan: Support\nOnderwerp: RE: zaak",
		"cs outlook":     "Od: Ana <ana@x.co>\nOdesláno: pondělí 3. března 2025 10:02\nKomu: Podpora\nPředmět: RE: případ",
		"ro outlook":     "De la: Ana <ana@x.co>\nTrimis: luni, 3 martie 2025 10:02\nCătre: Suport\nSubiect: RE: caz",
		"ca outlook":     "De: Ana <ana@x.co>\nEnviat: dilluns, 3 de març de 2025 10:02\nPer a: Suport\nAssumpte: RE: cas",
		"ar outlook":     "من: Ana <ana@x.co>\nتاريخ الإرسال: الاثنين، 3 مارس 2025 10:02 ص\nإلى: Support\nالموضوع: RE: case",
		"es lotus":       "Soporte <s@x.co>\n02/12/2026 04:30 p. m.\n\nPara\nAna <ana@x.co>\ncc\n\nAsunto\nRE: caso",
		"en lotus":       "To\nAna Pérez/ENTIDAD@ENTIDAD\ncc\nSubject\nRE: case",
		"ko outlook":     "보낸 사람: Ana <ana@x.co>\n보낸 날짜: 2025년 3월 3일 월요일 오전 10:02\n받는 사람: Support\n제목: RE: case",
	}
	for name, block := range blocks {
		t.Run(name, func(t *testing.T) {
			in := "Respuesta nueva.\n\n________________________________\n" + block + "\n\nMensaje anterior\n#cerrar\n"
			if got := Trim(in); got != "Respuesta nueva." {
				t.Errorf("Trim kept history:\n%s", got)
			}
		})
	}
}

// TestTrimKeepsBareWords checks that header names alone on their lines in
// what the person wrote are no header block.
func TestTrimKeepsBareWords(t *testing.T) {
	in := "Campos del formulario:\nPara\nDe\nAsunto\n\nFaltan los tres.\n"
	if got, want := Trim(in), strings.TrimSpace(in); got != want {
		t.Errorf("Trim(%q) =\n%s", in, got)
	}
}

func TestTrimCapsInput(t *testing.T) {
	big := strings.Repeat("línea de texto\n", MaxInput/8)
	got := Trim(big)
	if len(got) > MaxInput {
		t.Fatalf("Trim returned %d bytes, more than MaxInput", len(got))
	}
	if !strings.HasPrefix(got, "línea de texto\nlínea") {
		t.Fatalf("Trim lost the start of a long body: %.40q", got)
	}
}

func TestAttributionStrength(t *testing.T) {
	cases := []struct {
		name string
		in   string
		want strength
	}{
		{"english", "On Mon, Mar 3, 2025 at 10:02 AM Ana <a@b.co> wrote:", strong},
		{"spanish without address", "El jueves, 21 de noviembre de 2013, soporte escribió:", strong},
		{"polish", "Dnia 14 lip 2015 o godz. 00:25 Michael <m@x.org> napisał(a):", strong},
		{"russian", "20 окт. 2016 г. 19:37 пользователь \"Rafael\" <r@x.org> написал:", strong},
		{"chinese", "在 2016年12月12日，下午8:45，Erlend <e@x.org> 写道：", strong},
		{"decorated without colon", "---- On Tue, 22 Dec 2015 14:17:36 +0530 Sam wrote ----", strong},
		{"date first with address", "2013/7/20 sam via Discourse <info@x.org>", strong},
		{"gmail gmt", "2016-03-03 17:21 GMT+01:00 Some One", strong},
		{"name only", "Ana escribió:", weak},
		{"name with particles", "Mesa de Servicio OTI escribió:", weak},
		{"name and auxiliary", "Ana ha scritto:", weak},
		{"noun phrase", "Der Lieferant schrieb:", none},
		{"lower-case noun", "El técnico escribió:", none},
		{"article", "The error says:", none},
		{"unknown verb after address", "2026-12-02 15:10, Ana <ana@x.tz> aliandika:", weak},
		{"arabic", "في الأربعاء، 2 ديسمبر 2026 في 3:10 م، الدعم الفني <s@x.sa> كتب:", strong},
		{"polish thunderbird", "W dniu 3.12.2026 o 10:00, Wsparcie IT pisze:", strong},
		{"hungarian gmail", "IT <it@x.hu> ezt írta (időpont: 2026. dec. 3., Csü, 10:00):", strong},
		{"parenthesis in a sentence", "Le escribí a Ana <ana@x.co> (el 3 de diciembre):", none},
		{"sentence after address", "El 3 de marzo de 2025 le escribí a Ana <ana@x.co> y me respondió esto:", none},
		{"sentence with wrote", "I wrote 3 lines below:", none},
		{"sentence ending in wrote", "On 3 occasions he wrote", none},
		{"starts with on", "On blah-blah-blah", none},
		{"log line", "2025-03-03 10:02:33 GMT+01:00 ERROR", none},
		{"form line", "Fecha: 3 de marzo", none},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := attributionStrength(tc.in); got != tc.want {
				t.Errorf("attributionStrength(%q) = %d, want %d", tc.in, got, tc.want)
			}
		})
	}
}

// TestFoldLatinAgreesWithNormalisation checks the table of fold's fast
// path against the normalising path, rune by rune and on mixed text.
func TestFoldLatinAgreesWithNormalisation(t *testing.T) {
	for r := rune(0x80); r < latinFoldEnd; r++ {
		s := "x" + string(r) + "É"
		if got, want := fold(s), foldNorm(s); got != want {
			t.Errorf("fold(%q) = %q, normalisation gives %q", s, got, want)
		}
	}
	for _, s := range []string{"Escribió", "ENVOYÉ", "Ursprüngliche", "Ǆemal", "e\u0301crit", "napisał"} {
		if got, want := fold(s), foldNorm(s); got != want {
			t.Errorf("fold(%q) = %q, normalisation gives %q", s, got, want)
		}
	}
}

// TestTextAboveAWholeAttributionStays: a short line that starts with a
// digit, above an attribution that stands on its own line, is the
// person's text, not the first piece of an attribution in pieces.
func TestTextAboveAWholeAttributionStays(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"4 - muy rápido, gracias\n\nEl Thu, 03 Dec 2026 05:38:26 -0500, Mesa de Servicio escribió:\n> Cordial saludo\n> hola\n",
			"4 - muy rápido, gracias"},
		{"5\n\nOn Thu, Dec 3, 2026 at 10:00 AM Mesa de Servicio <soporte@example.gov.co> wrote:\n> Hello\n", "5"},
		{"3 de 5, tardaron un poco\n\nEl jue, 3 dic 2026 a las 10:00, Mesa <soporte@example.gov.co> escribió:\n> x\n",
			"3 de 5, tardaron un poco"},
	} {
		if got := TrimBody(tc.in, ""); got != tc.want {
			t.Errorf("TrimBody(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
