package main

// text is one message of the command line in Spanish and English.
type text struct{ es, en string }

// messages is everything the command line says, by key. Flag help names
// its argument between backquotes (flag.UnquoteUsage). TestCatalogue
// checks that every key the code uses is here, in both languages, with
// the same arguments, and that nothing here is unused.
var messages = map[string]text{
	// The top level.
	"usage.top": {
		es: `ticketd: la mesa de servicio por correo electrónico (procedimiento 130.13.08-3)

Uso:
  ticketd [--config ARCHIVO] [--lang es|en] COMANDO [opciones]

Comandos:
  sandbox [--walkthrough] [--reset]   todo en este equipo: PostgreSQL, IMAP, SMTP y ticketd
  run [--no-migrate]                  el servicio: lee el buzón, aplica comandos y envía avisos
  migrate                             aplica las migraciones pendientes de la base de datos
  config check                        revisa la configuración y dice todos sus problemas
  tickets ACCIÓN                      los casos: open, list, show, classify, escalate, assign,
                                      comment, note, resolve, close, reopen
  templates preview NOMBRE            muestra un aviso con datos de ejemplo
  status                              los buzones y la bandeja de salida
  report [--mes AAAA-MM]              las cifras del procedimiento en un periodo
  cuarentena ACCIÓN                   los mensajes que no se pudieron procesar: list, show,
                                      liberar, descartar (en inglés: quarantine)
  oauth2 login|status                 el inicio de sesión OAuth 2.0 del buzón y su estado
  version                             la versión de ticketd
  help [COMANDO]                      esta ayuda, o la de un comando

Opciones generales:
  --config ARCHIVO   archivo de configuración (o TICKETD_CONFIG; vea ticketd.example.toml)
  --lang es|en       idioma de los mensajes (o TICKETD_LANG); por omisión, español
  --version          la versión de ticketd
  -h, --help         esta ayuda

"ticketd COMANDO -h" muestra las opciones de cada comando.
`,
		en: `ticketd: the service desk by email (procedure 130.13.08-3)

Usage:
  ticketd [--config FILE] [--lang es|en] COMMAND [options]

Commands:
  sandbox [--walkthrough] [--reset]   everything on this machine: PostgreSQL, IMAP, SMTP and ticketd
  run [--no-migrate]                  the service: reads the mailbox, runs commands, sends notices
  migrate                             applies the database's pending migrations
  config check                        checks the configuration and reports every problem
  tickets ACTION                      the tickets: open, list, show, classify, escalate, assign,
                                      comment, note, resolve, close, reopen
  templates preview NAME              shows a notification with sample data
  status                              the mailboxes and the outbox
  report [--mes YYYY-MM]              the procedure's figures over a period
  quarantine ACTION                   the messages that could not be processed: list, show,
                                      release, discard (in Spanish: cuarentena)
  oauth2 login|status                 the mailbox's OAuth 2.0 sign-in and its status
  version                             ticketd's version
  help [COMMAND]                      this help, or a command's

General options:
  --config FILE      configuration file (or TICKETD_CONFIG; see ticketd.example.toml)
  --lang es|en       language of the messages (or TICKETD_LANG); Spanish by default
  --version          ticketd's version
  -h, --help         this help

"ticketd COMMAND -h" shows each command's options.
`},
	"syn.ticketd":  {es: "[--config ARCHIVO] [--lang es|en] COMANDO [opciones]", en: "[--config FILE] [--lang es|en] COMMAND [options]"},
	"flag.version": {es: "muestra la versión de ticketd", en: "print ticketd's version"},

	// Help, and what every command takes.
	"help.usage":          {es: "Uso:", en: "Usage:"},
	"help.options":        {es: "Opciones:", en: "Options:"},
	"help.common_options": {es: "Opciones de todos los comandos:", en: "Options of every command:"},
	"help.default":        {es: "(por omisión: %s)", en: "(default: %s)"},
	"help.hint":           {es: "«%s» muestra la ayuda.", en: "\"%s\" shows the help."},
	"flag.config":         {es: "`ARCHIVO` de configuración (o TICKETD_CONFIG)", en: "configuration `FILE` (or TICKETD_CONFIG)"},
	"flag.lang":           {es: "idioma de los mensajes: `es|en` (o TICKETD_LANG)", en: "language of the messages: `es|en` (or TICKETD_LANG)"},
	"flag.help":           {es: "esta ayuda", en: "this help"},

	// Go's flag errors, said again (flags.go).
	"flag.err.undefined":   {es: "la opción %s no existe", en: "there is no option %s"},
	"flag.err.needs_value": {es: "a la opción %s le falta su valor", en: "option %s needs a value"},
	"flag.err.syntax":      {es: "opción mal escrita: %s", en: "badly written option: %s"},
	"flag.err.bad_bool":    {es: "el valor %s de la opción %s no es true ni false", en: "the value %s of option %s is neither true nor false"},
	"flag.err.bool_value":  {es: "la opción %s no lleva valor", en: "option %s takes no value"},
	"flag.err.bad_value":   {es: "el valor %s de la opción %s no es válido", en: "the value %s of option %s is not valid"},
	"flag.err.other":       {es: "opciones no válidas: %s", en: "invalid options: %s"},
	"flag.err.lang":        {es: "el idioma %s no existe aquí: use es (español) o en (inglés)", en: "there is no language %s here: use es (Spanish) or en (English)"},

	// Errors of every command.
	"err.unknown_command":          {es: "el comando %q no existe", en: "there is no command %q"},
	"err.refused":                  {es: "no se aplicó: %s", en: "not applied: %s"},
	"err.other":                    {es: "no se pudo completar: %v", en: "could not be done: %v"},
	"err.database":                 {es: "no se pudo usar la base de datos %s: %v\n(revise database.url o TICKETD_DATABASE_URL; para probar sin una base propia: ticketd sandbox)", en: "the database %s could not be used: %v\n(check database.url or TICKETD_DATABASE_URL; to try without a database of your own: ticketd sandbox)"},
	"err.database_address":         {es: "la dirección de la base de datos %s no se puede leer: en la forma clave=valor, ponga entre comillas simples un valor con espacios (password='…'); en una URL, escriba '@', '#', '/' y '?' de la clave como %%40, %%23, %%2F y %%3F", en: "the database address %s cannot be read: in key=value form, put a value with blanks in single quotes (password='…'); in a URL, write '@', '#', '/' and '?' in the password as %%40, %%23, %%2F and %%3F"},
	"err.database_refused":         {es: "nadie atiende en %s: ¿está en marcha PostgreSQL, o el entorno de prueba (ticketd sandbox)?", en: "nothing answers at %s: is PostgreSQL running, or the sandbox (ticketd sandbox)?"},
	"err.pending_migrations":       {es: "la base de datos tiene %d migraciones pendientes: ejecute «ticketd migrate»", en: "the database has %d pending migrations: run \"ticketd migrate\""},
	"err.build":                    {es: "no se pudo preparar el servicio: %v", en: "the service could not be set up: %v"},
	"err.templates":                {es: "plantillas: %v", en: "templates: %v"},
	"err.run":                      {es: "el servicio se detuvo; el detalle técnico, en inglés: %v", en: "the service stopped: %v"},
	"err.admin_in_use":             {es: "la dirección de administración %s (admin.address) ya está en uso: ¿hay otro ticketd en marcha en esta máquina?", en: "the admin address %s (admin.address) is already in use: is another ticketd running on this machine?"},
	"err.config_usage":             {es: "falta la acción: ticketd config check [--config ARCHIVO]", en: "the action is missing: ticketd config check [--config FILE]"},
	"err.templates_usage":          {es: "use «templates preview NOMBRE» o «templates list» (nombres: %s)", en: "use \"templates preview NAME\" or \"templates list\" (names: %s)"},
	"err.template_unknown":         {es: "no hay una plantilla %q (nombres: %s)", en: "there is no template %q (names: %s)"},
	"err.sandbox":                  {es: "no se pudo iniciar el entorno de prueba: %v", en: "the sandbox could not start: %v"},
	"err.sandbox_port":             {es: "otro programa usa el puerto %d, el del PostgreSQL del entorno de prueba (anotado en %s): deténgalo, o empiece de cero con --reset", en: "another program uses port %d, the sandbox's PostgreSQL port (kept in %s): stop it, or start over with --reset"},
	"err.sandbox_no_postgres":      {es: "no se encontraron los programas del servidor PostgreSQL (initdb y pg_ctl): instálelos (Debian: apt-get install postgresql) o use una base de datos propia con --database-url", en: "PostgreSQL's server programs (initdb and pg_ctl) were not found: install them (Debian: apt-get install postgresql) or use a database of your own with --database-url"},
	"err.walkthrough":              {es: "el recorrido no terminó: %v", en: "the walkthrough did not finish: %v"},
	"err.unknown_action":           {es: "la acción %q no existe", en: "there is no action %q"},
	"err.open_required":            {es: "--requester y --subject son obligatorios", en: "--requester and --subject are required"},
	"err.bad_email":                {es: "%s %q no es un correo electrónico válido", en: "%s %q is not a valid email address"},
	"err.bad_level":                {es: "%s debe ser 1, 2 o 3", en: "%s must be 1, 2 or 3"},
	"err.unknown_state":            {es: "--state: el estado %q no existe (nuevo, en_atencion, resuelto o cerrado)", en: "--state: there is no state %q (nuevo, en_atencion, resuelto or cerrado)"},
	"err.as_required":              {es: "falta --as: quién realiza la acción (alias o correo)", en: "--as is missing: who acts (alias or email)"},
	"err.to_required":              {es: "falta --to: a quién se asigna el caso", en: "--to is missing: whom the ticket is assigned to"},
	"err.text_required":            {es: "falta --text: el texto del comentario o de la nota", en: "--text is missing: the text of the comment or note"},
	"err.ticket_required":          {es: "indique un caso: su número o su referencia (p. ej. 12 o %s-12)", en: "name a ticket: its number or reference (e.g. 12 or %s-12)"},
	"err.bad_ticket":               {es: "%q no es un número de caso (p. ej. 12 o %s-12)", en: "%q is not a ticket number (e.g. 12 or %s-12)"},
	"err.no_ticket":                {es: "no existe el caso %s", en: "there is no ticket %s"},
	"err.not_in_roster":            {es: "%q no está en la lista de personal (use un alias o un correo de ella)", en: "%q is not in the roster (use one of its aliases or addresses)"},
	"err.not_roster_nor_requester": {es: "%q no está en la lista de personal ni es quien solicitó el caso %s", en: "%q is neither in the roster nor the requester of ticket %s"},
	"err.unknown_service":          {es: "--service: el servicio %q no está en el catálogo", en: "--service: there is no service %q in the catalogue"},

	// Commands.
	"syn.run": {
		es: "run [--no-migrate]\n\nEl servicio: lee los buzones, abre y mueve casos, aplica los comandos por correo,\nenvía los avisos y lleva los plazos. Se detiene con SIGTERM o Ctrl-C.",
		en: "run [--no-migrate]\n\nThe service: reads the mailboxes, opens and moves tickets, runs the commands sent by\nemail, sends the notices and keeps the timers. SIGTERM or Ctrl-C stops it."},
	"flag.no_migrate":     {es: "no aplica las migraciones pendientes al iniciar (y falla si las hay)", en: "do not apply pending migrations at start (and fail if there are any)"},
	"syn.migrate":         {es: "migrate\n\nAplica las migraciones pendientes de la base de datos.", en: "migrate\n\nApplies the database's pending migrations."},
	"out.migrate_none":    {es: "La base de datos ya está al día.", en: "The database is up to date."},
	"out.migrate_applied": {es: "aplicada: %s", en: "applied: %s"},
	"syn.config": {
		es: "config check [--config ARCHIVO]\n\nRevisa el archivo de configuración y dice todos sus problemas a la vez.",
		en: "config check [--config FILE]\n\nChecks the configuration file and reports all its problems at once."},
	"out.config_ok":     {es: "%s: configuración válida (%d personas, %d servicios).", en: "%s: the configuration is valid (%d people, %d services)."},
	"syn.status":        {es: "status\n\nEl estado de los buzones y de la bandeja de salida, según la base de datos, y lo que\nfalla ahora: desde cuándo y si ya se avisó a los administradores.", en: "status\n\nThe mailboxes and the outbox, as the database has them, and what fails now: since when\nand whether the administrators were told."},
	"out.status_header": {es: "CUENTA\tBUZÓN\tLECTOR\tÚLTIMO ÉXITO\tPENDIENTES\tÚLTIMO ERROR", en: "ACCOUNT\tMAILBOX\tREADER\tLAST SUCCESS\tPENDING\tLAST ERROR"},
	"out.status_outbox": {es: "Bandeja de salida: %d pendientes, %d fallidos", en: "Outbox: %d pending, %d failed"},
	"syn.templates": {
		es: "templates preview NOMBRE [--lang es|en] [--html]  |  templates list\n\nMuestra un aviso con datos de ejemplo, en el idioma de --lang (o en el de la mesa).",
		en: "templates preview NAME [--lang es|en] [--html]  |  templates list\n\nShows a notification with sample data, in the language of --lang (or the desk's)."},
	"flag.html":   {es: "muestra también la parte HTML", en: "print the HTML part too"},
	"out.subject": {es: "Asunto:", en: "Subject:"},

	// Tickets.
	"usage.tickets": {
		es: `Uso: ticketd tickets ACCIÓN ...

  open --requester CORREO --subject ASUNTO [--body TEXTO] [--as PERSONA] [-q]
                                      registra una solicitud (p. ej. por teléfono)
  list [--state ESTADO] [--level N] [--assignee PERSONA] [--json]
  show N [--json]                     el caso y su registro de actividades
  attachment N ID [--out ARCHIVO]     el contenido de un adjunto del caso
  classify N --as PERSONA [--level N] [--service SERVICIO] [--to PERSONA]
  escalate N --as PERSONA [--level N] [--to PERSONA]
  assign   N --as PERSONA --to PERSONA
  comment  N --as PERSONA --text TEXTO
  note     N --as PERSONA --text TEXTO   nota interna: nunca llega al solicitante
  resolve  N --as PERSONA [--note TEXTO]
  close    N --as PERSONA
  reopen   N --as PERSONA [--note TEXTO]

PERSONA es un alias o un correo de la lista de personal (o el correo del
solicitante, en comment y reopen). N es el número del caso o su referencia
(OTI-12). Las acciones siguen las mismas reglas que los comandos por correo.
"ticketd tickets ACCIÓN -h" muestra las opciones de cada acción.
`,
		en: `Usage: ticketd tickets ACTION ...

  open --requester EMAIL --subject SUBJECT [--body TEXT] [--as PERSON] [-q]
                                      registers a request (e.g. by phone)
  list [--state STATE] [--level N] [--assignee PERSON] [--json]
  show N [--json]                     the ticket and its record of activities
  attachment N ID [--out FILE]        the contents of one of the ticket's attachments
  classify N --as PERSON [--level N] [--service SERVICE] [--to PERSON]
  escalate N --as PERSON [--level N] [--to PERSON]
  assign   N --as PERSON --to PERSON
  comment  N --as PERSON --text TEXT
  note     N --as PERSON --text TEXT     internal note: never reaches the requester
  resolve  N --as PERSON [--note TEXT]
  close    N --as PERSON
  reopen   N --as PERSON [--note TEXT]

PERSON is an alias or an address of the roster (or the requester's address,
for comment and reopen). N is the ticket's number or reference (OTI-12). The
actions follow the same rules as the commands by email.
"ticketd tickets ACTION -h" shows each action's options.
`},
	"syn.open": {
		es: "tickets open --requester CORREO --subject ASUNTO [--body TEXTO] [--as PERSONA] [-q]\n\nRegistra una solicitud que llegó por otro medio, p. ej. por teléfono (actividad 1).",
		en: "tickets open --requester EMAIL --subject SUBJECT [--body TEXT] [--as PERSON] [-q]\n\nRegisters a request that came another way, e.g. by phone (activity 1)."},
	"syn.list": {es: "tickets list [--state ESTADO] [--level N] [--assignee PERSONA] [--json]\n\nLos casos, del más reciente al más antiguo.", en: "tickets list [--state STATE] [--level N] [--assignee PERSON] [--json]\n\nThe tickets, newest first."},
	"syn.show": {es: "tickets show N [--json]\n\nEl caso, su registro de actividades y sus correos.", en: "tickets show N [--json]\n\nThe ticket, its record of activities and its emails."},
	"syn.report": {es: "report [--mes AAAA-MM | --desde AAAA-MM-DD --hasta AAAA-MM-DD] [--servicio S] [--nivel N] [--responsable PERSONA] [--formato texto|csv|json] [--horario H]\n\nLas cifras del procedimiento en un periodo (por omisión, el mes anterior), en tiempo hábil del calendario colombiano. Las definiciones están en el README, sección «Reports».",
		en: "report [--mes YYYY-MM | --desde YYYY-MM-DD --hasta YYYY-MM-DD] [--servicio S] [--nivel N] [--responsable PERSON] [--formato texto|csv|json] [--horario H]\n\nThe procedure's figures over a period (by default, last month), in business time on the Colombian calendar. The definitions are in the README, section \"Reports\"."},
	"flag.report_month":   {es: "un mes del calendario, `AAAA-MM`", en: "a calendar month, `YYYY-MM`"},
	"flag.report_from":    {es: "primer día, `AAAA-MM-DD`", en: "first day, `YYYY-MM-DD`"},
	"flag.report_to":      {es: "último día (incluido), `AAAA-MM-DD`", en: "last day (included), `YYYY-MM-DD`"},
	"flag.report_service": {es: "solo este `SERVICIO`", en: "only this `SERVICE`"},
	"flag.report_level":   {es: "solo los casos cuyo nivel más alto fue este (1, 2 o 3)", en: "only the tickets whose highest level was this one (1, 2 or 3)"},
	"flag.report_person":  {es: "solo los casos de esta `PERSONA` o proveedor (alias o correo)", en: "only the tickets of this `PERSON` or provider (alias or address)"},
	"flag.report_format":  {es: "`texto`, csv o json", en: "`texto` (text), csv or json"},
	"flag.report_hours":   {es: "el `HORARIO` hábil de la mesa (por omisión, reports.working_hours, o %s)", en: "the desk's working `HOURS` (default: reports.working_hours, or %s)"},
	"err.report_args":     {es: "report no lleva argumentos (sobra %q)", en: "report takes no arguments (%q is one too many)"},
	"err.report_both":     {es: "use --mes o bien --desde y --hasta, no ambos", en: "use --mes, or --desde and --hasta, not both"},
	"err.report_month":    {es: "--mes %q: escriba el mes como AAAA-MM (por ejemplo 2026-11)", en: "--mes %q: write the month as YYYY-MM (for example 2026-11)"},
	"err.report_days":     {es: "--desde y --hasta van juntos, como AAAA-MM-DD (por ejemplo 2026-11-01)", en: "--desde and --hasta go together, as YYYY-MM-DD (for example 2026-11-01)"},
	"err.report_order":    {es: "--hasta (%s) es anterior a --desde (%s)", en: "--hasta (%s) is before --desde (%s)"},
	"err.report_hours":    {es: "--horario %q no es válido: %v", en: "--horario %q is not valid: %v"},
	"err.report_level":    {es: "--nivel debe ser 1, 2 o 3", en: "--nivel must be 1, 2 or 3"},
	"err.report_format":   {es: "--formato debe ser texto, csv o json", en: "--formato must be texto, csv or json"},
	"err.report_person":   {es: "--responsable %q no está en la lista de personal (use un alias o un correo)", en: "--responsable %q is not in the roster (use an alias or an address)"},
	"syn.attachment": {es: "tickets attachment N ID [--out ARCHIVO]\n\nEscribe el contenido de un adjunto del caso (el ID que muestra «tickets show» o el aviso que no lo llevó).",
		en: "tickets attachment N ID [--out FILE]\n\nWrites the contents of one of the ticket's attachments (the ID that «tickets show», or the notice that did not carry it, gives)."},
	"flag.out":            {es: "escribe el adjunto en este `ARCHIVO` en lugar de la salida estándar", en: "write the attachment to this `FILE` instead of standard output"},
	"err.attachment_args": {es: "indique el caso y el número del adjunto: tickets attachment N ID", en: "say the ticket and the attachment's number: tickets attachment N ID"},
	"err.bad_attachment":  {es: "%q no es un número de adjunto", en: "%q is not an attachment number"},
	"err.no_attachment":   {es: "el caso %s no tiene el adjunto %d", en: "ticket %s has no attachment %d"},
	"err.write_file":      {es: "no se pudo escribir %s: %v", en: "could not write %s: %v"},
	"syn.classify":        {es: "tickets classify N --as PERSONA [--level N] [--service SERVICIO] [--to PERSONA]\n\nLa mesa clasifica un caso nuevo (actividades 2 y 3).", en: "tickets classify N --as PERSON [--level N] [--service SERVICE] [--to PERSON]\n\nThe desk classifies a new ticket (activities 2 and 3)."},
	"syn.escalate":        {es: "tickets escalate N --as PERSONA [--level N] [--to PERSONA]\n\nEscala el caso al nivel 2 o 3 (actividades 6 y 9).", en: "tickets escalate N --as PERSON [--level N] [--to PERSON]\n\nEscalates the ticket to level 2 or 3 (activities 6 and 9)."},
	"syn.assign":          {es: "tickets assign N --as PERSONA --to PERSONA\n\nAsigna el caso a otra persona del mismo nivel.", en: "tickets assign N --as PERSON --to PERSON\n\nAssigns the ticket to someone else at the same level."},
	"syn.comment":         {es: "tickets comment N --as PERSONA --text TEXTO\n\nUn comentario público en el caso.", en: "tickets comment N --as PERSON --text TEXT\n\nA public comment on the ticket."},
	"syn.note":            {es: "tickets note N --as PERSONA --text TEXTO\n\nUna nota interna: queda en el registro y nunca llega al solicitante.", en: "tickets note N --as PERSON --text TEXT\n\nAn internal note: on record, never sent to the requester."},
	"syn.resolve":         {es: "tickets resolve N --as PERSONA [--note TEXTO]\n\nDa el caso por resuelto (actividades 5, 8 o 10).", en: "tickets resolve N --as PERSON [--note TEXT]\n\nMarks the ticket resolved (activities 5, 8 or 10)."},
	"syn.close":           {es: "tickets close N --as PERSONA\n\nLa mesa cierra definitivamente un caso resuelto (actividades 11 y 12).", en: "tickets close N --as PERSON\n\nThe desk closes a resolved ticket for good (activities 11 and 12)."},
	"syn.reopen":          {es: "tickets reopen N --as PERSONA [--note TEXTO]\n\nReabre un caso resuelto: vuelve al nivel 1 (actividades 11 y 4).", en: "tickets reopen N --as PERSON [--note TEXT]\n\nReopens a resolved ticket: back to level 1 (activities 11 and 4)."},

	"flag.requester":    {es: "`CORREO` del solicitante", en: "the requester's `EMAIL`"},
	"flag.name":         {es: "`NOMBRE` del solicitante", en: "the requester's `NAME`"},
	"flag.subject":      {es: "`ASUNTO` de la solicitud", en: "`SUBJECT` of the request"},
	"flag.body":         {es: "`TEXTO` de la solicitud", en: "`TEXT` of the request"},
	"flag.as_open":      {es: "`PERSONA` de la mesa que la registra (por omisión, el solicitante)", en: "desk `PERSON` who registers it (default: the requester)"},
	"flag.as":           {es: "quién actúa: `PERSONA` de la lista de personal, o el correo del solicitante", en: "who acts: a roster `PERSON`, or the requester's address"},
	"flag.json_ticket":  {es: "muestra el caso en JSON", en: "print the ticket as JSON"},
	"flag.json":         {es: "muestra JSON", en: "print JSON"},
	"flag.quiet":        {es: "muestra solo el número del caso (para guardarlo en una variable)", en: "print only the ticket's number (to keep it in a variable)"},
	"flag.state":        {es: "solo los casos en este `ESTADO`: nuevo, en_atencion, resuelto o cerrado", en: "only tickets in this `STATE`: nuevo, en_atencion, resuelto or cerrado"},
	"flag.level_filter": {es: "solo los casos del nivel `N` (1, 2 o 3)", en: "only tickets at level `N` (1, 2 or 3)"},
	"flag.assignee":     {es: "solo los casos asignados a esta `PERSONA` (alias o correo)", en: "only tickets assigned to this `PERSON` (alias or email)"},
	"flag.limit":        {es: "a lo sumo `N` casos", en: "at most `N` tickets"},
	"flag.level":        {es: "el nivel de destino, `N` (1, 2 o 3)", en: "the target level, `N` (1, 2 or 3)"},
	"flag.to":           {es: "a quién se asigna: `PERSONA` de la lista de personal (alias o correo)", en: "whom it is assigned to: a roster `PERSON` (alias or email)"},
	"flag.service":      {es: "el `SERVICIO` del catálogo", en: "the catalogue's `SERVICE`"},
	"flag.text_comment": {es: "`TEXTO` del comentario", en: "`TEXT` of the comment"},
	"flag.text_note":    {es: "`TEXTO` de la nota interna", en: "`TEXT` of the internal note"},
	"flag.note_resolve": {es: "`TEXTO` de la solución", en: "`TEXT` of the resolution"},
	"flag.note_reopen":  {es: "`TEXTO`: por qué se reabre", en: "`TEXT`: why it is reopened"},

	"out.opened":      {es: "Caso %s registrado: %s (%s, nivel %d)", en: "Ticket %s registered: %s (%s, level %d)"},
	"out.acted":       {es: "Caso %s: %s, nivel %d, atiende %s", en: "Ticket %s: %s, level %d, handled by %s"},
	"out.acted_desk":  {es: "Caso %s: %s, nivel %d, atiende la mesa de servicio", en: "Ticket %s: %s, level %d, handled by the service desk"},
	"out.no_tickets":  {es: "No hay casos.", en: "There are no tickets."},
	"out.list_header": {es: "CASO\tESTADO\tNIVEL\tASIGNADO\tSOLICITANTE\tASUNTO", en: "TICKET\tSTATE\tLEVEL\tASSIGNEE\tREQUESTER\tSUBJECT"},

	// Event kinds and activities in words (states: tickets.State.Label).
	"actor.system":         {es: "el sistema", en: "the system"},
	"kind.opened":          {es: "abierto", en: "opened"},
	"kind.classified":      {es: "clasificado", en: "classified"},
	"kind.escalated":       {es: "escalado", en: "escalated"},
	"kind.assigned":        {es: "asignado", en: "assigned"},
	"kind.commented":       {es: "comentario", en: "comment"},
	"kind.noted":           {es: "nota interna", en: "internal note"},
	"kind.resolved":        {es: "resuelto", en: "resolved"},
	"kind.closed":          {es: "cerrado", en: "closed"},
	"kind.reopened":        {es: "reabierto", en: "reopened"},
	"kind.command_refused": {es: "comando rechazado", en: "command refused"},
	"kind.delivery_failed": {es: "entrega fallida", en: "delivery failed"},
	"kind.reminded":        {es: "recordatorio", en: "reminder"},
	"kind.notice_held":     {es: "aviso retenido", en: "notice held back"},
	"kind.rated":           {es: "calificación", en: "rating"},
	"activity.1":           {es: "Recibir la solicitud", en: "Receive the request"},
	"activity.2":           {es: "Analizar, diagnosticar y clasificar", en: "Analyse, diagnose and classify"},
	"activity.3":           {es: "¿Se resuelve en nivel 1?", en: "Solved at level 1?"},
	"activity.4":           {es: "Soporte de nivel 1", en: "Level-1 support"},
	"activity.5":           {es: "Caso resuelto en nivel 1", en: "Resolved at level 1"},
	"activity.6":           {es: "Escalar a nivel 2", en: "Escalate to level 2"},
	"activity.7":           {es: "Nivel 2 atiende", en: "Level 2 attends"},
	"activity.8":           {es: "¿Resuelto en nivel 2?", en: "Resolved at level 2?"},
	"activity.9":           {es: "Nivel 3 atiende", en: "Level 3 attends"},
	"activity.10":          {es: "Nivel 3 resuelve", en: "Level 3 resolves"},
	"activity.11":          {es: "Cierre definitivo", en: "Definitive closure"},
	"activity.12":          {es: "Fin", en: "End"},
	"show.summary":         {es: "Solicitante: %s · Estado: %s · Nivel: %d", en: "Requester: %s · State: %s · Level: %d"},
	"show.summary2":        {es: "Servicio: %s · Asignado: %s", en: "Service: %s · Assignee: %s"},
	"show.linked":          {es: "Continúa el caso cerrado %s", en: "Continues the closed ticket %s"},
	"show.record":          {es: "Registro (actividades del procedimiento):", en: "Record (the procedure's activities):"},
	"show.internal":        {es: "(interno)", en: "(internal)"},
	"show.level":           {es: "nivel %d", en: "level %d"},
	"show.activities":      {es: "actividades:", en: "activities:"},
	"show.messages":        {es: "Correos (%d):", en: "Emails (%d):"},
	"show.attachment":      {es: "adjunto %d: %s (%s, %d bytes)", en: "attachment %d: %s (%s, %d bytes)"},
	"show.rating":          {es: "%d de 5", en: "%d out of 5"},
	"show.more_lines":      {es: "… (%d líneas más; --json las muestra todas)", en: "… (%d more lines; --json shows them all)"},
	"activity.reopened.11": {es: "No se cierra: vuelve a nivel 1", en: "Not closed: back to level 1"},
	"activity.reopened.4":  {es: "Soporte de nivel 1 de nuevo", en: "Level-1 support again"},
	"activity.documented":  {es: "Atención documentada en nivel %d", en: "Attention documented at level %d"},
	"delivery.held":        {es: "retenido, no se envió: la dirección alcanzó el límite de respuestas automáticas", en: "held back, not sent: the address reached the limit of automatic answers"},
	"delivery.pending":     {es: "pendiente de envío", en: "waiting to be sent"},
	"delivery.failed":      {es: "no se pudo entregar", en: "could not be delivered"},

	// The quarantine (quarantine.go).
	"usage.quarantine": {
		es: `Uso: ticketd cuarentena ACCIÓN ...   (en inglés: quarantine list|show|release|discard)

  list [--json]                             los mensajes en cuarentena, con remitente y motivo
  show N                                    cabeceras y partes del mensaje tal como llegó
  liberar N --as PERSONA [--nota TEXTO]     procesarlo de nuevo (p. ej. tras subir un límite)
  descartar N --as PERSONA --motivo TEXTO   sacarlo de la cuarentena sin procesarlo

N es el número del mensaje que muestra «list». PERSONA es un agente de la
mesa de servicio (alias o correo de la lista de personal). Un mensaje
liberado sigue el camino de cualquier correo que llega, una sola vez; si
vuelve a fallar, regresa a la cuarentena con el nuevo motivo. Lo liberado y
lo descartado queda registrado con quién lo hizo y por qué.
"ticketd cuarentena ACCIÓN -h" muestra las opciones de cada acción.
`,
		en: `Usage: ticketd quarantine ACTION ...   (in Spanish: cuarentena list|show|liberar|descartar)

  list [--json]                             the quarantined messages, with sender and reason
  show N                                    the message's header fields and parts as received
  release N --as PERSON [--note TEXT]       process it again (e.g. after raising a limit)
  discard N --as PERSON --reason TEXT       take it out of quarantine without processing it

N is the message's number that "list" shows. PERSON is a service desk agent
(an alias or an address of the roster). A released message takes the path
of any mail that arrives, once; if it fails again, it goes back to
quarantine with the new reason. What is released or discarded stays on
record with who did it and why.
"ticketd quarantine ACTION -h" shows each action's options.
`},
	"syn.q_list": {es: "cuarentena list [--json]\n\nLos mensajes en cuarentena: número, fecha, remitente, asunto, tamaño y motivo.",
		en: "quarantine list [--json]\n\nThe quarantined messages: number, date, sender, subject, size and reason."},
	"syn.q_show": {es: "cuarentena show N\n\nLas cabeceras y las partes del mensaje N tal como llegó, su estado y lo que se hizo con él.",
		en: "quarantine show N\n\nMessage N's header fields and parts as received, its status and what was done with it."},
	"syn.q_release": {es: "cuarentena liberar N --as PERSONA [--nota TEXTO]\n\nProcesa de nuevo el mensaje N desde su fuente guardada, como cualquier correo que llega.\nSolo un agente de la mesa de servicio puede hacerlo.",
		en: "quarantine release N --as PERSON [--note TEXT]\n\nProcesses message N again from its stored source, as any mail that arrives.\nOnly a service desk agent may do it."},
	"syn.q_discard": {es: "cuarentena descartar N --as PERSONA --motivo TEXTO\n\nSaca el mensaje N de la cuarentena sin procesarlo; el mensaje y el motivo se conservan.\nSolo un agente de la mesa de servicio puede hacerlo.",
		en: "quarantine discard N --as PERSON --reason TEXT\n\nTakes message N out of quarantine without processing it; the message and the reason are\nkept. Only a service desk agent may do it."},
	"flag.q_as_release":      {es: "`PERSONA` de la mesa de servicio que lo libera (alias o correo)", en: "the service desk `PERSON` who releases it (alias or address)"},
	"flag.q_as_discard":      {es: "`PERSONA` de la mesa de servicio que lo descarta (alias o correo)", en: "the service desk `PERSON` who discards it (alias or address)"},
	"flag.q_note":            {es: "`TEXTO`: por qué se libera (queda en el registro)", en: "`TEXT`: why it is released (it stays on record)"},
	"flag.q_reason":          {es: "`TEXTO`: por qué se descarta (obligatorio; queda en el registro)", en: "`TEXT`: why it is discarded (required; it stays on record)"},
	"err.q_message_required": {es: "indique un mensaje: el número que muestra «ticketd cuarentena list»", en: "name a message: the number that \"ticketd quarantine list\" shows"},
	"err.q_list_args":        {es: "list no lleva argumentos (sobra %q)", en: "list takes no arguments (%q is one too many)"},
	"err.q_bad_message":      {es: "%q no es un número de mensaje", en: "%q is not a message number"},
	"err.q_no_message":       {es: "no existe el mensaje recibido %d", en: "there is no received message %d"},
	"err.q_as_required":      {es: "falta --as: el agente de la mesa de servicio que lo decide (alias o correo)", en: "--as is missing: the service desk agent who decides (alias or address)"},
	"err.q_not_desk":         {es: "solo un agente de la mesa de servicio decide sobre la cuarentena, y %s no lo es", en: "only a service desk agent decides about the quarantine, and %s is not one"},
	"err.q_reason_required":  {es: "falta --motivo: por qué se descarta (queda en el registro)", en: "--reason is missing: why it is discarded (it stays on record)"},
	"err.q_not_quarantined":  {es: "el mensaje %d ya no está en cuarentena (alguien más lo liberó o lo descartó); vea «ticketd cuarentena show %d»", en: "message %d is no longer in quarantine (someone else released or discarded it); see \"ticketd quarantine show %d\""},
	"err.q_header_only": {es: "del mensaje %d solo se guardó la cabecera, porque superaba el tamaño máximo: súbalo (limits.max_message_bytes) y, en el servidor, mueva el mensaje de la carpeta de cuarentena a la bandeja de entrada para que se lea de nuevo completo",
		en: "only the header of message %d was kept, because it was over the maximum size: raise it (limits.max_message_bytes) and, on the server, move the message from the quarantine folder back to the inbox so that it is read again whole"},
	"out.q_none":               {es: "No hay mensajes en cuarentena.", en: "There are no messages in quarantine."},
	"out.q_list_header":        {es: "N.º\tRECIBIDO\tREMITENTE\tASUNTO\tTAMAÑO\tMOTIVO", en: "NO.\tRECEIVED\tSENDER\tSUBJECT\tSIZE\tREASON"},
	"out.q_title":              {es: "Mensaje %d, recibido el %s (%s)", en: "Message %d, received on %s (%s)"},
	"out.q_status":             {es: "Estado: %s", en: "Status: %s"},
	"out.q_reason":             {es: "Motivo: %s", en: "Reason: %s"},
	"out.q_reason_detail":      {es: "%s (detalle técnico: %s)", en: "%s (technical detail: %s)"},
	"out.q_ticket":             {es: "Caso: %s", en: "Ticket: %s"},
	"out.q_headers":            {es: "Cabeceras:", en: "Header fields:"},
	"out.q_parts":              {es: "Partes:", en: "Parts:"},
	"out.q_bad_type":           {es: "(tipo ilegible: %s)", en: "(unreadable type: %s)"},
	"out.q_record":             {es: "Registro:", en: "Record:"},
	"out.q_released_by":        {es: "liberado por %s", en: "released by %s"},
	"out.q_discarded_by":       {es: "descartado por %s", en: "discarded by %s"},
	"out.q_outcome":            {es: "(resultado: %s)", en: "(outcome: %s)"},
	"out.q_back":               {es: "El mensaje %d volvió a la cuarentena: %s", en: "Message %d went back to quarantine: %s"},
	"out.q_opened":             {es: "Mensaje %d liberado: abrió el caso %s.", en: "Message %d released: it opened ticket %s."},
	"out.q_released_on":        {es: "Mensaje %d liberado: %s (caso %s).", en: "Message %d released: %s (ticket %s)."},
	"out.q_released":           {es: "Mensaje %d liberado: %s.", en: "Message %d released: %s."},
	"out.q_discarded":          {es: "Mensaje %d descartado; el motivo quedó registrado.", en: "Message %d discarded; the reason is on record."},
	"qstatus.quarantined":      {es: "en cuarentena", en: "in quarantine"},
	"qstatus.discarded":        {es: "descartado", en: "discarded"},
	"qstatus.processed":        {es: "procesado", en: "processed"},
	"qstatus.received":         {es: "recibido, sin procesar", en: "received, not yet processed"},
	"outcome.opened":           {es: "abrió un caso nuevo", en: "it opened a new ticket"},
	"outcome.comment":          {es: "quedó como comentario", en: "it became a comment"},
	"outcome.commands":         {es: "se aplicaron sus comandos", en: "its commands were run"},
	"outcome.automatic":        {es: "era un mensaje automático y quedó registrado", en: "it was automatic mail and is on record"},
	"outcome.bounce":           {es: "era un aviso de no entrega y quedó registrado", en: "it was a delivery failure notice and is on record"},
	"outcome.duplicate":        {es: "ya estaba registrado", en: "it was already on record"},
	"outcome.quarantined":      {es: "volvió a la cuarentena", en: "it went back to quarantine"},
	"outcome.rating":           {es: "quedó como calificación del caso", en: "it became the ticket's rating"},
	"problem.too_many_parts":   {es: "tiene más de %d partes: no se muestran las demás", en: "it has more than %d parts: the others are not shown"},
	"problem.too_deep":         {es: "anida más de %d niveles: no se muestran las partes interiores", en: "it nests more than %d levels: the inner parts are not shown"},
	"problem.no_boundary":      {es: "una parte multipart no declara su separador", en: "a multipart part declares no boundary"},
	"problem.unclosed":         {es: "una parte multipart no termina con su separador de cierre", en: "a multipart part does not end with its closing boundary"},
	"problem.too_many_fields":  {es: "más de %d campos de cabecera: no se muestran los demás", en: "more than %d header fields: the others are not shown"},
	"problem.bad_header_lines": {es: "se omitieron líneas de cabecera que no son campos", en: "header lines that are not fields were left out"},
	"problem.other":            {es: "parte ilegible", en: "unreadable part"},

	// OAuth 2.0 (oauth2.go).
	"usage.oauth2": {
		es: `Uso: ticketd oauth2 ACCIÓN

  login [--device]   el paso único de la concesión con token de renovación
                     ([oauth2] grant = "refresh_token"): inicie sesión con la
                     cuenta del buzón y autorice a ticketd; el resultado queda
                     cifrado en la base de datos y ticketd lo renueva solo
  status             si hay una concesión guardada, cuándo se renovó y el
                     último error (también: estado)

Con --device, ticketd muestra una dirección y un código para escribir en
cualquier navegador (device_auth_url). Sin él, muestra la dirección de
inicio de sesión (auth_url) y espera que pegue la dirección a la que el
proveedor lo devolvió (redirect_url), o solo su código.
"ticketd oauth2 ACCIÓN -h" muestra las opciones de cada acción.
`,
		en: `Usage: ticketd oauth2 ACTION

  login [--device]   the one-time step of the refresh-token grant
                     ([oauth2] grant = "refresh_token"): sign in with the
                     mailbox's account and authorise ticketd; the result is
                     stored encrypted in the database and ticketd renews it
  status             whether a grant is stored, when it was renewed and the
                     last error

With --device, ticketd shows an address and a code to type in any browser
(device_auth_url). Without it, it shows the sign-in address (auth_url) and
waits for you to paste the address the provider sent you back to
(redirect_url), or only its code.
"ticketd oauth2 ACTION -h" shows each action's options.
`},
	"syn.oauth2_login": {es: "oauth2 login [--device] [--account CUENTA]\n\nEl paso único de la concesión con token de renovación: inicie sesión con la cuenta del\nbuzón y autorice a ticketd, que guarda la concesión cifrada y la renueva solo.",
		en: "oauth2 login [--device] [--account ACCOUNT]\n\nThe one-time step of the refresh-token grant: sign in with the mailbox's account and\nauthorise ticketd, which stores the grant encrypted and renews it by itself."},
	"syn.oauth2_status": {es: "oauth2 status [--account CUENTA]\n\nSi hay una concesión guardada, cuándo se renovó, cuándo vence el token de acceso y el\núltimo error.",
		en: "oauth2 status [--account ACCOUNT]\n\nWhether a grant is stored, when it was renewed, when the access token expires and the\nlast error."},
	"flag.device":          {es: "inicio de sesión con un código para escribir en cualquier navegador", en: "device-code login: a code to type in any browser"},
	"err.oauth2_grant":     {es: "[oauth2] grant no es \"refresh_token\": la concesión de credenciales de cliente no necesita inicio de sesión", en: "[oauth2] grant is not \"refresh_token\": the client-credentials grant needs no login"},
	"err.oauth2_account":   {es: "no hay una cuenta %q en [imap]; las cuentas son: %s", en: "there is no account %q in [imap]; the accounts are: %s"},
	"flag.oauth2_account":  {es: "la `CUENTA` ([[imap]] name) cuya concesión se usa (por omisión, la primera)", en: "the `ACCOUNT` ([[imap]] name) whose grant is meant (default: the first)"},
	"err.oauth2_config":    {es: "la sección [oauth2] no se puede usar: %v", en: "the [oauth2] section cannot be used: %v"},
	"err.oauth2_start":     {es: "no se pudo preparar el inicio de sesión: %v", en: "the login could not be prepared: %v"},
	"err.oauth2_login":     {es: "no se completó el inicio de sesión: %v", en: "the login did not complete: %v"},
	"err.oauth2_no_return": {es: "no se recibió la dirección de retorno", en: "no return address was received"},
	"err.oauth2_no_code":   {es: "la dirección pegada no trae un código de autorización", en: "the pasted address carries no authorisation code"},
	"out.oauth2_device":    {es: "Abra %s en un navegador y escriba el código %s.", en: "Open %s in a browser and type the code %s."},
	"out.oauth2_device_by": {es: "Abra %s en un navegador y escriba el código %s antes de las %s.", en: "Open %s in a browser and type the code %s before %s."},
	"out.oauth2_waiting":   {es: "Inicie sesión con la cuenta del buzón y autorice el acceso. Esperando…", en: "Sign in with the mailbox's account and authorise the access. Waiting…"},
	"out.oauth2_open": {es: "Abra esta dirección en un navegador, inicie sesión con la cuenta del buzón y autorice el acceso:\n\n  %s\n\nLuego pegue aquí la dirección a la que el proveedor lo devolvió (o solo su código) y pulse Intro:",
		en: "Open this address in a browser, sign in with the mailbox's account and authorise the access:\n\n  %s\n\nThen paste here the address the provider sent you back to (or only its code) and press Enter:"},
	"out.oauth2_done":    {es: "Listo: la concesión de la cuenta %s quedó guardada, cifrada, en la base de datos. ticketd la renueva solo.", en: "Done: the grant of account %s is stored, encrypted, in the database. ticketd renews it by itself."},
	"out.oauth2_none":    {es: "No hay una concesión guardada para la cuenta %s: ejecute «ticketd oauth2 login».", en: "No grant is stored for account %s: run \"ticketd oauth2 login\"."},
	"out.oauth2_stored":  {es: "Cuenta %s: concesión guardada.", en: "Account %s: grant stored."},
	"out.oauth2_renewed": {es: "Última renovación: %s", en: "Last renewal: %s"},
	"out.oauth2_expiry":  {es: "El token de acceso vence: %s", en: "The access token expires: %s"},
	"out.oauth2_error":   {es: "Último error: %s", en: "Last error: %s"},

	// What status says of failing parts (alerts.go).
	"out.alerts_ok":    {es: "Alertas: todo funciona.", en: "Alerts: everything works."},
	"out.alerts":       {es: "Alertas:", en: "Alerts:"},
	"out.alert_line":   {es: "  %s falla desde %s (%s): %s", en: "  %s has been failing since %s (%s): %s"},
	"out.alert_told":   {es: "se avisó a los administradores el %s", en: "the administrators were told on %s"},
	"out.alert_untold": {es: "aún no se avisó a los administradores", en: "the administrators have not been told yet"},
	"part.smtp":        {es: "el envío de correo (SMTP)", en: "sending mail (SMTP)"},
	"part.imap":        {es: "el buzón %s de la cuenta %s", en: "the mailbox %s of account %s"},

	// The sandbox.
	"syn.sandbox": {
		es: "sandbox [--walkthrough] [--reset] [--dir CARPETA] [--database-url URL] [--verbose]\n\nTodo en este equipo: un PostgreSQL propio, servidores IMAP y SMTP en 127.0.0.1 con un\nbuzón para la mesa y para cada persona de una lista de ejemplo, y ticketd. Escribe\nla configuración en CARPETA/ticketd.toml para usarla con la línea de comandos.",
		en: "sandbox [--walkthrough] [--reset] [--dir FOLDER] [--database-url URL] [--verbose]\n\nEverything on this machine: a PostgreSQL of its own, IMAP and SMTP servers on 127.0.0.1\nwith a mailbox for the desk and for each person of a sample roster, and ticketd. It\nwrites its configuration to FOLDER/ticketd.toml for the command line to use."},
	"flag.walkthrough":     {es: "recorre todo el procedimiento por correo, muestra cada paso y se detiene", en: "play the whole procedure by email, print each step, and stop"},
	"flag.reset":           {es: "empieza de cero (borra la base de datos y los buzones del entorno)", en: "start from scratch (drops the sandbox's database and mailboxes)"},
	"flag.dir":             {es: "`CARPETA` que conserva datos, buzones y configuración", en: "`FOLDER` that keeps the data, mailboxes and configuration"},
	"flag.database_url":    {es: "usa esta base de datos de PostgreSQL (`URL`) en lugar de una propia", en: "use this PostgreSQL database (`URL`) instead of one of its own"},
	"flag.imap":            {es: "`DIRECCIÓN` del servidor IMAP (por omisión 127.0.0.1:1143, o un puerto libre)", en: "IMAP listen `ADDRESS` (default 127.0.0.1:1143, or a free port)"},
	"flag.smtp":            {es: "`DIRECCIÓN` del servidor SMTP (por omisión 127.0.0.1:1587, o un puerto libre)", en: "SMTP listen `ADDRESS` (default 127.0.0.1:1587, or a free port)"},
	"flag.verbose":         {es: "muestra el registro de ticketd", en: "print ticketd's log"},
	"stage.postgres":       {es: "Iniciando PostgreSQL (la primera vez crea la base de datos)...", en: "Starting PostgreSQL (the first time it creates the database)..."},
	"stage.mail":           {es: "Iniciando los servidores de correo IMAP y SMTP...", en: "Starting the IMAP and SMTP mail servers..."},
	"stage.ticketd":        {es: "Escribiendo la configuración e iniciando ticketd...", en: "Writing the configuration and starting ticketd..."},
	"out.sandbox_imap":     {es: "IMAP           %s, puerto %s (sin TLS)", en: "IMAP           %s, port %s (no TLS)"},
	"out.sandbox_smtp":     {es: "SMTP           %s, puerto %s (sin TLS, AUTH PLAIN o LOGIN)", en: "SMTP           %s, port %s (no TLS, AUTH PLAIN or LOGIN)"},
	"out.sandbox_db":       {es: "Base de datos  %s", en: "Database       %s"},
	"out.sandbox_admin":    {es: "Operación      http://%s/metrics, /readyz, /healthz", en: "Operations     http://%s/metrics, /readyz, /healthz"},
	"out.sandbox_accounts": {es: "Cuentas (usuario: el correo; contraseña: %q):", en: "Accounts (user: the address; password: %q):"},
	"out.sandbox_alias":    {es: "%s (alias %s)", en: "%s (alias %s)"},
	"out.sandbox_cli":      {es: "Con la línea de comandos, en otra terminal y en esta carpeta:\n    %s --config %s tickets list", en: "From the command line, in another terminal and in this folder:\n    %s --config %s tickets list"},
	"out.sandbox_running":  {es: "El entorno queda en marcha; Ctrl-C lo detiene (buzones y base de datos se conservan en %s).", en: "The sandbox keeps running; Ctrl-C stops it (the mailboxes and the database are kept in %s)."},
	"role.mailbox":         {es: "buzón de soporte (lo lee ticketd)", en: "support mailbox (ticketd reads it)"},
	"role.solicitante":     {es: "solicitante", en: "requester"},
	"role.mesa":            {es: "mesa de servicio", en: "service desk"},
	"role.especialista":    {es: "especialista", en: "specialist"},
	"role.sitio":           {es: "soporte en sitio", en: "on-site support"},
	"role.proveedor":       {es: "proveedor", en: "provider"},

	// The walkthrough.
	"walk.ready":    {es: "Entorno listo; se detiene al terminar el recorrido.", en: "The sandbox is ready; it stops when the walkthrough ends."},
	"walk.title":    {es: "Recorrido del procedimiento 130.13.08-3, solo por correo:", en: "A walk through procedure 130.13.08-3, by email only:"},
	"walk.request":  {es: "%s escribe a %s", en: "%s writes to %s"},
	"walk.subject":  {es: "Asunto", en: "Subject"},
	"walk.replies":  {es: "%s responde a «%s»", en: "%s replies to \"%s\""},
	"walk.settled":  {es: "caso %s: %s, nivel %d, atiende %s", en: "ticket %s: %s, level %d, handled by %s"},
	"walk.desk":     {es: "la mesa de servicio", en: "the service desk"},
	"walk.classify": {es: "La mesa clasifica en nivel 2 y asigna el soporte en sitio", en: "The desk classifies at level 2 and assigns on-site support"},
	"walk.escalate": {es: "El soporte en sitio escala al proveedor (nivel 3)", en: "On-site support escalates to the provider (level 3)"},
	"walk.resolve":  {es: "El proveedor resuelve", en: "The provider resolves"},
	"walk.reopen":   {es: "La solicitante reabre: el caso vuelve al nivel 1", en: "The requester reopens: the ticket goes back to level 1"},
	"walk.close":    {es: "La mesa resuelve y cierra definitivamente", en: "The desk resolves and closes for good"},
	"walk.after": {
		es: "El entorno se detuvo. Para seguir con la línea de comandos, inícielo sin --walkthrough y,\nen otra terminal y en esta carpeta:\n  %s --config %s tickets list",
		en: "The sandbox has stopped. To go on from the command line, start it without --walkthrough\nand, in another terminal and in this folder:\n  %s --config %s tickets list"},
}
