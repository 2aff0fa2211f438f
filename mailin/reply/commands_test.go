package reply

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseCommandsKeywords(t *testing.T) {
	cases := []struct {
		line string
		verb Verb
	}{
		{"#nivel 2", VerbClassify}, {"#level 2", VerbClassify},
		{"#clasificar impresoras", VerbClassify}, {"#classify printers", VerbClassify},
		{"#escalar", VerbEscalate}, {"#escalate", VerbEscalate},
		{"#asignar jgomez", VerbAssign}, {"#assign jgomez", VerbAssign},
		{"#resolver listo", VerbResolve}, {"#resuelto", VerbResolve},
		{"#resolve done", VerbResolve}, {"#resolved", VerbResolve},
		{"#cerrar", VerbClose}, {"#close", VerbClose},
		{"#reabrir", VerbReopen}, {"#reopen", VerbReopen},
		{"#nota interna", VerbNote}, {"#note internal", VerbNote},
		// Case and accents do not matter.
		{"#Escalar", VerbEscalate}, {"#ESCALAR", VerbEscalate},
		{"#escalár", VerbEscalate}, {"#resolvér", VerbResolve},
		{"#CLASIFICAR red", VerbClassify}, {"#Reabrír", VerbReopen},
		{"#NÓTA x", VerbNote}, {"#Close", VerbClose},
		{"#esca\u0301lar", VerbEscalate}, // decomposed accent
		// Unknown words are commands too, so that the sender can be told.
		{"#urgente", VerbUnknown}, {"#escalarr", VerbUnknown}, {"#comment", VerbUnknown},
	}
	for _, tc := range cases {
		t.Run(tc.line, func(t *testing.T) {
			cmds, _ := ParseCommands(tc.line)
			if len(cmds) != 1 {
				t.Fatalf("ParseCommands(%q) gave %d commands, want 1", tc.line, len(cmds))
			}
			if cmds[0].Verb != tc.verb {
				t.Errorf("verb = %q, want %q", cmds[0].Verb, tc.verb)
			}
			if name := strings.Fields(tc.line)[0]; cmds[0].Name != name {
				t.Errorf("name = %q, want %q", cmds[0].Name, name)
			}
		})
	}
}

