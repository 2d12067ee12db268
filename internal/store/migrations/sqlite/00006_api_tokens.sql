-- +goose Up
-- API tokens: a user's bearer tokens for /api/v1. Only the SHA-256 of the token is stored
-- (hex, token_hash); token_prefix is its first characters, shown so a person can tell tokens
-- apart. issuer_id NULL means any issuer the user may act on; scopes is a space-separated
-- list (badge.Scopes).
CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    issuer_id    TEXT REFERENCES issuers(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    scopes       TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    token_prefix TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    last_used_at TEXT,
    expires_at   TEXT,
    revoked_at   TEXT
) STRICT;
CREATE INDEX api_tokens_user ON api_tokens(user_id, created_at);

-- Idempotency keys of API calls: the first request with a key records "in progress"
-- (status 0), runs, and stores its response (status, Location header, body); a repeat replays
-- it. request_hash is the SHA-256 of the method, path and body. Rows older than 24 hours are
-- pruned.
CREATE TABLE api_idempotency (
    token_id     INTEGER NOT NULL REFERENCES api_tokens(id) ON DELETE CASCADE,
    key          TEXT NOT NULL,
    method_path  TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status       INTEGER NOT NULL DEFAULT 0,
    location     TEXT NOT NULL DEFAULT '',
    response     BLOB,
    created_at   TEXT NOT NULL,
    PRIMARY KEY (token_id, key)
) STRICT;
CREATE INDEX api_idempotency_created ON api_idempotency(created_at);

-- +goose Down
DROP TABLE api_idempotency;
DROP TABLE api_tokens;
