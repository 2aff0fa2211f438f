package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/ticketd/ticketd/tickets/service"
)

// TestShowSaysWhatHappened: a reopening's activities read as a return to
// level 1, not as a closure; a comment reads as documented attention, not
// as "level 2 attends"; states are words; a held notification says so; a
// rating shows its score; in both languages.
func TestShowSaysWhatHappened(t *testing.T) {
	at := time.Date(2026, 3, 2, 15, 0, 0, 0, time.UTC)
	d := service.DetailJSON{
		TicketJSON: service.TicketJSON{Ref: "OTI-4", Subject: "Pantalla azul", State: "en_atencion", Level: 1, Requester: "ana@example.gov.co",
			RequesterName: "Ana María Suárez"},
		Events: []service.EventJSON{
			{At: at, Kind: "commented", Activities: []int{7}, Actor: "ana@example.gov.co", Level: 2, State: "en_atencion", Public: true},
			{At: at, Kind: "reopened", Activities: []int{11, 4}, Actor: "ana@example.gov.co", Level: 1, State: "en_atencion", Public: true},
			{At: at, Kind: "rated", Actor: "ana@example.gov.co", Level: 1, State: "cerrado", Rating: 4},
		},
		Messages: []service.MessageJSON{{Direction: "out", To: []string{"ana@example.gov.co"}, Subject: "[OTI-4] Recibimos", At: at, Status: "held"}},
	}
	for _, tc := range []struct {
		lang      string
		want, not []string
	}{
		{"es", []string{"Solicitante: Ana María Suárez", "11 No se cierra: vuelve a nivel 1", "7 Atención documentada en nivel 2", "Estado: en atención",
			"retenido, no se envió", "calificación", "4 de 5"}, []string{"Cierre definitivo", "Nivel 2 atiende", "en_atencion"}},
		{"en", []string{"11 Not closed: back to level 1", "7 Attention documented at level 2", "State: in progress",
			"held back, not sent", "rating", "4 out of 5"}, []string{"Definitive closure", "Level 2 attends", "en_atencion", "retenido"}},
	} {
		var b bytes.Buffer
		writeDetail(&b, tc.lang, func(s string) string { return s }, d)
		out := b.String()
		for _, w := range tc.want {
			if !strings.Contains(out, w) {
				t.Errorf("%s: tickets show lacks %q:\n%s", tc.lang, w, out)
			}
		}
		for _, n := range tc.not {
			if strings.Contains(out, n) {
				t.Errorf("%s: tickets show says %q:\n%s", tc.lang, n, out)
			}
		}
	}
}

// TestShowPrintsAPersonsNote: a person's note is printed whole, not its
// first line only, up to a screenful; then the rest is counted.
func TestShowPrintsAPersonsNote(t *testing.T) {
	at := time.Date(2026, 3, 2, 15, 0, 0, 0, time.UTC)
	long := make([]string, 20)
	for i := range long {
		long[i] = "renglón " + strings.Repeat("x", i+1)
	}
	d := service.DetailJSON{
		TicketJSON: service.TicketJSON{Ref: "OTI-5", Subject: "Red", State: "en_atencion", Level: 1, Requester: "ana@example.gov.co"},
		Events: []service.EventJSON{
			{At: at, Kind: "noted", Actor: "jgomez@example.gov.co", Level: 1, State: "en_atencion", Note: "#cerrar\n\nCierro esto: ya quedó."},
			{At: at, Kind: "noted", Actor: "jgomez@example.gov.co", Level: 1, State: "en_atencion", Note: strings.Join(long, "\n")},
		},
	}
	for lang, more := range map[string]string{"es": "… (12 líneas más; --json las muestra todas)", "en": "… (12 more lines; --json shows them all)"} {
		var b bytes.Buffer
		writeDetail(&b, lang, func(s string) string { return s }, d)
		out := b.String()
		for _, w := range []string{"#cerrar", "Cierro esto: ya quedó.", long[0], long[7], more} {
			if !strings.Contains(out, w) {
				t.Errorf("%s: tickets show lacks %q:\n%s", lang, w, out)
			}
		}
		if strings.Contains(out, long[8]+"\n") {
			t.Errorf("%s: tickets show prints more than a screenful:\n%s", lang, out)
		}
	}
}
