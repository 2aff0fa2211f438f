package reply

import "testing"

func TestIsDeviceSignature(t *testing.T) {
	yes := []string{
		"Enviado desde mi iPhone",
		"Enviado desde mi smartphone Samsung Galaxy.",
		"Enviado desde [Correo](https://go.microsoft.com/fwlink/?LinkId=550986) para Windows",
		"Enviado desde Yahoo Mail con Android",
		"Enviado a través de Gmail",
		"(enviado desde el móvil)",
		"Obtener [Outlook para Android](https://aka.ms/AAb9ysg)",
		"Get Outlook for iOS<https://aka.ms/o0ukef>",
		"Sent from my T-Mobile 4G LTE Device",
		"Sent from TypeApp<http://www.typeapp.com/r?b=2621>",
		"Sent from TypeApp",
		"<<sent by galaxy>>",
		"(sent from a phone)",
		"Sent with Proton Mail secure email.",
		"Enviado con el correo electrónico seguro de Proton Mail.",
		"Sent from my BlackBerry® smartphone on the Rogers network.",
		"Envoyé à partir de Outlook pour Android<https://aka.ms/ghei36>",
		"Enviado a partir de mi Samsung Galaxy",
		"Enviado desde mi teléfono inteligente Samsung Galaxy de Claro.",
		"Enviado desde mi BlackBerry® de Tigo",
		"Sent from my Samsung Galaxy smartphone on the Verizon network",
		"Envoyé avec la messagerie sécurisée de Proton Mail.",
		"Sent via the Samsung Galaxy S21 5G, an AT&T 5G smartphone",
		"Sent from the all new AOL app for iOS",
		"Verzonden met de Telfort app",
		"Von meinem Mobilgerät gesendet",
		"Diese Nachricht wurde von meinem Android-Mobiltelefon mit K-9 Mail gesendet.",
		"Nik from mobile",
		"From My Iphone 6",
		"Sent via mobile",
		"Sent with Airmail",
		"Sent from Windows Mail",
		"Sent from my TI-85",
		"Sent from a magnificent torch of pixels",
		"Sent via Superhuman",
		"Outlook für iOS beziehen",
		"(Sent from mobile device)",
		"Ana from mobile",
		"Enviado do meu iPhone",
		"Obter o Outlook para Android<https://aka.ms/ghei36>",
		"Envoyé de mon iPhone",
		"Envoyé depuis mon appareil Galaxy",
		"Télécharger Outlook pour Android<https://aka.ms/ghei36>",
		"Von meinem iPhone gesendet",
		"Gesendet von Outlook für Android<https://aka.ms/AAb9ysg>",
		"Inviato da iPhone",
		"Ottieni Outlook per Android<https://aka.ms/ghei36>",
		"Verstuurd vanaf mijn iPhone",
		"Outlook voor Android downloaden",
		"Skickat från min iPhone",
		"Wysłane z iPhone'a",
		"Отправлено с iPhone",
		"iPhone'umdan gönderildi",
		"发自我的iPhone",
		"從我的 iPhone 傳送",
		"iPhoneから送信",
		"iPhone에서 보냄",
		"Odesláno z iPhonu",
		"Poslano s mog iPhonea",
		"Lähetetty iPhonesta",
		"Az iPhone-omról küldve",
		"Trimis de pe iPhone-ul meu",
		"Στάλθηκε από το iPhone μου",
		"Gửi từ iPhone của tôi",
		"Dikirim dari iPhone saya",
		"נשלח מה-iPhone שלי",
		"أُرسلت من الـ iPhone",
		"मेरे iPhone से भेजा गया",
		"ส่งจาก iPhone ของฉัน",
		"Надіслано з iPhone",
		"来自网易邮箱大师",
		"iOS 版 Outlook<https://aka.ms/o0ukef> を入手",
		"获取 Outlook for Android",
		"Отправлено из мобильной Почты Mail.ru",
	}
	no := []string{
		"Enviado desde mi iPhone no se ven los adjuntos.",
		"Enviado desde mi iPhone no se ven los adjuntos",
		"Lo envié desde mi celular",
		"Envié desde mi celular la foto",
		"Enviado el informe por correo",
		"Enviado por Luis",
		"Enviado desde la oficina de archivo",
		"Descargar el instalador para Windows.",
		"Descargar el instalador para Windows",
		"Outlook en Android no sincroniza",
		"Outlook para Android falla",
		"The notification was sent from my iPhone app to all users.",
		"¿Enviado desde mi iPhone?",
		"Correo de Ana",
		"Cordialmente, Luis",
		"Mi celular es 300 123 4567",
		"Desde mi celular no puedo abrir el correo",
		"From my phone the app crashes",
		"手机坏了",
		"这封邮件来自公司邮箱，请查收。",
		"Outlook 无法获取新邮件，请帮忙",
		"El equipo fue enviado",
		"El iPhone fue enviado a reparación",
		"Мой iPhone сломался",
		"Enviado con copia a Ana, el error sigue en Outlook.",
		"Enviado desde mi iPhone porque la red de la oficina no funciona",
		"Enviado a partir de mañana",
		"Enviado desde la oficina de archivo del segundo piso",
		"Sent from a colleague's account.",
		"Sent via courier",
		"Enviado vía Servientrega",
		"Enviado mediante Servientrega",
		"Enviado desde un punto de Servientrega",
		"Enviado por Luis",
		"Sent from a friend, this link is broken",
		"Enviado desde mi teléfono inteligente de la oficina nueva",
		"Enviado desde mi iPhone de la oficina porque no tengo computador",
		"Enviado con el formulario que pidieron el error de Outlook.",
	}
	for _, s := range yes {
		if !isDeviceSignature(s) {
			t.Errorf("isDeviceSignature(%q) = false, want true", s)
		}
	}
	for _, s := range no {
		if isDeviceSignature(s) {
			t.Errorf("isDeviceSignature(%q) = true, want false", s)
		}
	}
}

