-- +goose Up
-- Digital CVs an earner builds from sections. share_token is NULL while the CV is private;
-- sharing sets a new random token (the CV is then readable by anyone at /cv/{token}) and
-- "stop sharing" clears it, so an old link never works again.
CREATE TABLE cvs (
    id          TEXT PRIMARY KEY,
    user_id     BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    title       TEXT NOT NULL,
    share_token TEXT UNIQUE,
    shared_at   TIMESTAMPTZ,
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX cvs_user ON cvs(user_id, created_at);

-- One section of a CV, shown in position order (0, 1, ...). body is JSON whose shape depends
-- on kind: badges {"items":[wallet item ids]}, text {"text":...}, links {"links":[{label,url}]},
-- contact {"lines":[...]}, skills {} (gathered from the badges held when shown).
CREATE TABLE cv_sections (
    id         TEXT PRIMARY KEY,
    cv_id      TEXT NOT NULL REFERENCES cvs(id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('badges', 'text', 'links', 'contact', 'skills')),
    title      TEXT NOT NULL DEFAULT '',
    body       TEXT NOT NULL DEFAULT '{}',
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX cv_sections_cv ON cv_sections(cv_id, position);

-- +goose Down
DROP TABLE cv_sections;
DROP TABLE cvs;
