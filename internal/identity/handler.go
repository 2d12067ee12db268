package identity

import (
	"context"
	"encoding/json"
	"log/slog"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/service"
)

// Source gives the public side of an issuer; *service.Issuers is one.
type Source interface {
	Public(ctx context.Context, issuerID string) (*service.PublicIssuer, error)
}

// Router is where the handlers are mounted; *server.Server is one (Handle: no cross-origin
// check, these are public reads).
type Router interface {
	Handle(pattern string, h http.Handler)
}

// CacheControl is sent with every document: cacheable by anyone for five minutes, so a
// rotation is seen within that time.
const CacheControl = "public, max-age=300"

// Handler serves the documents.
type Handler struct {
	Issuers Source
	URLs    URLs
	Logger  *slog.Logger
	// HTML, when set, answers GET /issuers/{id} for browsers (WantsHTML) with the issuer's
	// public page; JSON clients still get the Profile. Without it browsers get 406.
	HTML http.Handler
}

// Register mounts the four routes:
//
//	GET /issuers/{id}            OB 2.0 Profile (application/ld+json, or application/json)
//	GET /issuers/{id}/did.json   DID document (application/did+ld+json)
//	GET /issuers/{id}/jwks.json  JWK Set (application/jwk-set+json)
//	GET /issuers/{id}/keys/{kid} OB 2.0 CryptographicKey (application/ld+json)
func (h *Handler) Register(r Router) {
	r.Handle("GET /issuers/{id}", http.HandlerFunc(h.profile))
	r.Handle("GET /issuers/{id}/did.json", http.HandlerFunc(h.didDocument))
	r.Handle("GET /issuers/{id}/jwks.json", http.HandlerFunc(h.jwks))
	r.Handle("GET /issuers/{id}/keys/{kid}", http.HandlerFunc(h.cryptographicKey))
}

func (h *Handler) load(w http.ResponseWriter, r *http.Request) (*service.PublicIssuer, bool) {
	p, err := h.Issuers.Public(r.Context(), r.PathValue("id"))
	if err != nil {
		h.fail(w, r, err)
		return nil, false
	}
	return p, true
}

func (h *Handler) profile(w http.ResponseWriter, r *http.Request) {
	accept := r.Header.Get("Accept")
	if h.HTML != nil && WantsHTML(accept) {
		w.Header().Add("Vary", "Accept")
		h.HTML.ServeHTTP(w, r)
		return
	}
	ct, ok := NegotiateLD(accept)
	if !ok {
		// There is no HTML profile page yet: say so in JSON.
		writeError(w, http.StatusNotAcceptable, "not_acceptable",
			"This issuer profile is available as application/ld+json or application/json only.")
		return
	}
	p, ok := h.load(w, r)
	if !ok {
		return
	}
	b, err := ProfileDocument(h.URLs, p)
	w.Header().Add("Vary", "Accept")
	h.send(w, r, ct, b, err)
}

func (h *Handler) didDocument(w http.ResponseWriter, r *http.Request) {
	p, ok := h.load(w, r)
	if !ok {
		return
	}
	b, err := DIDDocumentOf(h.URLs, p)
	h.send(w, r, "application/did+ld+json", b, err)
}

func (h *Handler) jwks(w http.ResponseWriter, r *http.Request) {
	p, ok := h.load(w, r)
	if !ok {
		return
	}
	b, err := JWKSet(p)
	h.send(w, r, "application/jwk-set+json", b, err)
}

func (h *Handler) cryptographicKey(w http.ResponseWriter, r *http.Request) {
	p, ok := h.load(w, r)
	if !ok {
		return
	}
	kid := r.PathValue("kid")
	for _, k := range p.Keys {
		if k.ID == kid {
			b, err := CryptographicKeyDocument(h.URLs, p.Issuer.ID, k)
			h.send(w, r, "application/ld+json", b, err)
			return
		}
	}
	writeError(w, http.StatusNotFound, "not_found", "This issuer has no such key.")
}

// send writes body with its ETag (a hash of the body) and Cache-Control, or 304 when the
// client has it already.
func (h *Handler) send(w http.ResponseWriter, r *http.Request, contentType string, body []byte, err error) {
	if err != nil {
		h.fail(w, r, err)
		return
	}
	send(w, r, contentType, CacheControl, body)
}

// send writes a public document with its ETag (a hash of the body), the cache policy and
// CORS for anyone, or 304 when the client has it already.
func send(w http.ResponseWriter, r *http.Request, contentType, cacheControl string, body []byte) {
	sendTagged(w, r, contentType, cacheControl, body, etagOf(body))
}

// sendTagged is send with the body's ETag already known.
func sendTagged(w http.ResponseWriter, r *http.Request, contentType, cacheControl string, body []byte, etag string) {
	hd := w.Header()
	hd.Set("ETag", etag)
	hd.Set("Cache-Control", cacheControl)
	hd.Set("Access-Control-Allow-Origin", "*")
	if etagMatch(r.Header.Get("If-None-Match"), etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	hd.Set("Content-Type", contentType)
	hd.Set("Content-Length", strconv.Itoa(len(body)))
	w.Write(body)
}

func etagMatch(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == etag || t == "*" {
			return true
		}
	}
	return false
}

func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	switch badge.KindOf(err) {
	case badge.NotFound:
		writeError(w, http.StatusNotFound, "not_found", badge.SafeMessage(err))
	default:
		if h.Logger != nil {
			h.Logger.ErrorContext(r.Context(), "identity document failed", slog.String("path", r.URL.Path), slog.String("error", err.Error()))
		}
		writeError(w, http.StatusInternalServerError, "internal", badge.SafeMessage(err))
	}
}

func writeError(w http.ResponseWriter, status int, code, message string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]string{"error": code, "message": message})
}

// WantsHTML reports whether an Accept header asks for an HTML page (text/html or
// application/xhtml+xml with a non-zero quality), as browsers do; such clients get the page
// even when they also accept */*.
func WantsHTML(accept string) bool {
	for _, part := range strings.Split(accept, ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil || zeroQ(params["q"]) {
			continue
		}
		if mt == "text/html" || mt == "application/xhtml+xml" {
			return true
		}
	}
	return false
}

func zeroQ(q string) bool { return q == "0" || q == "0.0" || q == "0.00" || q == "0.000" }

// NegotiateLD picks the media type of a JSON-LD document for an Accept header (OB 2.0
// "Setting Content-Type"): application/ld+json unless the client accepts only
// application/json; false when it accepts neither (e.g. a browser asking for text/html only).
func NegotiateLD(accept string) (string, bool) {
	if strings.TrimSpace(accept) == "" {
		return "application/ld+json", true
	}
	json := false
	for _, part := range strings.Split(accept, ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil || zeroQ(params["q"]) {
			continue
		}
		switch mt {
		case "application/ld+json", "*/*", "application/*":
			return "application/ld+json", true
		case "application/json":
			json = true
		}
	}
	if json {
		return "application/json", true
	}
	return "", false
}