func TestParseCommandsArguments(t *testing.T) {
	cases := []struct {
		name string
		line string
		want Command // Verb and the argument fields; Name, Line, Raw, Args are checked apart
	}{
		{"nivel", "#nivel 2", Command{Verb: VerbClassify, Level: 2}},
		{"level", "#level 3", Command{Verb: VerbClassify, Level: 3}},
		{"nivel glued", "#nivel2", Command{Verb: VerbClassify, Level: 2}},
		{"nivel in words", "#nivel dos", Command{Verb: VerbClassify, Level: 2}},
		{"nivel without number", "#nivel", Command{Verb: VerbClassify}},
		{"classify service", "#clasificar impresoras", Command{Verb: VerbClassify, Service: "impresoras"}},
		{"classify english", "#classify printers", Command{Verb: VerbClassify, Service: "printers"}},
		{"classify multiword", "#clasificar correo electrónico", Command{Verb: VerbClassify, Service: "correo electrónico"}},
		{"classify with level and person", "#clasificar impresoras nivel 2 a jgomez",
			Command{Verb: VerbClassify, Service: "impresoras", Level: 2, Target: "jgomez"}},
		{"classify english with level and person", "#classify printers level 2 to x@y.co",
			Command{Verb: VerbClassify, Service: "printers", Level: 2, Target: "x@y.co"}},
		{"escalate bare", "#escalar", Command{Verb: VerbEscalate}},
		{"escalate level", "#escalar nivel 3", Command{Verb: VerbEscalate, Level: 3}},
		{"escalate english level", "#escalate level 3", Command{Verb: VerbEscalate, Level: 3}},
		{"escalate bare number", "#escalar 3", Command{Verb: VerbEscalate, Level: 3}},
		{"escalate past three is still read", "#escalar nivel 4", Command{Verb: VerbEscalate, Level: 4}},
		{"escalate to alias", "#escalar a proveedor1", Command{Verb: VerbEscalate, Target: "proveedor1"}},
		{"escalate to email", "#escalate to x@y.co", Command{Verb: VerbEscalate, Target: "x@y.co"}},
		{"escalate level and person", "#escalar nivel 3 a proveedor1", Command{Verb: VerbEscalate, Level: 3, Target: "proveedor1"}},
		{"escalate person then level", "#escalar a proveedor1 nivel 3", Command{Verb: VerbEscalate, Level: 3, Target: "proveedor1"}},
		{"escalate with reason", "#escalar nivel 2 a jgomez requiere visita",
			Command{Verb: VerbEscalate, Level: 2, Target: "jgomez", Text: "requiere visita"}},
		{"escalate to bracketed address", "#escalate to <x@y.co>", Command{Verb: VerbEscalate, Target: "x@y.co"}},
		{"escalate al", "#escalar al proveedor1", Command{Verb: VerbEscalate, Target: "proveedor1"}},
		{"escalate lone alias", "#escalar jgomez", Command{Verb: VerbEscalate, Target: "jgomez"}},
		{"escalate reason only", "#escalar porque no tengo acceso", Command{Verb: VerbEscalate, Text: "porque no tengo acceso"}},
		{"assign alias", "#asignar jgomez", Command{Verb: VerbAssign, Target: "jgomez"}},
		{"assign a alias", "#asignar a jgomez", Command{Verb: VerbAssign, Target: "jgomez"}},
		{"assign english", "#assign to x@y.co", Command{Verb: VerbAssign, Target: "x@y.co"}},
		{"assign mailto", "#assign mailto:x@y.co", Command{Verb: VerbAssign, Target: "x@y.co"}},
		{"assign with reason", "#asignar jgomez, conoce el caso", Command{Verb: VerbAssign, Target: "jgomez", Text: "conoce el caso"}},
		{"resolve note", "#resolver cambié el tóner", Command{Verb: VerbResolve, Text: "cambié el tóner"}},
		{"resolve english", "#resolve replaced the toner", Command{Verb: VerbResolve, Text: "replaced the toner"}},
		{"resuelto", "#resuelto", Command{Verb: VerbResolve}},
		{"close", "#cerrar", Command{Verb: VerbClose}},
		{"reopen with note", "#reabrir volvió a fallar", Command{Verb: VerbReopen, Text: "volvió a fallar"}},
		{"note", "#nota llamar el lunes", Command{Verb: VerbNote, Text: "llamar el lunes"}},
		{"note with colon", "#nota: llamar el lunes", Command{Verb: VerbNote, Text: "llamar el lunes"}},
		{"note english", "#note call on monday", Command{Verb: VerbNote, Text: "call on monday"}},
		{"unknown keeps its text", "#urgente por favor", Command{Verb: VerbUnknown, Text: "por favor"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cmds, comment := ParseCommands(tc.line)
			if len(cmds) != 1 {
				t.Fatalf("ParseCommands(%q) gave %d commands, want 1", tc.line, len(cmds))
			}
			c := cmds[0]
			if c.Line != 1 || c.Raw != tc.line || comment != "" {
				t.Errorf("line %d raw %q comment %q", c.Line, c.Raw, comment)
			}
			got := Command{Verb: c.Verb, Level: c.Level, Target: c.Target, Service: c.Service, Text: c.Text}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("ParseCommands(%q)\n got %+v\nwant %+v", tc.line, got, tc.want)
			}
		})
	}
}

