-- The first schema: tickets, their append-only event log, every message in
-- and out with its raw source, attachments, the outbox, and the IMAP
-- positions that make intake idempotent.

CREATE TABLE tickets (
    id             bigserial PRIMARY KEY,
    subject        text        NOT NULL,
    requester      text        NOT NULL,
    requester_name text        NOT NULL DEFAULT '',
    state          text        NOT NULL CHECK (state IN ('nuevo', 'en_atencion', 'resuelto', 'cerrado')),
    level          smallint    NOT NULL CHECK (level BETWEEN 1 AND 3),
    service        text        NOT NULL DEFAULT '',
    assignee       text        NOT NULL DEFAULT '',
    linked_to      bigint      REFERENCES tickets (id),
    lang           text        NOT NULL DEFAULT 'es',
    created_at     timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL,
    level_since    timestamptz NOT NULL,
    resolved_at    timestamptz,
    reminded_at    timestamptz
);
CREATE INDEX tickets_state_level_idx ON tickets (state, level);
CREATE INDEX tickets_requester_idx ON tickets (requester);
CREATE INDEX tickets_assignee_idx ON tickets (assignee) WHERE assignee <> '';

CREATE TABLE messages (
    id           bigserial PRIMARY KEY,
    ticket_id    bigint      REFERENCES tickets (id),
    direction    text        NOT NULL CHECK (direction IN ('in', 'out')),
    message_id   text        NOT NULL,
    in_reply_to  text        NOT NULL DEFAULT '',
    refs         text[]      NOT NULL DEFAULT '{}',
    from_addr    text        NOT NULL DEFAULT '',
    from_name    text        NOT NULL DEFAULT '',
    to_addrs     text[]      NOT NULL DEFAULT '{}',
    cc_addrs     text[]      NOT NULL DEFAULT '{}',
    subject      text        NOT NULL DEFAULT '',
    body         text        NOT NULL DEFAULT '', -- what goes on the ticket: the trimmed reply
    full_text    text        NOT NULL DEFAULT '', -- the whole text part
    raw          bytea,                           -- the source as received, stored before parsing
    content_hash text        NOT NULL DEFAULT '',
    auto_kind    text        NOT NULL DEFAULT '',
    status       text        NOT NULL DEFAULT 'processed' CHECK (status IN ('received', 'processed', 'quarantined')),
    reason       text        NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL DEFAULT now()
);
-- One row per inbound message, however often it is seen: Message-ID plus a
-- hash of the source, so a missing or reused Message-ID is still told apart.
CREATE UNIQUE INDEX messages_inbound_key ON messages (message_id, content_hash) WHERE direction = 'in';
CREATE INDEX messages_message_id_idx ON messages (message_id);
CREATE INDEX messages_ticket_idx ON messages (ticket_id, id);

CREATE TABLE attachments (
    id           bigserial PRIMARY KEY,
    message_row  bigint  NOT NULL REFERENCES messages (id),
    filename     text    NOT NULL,
    content_type text    NOT NULL,
    content_id   text    NOT NULL DEFAULT '',
    inline       boolean NOT NULL DEFAULT false,
    size         integer NOT NULL,
    data         bytea   NOT NULL
);
CREATE INDEX attachments_message_idx ON attachments (message_row);

CREATE TABLE events (
    id              bigserial PRIMARY KEY,
    ticket_id       bigint      NOT NULL REFERENCES tickets (id),
    seq             integer     NOT NULL,
    kind            text        NOT NULL,
    activities      smallint[]  NOT NULL DEFAULT '{}',
    actor           text        NOT NULL,
    actor_role      text        NOT NULL,
    level_before    smallint    NOT NULL DEFAULT 0,
    level_after     smallint    NOT NULL,
    state_before    text        NOT NULL DEFAULT '',
    state_after     text        NOT NULL,
    assignee_before text        NOT NULL DEFAULT '',
    assignee_after  text        NOT NULL DEFAULT '',
    service         text        NOT NULL DEFAULT '',
    public          boolean     NOT NULL,
    note            text        NOT NULL DEFAULT '',
    requester       text        NOT NULL DEFAULT '',
    message_row     bigint      REFERENCES messages (id),
    at              timestamptz NOT NULL,
    UNIQUE (ticket_id, seq)
);

-- The event log is the procedure's "Registro": nothing rewrites it.
CREATE FUNCTION events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the event log is append-only (% on events refused)', TG_OP;
END
$$;
CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION events_append_only();

-- The transactional outbox: rows are written in the transaction of the
-- event that causes them; workers claim due rows with SKIP LOCKED.
CREATE TABLE outbox (
    id              bigserial PRIMARY KEY,
    message_row     bigint      NOT NULL UNIQUE REFERENCES messages (id),
    ticket_id       bigint      REFERENCES tickets (id),
    event_id        bigint      REFERENCES events (id),
    kind            text        NOT NULL,
    recipient       text        NOT NULL,
    recipient_name  text        NOT NULL DEFAULT '',
    reply_to        text        NOT NULL DEFAULT '',
    html_body       text        NOT NULL DEFAULT '',
    auto_submitted  text        NOT NULL DEFAULT 'auto-generated',
    status          text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed', 'held')),
    attempts        integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_error      text        NOT NULL DEFAULT '',
    dedup_key       text        UNIQUE,
    created_at      timestamptz NOT NULL DEFAULT now(),
    sent_at         timestamptz
);
CREATE INDEX outbox_due_idx ON outbox (next_attempt_at) WHERE status = 'pending';
CREATE INDEX outbox_recipient_idx ON outbox (recipient, created_at);

-- Every IMAP message handled, by its position: a redelivery of the same
-- position is recognised before anything is parsed.
CREATE TABLE mailbox_positions (
    account     text        NOT NULL,
    mailbox     text        NOT NULL,
    uidvalidity bigint      NOT NULL,
    uid         bigint      NOT NULL,
    message_row bigint      REFERENCES messages (id),
    quarantine  boolean     NOT NULL DEFAULT false,
    reason      text        NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (account, mailbox, uidvalidity, uid)
);

CREATE TABLE mailbox_state (
    account       text        NOT NULL,
    mailbox       text        NOT NULL,
    uidvalidity   bigint      NOT NULL DEFAULT 0,
    last_uid      bigint      NOT NULL DEFAULT 0,
    last_success  timestamptz,
    last_error    text        NOT NULL DEFAULT '',
    last_error_at timestamptz,
    backlog       integer     NOT NULL DEFAULT 0,
    holder        text        NOT NULL DEFAULT '',
    updated_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (account, mailbox)
);

-- Values the daemons share, such as a generated reply-token secret.
CREATE TABLE settings (
    key   text PRIMARY KEY,
    value text NOT NULL
);
