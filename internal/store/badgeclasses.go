package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// BadgeImage is a badge_images row: Bytes as uploaded (PNG) or sanitized (SVG), ID their
// lower-case hex sha256.
type BadgeImage struct {
	ID        string
	MediaType string
	Bytes     []byte
	CreatedAt time.Time
}

// PutBadgeImage stores the image unless an image with its id is already stored (the id is
// the hash of the bytes, so the stored one is the same).
func (tx *Tx) PutBadgeImage(ctx context.Context, img *BadgeImage) error {
	_, err := tx.exec(ctx,
		`INSERT INTO badge_images (id, media_type, bytes, created_at) VALUES ($1, $2, $3, $4)
		 ON CONFLICT (id) DO NOTHING`,
		img.ID, img.MediaType, img.Bytes, tx.t(img.CreatedAt))
	if err != nil {
		return fmt.Errorf("store: put badge image: %w", err)
	}
	return nil
}

// BadgeImageByID returns the image, or ErrNotFound.
func (tx *Tx) BadgeImageByID(ctx context.Context, id string) (*BadgeImage, error) {
	var img BadgeImage
	err := tx.queryRow(ctx, `SELECT id, media_type, bytes, created_at FROM badge_images WHERE id = $1`, id).
		Scan(&img.ID, &img.MediaType, &img.Bytes, tc(&img.CreatedAt))
	if err != nil {
		return nil, notFound(err)
	}
	return &img, nil
}

// BadgeImageMediaType returns the media type of a stored image (without reading its bytes),
// or ErrNotFound.
func (tx *Tx) BadgeImageMediaType(ctx context.Context, id string) (string, error) {
	var mt string
	if err := tx.queryRow(ctx, `SELECT media_type FROM badge_images WHERE id = $1`, id).Scan(&mt); err != nil {
		return "", notFound(err)
	}
	return mt, nil
}

