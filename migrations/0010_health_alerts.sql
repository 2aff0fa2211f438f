-- A mailbox that goes quiet is told: what fails (reading a mailbox,
-- sending mail), since when, and whether the administrators were told. One
-- row per part; a replica changes it under a row lock, so the "it fails"
-- and "it works again" emails go out once however many replicas watch.
CREATE TABLE health_alerts (
    subject       text        PRIMARY KEY, -- "imap default/INBOX", "smtp"
    failing_since timestamptz,             -- NULL: working
    last_error    text        NOT NULL DEFAULT '',
    alerted_at    timestamptz,             -- when the administrators were told it fails
    updated_at    timestamptz NOT NULL DEFAULT now()
);
