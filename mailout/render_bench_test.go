package mailout

import (
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"
)

// benchBody is a realistic request body as the mail intake stores it: a long
// Spanish support email with accents, blank lines, a signature, a quoted
// earlier message and the characters HTML escaping cares about (<, &, +, ",
// '), some lines with trailing blanks. It is about 15 KB in ~330 lines.
func benchBody() string {
	sentences := []string{
		"Buenos días, les escribo porque desde el lunes la aplicación de nómina no abre en mi equipo.",
		"Aparece el mensaje \"Error de conexión con el servidor\" y luego se cierra sin más información.",
		"Ya reinicié el computador dos veces y borré la caché del navegador, pero el problema continúa.",
		"Mi extensión es la 4521 y estoy en la oficina 305 del tercer piso, edificio Bolívar.",
		"Adjunto la captura de pantalla; el código que aparece es <ERR-0x80070005> & no sé qué significa.",
		"Le agradecería que me llamaran al +57 (601) 555-0142 antes de las 5:00 p. m.",
		"La compañera de la oficina de al lado tiene el mismo problema desde el martes 'más o menos'.",
		"¿Podrían revisar si hubo algún cambio en los permisos de la carpeta compartida \\\\srv-archivo\\nómina?",
		"El año pasado pasó algo parecido y lo solucionaron actualizando el cliente de Java 8 → 11.",
		"Necesito generar los reportes de liquidación antes del cierre de mes; es urgente.",
		"Versión del sistema: Windows 10 Enterprise 22H2, compilación 19045.3803, 8 GB de RAM.",
		"Conexión por cable (no Wi‑Fi), IP 10.20.30.41, máscara 255.255.255.0 — puerta de enlace 10.20.30.1.",
		"Si 2 + 2 = 4 y el servidor responde en < 200 ms, ¿por qué tarda más de un minuto en cargar?",
		"Quedo atenta a sus comentarios. Muchas gracias por la atención prestada.",
	}
	var b strings.Builder
	line := 0
	for par := 0; b.Len() < 15000; par++ {
		for i := range 4 + par%4 {
			s := sentences[(par*7+i*3)%len(sentences)]
			if line%11 == 5 {
				s += "   " // trailing blanks some clients leave
			}
			if line%17 == 3 {
				s = "\t" + s
			}
			for _, l := range wrap(s, 72) {
				b.WriteString(l)
				b.WriteString("\n")
			}
			line++
		}
		if par%6 == 5 {
			// A quoted earlier message.
			fmt.Fprintf(&b, "\nEl %d/03/2026, a las 9:%02d, Mesa de Servicio <soporte.oti@entidad.example> escribió:\n", par%28+1, par%60)
			for i := range 5 {
				fmt.Fprintf(&b, "> %s\n", sentences[(par+i)%len(sentences)])
			}
		}
		b.WriteString("\n")
	}
	b.WriteString("-- \nMaría Fernanda Rojas Peñaloza\nProfesional Especializada · Grupo de Gestión Humana\nTel. +57 601 555 0100 ext. 4521\n")
	return b.String()
}

// wrap breaks s into lines of at most width bytes at spaces, as mail clients
// that hard-wrap do.
func wrap(s string, width int) []string {
	var out []string
	for len(s) > width {
		i := strings.LastIndexByte(s[:width], ' ')
		if i <= 0 {
			break
		}
		out = append(out, s[:i])
		s = s[i+1:]
	}
	return append(out, s)
}

// BenchmarkRenderOpened renders what the intake of one new email renders:
// opened_ack to the requester and opened_desk to the two desk agents, in
// Spanish, with a long realistic body. Consecutive emails have different
// bodies, as in a backlog: nothing a renderer might remember of one body
// serves the next email.
func BenchmarkRenderOpened(b *testing.B) {
	r := newTestRenderer(b)
	body := benchBody()
	bodies := [2]string{body, strings.Replace(body, "Buenos días", "Buenas tardes", 1)}
	ack := SampleData("opened_ack", "es")
	desk := SampleData("opened_desk", "es")
	agents := []Person{
		{Name: "Carlos Gómez", Email: "cgomez@entidad.example", Role: "mesa"},
		{Name: "Lucía Pérez", Email: "lperez@entidad.example", Role: "mesa"},
	}
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		n++
		ack.Ticket.Body = bodies[n%2]
		desk.Ticket.Body = bodies[n%2]
		if _, err := r.Render("opened_ack", "es", ack); err != nil {
			b.Fatal(err)
		}
		for _, p := range agents {
			desk.Recipient = p
			if _, err := r.Render("opened_desk", "es", desk); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkRenderOpenedBatch renders a batch of 16 new emails the way
// PrepareMany does: the notifications in order (opened_ack, then
// opened_desk to each agent, ticket after ticket) handed to GOMAXPROCS
// workers through a channel. Every email has its own body.
func BenchmarkRenderOpenedBatch(b *testing.B) {
	r := newTestRenderer(b)
	body := benchBody()
	const batch = 16
	var bodies [batch]string
	for i := range bodies {
		bodies[i] = strings.Replace(body, "Buenos días", fmt.Sprintf("Buenos días (%d)", i), 1)
	}
	agents := []Person{
		{Name: "Carlos Gómez", Email: "cgomez@entidad.example", Role: "mesa"},
		{Name: "Lucía Pérez", Email: "lperez@entidad.example", Role: "mesa"},
	}
	type item struct {
		name string
		d    Data
	}
	var items []item
	for _, body := range bodies {
		ack := SampleData("opened_ack", "es")
		ack.Ticket.Body = body
		items = append(items, item{"opened_ack", ack})
		for _, p := range agents {
			desk := SampleData("opened_desk", "es")
			desk.Ticket.Body = body
			desk.Recipient = p
			items = append(items, item{"opened_desk", desk})
		}
	}
	b.SetBytes(int64(len(body) * batch))
	b.ReportAllocs()
	for b.Loop() {
		var wg sync.WaitGroup
		work := make(chan *item)
		for range min(runtime.GOMAXPROCS(0), len(items)) {
			wg.Go(func() {
				for it := range work {
					if _, err := r.Render(it.name, "es", it.d); err != nil {
						b.Error(err)
					}
				}
			})
		}
		for i := range items {
			work <- &items[i]
		}
		close(work)
		wg.Wait()
	}
}
