package identity

import (
	"context"
	"errors"
	"log/slog"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/service"
	"github.com/rosettebadges/rosette/openbadges/bake"
)

// AwardSource gives the public documents of awards and the status of an issuer's awards;
// *service.Awards is one.
type AwardSource interface {
	Public(ctx context.Context, id string) (*service.PublicAward, error)
	Credential(ctx context.Context, id string) ([]byte, error)
	Assertion(p *service.PublicAward) ([]byte, error)
	CredentialJWT(ctx context.Context, id string) (string, error)
	BakedImage(ctx context.Context, p *service.PublicAward, kind bake.Kind, ext string) ([]byte, string, error)
	StatusList(ctx context.Context, issuerID string, n int) ([]byte, error)
	OB2RevocationList(ctx context.Context, issuerID string) ([]byte, error)
	CredentialRevocationList(ctx context.Context, issuerID string) ([]byte, error)
}

// Cache policies of award documents: signed credentials and baked credential images never
// change; whatever says whether an award stands (the assertion, status and revocation lists,
// the award page) is revalidated on every use, so a revocation shows at once.
const (
	cacheImmutable  = "public, max-age=86400"
	cacheRevalidate = "public, no-cache"
)

// AwardHandler serves the public documents of awards and the issuers' status lists.
type AwardHandler struct {
	Awards AwardSource
	// HTML answers browsers at /awards/{id} (the award page); nil: JSON-LD only.
	HTML   http.Handler
	Logger *slog.Logger
	// CacheSize bounds the signed credentials (and VC-JWTs) kept in memory with their ETags
	// (default 4096): they never change once made, so a repeat costs no database read.
	CacheSize int
	// Downloads, when set, is told of every award document served (a download share event;
	// *service.Shares is one).
	Downloads DownloadRecorder
	docs      *docCache
}

// DownloadRecorder records download events; Record must not block.
type DownloadRecorder interface {
	Record(e service.ShareEvent) bool
}

// downloadChannels are the share event channels of the award documents.
var downloadChannels = map[string]string{"credential.json": "json", "credential.jwt": "jwt", "assertion.json": "ob2_json",
	"image.png": "png", "image.svg": "svg", "assertion.png": "ob2_png", "assertion.svg": "ob2_svg"}

// recordDownload counts a document served (not a 304: a revalidation is no new download; not
// this installation's own verifier reading it in process).
func (h *AwardHandler) recordDownload(r *http.Request, doc string) {
	if h.Downloads == nil || r.Method != http.MethodGet || r.Header.Get("If-None-Match") != "" || LocalFetch(r) {
		return
	}
	h.Downloads.Record(service.ShareEvent{AwardID: r.PathValue("id"), Kind: service.EventDownload,
		Channel: downloadChannels[doc], Referrer: r.Referer()})
}

// Register mounts the routes:
//
//	GET /awards/{id}                            browsers: HTML; others: the OB 3.0 credential
//	GET /awards/{id}/credential.json            the signed OB 3.0 credential (eddsa-rdfc-2022)
//	GET /awards/{id}/credential.jwt             its VC-JWT form (RS256)
//	GET /awards/{id}/assertion.json             the OB 2.0 hosted assertion (410 when revoked)
//	GET /awards/{id}/image.{png,svg}            badge image baked with the OB 3.0 credential
//	GET /awards/{id}/assertion.{png,svg}        badge image baked with the OB 2.0 assertion
//	GET /issuers/{id}/status/{n}                Bitstring Status List credential n
//	GET /issuers/{id}/revocations.json          OB 2.0 RevocationList
//	GET /issuers/{id}/credential-revocations.json  1EdTech Revocation List
func (h *AwardHandler) Register(r Router) {
	h.docs = newDocCache(h.CacheSize)
	r.Handle("GET /awards/{id}", http.HandlerFunc(h.award))
	r.Handle("GET /awards/{id}/{doc}", http.HandlerFunc(h.document))
	r.Handle("GET /issuers/{id}/status/{n}", http.HandlerFunc(h.statusList))
	r.Handle("GET /issuers/{id}/revocations.json", http.HandlerFunc(h.ob2Revocations))
	r.Handle("GET /issuers/{id}/credential-revocations.json", http.HandlerFunc(h.credentialRevocations))
}

// PrefersHTML reports whether an Accept header asks for HTML before JSON: text/html is listed
// with a quality above zero and at least that of every JSON type listed. Browsers send
// text/html first; verifiers and wallets ask for application/ld+json or application/json.
func PrefersHTML(accept string) bool {
	html, jsonQ := -1.0, -1.0
	for _, part := range strings.Split(accept, ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		q := 1.0
		if s, ok := params["q"]; ok {
			if v, err := strconv.ParseFloat(s, 64); err == nil {
				q = v
			}
		}
		switch mt {
		case "text/html", "application/xhtml+xml":
			html = max(html, q)
		case "application/ld+json", "application/json", "application/vc+ld+json", "application/vc":
			jsonQ = max(jsonQ, q)
		}
	}
	return html > 0 && html >= jsonQ
}

func (h *AwardHandler) load(w http.ResponseWriter, r *http.Request) (*service.PublicAward, bool) {
	p, err := h.Awards.Public(r.Context(), r.PathValue("id"))
	if err != nil {
		h.fail(w, r, err)
		return nil, false
	}
	return p, true
}

func (h *AwardHandler) award(w http.ResponseWriter, r *http.Request) {
	w.Header().Add("Vary", "Accept")
	if h.HTML != nil && PrefersHTML(r.Header.Get("Accept")) {
		h.HTML.ServeHTTP(w, r)
		return
	}
	h.credential(w, r)
}

