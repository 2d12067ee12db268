package web

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/rosettebadges/rosette/internal/server"
	"github.com/rosettebadges/rosette/openbadges/verify"
)

// NewVerifier makes the badge verifier of one verification; recipient, when set, is the
// identity the badge must have been made out to. internal/cli builds it (the same verifier as
// `rosette verify`, over the server's outbound fetcher).
type NewVerifier func(recipient string) *verify.Verifier

// Limits of the public verification page.
const (
	// maxVerifyInput bounds an uploaded file or pasted text.
	maxVerifyInput = 5 << 20
	// maxVerifyBody bounds the whole request: the input, the other fields and the multipart
	// framing.
	maxVerifyBody = maxVerifyInput + 64<<10
	maxRecipient  = 512
	maxURL        = 4096
	// verifyTimeout bounds one verification, every fetch included (each fetch is also bounded
	// by openbadges/fetch).
	verifyTimeout = 20 * time.Second
	// Defaults of Options.VerifyConcurrency and VerifyWait.
	defaultVerifyConcurrency = 4
	defaultVerifyWait        = 2 * time.Second
)

// verifyCSP is the Content-Security-Policy of a verification page showing a badge image from
// another site: the global policy, with http(s) images allowed. Every other page keeps the
// strict one.
var verifyCSP = strings.Replace(server.ContentSecurityPolicy, "img-src 'self' data:", "img-src 'self' data: https: http:", 1)

// verifyForm is what the form held, to show it again.
type verifyForm struct {
	Text, URL, Recipient string
}

// verifyPage is the data of the verification page.
type verifyPage struct {
	Frame
	Form   verifyForm
	Errors map[string]string
	Report *reportView
}

// verifyInput is one badge to verify: data (a file or pasted text) or a URL.
type verifyInput struct {
	data      []byte
	url       string
	recipient string
	via       string // file, text or url: for the log
}

// inputError is a problem with the form, shown at a field ("" for the whole form).
type inputError struct {
	status  int
	field   string
	message string
}

func (e *inputError) Error() string { return e.message }

// verifyGet shows the form, or verifies ?url= directly (a linkable verification).
func (s *Site) verifyGet(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	form := verifyForm{URL: strings.TrimSpace(q.Get("url")), Recipient: strings.TrimSpace(q.Get("recipient"))}
	if form.URL == "" {
		if wantsJSON(r) {
			s.verifyError(w, r, form, &inputError{http.StatusBadRequest, "url", "Give the address of the badge to verify: /verify?url=..."})
			return
		}
		s.render(w, r, http.StatusOK, "verify", &verifyPage{Frame: Frame{Title: "Verify a badge", Nav: "verify"}, Form: form})
		return
	}
	in := verifyInput{url: form.URL, recipient: form.Recipient, via: "url"}
	if err := in.check(); err != nil {
		s.verifyError(w, r, form, err)
		return
	}
	s.verify(w, r, in, form)
}

// verifyPost verifies what the form (or a raw request body) holds.
func (s *Site) verifyPost(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxVerifyBody)
	in, form, err := readVerifyRequest(r)
	if err == nil {
		err = in.check()
	}
	if err != nil {
		s.verifyError(w, r, form, err)
		return
	}
	s.verify(w, r, in, form)
}

// readVerifyRequest reads the badge to verify (readBadgeRequest).
func readVerifyRequest(r *http.Request) (verifyInput, verifyForm, error) {
	return readBadgeRequest(r, "verify")
}

// readBadgeRequest reads a badge given in one of three ways, as the verification page and the
// wallet import page take it: from a multipart or URL-encoded form (fields file, text, url,
// recipient) or, for programs, from the raw body (recipient in the query). verb is what the
// page does with it ("verify", "import"), for the message when nothing was given.
func readBadgeRequest(r *http.Request, verb string) (verifyInput, verifyForm, error) {
	var form verifyForm
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	var err error
	switch mt {
	case "multipart/form-data":
		// The body is bounded, so the whole form stays in memory.
		err = r.ParseMultipartForm(maxVerifyBody)
	case "application/x-www-form-urlencoded":
		err = r.ParseForm()
	default:
		form.Recipient = strings.TrimSpace(r.URL.Query().Get("recipient"))
		data, err := io.ReadAll(r.Body)
		if err != nil {
			return verifyInput{}, form, bodyError(err)
		}
		if len(strings.TrimSpace(string(data))) == 0 {
			return verifyInput{}, form, &inputError{http.StatusBadRequest, "", "The request is empty: send a badge (an image, JSON or a signed token), or use the form."}
		}
		if len(data) > maxVerifyInput {
			return verifyInput{}, form, tooLarge("")
		}
		return verifyInput{data: data, recipient: form.Recipient, via: "body"}, form, nil
	}
	if err != nil {
		return verifyInput{}, form, bodyError(err)
	}
	form = verifyForm{Text: r.PostFormValue("text"), URL: strings.TrimSpace(r.PostFormValue("url")), Recipient: strings.TrimSpace(r.PostFormValue("recipient"))}
	var given []verifyInput
	if r.MultipartForm != nil {
		for _, fh := range r.MultipartForm.File["file"] {
			if fh.Size == 0 && fh.Filename == "" {
				continue // the browser sends an empty part when no file was chosen
			}
			if fh.Size > maxVerifyInput {
				return verifyInput{}, form, tooLarge("file")
			}
			f, err := fh.Open()
			if err != nil {
				return verifyInput{}, form, bodyError(err)
			}
			data, err := io.ReadAll(io.LimitReader(f, maxVerifyInput+1))
			f.Close()
			if err != nil {
				return verifyInput{}, form, bodyError(err)
			}
			if len(data) == 0 {
				return verifyInput{}, form, &inputError{http.StatusUnprocessableEntity, "file", "The file " + fh.Filename + " is empty."}
			}
			given = append(given, verifyInput{data: data, via: "file"})
		}
	}
	if strings.TrimSpace(form.Text) != "" {
		if len(form.Text) > maxVerifyInput {
			return verifyInput{}, form, tooLarge("text")
		}
		given = append(given, verifyInput{data: []byte(form.Text), via: "text"})
	}
	if form.URL != "" {
		given = append(given, verifyInput{url: form.URL, via: "url"})
	}
	switch len(given) {
	case 0:
		return verifyInput{}, form, &inputError{http.StatusUnprocessableEntity, "", "Nothing to " + verb + ": choose a file, paste the badge, or give its web address."}
	case 1:
	default:
		return verifyInput{}, form, &inputError{http.StatusUnprocessableEntity, "", "Give the badge in one way only: a file, pasted text or a web address, not several."}
	}
	in := given[0]
	in.recipient = form.Recipient
	return in, form, nil
}

