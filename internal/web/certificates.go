package web

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/http"
	"runtime"
	"strconv"
	"sync"

	"github.com/rosettebadges/rosette/internal/service"
)

// Certificates is what the certificate download needs (*service.Awards).
type Certificates interface {
	PublicState(ctx context.Context, id string) (*service.AwardState, error)
	Certificate(ctx context.Context, id string) (*service.CertificateFile, error)
}

// certificateFormat changes when the rendering changes, so that browsers and the cache do
// not keep certificates of an older design.
const certificateFormat = "1"

// certificateCacheSize bounds the certificates kept in memory (each about 100 KB).
const certificateCacheSize = 64

// certificates serves GET /awards/{id}/certificate.pdf: the service, the certificates
// already rendered by award state, and a bound on renderings at once (one per CPU).
type certificates struct {
	svc   Certificates
	slots chan struct{}
	mu    sync.Mutex
	cache map[string]*service.CertificateFile
	order []string // keys of cache, oldest first
}

func newCertificates(svc Certificates) *certificates {
	if svc == nil {
		return nil
	}
	return &certificates{svc: svc, slots: make(chan struct{}, runtime.GOMAXPROCS(0)), cache: map[string]*service.CertificateFile{}}
}

func (c *certificates) get(key string) *service.CertificateFile {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.cache[key]
}

func (c *certificates) put(key string, f *service.CertificateFile) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.cache[key]; ok {
		return
	}
	if len(c.order) >= certificateCacheSize {
		delete(c.cache, c.order[0])
		c.order = c.order[1:]
	}
	c.cache[key] = f
	c.order = append(c.order, key)
}

// registerCertificates mounts the certificate download (public: anyone with the award's
// address may download it, as they may see the award page).
func (s *Site) registerCertificates(r Router) {
	if s.certificates == nil {
		return
	}
	r.Handle("GET /awards/{id}/certificate.pdf", http.HandlerFunc(s.certificate))
}

// certificateETag names one state of an award's certificate: everything the certificate
// shows that can change (revocation, the earner hiding their name, the issuer's profile and
// layout) is in the award state read on every request.
func certificateETag(id string, st *service.AwardState) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%d\x00%t\x00%d", certificateFormat, id, st.RevokedAt.UnixNano(), st.RecipientNameHidden, st.IssuerUpdatedAt.UnixNano())
	return `"` + base64.RawURLEncoding.EncodeToString(h.Sum(nil)[:18]) + `"`
}

// certificate sends the award's PDF certificate as an attachment. The award's state is read
// on every request (one small query), so a revocation shows at once; the PDF for that state
// comes from memory or is rendered once, and a client that has it gets a 304.
func (s *Site) certificate(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	c := s.certificates
	st, err := c.svc.PublicState(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	etag := certificateETag(id, st)
	h := w.Header()
	h.Set("Cache-Control", "public, no-cache")
	if st.Signed {
		h.Set("ETag", etag)
		if etagMatch(r.Header.Get("If-None-Match"), etag) {
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	var f *service.CertificateFile
	if st.Signed {
		f = c.get(etag)
	}
	if f == nil {
		select {
		case c.slots <- struct{}{}:
		case <-r.Context().Done():
			return
		}
		f, err = c.svc.Certificate(r.Context(), id)
		<-c.slots
		if err != nil {
			h.Del("ETag")
			s.fail(w, r, err)
			return
		}
		if st.Signed {
			c.put(etag, f)
		}
	}
	h.Set("Content-Type", "application/pdf")
	h.Set("Content-Disposition", `attachment; filename="`+f.Filename+`"`)
	h.Set("Content-Length", strconv.Itoa(len(f.PDF)))
	h.Set("X-Content-Type-Options", "nosniff")
	w.Write(f.PDF)
}