func TestQuotePrefix(t *testing.T) {
	cases := map[string]int{
		"> texto":      1,
		">> texto":     1,
		"C> texto":     2,
		"JG> texto":    3,
		"JG>":          3,
		"| texto":      1,
		"|":            1,
		"| a | b |":    0,
		"A>B":          0,
		"NOTA> texto":  0,
		"Ana> texto":   0,
		"texto > otro": 0,
	}
	for in, want := range cases {
		if got := quotePrefix(in); got != want {
			t.Errorf("quotePrefix(%q) = %d, want %d", in, got, want)
		}
	}
}

func TestMarkerLineKind(t *testing.T) {
	cases := map[string]markerKind{
		"-----Mensaje original-----":                                    mkOriginal,
		"-------- Oprindelig besked --------":                           mkOriginal,
		"----- Ursprüngliche Mail -----":                                mkOriginal,
		"-------- Message d'origine --------":                           mkOriginal,
		"---------- Mensaje reenviado ---------":                        mkForward,
		"----- Message transféré -----":                                 mkForward,
		"Begin forwarded message:":                                      mkForward,
		"El mensaje original se perdió":                                 mkNone,
		"-- el original está en la carpeta compartida de la oficina --": mkNone,
		"original": mkNone,
	}
	for in, want := range cases {
		if got := markerLineKind(in); got != want {
			t.Errorf("markerLineKind(%q) = %d, want %d", in, got, want)
		}
	}
}

// TestTrimKeepsWhatThePersonWrote holds text that looks like history or
// a signature to a careless rule and must stay.
func TestTrimKeepsWhatThePersonWrote(t *testing.T) {
	keep := map[string]string{
		"instruction steps":        "Pasos para configurar:\n\nDescargar Outlook para Android\n\nIniciar sesión con el usuario de la entidad.",
		"steps below dashes":       "Paso 1\n-----\nLuis Gómez revisa\nAna aprueba",
		"phone list below a rule":  "Los contactos del proveedor son:\n-----\nSoporte 601 555 0100\nGuardia 300 123 4567",
		"table rows":               "Resultado:\n| equipo | estado |\n| PC-12 | dañado |",
		"last line about outlook":  "Hola,\n\nOutlook en Android no sincroniza",
		"sent from in a sentence":  "Adjunto la foto.\nLa envié desde mi celular",
		"dated sentence then name": "El 3 de diciembre vino el técnico.\n\nLuis\n\ndijo que volvía.",
		"on the other hand":        "Works now.\n\nOn the other hand, the scanner fails.",
		"sign-off":                 "Gracias.\n\nCordialmente, Luis",
		"visit details":            "Datos de la visita:\n\nFecha: 4 de diciembre de 2026\nHora: 10 a. m.\nPara: la doctora Ruiz\n\nGracias.",
		"lower-case from and to":   "Mover los archivos:\nde: servidor antiguo\npara: servidor nuevo\nasunto: contratos",
		"from and to without mail": "Traslado:\nDe: Bodega central\nPara: Oficina 301\n\nSon dos cajas.",
	}
	for name, in := range keep {
		t.Run(name, func(t *testing.T) {
			if got := Trim(in); got != in {
				t.Errorf("Trim cut what the person wrote:\n--- got:\n%s\n--- want:\n%s", got, in)
			}
		})
	}
}

func TestTrimCutsSignatureBelowRule(t *testing.T) {
	cases := map[string]string{
		"underscores": "Listo.\n\nSaludos,\n__\nLuis Gómez\nOficina de Planeación\nTel. 601 555 0100 ext. 1234",
		"em dashes":   "Thanks for the update!\n\nCheers\nSarah\n\n—————\nSarah Johnson\nProduct Manager\nsarah@example.com",
		"no contact":  "Gracias.\n\n___\nLuis Gómez\nJefe de Sistemas",
	}
	want := map[string]string{
		"underscores": "Listo.\n\nSaludos,",
		"em dashes":   "Thanks for the update!\n\nCheers\nSarah",
		"no contact":  "Gracias.",
	}
	for name, in := range cases {
		if got := Trim(in); got != want[name] {
			t.Errorf("%s: Trim:\n--- got:\n%s\n--- want:\n%s", name, got, want[name])
		}
	}
}

// TestTablesAreFolded checks that every word table is keyed by folded
// words: a key with an accent or a capital would never match.
func TestTablesAreFolded(t *testing.T) {
	tables := map[string]map[string]bool{
		"sentVerbs": sentVerbs, "fromWords": fromWords, "getVerbs": getVerbs,
		"possessives": possessives, "appWords": appWords, "platformWords": platformWords,
		"deviceWords": deviceWords, "originWords": originWords, "finalVerbs": finalVerbs,
		"introWords": introWords, "beginWords": beginWords, "messageWords": messageWords, "weekdays": weekdays, "quotingWords": quotingWords,
		"originalWords": originalWords, "forwardWords": forwardWords,
	}
	for name, table := range tables {
		for k := range table {
			if fold(k) != k {
				t.Errorf("%s: key %q is not folded (%q)", name, k, fold(k))
			}
		}
	}
	for k := range headerNames {
		if fold(k) != k {
			t.Errorf("headerNames: key %q is not folded (%q)", k, fold(k))
		}
	}
	for _, k := range unspacedSent {
		if fold(k) != k {
			t.Errorf("unspacedSent: %q is not folded (%q)", k, fold(k))
		}
	}
	for k := range markerPhrases {
		if fold(k) != k {
			t.Errorf("markerPhrases: key %q is not folded (%q)", k, fold(k))
		}
	}
}
