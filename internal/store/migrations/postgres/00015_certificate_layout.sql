-- +goose Up
-- certificate_layout: the design of the printable PDF certificates of the issuer's awards
-- (GET /awards/{id}/certificate.pdf), chosen on the issuer's edit page.
ALTER TABLE issuers ADD COLUMN certificate_layout TEXT NOT NULL DEFAULT 'classic'
    CHECK (certificate_layout IN ('classic', 'modern'));

-- +goose Down
ALTER TABLE issuers DROP COLUMN certificate_layout;
