package reply

import "testing"

func TestSuggest(t *testing.T) {
	tests := []struct {
		line     string
		keyword  string
		want     string
		wantNone bool
	}{
		{line: "#escalr nivel 2 a lperez", keyword: "#escalar", want: "#escalar nivel 2 a lperez"},
		{line: "#resolber cambié el tóner", keyword: "#resolver", want: "#resolver cambié el tóner"},
		{line: "#cerar", keyword: "#cerrar", want: "#cerrar"},
		{line: "#Asginar jgomez", keyword: "#asignar", want: "#asignar jgomez"},
		{line: "#escalte level 3", keyword: "#escalate", want: "#escalate level 3"},
		{line: "#notta revisar", keyword: "#nota", want: "#nota revisar"},
		{line: "#urgente por favor", wantNone: true},
		{line: "#gracias", wantNone: true},
		{line: "#xyz", wantNone: true},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			cmds, _ := ParseCommands(tt.line)
			if len(cmds) != 1 || cmds[0].Verb != VerbUnknown {
				t.Fatalf("ParseCommands(%q) = %+v, want one unknown command", tt.line, cmds)
			}
			k, line, ok := Suggest(cmds[0])
			if tt.wantNone {
				if ok {
					t.Fatalf("Suggest = %q, %q; want no guess", k, line)
				}
				return
			}
			if !ok || k != tt.keyword || line != tt.want {
				t.Fatalf("Suggest = %q, %q, %v; want %q, %q", k, line, ok, tt.keyword, tt.want)
			}
		})
	}
}

func FuzzSuggest(f *testing.F) {
	for _, s := range []string{"#escalr a x", "#", "#ñññññ", "#resolverresolverresolver"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		cmds, _ := ParseCommands(s)
		for _, c := range cmds {
			if k, _, ok := Suggest(c); ok {
				if _, known := keywords[k[1:]]; !known {
					t.Fatalf("suggested %q, which is no keyword", k)
				}
			}
		}
	})
}