func TestParseCommandsMessage(t *testing.T) {
	cases := []struct {
		name    string
		in      string
		want    []Command // Verb, Name, Line, Args
		comment string
	}{
		{
			name: "several commands in order with a comment",
			in:   "Revisé el equipo en sitio.\n#nota el disco está fallando\n\n#Escalar nivel 3 a proveedor1\nQuedo atento.",
			want: []Command{
				{Verb: VerbNote, Name: "#nota", Line: 2, Args: "el disco está fallando"},
				{Verb: VerbEscalate, Name: "#Escalar", Line: 4, Args: "nivel 3 a proveedor1"},
			},
			comment: "Revisé el equipo en sitio.\n\nQuedo atento.",
		},
		{
			name:    "hashtag inside a sentence is text",
			in:      "Ver el caso #123 y el #escalar de ayer",
			comment: "Ver el caso #123 y el #escalar de ayer",
		},
		{
			name:    "a number after the hash is no command",
			in:      "#123\n#1 prioridad",
			comment: "#123\n#1 prioridad",
		},
		{
			name:    "quoted lines are never commands",
			in:      "Ok\n> #cerrar\n>#cerrar",
			comment: "Ok\n> #cerrar\n>#cerrar",
		},
		{
			name:    "hash and space is a heading, not a command",
			in:      "# cerrar\n## nivel 2",
			comment: "# cerrar\n## nivel 2",
		},
		{
			name: "indented command",
			in:   "   \t#cerrar",
			want: []Command{{Verb: VerbClose, Name: "#cerrar", Line: 1}},
		},
		{
			name:    "crlf",
			in:      "Hola\r\n#resuelto\r\n",
			want:    []Command{{Verb: VerbResolve, Name: "#resuelto", Line: 2}},
			comment: "Hola",
		},
		{
			name:    "a long line is text",
			in:      "#nota " + strings.Repeat("x", MaxCommandLine),
			comment: "#nota " + strings.Repeat("x", MaxCommandLine),
		},
		{
			name: "empty",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cmds, comment := ParseCommands(tc.in)
			var got []Command
			for _, c := range cmds {
				got = append(got, Command{Verb: c.Verb, Name: c.Name, Line: c.Line, Args: c.Args})
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("commands\n got %+v\nwant %+v", got, tc.want)
			}
			if comment != tc.comment {
				t.Errorf("comment = %q, want %q", comment, tc.comment)
			}
		})
	}
}

func TestParseCommandsCap(t *testing.T) {
	in := strings.Repeat("#nota x\n", MaxCommands+5)
	cmds, comment := ParseCommands(in)
	if len(cmds) != MaxCommands {
		t.Fatalf("got %d commands, want the cap %d", len(cmds), MaxCommands)
	}
	if n := strings.Count(comment, "#nota x"); n != 5 {
		t.Errorf("%d command lines past the cap left in the comment, want 5", n)
	}
}

// TestCommandsInQuotedPartIgnored runs the whole intake path: a command in
// the quoted history must never be applied.
func TestCommandsInQuotedPartIgnored(t *testing.T) {
	cases := []struct {
		name, text, html string
		want             []Verb
		comment          string
	}{
		{
			name:    "gmail text with #cerrar quoted",
			text:    "#resolver cambié el tóner\nGracias\n\nEl lun, 3 mar 2025 a las 10:02, Ana <a@b.co> escribió:\n\n> Por favor revisar\n> #cerrar\n",
			want:    []Verb{VerbResolve},
			comment: "Gracias",
		},
		{
			name:    "outlook text with #cerrar under the headers",
			text:    "Sigue fallando.\n\n________________________________\nDe: Soporte OTI <s@x.co>\nEnviado: lunes, 3 de marzo de 2025 10:02\nPara: Ana\nAsunto: caso\n\n#cerrar\n",
			comment: "Sigue fallando.",
		},
		{
			name:    "html only with #cerrar in gmail_quote",
			html:    `<div>#reabrir<br>No funciona</div><div class="gmail_quote"><div>El lun, Ana escribió:</div><blockquote class="gmail_quote">#cerrar</blockquote></div>`,
			want:    []Verb{VerbReopen},
			comment: "No funciona",
		},
		{
			name:    "outlook html with #cerrar after divRplyFwdMsg",
			html:    `<div>#nota revisar</div><hr><div id="divRplyFwdMsg"><b>De:</b> x</div><div>#cerrar</div>`,
			want:    []Verb{VerbNote},
			comment: "",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cmds, comment := ParseCommands(TrimBody(tc.text, tc.html))
			var got []Verb
			for _, c := range cmds {
				got = append(got, c.Verb)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("verbs = %v, want %v", got, tc.want)
			}
			if comment != tc.comment {
				t.Errorf("comment = %q, want %q", comment, tc.comment)
			}
		})
	}
}