// credential serves the signed credential (the hottest route of a badge host): from memory
// when it was served before, else from one query reading only the credential.
func (h *AwardHandler) credential(w http.ResponseWriter, r *http.Request) bool {
	id := r.PathValue("id")
	d, ok := h.docs.get("credential:" + id)
	if !ok {
		c, err := h.Awards.Credential(r.Context(), id)
		if err != nil {
			h.fail(w, r, err)
			return false
		}
		d = h.docs.put("credential:"+id, c)
	}
	ct := "application/ld+json"
	if c, ok := NegotiateLD(r.Header.Get("Accept")); ok {
		ct = c
	}
	sendTagged(w, r, ct, cacheImmutable, d.body, d.etag)
	return true
}

func (h *AwardHandler) document(w http.ResponseWriter, r *http.Request) {
	switch doc := r.PathValue("doc"); doc {
	case "credential.json":
		if h.credential(w, r) {
			h.recordDownload(r, doc)
		}
	case "credential.jwt":
		id := r.PathValue("id")
		d, ok := h.docs.get("jwt:" + id)
		if !ok {
			jwt, err := h.Awards.CredentialJWT(r.Context(), id)
			if err != nil {
				h.fail(w, r, err)
				return
			}
			d = h.docs.put("jwt:"+id, []byte(jwt))
		}
		sendTagged(w, r, "application/vc+jwt", cacheImmutable, d.body, d.etag)
		h.recordDownload(r, doc)
	case "assertion.json":
		p, ok := h.load(w, r)
		if !ok {
			return
		}
		b, err := h.Awards.Assertion(p)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		if !p.Award.RevokedAt.IsZero() {
			// OB 2.0: a revoked hosted assertion answers 410 Gone, saying revoked.
			w.Header().Set("Content-Type", "application/ld+json")
			w.Header().Set("Cache-Control", cacheRevalidate)
			w.Header().Set("Access-Control-Allow-Origin", "*")
			w.WriteHeader(http.StatusGone)
			w.Write(b)
			return
		}
		ct, _ := NegotiateLD(r.Header.Get("Accept"))
		if ct == "" {
			ct = "application/ld+json"
		}
		send(w, r, ct, cacheRevalidate, b)
		h.recordDownload(r, doc)
	case "image.png", "image.svg", "assertion.png", "assertion.svg":
		name, ext, _ := strings.Cut(doc, ".")
		kind := bake.OB3
		if name == "assertion" {
			kind = bake.OB2
		}
		p, ok := h.load(w, r)
		if !ok {
			return
		}
		b, ct, err := h.Awards.BakedImage(r.Context(), p, kind, ext)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		cache := cacheImmutable
		if kind == bake.OB2 {
			cache = cacheRevalidate // the assertion inside says whether it is revoked
		}
		w.Header().Set("Content-Disposition", `inline; filename="`+fileName(p.BadgeClass.Fields.Name)+"."+ext+`"`)
		if ext == "svg" {
			w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:")
		}
		send(w, r, ct, cache, b)
		h.recordDownload(r, doc)
	default:
		writeError(w, http.StatusNotFound, "not_found", "There is no such document.")
	}
}

// fileName makes a download file name from a badge name: letters, digits and dashes.
func fileName(name string) string {
	var b strings.Builder
	dash := false
	for _, c := range strings.ToLower(name) {
		if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' {
			b.WriteRune(c)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
		if b.Len() >= 60 {
			break
		}
	}
	s := strings.TrimSuffix(b.String(), "-")
	if s == "" {
		return "badge"
	}
	return s
}

func (h *AwardHandler) statusList(w http.ResponseWriter, r *http.Request) {
	n, err := strconv.Atoi(r.PathValue("n"))
	if err != nil || n < 0 {
		writeError(w, http.StatusNotFound, "not_found", "There is no such status list.")
		return
	}
	b, err := h.Awards.StatusList(r.Context(), r.PathValue("id"), n)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	send(w, r, "application/vc+ld+json", cacheRevalidate, b)
}

func (h *AwardHandler) ob2Revocations(w http.ResponseWriter, r *http.Request) {
	b, err := h.Awards.OB2RevocationList(r.Context(), r.PathValue("id"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	send(w, r, "application/ld+json", cacheRevalidate, b)
}

func (h *AwardHandler) credentialRevocations(w http.ResponseWriter, r *http.Request) {
	b, err := h.Awards.CredentialRevocationList(r.Context(), r.PathValue("id"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	send(w, r, "application/json", cacheRevalidate, b)
}

func (h *AwardHandler) notReady(w http.ResponseWriter) {
	w.Header().Set("Retry-After", "5")
	writeError(w, http.StatusServiceUnavailable, "not_ready", "This badge is being issued; try again in a few seconds.")
}

func (h *AwardHandler) fail(w http.ResponseWriter, r *http.Request, err error) {
	switch badge.KindOf(err) {
	case badge.NotFound:
		writeError(w, http.StatusNotFound, "not_found", badge.SafeMessage(err))
	case badge.Unavailable:
		h.notReady(w)
	default:
		if h.Logger != nil && !errors.Is(err, context.Canceled) {
			h.Logger.ErrorContext(r.Context(), "award document failed", slog.String("path", r.URL.Path), slog.String("error", err.Error()))
		}
		writeError(w, http.StatusInternalServerError, "internal", badge.SafeMessage(err))
	}
}
