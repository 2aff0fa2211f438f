package reply

import "testing"

func TestParseRating(t *testing.T) {
	tests := []struct {
		in    string
		score int
		text  string
		no    bool
	}{
		{in: "5", score: 5},
		{in: "  4\n", score: 4},
		{in: "4 - muy buena atención", score: 4, text: "muy buena atención"},
		{in: "3: tardaron un poco", score: 3, text: "tardaron un poco"},
		{in: "5/5 excelente", score: 5, text: "excelente"},
		{in: "2 de 5, demoraron mucho", score: 2, text: "demoraron mucho"},
		{in: "5 estrellas", score: 5},
		{in: "Calificación: 4\nMuy amables.", score: 4, text: "Muy amables."},
		{in: "calificacion 1", score: 1},
		{in: "Rating: 5 - great", score: 5, text: "great"},
		{in: "★★★★", score: 4},
		{in: "⭐️⭐️⭐️⭐️⭐️ gracias", score: 5, text: "gracias"},
		{in: "1\n\nNo me resolvieron nada.", score: 1, text: "No me resolvieron nada."},
		{in: "1. El equipo volvió a fallar", no: true},
		{in: "2) otra vez", no: true},
		{in: "10", no: true},
		{in: "6", no: true},
		{in: "0", no: true},
		{in: "5to piso, el equipo no enciende", no: true},
		{in: "3,5", no: true},
		{in: "El equipo volvió a fallar", no: true},
		{in: "Nota: el equipo volvió a fallar", no: true},
		{in: "", no: true},
		{in: "★★★★★★", no: true},
		{in: "3:30 pm se cayó la red otra vez", no: true},
		{in: "2-3 equipos no encienden", no: true},
		{in: "1, 2 y 3 no imprimen", no: true},
		{in: "5 equipos no encienden", no: true},
		{in: "5 gracias", no: true},
	}
	for _, tt := range tests {
		score, text, ok := ParseRating(tt.in)
		if tt.no {
			if ok {
				t.Errorf("ParseRating(%q) = %d %q, want no rating", tt.in, score, text)
			}
			continue
		}
		if !ok || score != tt.score || text != tt.text {
			t.Errorf("ParseRating(%q) = %d %q %v, want %d %q", tt.in, score, text, ok, tt.score, tt.text)
		}
	}
}

func FuzzParseRating(f *testing.F) {
	for _, s := range []string{"5", "4 - bien", "★★", "Calificación: 3", "1. x", "⭐️"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		score, _, ok := ParseRating(s)
		if ok && (score < 1 || score > 5) {
			t.Fatalf("ParseRating(%q) = %d", s, score)
		}
	})
}
