-- +goose Up
-- Bulk uploads: a CSV file of awards of one badge class (internal/bulk), from its preview to the
-- end of the job issuing it. data holds the uploaded bytes until the upload is done, failed or
-- cancelled (the job parses them again). created_by is the uploading user's id (0: the system).
-- issued counts awards this upload created, skipped rows already issued before it (idempotent
-- hits), failed rows not issued (invalid rows skipped at confirmation, rows refused).
CREATE TABLE bulk_uploads (
    id             TEXT PRIMARY KEY,
    issuer_id      TEXT NOT NULL REFERENCES issuers(id) ON DELETE CASCADE,
    badge_class_id TEXT NOT NULL REFERENCES badge_classes(id) ON DELETE CASCADE,
    created_by     INTEGER NOT NULL,
    filename       TEXT NOT NULL,
    file_sha256    TEXT NOT NULL,
    data           BLOB,
    rows_total     INTEGER NOT NULL,
    rows_valid     INTEGER NOT NULL,
    rows_invalid   INTEGER NOT NULL,
    state          TEXT NOT NULL CHECK (state IN ('preview', 'queued', 'running', 'done', 'failed', 'cancelled')),
    issued         INTEGER NOT NULL DEFAULT 0,
    skipped        INTEGER NOT NULL DEFAULT 0,
    failed         INTEGER NOT NULL DEFAULT 0,
    error          TEXT NOT NULL DEFAULT '',
    notify         INTEGER NOT NULL DEFAULT 0 CHECK (notify IN (0, 1)),
    skip_invalid   INTEGER NOT NULL DEFAULT 0 CHECK (skip_invalid IN (0, 1)),
    confirmed_at   TEXT,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
) STRICT;
CREATE INDEX bulk_uploads_badge_class ON bulk_uploads(badge_class_id, created_at);

-- +goose Down
DROP TABLE bulk_uploads;
