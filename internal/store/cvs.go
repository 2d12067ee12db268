package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// CV is a cvs row: a digital CV an earner builds (migration 00018). ShareToken is "" while
// the CV is private.
type CV struct {
	ID         string
	UserID     int64
	Title      string
	ShareToken string
	SharedAt   time.Time // zero unless shared
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// CVSection is a cv_sections row. Body is JSON whose shape depends on Kind (see the migration).
type CVSection struct {
	ID        string
	CVID      string
	Position  int
	Kind      string // "badges", "text", "links", "contact", "skills"
	Title     string
	Body      string
	CreatedAt time.Time
	UpdatedAt time.Time
}

const cvCols = `id, user_id, title, share_token, shared_at, created_at, updated_at`

func scanCV(row interface{ Scan(...any) error }) (*CV, error) {
	var c CV
	var token sql.NullString
	var shared nullTime
	if err := row.Scan(&c.ID, &c.UserID, &c.Title, &token, &shared, tc(&c.CreatedAt), tc(&c.UpdatedAt)); err != nil {
		return nil, notFound(err)
	}
	c.ShareToken, c.SharedAt = token.String, shared.t
	return &c, nil
}

// InsertCV adds a CV.
func (tx *Tx) InsertCV(ctx context.Context, c *CV) error {
	_, err := tx.exec(ctx, `INSERT INTO cvs (`+cvCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		c.ID, c.UserID, c.Title, nullString(c.ShareToken), tx.optTime(c.SharedAt), tx.t(c.CreatedAt), tx.t(c.UpdatedAt))
	if isUniqueViolation(err) {
		return fmt.Errorf("insert cv: %w", ErrDuplicate)
	}
	if err != nil {
		return fmt.Errorf("store: insert cv: %w", err)
	}
	return nil
}

// CVByID returns the CV, or ErrNotFound.
func (tx *Tx) CVByID(ctx context.Context, id string) (*CV, error) {
	return scanCV(tx.queryRow(ctx, `SELECT `+cvCols+` FROM cvs WHERE id = $1`, id))
}

// CVByShareToken returns the CV shared with this token, or ErrNotFound ("" finds nothing).
func (tx *Tx) CVByShareToken(ctx context.Context, token string) (*CV, error) {
	return scanCV(tx.queryRow(ctx, `SELECT `+cvCols+` FROM cvs WHERE share_token = $1`, token))
}

// LockCV locks the CV's row until the transaction ends (PostgreSQL: SELECT ... FOR UPDATE;
// SQLite write transactions are already exclusive), so that changes to its sections do not
// interleave; ErrNotFound if there is no such CV.
func (tx *Tx) LockCV(ctx context.Context, id string) error {
	return tx.lockRow(ctx, "cvs", id)
}

// CVsByUser returns the user's CVs, oldest first.
func (tx *Tx) CVsByUser(ctx context.Context, userID int64) ([]*CV, error) {
	rows, err := tx.tx.QueryContext(ctx, `SELECT `+cvCols+` FROM cvs WHERE user_id = $1 ORDER BY created_at, id`, userID)
	if err != nil {
		return nil, fmt.Errorf("store: list cvs: %w", err)
	}
	defer rows.Close()
	var out []*CV
	for rows.Next() {
		c, err := scanCV(rows)
		if err != nil {
			return nil, fmt.Errorf("store: list cvs: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: list cvs: %w", err)
	}
	return out, nil
}

// UpdateCV writes the CV's title, share token, shared time and updated time; ErrNotFound if
// there is no such CV, ErrDuplicate if the token is another CV's.
func (tx *Tx) UpdateCV(ctx context.Context, c *CV) error {
	res, err := tx.exec(ctx, `UPDATE cvs SET title = $1, share_token = $2, shared_at = $3, updated_at = $4 WHERE id = $5`,
		c.Title, nullString(c.ShareToken), tx.optTime(c.SharedAt), tx.t(c.UpdatedAt), c.ID)
	if isUniqueViolation(err) {
		return fmt.Errorf("update cv: %w", ErrDuplicate)
	}
	return oneRow(res, err, "update cv")
}

// DeleteCV deletes the CV and its sections; ErrNotFound if there is no such CV.
func (tx *Tx) DeleteCV(ctx context.Context, id string) error {
	res, err := tx.exec(ctx, `DELETE FROM cvs WHERE id = $1`, id)
	return oneRow(res, err, "delete cv")
}

const cvSectionCols = `id, cv_id, position, kind, title, body, created_at, updated_at`

func scanCVSection(row interface{ Scan(...any) error }) (*CVSection, error) {
	var s CVSection
	if err := row.Scan(&s.ID, &s.CVID, &s.Position, &s.Kind, &s.Title, &s.Body, tc(&s.CreatedAt), tc(&s.UpdatedAt)); err != nil {
		return nil, notFound(err)
	}
	return &s, nil
}

// InsertCVSection adds a section.
func (tx *Tx) InsertCVSection(ctx context.Context, s *CVSection) error {
	_, err := tx.exec(ctx, `INSERT INTO cv_sections (`+cvSectionCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		s.ID, s.CVID, s.Position, s.Kind, s.Title, s.Body, tx.t(s.CreatedAt), tx.t(s.UpdatedAt))
	if err != nil {
		return fmt.Errorf("store: insert cv section: %w", err)
	}
	return nil
}

// CVSectionByID returns the section, or ErrNotFound.
func (tx *Tx) CVSectionByID(ctx context.Context, id string) (*CVSection, error) {
	return scanCVSection(tx.queryRow(ctx, `SELECT `+cvSectionCols+` FROM cv_sections WHERE id = $1`, id))
}

// CVSections returns the CV's sections in position order.
func (tx *Tx) CVSections(ctx context.Context, cvID string) ([]*CVSection, error) {
	rows, err := tx.tx.QueryContext(ctx, `SELECT `+cvSectionCols+` FROM cv_sections WHERE cv_id = $1 ORDER BY position, id`, cvID)
	if err != nil {
		return nil, fmt.Errorf("store: list cv sections: %w", err)
	}
	defer rows.Close()
	var out []*CVSection
	for rows.Next() {
		s, err := scanCVSection(rows)
		if err != nil {
			return nil, fmt.Errorf("store: list cv sections: %w", err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: list cv sections: %w", err)
	}
	return out, nil
}

// UpdateCVSection writes the section's position, title, body and updated time; ErrNotFound
// if there is no such section.
func (tx *Tx) UpdateCVSection(ctx context.Context, s *CVSection) error {
	res, err := tx.exec(ctx, `UPDATE cv_sections SET position = $1, title = $2, body = $3, updated_at = $4 WHERE id = $5`,
		s.Position, s.Title, s.Body, tx.t(s.UpdatedAt), s.ID)
	return oneRow(res, err, "update cv section")
}

// DeleteCVSection deletes the section; ErrNotFound if there is no such section.
func (tx *Tx) DeleteCVSection(ctx context.Context, id string) error {
	res, err := tx.exec(ctx, `DELETE FROM cv_sections WHERE id = $1`, id)
	return oneRow(res, err, "delete cv section")
}
