-- +goose Up
-- Issuers (public profile), their staff with a role each, and their signing keys (private
-- halves encrypted by internal/keys; retired keys stay, still published).
CREATE TABLE issuers (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    description  TEXT NOT NULL DEFAULT '',
    website      TEXT NOT NULL DEFAULT '',
    email        TEXT NOT NULL DEFAULT '',
    logo_url     TEXT NOT NULL DEFAULT '',
    linkedin_org TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL
);

CREATE TABLE issuer_members (
    issuer_id  TEXT NOT NULL REFERENCES issuers(id) ON DELETE CASCADE,
    user_id    BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role       TEXT NOT NULL CHECK (role IN ('owner', 'editor', 'awarder', 'viewer')),
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (issuer_id, user_id)
);
CREATE INDEX issuer_members_user ON issuer_members(user_id);

CREATE TABLE issuer_keys (
    id          TEXT PRIMARY KEY,
    issuer_id   TEXT NOT NULL REFERENCES issuers(id) ON DELETE CASCADE,
    alg         TEXT NOT NULL,
    public_jwk  TEXT NOT NULL,
    private_enc BYTEA NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    retired_at  TIMESTAMPTZ
);
CREATE INDEX issuer_keys_issuer ON issuer_keys(issuer_id, created_at);
CREATE UNIQUE INDEX issuer_keys_active ON issuer_keys(issuer_id, alg) WHERE retired_at IS NULL;

-- +goose Down
DROP TABLE issuer_keys;
DROP TABLE issuer_members;
DROP TABLE issuers;
