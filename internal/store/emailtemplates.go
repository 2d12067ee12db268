package store

import (
	"context"
	"fmt"
	"time"
)

// EmailTemplate is an email_templates row: an issuer's own template of one kind of email
// ("award"). Subject and Text are text/template sources, HTML an html/template source ("" =
// no HTML part). The mail package parses and checks them; this is their storage.
type EmailTemplate struct {
	IssuerID  string
	Kind      string
	Subject   string
	Text      string
	HTML      string
	UpdatedAt time.Time
	UpdatedBy string
}

// EmailTemplate returns the issuer's template of the kind, or ErrNotFound when the issuer
// has none (the default applies).
func (tx *Tx) EmailTemplate(ctx context.Context, issuerID, kind string) (*EmailTemplate, error) {
	var t EmailTemplate
	err := tx.queryRow(ctx,
		`SELECT issuer_id, kind, subject, text, html, updated_at, updated_by FROM email_templates
		 WHERE issuer_id = $1 AND kind = $2`, issuerID, kind).
		Scan(&t.IssuerID, &t.Kind, &t.Subject, &t.Text, &t.HTML, tc(&t.UpdatedAt), &t.UpdatedBy)
	if err != nil {
		return nil, notFound(err)
	}
	return &t, nil
}

// PutEmailTemplate inserts or replaces the issuer's template of t.Kind.
func (tx *Tx) PutEmailTemplate(ctx context.Context, t *EmailTemplate) error {
	_, err := tx.exec(ctx,
		`INSERT INTO email_templates (issuer_id, kind, subject, text, html, updated_at, updated_by)
		 VALUES ($1, $2, $3, $4, $5, $6, $7)
		 ON CONFLICT (issuer_id, kind) DO UPDATE SET subject = excluded.subject, text = excluded.text,
		   html = excluded.html, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
		t.IssuerID, t.Kind, t.Subject, t.Text, t.HTML, tx.t(t.UpdatedAt), t.UpdatedBy)
	if err != nil {
		return fmt.Errorf("store: put email template: %w", err)
	}
	return nil
}

// DeleteEmailTemplate removes the issuer's template of the kind (back to the default). It
// reports whether there was one.
func (tx *Tx) DeleteEmailTemplate(ctx context.Context, issuerID, kind string) (bool, error) {
	res, err := tx.exec(ctx, `DELETE FROM email_templates WHERE issuer_id = $1 AND kind = $2`, issuerID, kind)
	if err != nil {
		return false, fmt.Errorf("store: delete email template: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("store: delete email template: %w", err)
	}
	return n > 0, nil
}
