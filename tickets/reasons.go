package tickets

import (
	"encoding/json"
	"fmt"
	"strconv"
)

// reasons are the refusals of the procedure, each with a code that names it
// on record (an event keeps the code and the arguments, never the words),
// its English format (what transition.go writes, and the Refusal's error
// text) and its Spanish one. The test checks that every refusal of
// transition.go is here.
var reasons = []struct{ code, en, es string }{
	{"command.unknown", "unknown command %q", "comando desconocido «%s»"},
	{"open.no_requester", "a request needs the requester's address", "una solicitud necesita la dirección del solicitante"},
	{"open.not_allowed", "only the requester or the desk registers a request", "solo el solicitante o la mesa de servicio registran una solicitud"},
	{"open.on_behalf", "only the service desk registers a request on someone's behalf", "solo la mesa de servicio registra una solicitud a nombre de otra persona"},
	{"classify.not_allowed", "only the service desk classifies a request", "solo la mesa de servicio clasifica una solicitud"},
	{"classify.state", "ticket is %s; only a new ticket or one in attention is classified", "el caso está %s; solo se clasifica un caso nuevo o en atención"},
	{"level.invalid", "level %d does not exist (levels are 1, 2 and 3)", "el nivel %d no existe (los niveles son 1, 2 y 3)"},
	{"escalate.state", "ticket is %s; only a new ticket or one in attention is escalated", "el caso está %s; solo se escala un caso nuevo o en atención"},
	{"escalate.new_not_allowed", "only the service desk escalates a new request", "solo la mesa de servicio escala una solicitud nueva"},
	{"escalate.not_allowed", "only the service desk, or the level-2 assignee (to level 3), escalates", "solo la mesa de servicio, o el responsable de nivel 2 (hacia el nivel 3), escala un caso"},
	{"escalate.highest", "the ticket is at level 3, the highest level", "el caso ya está en el nivel 3, el más alto"},
	{"escalate.not_up", "the ticket is already at level %d; escalation goes up", "el caso ya está en el nivel %d; escalar es subir de nivel"},
	{"assign.state", "ticket is %s; only a ticket in attention is assigned", "el caso está %s; solo se asigna un caso en atención"},
	{"assign.not_allowed", "only the service desk or the current assignee assigns the ticket", "solo la mesa de servicio o el responsable actual asignan el caso"},
	{"assign.nobody", "say whom to assign the ticket to (a roster alias or address)", "indique a quién asignar el caso (alias o correo de la lista de personal)"},
	{"comment.state", "ticket is %s; a closed ticket takes no comments", "el caso está %s; un caso cerrado no recibe comentarios"},
	{"comment.system", "the system does not comment", "el sistema no comenta"},
	{"comment.empty", "a comment needs text", "un comentario necesita texto"},
	{"note.state", "ticket is %s; a closed ticket takes no notes", "el caso está %s; un caso cerrado no recibe notas"},
	{"note.not_allowed", "only roster people write internal notes", "solo el personal de soporte escribe notas internas"},
	{"note.empty", "a note needs text", "una nota necesita texto"},
	{"resolve.state", "ticket is %s; only a ticket in attention is resolved", "el caso está %s; solo se resuelve un caso en atención"},
	{"resolve.not_allowed", "only the service desk or the assignee resolves the ticket", "solo la mesa de servicio o el responsable del caso lo resuelven"},
	{"close.not_allowed", "only the service desk closes a ticket definitively", "solo la mesa de servicio cierra definitivamente un caso"},
	{"close.state", "ticket is %s; only a resolved ticket is closed", "el caso está %s; solo se cierra un caso resuelto"},
	{"reopen.not_allowed", "only the service desk or the requester reopens a ticket", "solo la mesa de servicio o el solicitante reabren un caso"},
	{"reopen.state", "ticket is %s; only a resolved ticket is reopened", "el caso está %s; solo se reabre un caso resuelto"},
	{"target.desk_agent", "%s is a desk agent; levels 2 and 3 go to specialists, on-site support or providers", "%s es agente de la mesa; los niveles 2 y 3 son de especialistas, soporte en sitio o proveedores"},
	{"rate.not_allowed", "only the requester rates the service", "solo el solicitante califica el servicio"},
	{"rate.state", "ticket is %s; only a closed ticket is rated", "el caso está %s; solo se califica un caso cerrado"},
	{"rate.range", "a rating is a number from 1 to 5", "una calificación es un número de 1 a 5"},
	{"target.level", "%s does not serve level %d", "%s no atiende el nivel %d"},
	// Refusals of the layers around the procedure (NewRefusal): people,
	// services and command words looked up before Apply.
	{"person.unknown", "nobody in the roster is called %q", "nadie en la lista de personal se llama «%s»"},
	{"person.not_in_roster", "%q is not in the roster (use an alias or an address)", "«%s» no está en la lista de personal (use un alias o un correo)"},
	{"service.unknown", "%q is not in the service catalogue", "«%s» no está en el catálogo de servicios"},
	{"command.not_a_command", "%s is not a command", "«%s» no es un comando"},
	// An error that is no refusal of the procedure, kept in its own words.
	{"error", "it could not be applied: %s", "no se pudo aplicar: %s"},
}

