package reply

import (
	"strings"
	"testing"
)

func TestJoinedHeaders(t *testing.T) {
	cases := []struct {
		in   string
		want bool
	}{
		{"De: Soporte OTI <soporte.oti@example.gov.co> Enviado: jueves, 3 de diciembre de 2026 10:15 a. m. Para: Ana <ana@example.gov.co> Asunto: RE: [OTI-1] Impresora", true},
		{"From: IT Support <support@example.org> Sent: Thursday, December 3, 2026 10:15 AM To: Bob <bob@example.org> Subject: RE: Printer", true},
		{"*From:* IT Support *Sent:* Thursday, December 3, 2026 10:15 AM *To:* Bob *Subject:* Printer", true},
		{"De: Soporte OTI Enviado el: jueves, 3 de diciembre de 2026 10:15 Para: Ana Ruiz", true},
		{"Von: IT-Support <support@example.de> Gesendet: Donnerstag, 3. Dezember 2026 10:15 An: Anna Betreff: Drucker", true},

		{"De: bodega principal, Para: oficina 302, Fecha: mañana", false},
		{"De: Soporte OTI <soporte.oti@example.gov.co>", false},
		{"De: Ana Ruiz, para: la jefe, fecha: hoy a las 10:15", false},
		{"Me escribió De: Soporte Enviado: hoy 10:15 Para: mí", false},
		{"De: " + strings.Repeat("a:", 600), false},
	}
	for _, tc := range cases {
		if got := joinedHeaders(tc.in); got != tc.want {
			t.Errorf("joinedHeaders(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}