// BadgeClass is a badge_classes row: Name is the name of the current version, kept here to
// list and sort.
type BadgeClass struct {
	ID             string
	IssuerID       string
	Name           string
	CurrentVersion int
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// BadgeClassVersion is a badge_class_versions row. Fields is the JSON of the fields, stored
// and returned byte for byte; ImageID is "" for none.
type BadgeClassVersion struct {
	BadgeClassID string
	Version      int
	Fields       string
	ImageID      string
	CreatedAt    time.Time
	CreatedBy    string
}

// InsertBadgeClass adds a badge class; an existing id is ErrDuplicate. Its first version is
// added with InsertBadgeClassVersion in the same transaction.
func (tx *Tx) InsertBadgeClass(ctx context.Context, bc *BadgeClass) error {
	_, err := tx.exec(ctx,
		`INSERT INTO badge_classes (id, issuer_id, name, current_version, created_at, updated_at)
		 VALUES ($1, $2, $3, $4, $5, $6)`,
		bc.ID, bc.IssuerID, bc.Name, bc.CurrentVersion, tx.t(bc.CreatedAt), tx.t(bc.UpdatedAt))
	if isUniqueViolation(err) {
		return fmt.Errorf("insert badge class: %w", ErrDuplicate)
	}
	if err != nil {
		return fmt.Errorf("store: insert badge class: %w", err)
	}
	return nil
}

// InsertBadgeClassVersion adds a version; an existing (badge class, version) is ErrDuplicate.
// Versions are never changed nor deleted (but with their badge class).
func (tx *Tx) InsertBadgeClassVersion(ctx context.Context, v *BadgeClassVersion) error {
	var image sql.NullString
	if v.ImageID != "" {
		image = sql.NullString{String: v.ImageID, Valid: true}
	}
	_, err := tx.exec(ctx,
		`INSERT INTO badge_class_versions (badge_class_id, version, fields, image_id, created_at, created_by)
		 VALUES ($1, $2, $3, $4, $5, $6)`,
		v.BadgeClassID, v.Version, v.Fields, image, tx.t(v.CreatedAt), v.CreatedBy)
	if isUniqueViolation(err) {
		return fmt.Errorf("insert badge class version: %w", ErrDuplicate)
	}
	if err != nil {
		return fmt.Errorf("store: insert badge class version: %w", err)
	}
	return nil
}

// SetBadgeClassVersion points the badge class at version (with the name of that version),
// only if its current version is version-1: ErrNotFound otherwise (no such badge class, or
// another update came first).
func (tx *Tx) SetBadgeClassVersion(ctx context.Context, id string, version int, name string, at time.Time) error {
	res, err := tx.exec(ctx,
		`UPDATE badge_classes SET current_version = $1, name = $2, updated_at = $3
		 WHERE id = $4 AND current_version = $5`,
		version, name, tx.t(at), id, version-1)
	return oneRow(res, err, "set badge class version")
}

const badgeClassCols = "id, issuer_id, name, current_version, created_at, updated_at"

func scanBadgeClass(row interface{ Scan(...any) error }) (*BadgeClass, error) {
	var bc BadgeClass
	if err := row.Scan(&bc.ID, &bc.IssuerID, &bc.Name, &bc.CurrentVersion, tc(&bc.CreatedAt), tc(&bc.UpdatedAt)); err != nil {
		return nil, notFound(err)
	}
	return &bc, nil
}

// BadgeClassByID returns the badge class, or ErrNotFound.
func (tx *Tx) BadgeClassByID(ctx context.Context, id string) (*BadgeClass, error) {
	return scanBadgeClass(tx.queryRow(ctx, `SELECT `+badgeClassCols+` FROM badge_classes WHERE id = $1`, id))
}

// ListBadgeClasses returns the issuer's badge classes ordered by name then id.
func (tx *Tx) ListBadgeClasses(ctx context.Context, issuerID string) ([]*BadgeClass, error) {
	rows, err := tx.tx.QueryContext(ctx, `SELECT `+badgeClassCols+` FROM badge_classes WHERE issuer_id = $1 ORDER BY name, id`, issuerID)
	if err != nil {
		return nil, fmt.Errorf("store: list badge classes: %w", err)
	}
	defer rows.Close()
	var out []*BadgeClass
	for rows.Next() {
		bc, err := scanBadgeClass(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, bc)
	}
	return out, rows.Err()
}

const versionCols = "badge_class_id, version, fields, image_id, created_at, created_by"

func scanVersion(row interface{ Scan(...any) error }) (*BadgeClassVersion, error) {
	var v BadgeClassVersion
	var image sql.NullString
	if err := row.Scan(&v.BadgeClassID, &v.Version, &v.Fields, &image, tc(&v.CreatedAt), &v.CreatedBy); err != nil {
		return nil, notFound(err)
	}
	v.ImageID = image.String
	return &v, nil
}

// BadgeClassVersionByNumber returns one version, or ErrNotFound.
func (tx *Tx) BadgeClassVersionByNumber(ctx context.Context, badgeClassID string, version int) (*BadgeClassVersion, error) {
	return scanVersion(tx.queryRow(ctx,
		`SELECT `+versionCols+` FROM badge_class_versions WHERE badge_class_id = $1 AND version = $2`, badgeClassID, version))
}

// BadgeClassVersions returns every version of the badge class, oldest first.
func (tx *Tx) BadgeClassVersions(ctx context.Context, badgeClassID string) ([]*BadgeClassVersion, error) {
	rows, err := tx.tx.QueryContext(ctx,
		`SELECT `+versionCols+` FROM badge_class_versions WHERE badge_class_id = $1 ORDER BY version`, badgeClassID)
	if err != nil {
		return nil, fmt.Errorf("store: badge class versions: %w", err)
	}
	defer rows.Close()
	var out []*BadgeClassVersion
	for rows.Next() {
		v, err := scanVersion(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// CurrentBadgeClass is a badge class with its current version, read in one query.
type CurrentBadgeClass struct {
	Class          *BadgeClass
	Version        *BadgeClassVersion
	ImageMediaType string // of the current version's image, "" for none
}

// ListCurrentBadgeClasses returns the issuer's badge classes, each with its current version,
// ordered by name then id, in one query joining the versions.
func (tx *Tx) ListCurrentBadgeClasses(ctx context.Context, issuerID string) ([]CurrentBadgeClass, error) {
	rows, err := tx.tx.QueryContext(ctx,
		`SELECT b.id, b.issuer_id, b.name, b.current_version, b.created_at, b.updated_at,
		        v.badge_class_id, v.version, v.fields, v.image_id, v.created_at, v.created_by, COALESCE(i.media_type, '')
		 FROM badge_classes b
		 JOIN badge_class_versions v ON v.badge_class_id = b.id AND v.version = b.current_version
		 LEFT JOIN badge_images i ON i.id = v.image_id
		 WHERE b.issuer_id = $1 ORDER BY b.name, b.id`, issuerID)
	if err != nil {
		return nil, fmt.Errorf("store: list current badge classes: %w", err)
	}
	defer rows.Close()
	var out []CurrentBadgeClass
	for rows.Next() {
		var bc BadgeClass
		var v BadgeClassVersion
		var image sql.NullString
		var mediaType string
		if err := rows.Scan(&bc.ID, &bc.IssuerID, &bc.Name, &bc.CurrentVersion, tc(&bc.CreatedAt), tc(&bc.UpdatedAt),
			&v.BadgeClassID, &v.Version, &v.Fields, &image, tc(&v.CreatedAt), &v.CreatedBy, &mediaType); err != nil {
			return nil, fmt.Errorf("store: list current badge classes: %w", err)
		}
		v.ImageID = image.String
		out = append(out, CurrentBadgeClass{Class: &bc, Version: &v, ImageMediaType: mediaType})
	}
	return out, rows.Err()
}
