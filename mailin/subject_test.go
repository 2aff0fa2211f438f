package mailin

import (
	"testing"

	"github.com/ticketd/ticketd/tickets"
)

func TestFollowUpSubject(t *testing.T) {
	closed := &tickets.Ticket{Subject: "Pantalla azul al iniciar"}
	tests := []struct{ in, want string }{
		{"Re: [OTI-2] Caso cerrado: Pantalla azul al iniciar", "Pantalla azul al iniciar"},
		{"RE: RE: [OTI-2] Case closed: Pantalla azul al iniciar", "Pantalla azul al iniciar"},
		{"Re: [OTI-2] Caso cerrado: Pantalla azul al ini…", "Pantalla azul al iniciar"},
		{"RV: Re[2]: [OTI 2] Pantalla azul al iniciar", "Pantalla azul al iniciar"},
		{"AW: Pantalla azul otra vez", "Pantalla azul otra vez"},
		{"Re: [OTI-2] Ahora no imprime", "Ahora no imprime"},
		{"Nueva solicitud", "Nueva solicitud"},
		{"Re: ", ""},
		// Not shortened by us: the person's own words stay.
		{"Re: Ayuda: Pantalla azul", "Ayuda: Pantalla azul"},
	}
	for _, tt := range tests {
		if got := followUpSubject(tt.in, "OTI", closed); got != tt.want {
			t.Errorf("followUpSubject(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func FuzzFollowUpSubject(f *testing.F) {
	f.Add("Re: [OTI-2] Caso cerrado: x", "x")
	f.Fuzz(func(t *testing.T, subject, orig string) {
		_ = followUpSubject(subject, "OTI", &tickets.Ticket{Subject: orig})
	})
}
