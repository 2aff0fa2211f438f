-- The OAuth 2.0 grant of each mailbox account that renews its own access
-- tokens (the refresh-token grant): the current refresh token, so that a
-- rotated one survives a restart and every replica uses the same, and the
-- current access token, so that replicas share it instead of each renewing.
-- Both are encrypted (AES-256-GCM) with a key from the configuration; the
-- database alone reveals neither.
CREATE TABLE oauth_tokens (
    account       text        PRIMARY KEY,
    refresh_enc   bytea       NOT NULL,
    access_enc    bytea,
    access_expiry timestamptz,
    renewed_at    timestamptz,
    last_error    text        NOT NULL DEFAULT '',
    updated_at    timestamptz NOT NULL DEFAULT now()
);
