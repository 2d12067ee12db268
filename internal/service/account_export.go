package service

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/links"
	"github.com/rosettebadges/rosette/internal/store"
	"github.com/rosettebadges/rosette/openbadges/bake"
)

// AccountDataSource adds one part of an account's data, kept by another service (collections,
// profile, settings, share events, connected apps...), to account.json under Key.
type AccountDataSource interface {
	AccountDataKey() string
	AccountData(ctx context.Context, userID int64) (any, error)
}

// AccountExportOptions are what AccountExport needs. CVs may be nil (no CVs in the export);
// Sources may be empty.
type AccountExportOptions struct {
	Store   *store.Store
	Awards  *Awards
	CVs     *CVs
	URLs    links.URLs
	Clock   badge.Clock
	Sources []AccountDataSource
}

// AccountExport writes an earner's data export (C8): a ZIP of account.json, every credential
// as stored, the baked images and each CV as a PDF, with a README.txt saying what each file
// is. The ZIP is streamed; wallet items are read a page at a time, so memory stays bounded
// whatever the wallet holds.
type AccountExport struct{ o AccountExportOptions }

// NewAccountExport returns the export service.
func NewAccountExport(o AccountExportOptions) *AccountExport {
	if o.Clock == nil {
		o.Clock = badge.SystemClock{}
	}
	return &AccountExport{o: o}
}

// exportPage is how many wallet items are read at once.
const exportPage = 20

// walletSummary is a wallet item as account.json lists it.
type walletSummary struct {
	ID           string     `json:"id"`
	Source       string     `json:"source"`
	AwardID      string     `json:"awardId,omitempty"`
	AwardURL     string     `json:"awardUrl,omitempty"`
	State        string     `json:"state"`
	Format       string     `json:"format,omitempty"`
	Name         string     `json:"name"`
	Description  string     `json:"description,omitempty"`
	IssuerName   string     `json:"issuerName,omitempty"`
	IssuerURL    string     `json:"issuerUrl,omitempty"`
	ImageURL     string     `json:"imageUrl,omitempty"`
	SourceURL    string     `json:"sourceUrl,omitempty"`
	IssuedAt     *time.Time `json:"issuedAt,omitempty"`
	ExpiresAt    *time.Time `json:"expiresAt,omitempty"`
	VerifyStatus string     `json:"verifyStatus"`
	CheckedAt    *time.Time `json:"checkedAt,omitempty"`
	Visibility   string     `json:"visibility"`
	AddedAt      time.Time  `json:"addedAt"`
	Files        []string   `json:"files,omitempty"` // the files of this item in the ZIP
}

func optTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// exportFile is one file of an item: its name in the ZIP and how to get its bytes.
type exportFile struct {
	name string
	get  func() ([]byte, error)
}

