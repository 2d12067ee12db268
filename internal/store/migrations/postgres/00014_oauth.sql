-- +goose Up
-- The OAuth 2.0 server of the OB 3.0 API and Badge Connect 2.1 (service.OAuth). Secrets,
-- codes and tokens are stored only as hex SHA-256 hashes.
-- oauth_clients: clients registered by RFC 7591 dynamic registration. redirect_uris is one URI
-- per line; scope is space-separated; metadata is the registration response's JSON.
-- registered_addr is the client address that registered it (to bound registrations).
CREATE TABLE oauth_clients (
    id               TEXT PRIMARY KEY,
    secret_hash      TEXT NOT NULL,
    client_name      TEXT NOT NULL,
    client_uri       TEXT NOT NULL,
    logo_uri         TEXT NOT NULL,
    tos_uri          TEXT NOT NULL,
    policy_uri       TEXT NOT NULL,
    software_id      TEXT NOT NULL,
    software_version TEXT NOT NULL,
    redirect_uris    TEXT NOT NULL,
    scope            TEXT NOT NULL,
    metadata         TEXT NOT NULL,
    registered_addr  TEXT NOT NULL,
    created_at       TIMESTAMPTZ NOT NULL
);
CREATE INDEX oauth_clients_addr ON oauth_clients(registered_addr, created_at);

-- oauth_grants: what an earner allowed a client (one row per user and client; the scopes
-- grow with each consent). Revoking deletes the row and, by cascade, every code and token.
CREATE TABLE oauth_grants (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    client_id  TEXT NOT NULL REFERENCES oauth_clients(id) ON DELETE CASCADE,
    scope      TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    UNIQUE (user_id, client_id)
);

-- oauth_codes: authorization codes (single use, PKCE S256 challenge kept).
CREATE TABLE oauth_codes (
    code_hash      TEXT PRIMARY KEY,
    grant_id       BIGINT NOT NULL REFERENCES oauth_grants(id) ON DELETE CASCADE,
    redirect_uri   TEXT NOT NULL,
    scope          TEXT NOT NULL,
    code_challenge TEXT NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL,
    expires_at     TIMESTAMPTZ NOT NULL,
    used_at        TIMESTAMPTZ
);

-- oauth_tokens: access and refresh tokens. code_hash is the code the chain of tokens came
-- from (refreshed tokens keep it), so that a reused code revokes them all.
CREATE TABLE oauth_tokens (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    grant_id   BIGINT NOT NULL REFERENCES oauth_grants(id) ON DELETE CASCADE,
    kind       TEXT NOT NULL CHECK (kind IN ('access', 'refresh')),
    token_hash TEXT NOT NULL UNIQUE,
    code_hash  TEXT NOT NULL,
    scope      TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    revoked_at TIMESTAMPTZ
);
CREATE INDEX oauth_tokens_grant ON oauth_tokens(grant_id);
CREATE INDEX oauth_tokens_code ON oauth_tokens(code_hash);

-- api_profiles: the earner's Profile as the OB 3.0 / Badge Connect APIs show and update it
-- (PUT /profile). Empty fields fall back to the account's name and primary address.
CREATE TABLE api_profiles (
    user_id     BIGINT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    name        TEXT NOT NULL DEFAULT '',
    email       TEXT NOT NULL DEFAULT '',
    url         TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    image       TEXT NOT NULL DEFAULT '',
    updated_at  TIMESTAMPTZ NOT NULL
);

-- +goose Down
DROP TABLE api_profiles;
DROP TABLE oauth_tokens;
DROP TABLE oauth_codes;
DROP TABLE oauth_grants;
DROP TABLE oauth_clients;
