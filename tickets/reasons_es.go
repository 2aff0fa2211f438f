package tickets

// reasonsES are the refusals of transition.go in Spanish, keyed by their
// English format. The test checks that every refusal has its translation.
var reasonsES = map[string]string{
	"unknown command %q":                                                                 "comando desconocido %q",
	"a request needs the requester's address":                                            "una solicitud necesita la dirección del solicitante",
	"only the requester or the desk registers a request":                                 "solo el solicitante o la mesa de servicio registran una solicitud",
	"only the service desk registers a request on someone's behalf":                      "solo la mesa de servicio registra una solicitud a nombre de otra persona",
	"only the service desk classifies a request":                                         "solo la mesa de servicio clasifica una solicitud",
	"ticket is %s; only a new ticket or one in attention is classified":                  "el caso está %s; solo se clasifica un caso nuevo o en atención",
	"level %d does not exist (levels are 1, 2 and 3)":                                    "el nivel %d no existe (los niveles son 1, 2 y 3)",
	"ticket is %s; only a ticket in attention is escalated":                              "el caso está %s; solo se escala un caso en atención",
	"only the service desk, or the level-2 assignee (to level 3), escalates":             "solo la mesa de servicio, o el responsable de nivel 2 (hacia el nivel 3), escala un caso",
	"the ticket is at level 3, the highest level":                                        "el caso ya está en el nivel 3, el más alto",
	"the ticket is already at level %d; escalation goes up":                              "el caso ya está en el nivel %d; escalar es subir de nivel",
	"ticket is %s; only a ticket in attention is assigned":                               "el caso está %s; solo se asigna un caso en atención",
	"only the service desk or the current assignee assigns the ticket":                   "solo la mesa de servicio o el responsable actual asignan el caso",
	"say whom to assign the ticket to (a roster alias or address)":                       "indique a quién asignar el caso (alias o correo de la lista de personal)",
	"ticket is %s; a closed ticket takes no comments":                                    "el caso está %s; un caso cerrado no recibe comentarios",
	"the system does not comment":                                                        "el sistema no comenta",
	"a comment needs text":                                                               "un comentario necesita texto",
	"ticket is %s; a closed ticket takes no notes":                                       "el caso está %s; un caso cerrado no recibe notas",
	"only roster people write internal notes":                                            "solo el personal de soporte escribe notas internas",
	"a note needs text":                                                                  "una nota necesita texto",
	"ticket is %s; only a ticket in attention is resolved":                               "el caso está %s; solo se resuelve un caso en atención",
	"only the service desk or the assignee resolves the ticket":                          "solo la mesa de servicio o el responsable del caso lo resuelven",
	"only the service desk closes a ticket definitively":                                 "solo la mesa de servicio cierra definitivamente un caso",
	"ticket is %s; only a resolved ticket is closed":                                     "el caso está %s; solo se cierra un caso resuelto",
	"only the service desk or the requester reopens a ticket":                            "solo la mesa de servicio o el solicitante reabren un caso",
	"ticket is %s; only a resolved ticket is reopened":                                   "el caso está %s; solo se reabre un caso resuelto",
	"%s is a desk agent; levels 2 and 3 go to specialists, on-site support or providers": "%s es agente de la mesa; los niveles 2 y 3 son de especialistas, soporte en sitio o proveedores",
	"%s does not serve level %d":                                                         "%s no atiende el nivel %d",
}