// Write writes the actor's export to w. A credential or image that cannot be produced (an
// award still being signed, say) is left out and named in README.txt; any other failure
// stops the export with an error (the ZIP is then incomplete).
func (e *AccountExport) Write(ctx context.Context, actor *badge.User, w io.Writer) error {
	now := e.o.Clock.Now().UTC()
	zw := zip.NewWriter(w)
	var missing []string
	var u *store.User
	var addrs []store.AccountAddress
	var roles []store.IssuerRole
	var tokens []*store.APIToken
	err := e.o.Store.View(ctx, func(tx *store.Tx) error {
		var err error
		if u, err = tx.UserByID(ctx, actor.ID); err != nil {
			return err
		}
		if addrs, err = tx.AccountAddresses(ctx, u.ID); err != nil {
			return err
		}
		if roles, err = tx.ListIssuersOfUser(ctx, u.ID); err != nil {
			return err
		}
		tokens, err = tx.ListAPITokens(ctx, u.ID)
		return err
	})
	if err != nil {
		return serviceErr(err)
	}
	var cvs []*CV
	if e.o.CVs != nil {
		list, err := e.o.CVs.List(ctx, actor)
		if err != nil {
			return err
		}
		for _, c := range list {
			full, err := e.o.CVs.Get(ctx, actor, c.ID)
			if err != nil {
				return err
			}
			cvs = append(cvs, full)
		}
	}

	// account.json: everything but the wallet items, then the items a page at a time.
	f, err := zw.CreateHeader(&zip.FileHeader{Name: "account.json", Method: zip.Deflate, Modified: now})
	if err != nil {
		return serviceErr(err)
	}
	head := []struct {
		key string
		val any
	}{
		{"exportedAt", now},
		{"user", map[string]any{"id": u.ID, "email": u.Email, "name": u.Name, "siteAdmin": u.IsAdmin, "createdAt": u.CreatedAt}},
		{"addresses", exportAddresses(addrs)},
		{"issuerRoles", exportRoles(roles)},
		{"apiTokens", exportTokens(tokens)},
		{"cvs", e.exportCVs(cvs)},
	}
	for _, src := range e.o.Sources {
		v, err := src.AccountData(ctx, u.ID)
		if err != nil {
			return serviceErr(err)
		}
		head = append(head, struct {
			key string
			val any
		}{src.AccountDataKey(), v})
	}
	io.WriteString(f, "{\n")
	for _, h := range head {
		b, err := json.MarshalIndent(h.val, "  ", "  ")
		if err != nil {
			return serviceErr(err)
		}
		fmt.Fprintf(f, "  %q: %s,\n", h.key, b)
	}
	io.WriteString(f, "  \"walletItems\": [")
	first := true
	err = e.eachItem(ctx, u.ID, func(w *store.WalletItem) error {
		s, fs := e.itemFiles(ctx, w)
		for _, x := range fs {
			s.Files = append(s.Files, x.name)
		}
		b, err := json.MarshalIndent(s, "    ", "  ")
		if err != nil {
			return err
		}
		if !first {
			io.WriteString(f, ",")
		}
		first = false
		_, err = fmt.Fprintf(f, "\n    %s", b)
		return err
	})
	if err != nil {
		return serviceErr(err)
	}
	if _, err := io.WriteString(f, "\n  ]\n}\n"); err != nil {
		return serviceErr(err)
	}

	// The credentials and images, a page of items at a time.
	err = e.eachItem(ctx, u.ID, func(w *store.WalletItem) error {
		_, fs := e.itemFiles(ctx, w)
		for _, x := range fs {
			b, err := x.get()
			if err != nil {
				if badge.KindOf(err) == badge.Internal {
					return err
				}
				missing = append(missing, fmt.Sprintf("%s: %s", x.name, badgeMessage(err)))
				continue
			}
			if err := writeZipFile(zw, x.name, now, b); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return serviceErr(err)
	}

	// The CVs as PDFs.
	cvPDFs := e.o.CVs != nil && e.o.CVs.CanRenderPDF()
	for _, c := range cvs {
		if !cvPDFs {
			missing = append(missing, fmt.Sprintf("cvs/%s.pdf: PDF export is not available on this installation", c.ID))
			continue
		}
		f, err := zw.CreateHeader(&zip.FileHeader{Name: "cvs/" + c.ID + ".pdf", Method: zip.Store, Modified: now})
		if err != nil {
			return serviceErr(err)
		}
		if err := e.o.CVs.PDF(ctx, actor, c.ID, f); err != nil {
			return err
		}
	}
	if err := writeZipFile(zw, "README.txt", now, []byte(exportReadme(now, missing))); err != nil {
		return serviceErr(err)
	}
	return serviceErr(zw.Close())
}

func badgeMessage(err error) string {
	if be, ok := err.(*badge.Error); ok {
		return be.Message
	}
	return err.Error()
}

func writeZipFile(zw *zip.Writer, name string, at time.Time, b []byte) error {
	method := zip.Deflate
	if strings.HasSuffix(name, ".png") || strings.HasSuffix(name, ".pdf") {
		method = zip.Store
	}
	f, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: method, Modified: at})
	if err != nil {
		return err
	}
	_, err = f.Write(b)
	return err
}

// eachItem calls fn for every wallet item of the user (every state), a page at a time.
func (e *AccountExport) eachItem(ctx context.Context, userID int64, fn func(*store.WalletItem) error) error {
	for offset := 0; ; offset += exportPage {
		var page []*store.WalletItem
		err := e.o.Store.View(ctx, func(tx *store.Tx) error {
			var err error
			page, err = tx.WalletItemsByUser(ctx, userID, "", exportPage, offset)
			return err
		})
		if err != nil {
			return err
		}
		for _, w := range page {
			if err := fn(w); err != nil {
				return err
			}
		}
		if len(page) < exportPage {
			return nil
		}
	}
}

// itemFiles is the item's summary and its files: for an award of this installation its signed
// OB 3.0 credential, its VC-JWT and its baked image; for another item the credential as
// received and the image uploaded with it.
func (e *AccountExport) itemFiles(ctx context.Context, w *store.WalletItem) (walletSummary, []exportFile) {
	s := walletSummary{ID: w.ID, Source: w.Source, AwardID: w.AwardID, State: w.State, Format: w.Format, Name: w.Name,
		Description: w.Description, IssuerName: w.IssuerName, IssuerURL: w.IssuerURL, ImageURL: w.ImageURL,
		SourceURL: w.SourceURL, IssuedAt: optTime(w.IssuedAt), ExpiresAt: optTime(w.ExpiresAt),
		VerifyStatus: w.VerifyStatus, CheckedAt: optTime(w.CheckedAt), Visibility: w.Visibility, AddedAt: w.CreatedAt}
	base := "credentials/" + w.ID
	var fs []exportFile
	if w.Source == "award" && w.AwardID != "" {
		s.AwardURL = e.o.URLs.Award(w.AwardID)
		id := w.AwardID
		fs = append(fs,
			exportFile{base + ".json", func() ([]byte, error) { return e.o.Awards.Credential(ctx, id) }},
			exportFile{base + ".jwt", func() ([]byte, error) {
				j, err := e.o.Awards.CredentialJWT(ctx, id)
				return []byte(j), err
			}})
		if p, err := e.o.Awards.Public(ctx, id); err == nil {
			ext := map[string]string{"image/png": "png", "image/svg+xml": "svg"}[p.ImageMediaType]
			if ext != "" {
				fs = append(fs, exportFile{"images/" + w.ID + "." + ext, func() ([]byte, error) {
					b, _, err := e.o.Awards.BakedImage(ctx, p, bake.OB3, ext)
					return b, err
				}})
			}
		}
		return s, fs
	}
	if len(w.Credential) > 0 {
		cred := w.Credential
		ext := ".json"
		if t := bytes.TrimSpace(cred); len(t) > 0 && t[0] != '{' {
			ext = ".jwt"
			if strings.Contains(w.Format, "jws") {
				ext = ".jws"
			}
		}
		fs = append(fs, exportFile{base + ext, func() ([]byte, error) { return cred, nil }})
	}
	if ext := map[string]string{"image/png": "png", "image/svg+xml": "svg"}[w.ImageType]; ext != "" && len(w.Image) > 0 {
		img := w.Image
		fs = append(fs, exportFile{"images/" + w.ID + "." + ext, func() ([]byte, error) { return img, nil }})
	}
	return s, fs
}

