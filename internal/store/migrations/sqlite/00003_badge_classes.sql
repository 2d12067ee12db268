-- +goose Up
-- Badge classes of an issuer. Their fields live in immutable versions (JSON of
-- badge.BadgeClassFields, exact bytes kept); the badge class points at its current version,
-- and awards reference the version they were issued under. Images are stored by the sha256 of
-- their (sanitized) bytes, shared between versions and badge classes.
CREATE TABLE badge_images (
    id         TEXT PRIMARY KEY,
    media_type TEXT NOT NULL CHECK (media_type IN ('image/png', 'image/svg+xml')),
    bytes      BLOB NOT NULL,
    created_at TEXT NOT NULL
) STRICT;

CREATE TABLE badge_classes (
    id              TEXT PRIMARY KEY,
    issuer_id       TEXT NOT NULL REFERENCES issuers(id) ON DELETE CASCADE,
    name            TEXT NOT NULL,
    current_version INTEGER NOT NULL CHECK (current_version >= 1),
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
) STRICT;
CREATE INDEX badge_classes_issuer ON badge_classes(issuer_id, name);

CREATE TABLE badge_class_versions (
    badge_class_id TEXT NOT NULL REFERENCES badge_classes(id) ON DELETE CASCADE,
    version        INTEGER NOT NULL CHECK (version >= 1),
    fields         TEXT NOT NULL,
    image_id       TEXT REFERENCES badge_images(id),
    created_at     TEXT NOT NULL,
    created_by     TEXT NOT NULL,
    PRIMARY KEY (badge_class_id, version)
) STRICT;

-- +goose Down
DROP TABLE badge_class_versions;
DROP TABLE badge_classes;
DROP TABLE badge_images;
