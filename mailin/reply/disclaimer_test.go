package reply

import "testing"

func TestIsDisclaimer(t *testing.T) {
	cases := []struct {
		in   string
		want bool
	}{
		{"AVISO DE CONFIDENCIALIDAD: Este mensaje y sus anexos son de uso exclusivo de su destinatario y pueden contener información reservada.", true},
		{"Este mensaje es confidencial y está dirigido únicamente a su destinatario. Se prohíbe su divulgación sin autorización.", true},
		{"CONFIDENTIALITY NOTICE: This email is intended only for the named recipient.", true},
		{"Diese E-Mail ist vertraulich. Wenn Sie nicht der richtige Adressat sind, ist jede Weitergabe untersagt.", true},
		{"Antes de imprimir este mensaje, piense en su responsabilidad con el medio ambiente.", true},
		{"Please consider the environment before printing this email.", true},
		{"Diese E-Mail enthält vertrauliche Informationen. Wenn Sie nicht der richtige Adressat sind, ist das unerlaubte Kopieren nicht gestattet.", true},
		{"Pensez à l'environnement avant d'imprimer ce message.", true},
		{"Bitte denken Sie an die Umwelt, bevor Sie diese E-Mail ausdrucken.", true},
		{"本邮件含有机密信息，仅限收件人使用，禁止转发。", true},
		{"إخلاء مسؤولية: هذه الرسالة سرية ومخصصة للمرسل إليه فقط، ويحظر نسخها.", true},
		{"الطابعة سريعة جدا.", false},

		{"El informe es confidencial, no lo impriman.", false},
		{"No imprime en el ambiente de pruebas.", false},
		{"No puedo imprimir, la bandeja de papel está vacía.", false},
		{"Le envié al destinatario el aviso de corte.", false},
		{"Cordialmente, Luis", false},

		{"De conformidad con la Ley 1581 de 2012 y el Decreto 1377 de 2013, sus datos personales serán tratados conforme a la política de la entidad. Si usted no es el destinatario de este mensaje, bórrelo.", true},
		{"Em conformidade com a LGPD (Lei 13.709/2018), os dados pessoais deste e-mail destinam-se exclusivamente ao destinatário.", true},
		{"Under data protection law, personal data in this email is for the intended recipient only.", true},
		{"El aviso de la ley 1581 sobre datos personales no aparece en el formulario.", false},
		{"Les envío el correo con los datos personales que pide la ley 1581.", false},
		{"La base de datos personales del destinatario no carga desde ayer.", false},
		{"Ce message et ses pièces jointes sont confidentiels et destinés exclusivement au destinataire. Toute diffusion non autorisée est interdite.", true},
		{"La diffusion de la réunion ne fonctionne pas pour le destinataire.", false},
		{"Ce courriel et ses pièces jointes sont confidentiels et réservés à leur destinataire. Si vous l'avez reçu par erreur, merci de le détruire.", true},
		{"This message is confidential. If you received it in error, please delete it and tell the sender; only the addressee may read it.", true},
		{"Me llegó por error un correo confidencial para otro destinatario.", false},
		{"El sistema da error al enviar el archivo confidencial al destinatario.", false},
	}
	for _, tc := range cases {
		if got := isDisclaimer(tc.in); got != tc.want {
			t.Errorf("isDisclaimer(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

// TestTrimDisclaimerNeedsTextAbove checks that a notice alone is kept, and
// that a notice ending a reply goes while the person's last sentence,
// which says "confidencial", stays.
func TestTrimDisclaimerNeedsTextAbove(t *testing.T) {
	notice := "AVISO DE CONFIDENCIALIDAD: este mensaje es para uso exclusivo de su destinatario."
	if got := Trim(notice); got != notice {
		t.Errorf("Trim removed a notice that is all there is:\n%s", got)
	}
	in := "Adjunto el informe.\n\nEl informe es confidencial, no lo impriman.\n\n" + notice + "\n"
	if got, want := Trim(in), "Adjunto el informe.\n\nEl informe es confidencial, no lo impriman."; got != want {
		t.Errorf("Trim(%q) =\n%s\nwant\n%s", in, got, want)
	}
}

func TestIsToolBlock(t *testing.T) {
	cases := []struct {
		in   string
		want bool
	}{
		{"<https://www.avast.com/sig-email?utm_medium=email> Libre de virus. www.avast.com <https://www.avast.com/sig-email?utm_medium=email>", true},
		{"[image: Mailtrack] <https://mailtrack.io?utm_source=gmail&utm_medium=signature> Sender notified by Mailtrack 12/03/26, 10:05:12 AM", true},
		{"El equipo está libre de virus.", false},
		{"Este es el enlace del formulario: https://forms.example.gov.co/?utm_source=correo", false},
		{"Libre de virus. www.avast.com", true},
		{"Virenfrei. www.avast.com", true},
		{"Este correo electrónico ha sido analizado en busca de virus por el software antivirus Avast. www.avast.com", true},
		{"Remitente notificado con Mailtrack 03/12/26, 10:15:02", true},
		{"El equipo está libre de virus, lo revisé con el antivirus de www.example.gov.co", false},
		{"El antivirus detectó un virus en mi equipo", false},
		{"This email has been scanned for viruses and malware by McAfee.", true},
		{"Este mensaje ha sido analizado por ESET NOD32 Antivirus y se considera libre de virus.", true},
		{"Recuerde actualizar el antivirus cada semana.", false},
		{"Les comparto la alerta sobre el virus informático que circula. https://www.example.gov.co/alerta", false},
		{"Este e-mail foi verificado em termos de vírus pelo software antivírus Avast. www.avast.com", true},
		{"Creo que mi equipo tiene un virus, ¿pueden analizarlo?", false},
		{"Me notificaron que el equipo tenía virus.", false},
		{"El antivirus bloqueó https://www.example.com/descarga?utm_source=x y no puedo abrir el archivo que me mandaron desde la oficina de contratos ayer por la tarde para revisar antes del viernes", false},
	}
	for _, tc := range cases {
		if got := isToolBlock(tc.in); got != tc.want {
			t.Errorf("isToolBlock(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}