func exportAddresses(as []store.AccountAddress) []map[string]any {
	out := []map[string]any{}
	for _, a := range as {
		out = append(out, map[string]any{"email": a.Email, "verifiedAt": optTime(a.VerifiedAt), "addedAt": a.CreatedAt})
	}
	return out
}

func exportRoles(rs []store.IssuerRole) []map[string]any {
	out := []map[string]any{}
	for _, r := range rs {
		out = append(out, map[string]any{"issuerId": r.Issuer.ID, "issuerName": r.Issuer.Name, "role": r.Role})
	}
	return out
}

// exportTokens lists the API tokens without their secret parts (only a hash is stored anyway).
func exportTokens(ts []*store.APIToken) []map[string]any {
	out := []map[string]any{}
	for _, t := range ts {
		out = append(out, map[string]any{"name": t.Name, "prefix": t.TokenPrefix, "issuerId": t.IssuerID,
			"scopes": strings.Fields(t.Scopes), "createdAt": t.CreatedAt, "lastUsedAt": optTime(t.LastUsedAt),
			"expiresAt": optTime(t.ExpiresAt), "revokedAt": optTime(t.RevokedAt)})
	}
	return out
}

func (e *AccountExport) exportCVs(cvs []*CV) []map[string]any {
	out := []map[string]any{}
	for _, c := range cvs {
		secs := []map[string]any{}
		for _, s := range c.Sections {
			secs = append(secs, map[string]any{"kind": s.Kind, "title": s.Title, "items": s.Items, "text": s.Text,
				"links": s.Links, "lines": s.Lines})
		}
		m := map[string]any{"id": c.ID, "title": c.Title, "createdAt": c.CreatedAt, "updatedAt": c.UpdatedAt,
			"sections": secs, "pdf": "cvs/" + c.ID + ".pdf"}
		if c.Shared() {
			m["shareUrl"] = e.o.URLs.Base + "/cv/" + c.ShareToken
			m["sharedAt"] = c.SharedAt
		}
		out = append(out, m)
	}
	return out
}

func exportReadme(at time.Time, missing []string) string {
	var b strings.Builder
	fmt.Fprintf(&b, `Your Rosette data, exported %s UTC.

account.json
    Your account: name, email addresses, the issuers you are staff of and your role, your
    API tokens (names and scopes; the tokens themselves are never stored), your CVs with
    their sections, and a summary of every badge in your wallet ("walletItems"; "files"
    lists each badge's files below). Other parts of your account (collections, profile,
    settings, sharing history, connected apps) appear under their own keys where this
    installation has them.

credentials/ITEM.json
    A badge credential as stored. For a badge issued on this site: its signed Open Badges
    3.0 credential (a W3C Verifiable Credential with an eddsa-rdfc-2022 proof). For an
    imported badge: the JSON you imported (Open Badges 2.0 assertion or 3.0 credential).
credentials/ITEM.jwt, credentials/ITEM.jws
    The same credential as a compact JWT (VC-JWT, for badges issued on this site) or the
    JWS/JWT you imported.
images/ITEM.png, images/ITEM.svg
    The badge image with the credential baked in (Open Badges baking): badges issued on
    this site are baked with their OB 3.0 credential; for an imported badge, the image you
    uploaded. Upload one to any Open Badges verifier to check it.
cvs/CV.pdf
    Each of your CVs as a PDF.

ITEM and CV are the ids used in account.json. Anyone can check a credential at the
issuer's verification page or any Open Badges 2.0/3.0 verifier.
`, at.Format("2006-01-02 15:04"))
	if len(missing) > 0 {
		b.WriteString("\nNot included:\n")
		for _, m := range missing {
			fmt.Fprintf(&b, "    %s\n", m)
		}
	}
	return b.String()
}
