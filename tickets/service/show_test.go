package service_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/ticketd/ticketd/tickets/service"
)

// TestShowSaysWhatHappened: a reopening's activities read as a return to
// level 1, not as a closure; a comment reads as documented attention, not
// as "level 2 attends"; states are words, not identifiers; a held
// notification says so.
func TestShowSaysWhatHappened(t *testing.T) {
	at := time.Date(2026, 3, 2, 15, 0, 0, 0, time.UTC)
	d := service.DetailJSON{
		TicketJSON: service.TicketJSON{Ref: "OTI-4", Subject: "Pantalla azul", State: "en_atencion", Level: 1},
		Events: []service.EventJSON{
			{At: at, Kind: "commented", Activities: []int{7}, Actor: "ana@example.gov.co", Level: 2, State: "resuelto", Public: true},
			{At: at, Kind: "reopened", Activities: []int{11, 4}, Actor: "ana@example.gov.co", Level: 1, State: "en_atencion", Public: true},
		},
		Messages: []service.MessageJSON{{Direction: "out", To: []string{"ana@example.gov.co"}, Subject: "[OTI-4] Recibimos", At: at, Status: "held"}},
	}
	var b bytes.Buffer
	service.PrintDetail(&b, d)
	out := b.String()
	for _, want := range []string{"11 No se cierra: vuelve a nivel 1", "7 Atención documentada en nivel 2", "estado: en atención",
		"retenido, no se envió"} {
		if !strings.Contains(out, want) {
			t.Errorf("tickets show lacks %q:\n%s", want, out)
		}
	}
	for _, not := range []string{"Cierre definitivo", "Nivel 2 atiende", "en_atencion"} {
		if strings.Contains(out, not) {
			t.Errorf("tickets show says %q:\n%s", not, out)
		}
	}
}
