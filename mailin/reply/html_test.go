package reply

import (
	"strings"
	"testing"
)

var trimHTMLCases = []trimCase{
	{
		name: "spanish outlook on the web reply",
		in: `<html><body><div dir="ltr"><div>Ya quedó funcionando, gracias.</div><div><br></div><div>Ana</div></div>
<div id="appendonsend"></div>
<hr style="display:inline-block;width:98%" tabindex="-1">
<div id="divRplyFwdMsg" dir="ltr"><font face="Calibri, sans-serif"><b>De:</b> Soporte OTI &lt;soporte.oti@entidad.gov.co&gt;<br>
<b>Enviado:</b> lunes, 3 de marzo de 2025 10:02<br><b>Para:</b> Ana<br><b>Asunto:</b> [OTI #123] Impresora</font></div>
<div>Hola Ana, ¿ya funciona?<br>#cerrar</div></body></html>`,
		want: "Ya quedó funcionando, gracias.\n\nAna",
	},
	{
		name: "spanish outlook desktop reply",
		in: `<div class=WordSection1><p class=MsoNormal>Listo, reinicié el servidor.<o:p></o:p></p>
<p class=MsoNormal><o:p>&nbsp;</o:p></p>
<div style='border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm'>
<p class=MsoNormal><b>De:</b> Soporte OTI <br><b>Enviado el:</b> lunes, 3 de marzo de 2025 10:02 a. m.<br><b>Para:</b> Ana<br><b>Asunto:</b> RE: caso</p></div>
<p class=MsoNormal>Texto anterior</p></div>`,
		want: "Listo, reinicié el servidor.",
	},
	{
		name: "gmail reply in spanish",
		in:   `<div dir="ltr">Ya funciona, gracias.</div><br><div class="gmail_quote"><div dir="ltr" class="gmail_attr">El lun, 3 mar 2025 a las 10:02, Ana (&lt;<a href="mailto:a@b.co">a@b.co</a>&gt;) escribió:<br></div><blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex">Hola<br>#cerrar</blockquote></div>`,
		want: "Ya funciona, gracias.",
	},
	{
		name: "apple mail reply",
		in:   `<html><body><div>Recibido.</div><div><br><blockquote type="cite"><div>El 3 mar 2025, a las 10:02, Soporte &lt;s@x.co&gt; escribió:</div><br><div>Hola</div></blockquote></div></body></html>`,
		want: "Recibido.",
	},
	{
		name: "apple mail attribution outside the cite",
		in:   `<div>Recibido.</div><div><br><div>El 3 mar 2025, a las 10:02, Soporte &lt;s@x.co&gt; escribió:</div><br><blockquote type="cite"><div>Hola</div></blockquote></div>`,
		want: "Recibido.",
	},
	{
		name: "yahoo reply",
		in:   `<div>Gracias</div><div id="yahoo_quoted_123" class="yahoo_quoted"><div>El lunes, 3 de marzo de 2025, Soporte escribió:</div><div>Hola</div></div>`,
		want: "Gracias",
	},
	{
		name: "outlook separator rule with headers in an unknown language",
		in:   `<p>Готово.</p><hr size=3 width="100%" align=center tabindex=-1><p><b>Lähettäjä:</b> x<br><b>Päivämäärä:</b> y</p><p>vanha</p>`,
		want: "Готово.",
	},
	{
		name: "a plain rule in the reply is kept",
		in:   `<p>Paso 1</p><hr><p>Paso 2</p>`,
		want: "Paso 1\n\nPaso 2",
	},
	{
		name: "plain blockquote without marker is kept as a quote",
		in:   `<div><blockquote>Cita</blockquote>Respuesta</div>`,
		want: "> Cita\n\nRespuesta",
	},
	{
		name: "broken markup",
		in:   `<div>Hola<div class="gmail_quote"><div>sin cerrar`,
		want: "Hola",
	},
	{
		name: "empty",
		in:   "",
		want: "",
	},
}

func TestTrimHTML(t *testing.T) {
	for _, tc := range trimHTMLCases {
		t.Run(tc.name, func(t *testing.T) {
			got := TrimHTML(tc.in)
			if got != tc.want {
				t.Errorf("TrimHTML:\n--- got:\n%s\n--- want:\n%s", got, tc.want)
			}
		})
	}
}

func TestTrimBody(t *testing.T) {
	cases := []struct {
		name, text, html, want string
	}{
		{
			name: "text wins when it has content",
			text: "Desde el texto\n\nEl lun, 3 mar 2025 a las 10:02, Ana <a@b.co> escribió:\n> x",
			html: "<div>Desde el HTML</div>",
			want: "Desde el texto",
		},
		{
			name: "html when there is no text part",
			html: `<div>Desde el HTML</div><div class="gmail_quote">viejo</div>`,
			want: "Desde el HTML",
		},
		{
			name: "html when the text part is only a signature",
			text: "-- \nAna",
			html: "<div>Hola</div>",
			want: "Hola",
		},
		{
			name: "nothing at all",
			want: "",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := TrimBody(tc.text, tc.html); got != tc.want {
				t.Errorf("TrimBody = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestTrimHTMLOutputBounded(t *testing.T) {
	// Nested quotes and lists grow a prefix on every line; the result must
	// still not outgrow the markup.
	src := "x" + strings.Repeat("<blockquote>", 10) + strings.Repeat("a<br>", 1000) + "<p>fin</p>"
	if got := TrimHTML(src); len(got) > len(src) {
		t.Fatalf("TrimHTML returned %d bytes for %d bytes of markup", len(got), len(src))
	}
}