func tooLarge(field string) error {
	return &inputError{http.StatusRequestEntityTooLarge, field, "This is larger than 5 MiB, the most this page accepts. A badge image or credential is usually far smaller: check that it is the right file."}
}

// bodyError turns an error reading the request into an inputError.
func bodyError(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return tooLarge("")
	}
	return &inputError{http.StatusBadRequest, "", "The form could not be read: it may have been cut short. Try again."}
}

// check validates the URL and the recipient.
func (in *verifyInput) check() error {
	if in.url != "" {
		u, err := url.Parse(in.url)
		if len(in.url) > maxURL || err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return &inputError{http.StatusUnprocessableEntity, "url", "Give a full web address starting with https:// (or http://)."}
		}
	}
	if len(in.recipient) > maxRecipient || strings.ContainsAny(in.recipient, "\r\n") {
		return &inputError{http.StatusUnprocessableEntity, "recipient", "Give one email address, web address or DID, at most 512 characters."}
	}
	return nil
}

// verify runs the verifier, at most Options.VerifyConcurrency at once on this node, and
// answers with the report (HTML, or JSON to a client that asks for it).
func (s *Site) verify(w http.ResponseWriter, r *http.Request, in verifyInput, form verifyForm) {
	if !s.acquireVerifySlot(r.Context()) {
		w.Header().Set("Retry-After", "5")
		s.verifyError(w, r, form, &inputError{http.StatusServiceUnavailable, "",
			"Rosette is verifying many badges right now. Wait a few seconds, then try again."})
		return
	}
	defer func() { <-s.verifySlots }()
	ctx, cancel := context.WithTimeout(r.Context(), verifyTimeout)
	defer cancel()
	v := s.newVerifier(in.recipient)
	var rep *verify.Report
	if in.url != "" {
		rep = v.VerifyURL(ctx, in.url)
	} else {
		rep = v.Verify(ctx, in.data)
	}
	// The log says how it went, never what the badge holds.
	s.log.LogAttrs(r.Context(), slog.LevelInfo, "badge verified",
		slog.String("request_id", w.Header().Get("X-Request-Id")), slog.String("via", in.via),
		slog.String("verdict", string(rep.Verdict)), slog.String("kind", rep.Kind),
		slog.String("version", rep.Version), slog.String("format", rep.Format))
	if wantsJSON(r) {
		writeJSON(w, http.StatusOK, rep.WithoutCredentials())
		return
	}
	view := newReportView(rep)
	if view.remoteImages() {
		w.Header().Set("Content-Security-Policy", verifyCSP)
	}
	form.Text = "" // the report shows the credential; the form starts empty for the next one
	s.render(w, r, http.StatusOK, "verify", &verifyPage{Frame: Frame{Title: view.Heading + " · Verify a badge", Nav: "verify"}, Form: form, Report: &view})
}

// acquireVerifySlot takes a verification slot, waiting at most Options.VerifyWait.
func (s *Site) acquireVerifySlot(ctx context.Context) bool {
	select {
	case s.verifySlots <- struct{}{}:
		return true
	default:
	}
	t := time.NewTimer(s.verifyWait)
	defer t.Stop()
	select {
	case s.verifySlots <- struct{}{}:
		return true
	case <-t.C:
		return false
	case <-ctx.Done():
		return false
	}
}

// verifyError answers a request that could not be verified: the form with the error, or a
// JSON error.
func (s *Site) verifyError(w http.ResponseWriter, r *http.Request, form verifyForm, err error) {
	var ie *inputError
	if !errors.As(err, &ie) {
		ie = &inputError{http.StatusBadRequest, "", err.Error()}
	}
	if wantsJSON(r) {
		writeJSON(w, ie.status, map[string]string{"error": ie.message})
		return
	}
	if ie.status == http.StatusRequestEntityTooLarge {
		form.Text = "" // do not send megabytes back
	}
	s.render(w, r, ie.status, "verify", &verifyPage{Frame: Frame{Title: "Verify a badge", Nav: "verify"}, Form: form,
		Errors: map[string]string{ie.field: ie.message}})
}

// wantsJSON reports whether the client asked for JSON rather than a page.
func wantsJSON(r *http.Request) bool {
	a := r.Header.Get("Accept")
	return strings.Contains(a, "application/json") && !strings.Contains(a, "text/html")
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		http.Error(w, `{"error":"internal error"}`, http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}