var (
	reasonByCode   = map[string]int{}
	reasonByFormat = map[string]int{}
)

func init() {
	for i, r := range reasons {
		reasonByCode[r.code] = i
		reasonByFormat[r.en] = i
	}
}

// Reason is why a command was refused, as data: the refusal's code and its
// arguments. Stored on an event, it is worded in each reader's language.
type Reason struct {
	Code string `json:"code"`
	Args []Arg  `json:"args,omitempty"`
}

// ReasonOf is the reason of err: a refusal's own, or for any other error
// its text under the code "error".
func ReasonOf(err error) Reason {
	if r := asRefusal(err); r != nil {
		return r.Why
	}
	return Reason{Code: "error", Args: []Arg{TextArg(err.Error())}}
}

// Text words the reason in lang ("es" by default, "en"). An unknown code
// (a row written by a later version) is shown as its arguments.
func (r Reason) Text(lang string) string {
	i, ok := reasonByCode[r.Code]
	if !ok {
		return joinArgs(r.Args, lang)
	}
	f := reasons[i].es
	if lang == "en" {
		f = reasons[i].en
	}
	return fmt.Sprintf(f, argValues(r.Args, lang)...)
}

// Arg is one argument of a reason or a note: a text, a number or a state
// (worded as it completes "el caso está …"). In JSON it is a string, a
// number, or {"state": "…"}.
type Arg struct {
	Text  string
	Num   int
	State State
	kind  byte // 's' text, 'n' number, 'S' state
}

// TextArg, NumArg and StateArg build the three kinds of Arg.
func TextArg(s string) Arg { return Arg{Text: s, kind: 's'} }
func NumArg(n int) Arg     { return Arg{Num: n, kind: 'n'} }
func StateArg(s State) Arg { return Arg{State: s, kind: 'S'} }

// argOf turns a refusal's argument into an Arg.
func argOf(v any) Arg {
	switch x := v.(type) {
	case State:
		return StateArg(x)
	case Level:
		return NumArg(int(x))
	case int:
		return NumArg(x)
	case string:
		return TextArg(x)
	case fmt.Stringer:
		return TextArg(x.String())
	}
	return TextArg(fmt.Sprint(v))
}

// value is what a format's verb receives: a state in words, the number,
// or the text.
func (a Arg) value(lang string) any {
	switch a.kind {
	case 'S':
		return a.State.Phrase(lang)
	case 'n':
		return a.Num
	}
	return a.Text
}

func (a Arg) MarshalJSON() ([]byte, error) {
	switch a.kind {
	case 'S':
		return json.Marshal(map[string]State{"state": a.State})
	case 'n':
		return []byte(strconv.Itoa(a.Num)), nil
	}
	return json.Marshal(a.Text)
}

func (a *Arg) UnmarshalJSON(b []byte) error {
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	switch x := v.(type) {
	case string:
		*a = TextArg(x)
	case float64:
		if x != float64(int(x)) {
			return fmt.Errorf("argument %v is not a whole number", x)
		}
		*a = NumArg(int(x))
	case map[string]any:
		s, ok := x["state"].(string)
		if !ok || len(x) != 1 {
			return fmt.Errorf("argument %s is neither a text, a number nor a state", b)
		}
		*a = StateArg(State(s))
	default:
		return fmt.Errorf("argument %s is neither a text, a number nor a state", b)
	}
	return nil
}

func argValues(args []Arg, lang string) []any {
	out := make([]any, len(args))
	for i, a := range args {
		out[i] = a.value(lang)
	}
	return out
}

func joinArgs(args []Arg, lang string) string {
	s := ""
	for i, a := range args {
		if i > 0 {
			s += ", "
		}
		s += fmt.Sprint(a.value(lang))
	}
	return s
}
