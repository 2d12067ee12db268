package obapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/service"
	"github.com/rosettebadges/rosette/openbadges/ob3"
)

// imsx is an OB 3.0 Imsx_StatusInfo.
type imsx struct {
	CodeMajor   string         `json:"imsx_codeMajor"`
	Severity    string         `json:"imsx_severity"`
	Description string         `json:"imsx_description,omitempty"`
	CodeMinor   *imsxCodeMinor `json:"imsx_codeMinor,omitempty"`
}

type imsxCodeMinor struct {
	Fields []imsxCodeMinorField `json:"imsx_codeMinorField"`
}

type imsxCodeMinorField struct {
	Name  string `json:"imsx_codeMinorFieldName"`
	Value string `json:"imsx_codeMinorFieldValue"`
}

// codeMinor is the Imsx code minor value of an HTTP status.
func codeMinor(status int) string {
	switch status {
	case http.StatusBadRequest:
		return "invalid_data"
	case http.StatusUnauthorized:
		return "unauthorizedrequest"
	case http.StatusForbidden:
		return "forbidden"
	case http.StatusNotFound:
		return "not_found"
	case http.StatusMethodNotAllowed:
		return "not_allowed"
	case http.StatusConflict:
		return "invalid_data"
	case http.StatusTooManyRequests, http.StatusServiceUnavailable:
		return "server_busy"
	}
	return "internal_server_error"
}

// ob3Error writes an Imsx_StatusInfo error.
func (a *API) ob3Error(w http.ResponseWriter, status int, minor, msg string) {
	if minor == "" {
		minor = codeMinor(status)
	}
	w.Header().Set("Cache-Control", "no-store")
	a.writeJSON(w, status, imsx{CodeMajor: "failure", Severity: "error", Description: msg,
		CodeMinor: &imsxCodeMinor{Fields: []imsxCodeMinorField{{Name: "TargetEndSystem", Value: minor}}}})
}

// apiHandler answers an API call whose bearer token and scope were checked.
type apiHandler func(w http.ResponseWriter, r *http.Request, acc *access)

// errorWriter writes an API's error answer (OB 3.0: Imsx_StatusInfo; Badge Connect: its
// status object); code is the API's own code or text ("" for the default of status).
type errorWriter func(w http.ResponseWriter, status int, code, msg string)

// guarded checks the bearer token and scope of a call, answering with fail when they do not
// allow it.
func (a *API) guarded(scope string, fail errorWriter, h apiHandler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		acc, status, msg := a.authorize(w, r, scope)
		if acc == nil {
			fail(w, status, "", msg)
			return
		}
		w.Header().Set("Cache-Control", "no-store")
		h(w, r, acc)
	})
}

// notFound answers the API's other paths: 405 for one of its endpoints (another method),
// 404 otherwise, with fail.
func notFound(fail errorWriter, endpoints ...string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if slices.Contains(endpoints, r.URL.Path) {
			fail(w, http.StatusMethodNotAllowed, "", "This method is not allowed here.")
			return
		}
		fail(w, http.StatusNotFound, "", "There is no such endpoint.")
	})
}

// discovery is getServiceDescription: the OpenAPI 3.0 Service Description Document,
// unprotected.
func (a *API) discovery(w http.ResponseWriter, r *http.Request) {
	scopes := map[string]string{}
	for _, s := range service.OB3Scopes {
		scopes[s] = service.ScopeWords(s)
	}
	scopes[service.ScopeOfflineAccess] = service.ScopeWords(service.ScopeOfflineAccess)
	info := map[string]any{"title": a.opts.Name, "version": "3.0", "termsOfService": a.opts.TermsURL,
		"x-imssf-privacyPolicyUrl": a.opts.PrivacyURL,
		"description":              "The Open Badges 3.0 API of " + a.opts.Name + ": earners connect applications to their wallet."}
	if a.opts.Image != "" {
		info["x-imssf-image"] = a.opts.Image
	}
	op := func(id, summary, scope string) map[string]any {
		return map[string]any{"operationId": id, "summary": summary,
			"security":  []any{map[string]any{"OAuth2ACG": []string{scope}}},
			"responses": map[string]any{"200": map[string]any{"description": "OK"}, "default": map[string]any{"description": "An Imsx_StatusInfo error."}}}
	}
	doc := map[string]any{
		"openapi": "3.0.1",
		"info":    info,
		"servers": []any{map[string]any{"url": a.opts.Base + OB3Base, "description": a.opts.Name}},
		"tags":    []any{map[string]any{"name": "OpenBadgeCredentials"}, map[string]any{"name": "Discovery"}},
		"paths": map[string]any{
			"/credentials": map[string]any{
				"get":  op("getCredentials", "Get the earner's OpenBadgeCredentials.", service.ScopeOB3CredentialRead),
				"post": op("upsertCredential", "Add or replace an OpenBadgeCredential in the earner's wallet.", service.ScopeOB3CredentialUpsert),
			},
			"/profile": map[string]any{
				"get": op("getProfile", "Get the earner's profile.", service.ScopeOB3ProfileRead),
				"put": op("putProfile", "Update the earner's profile.", service.ScopeOB3ProfileUpdate),
			},
			"/discovery": map[string]any{"get": map[string]any{"operationId": "getServiceDescription", "summary": "This document.",
				"responses": map[string]any{"200": map[string]any{"description": "OK"}}}},
		},
		"components": map[string]any{"securitySchemes": map[string]any{"OAuth2ACG": map[string]any{
			"type":                    "oauth2",
			"description":             "OAuth 2.0 Authorization Code Grant with PKCE S256 and dynamic client registration (RFC 7591).",
			"x-imssf-registrationUrl": a.opts.Base + RegisterPath,
			"flows": map[string]any{"authorizationCode": map[string]any{
				"authorizationUrl": a.opts.Base + AuthorizePath,
				"tokenUrl":         a.opts.Base + TokenPath,
				"refreshUrl":       a.opts.Base + TokenPath,
				"scopes":           scopes,
			}},
		}}},
	}
	w.Header().Set("Access-Control-Allow-Origin", "*")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	a.writeJSON(w, http.StatusOK, doc)
}

// paging reads limit (default 100, at most service.MaxAPIPage), offset and since.
func paging(q url.Values) (limit, offset int, since time.Time, msg string) {
	limit = 100
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return 0, 0, since, "limit must be a whole number of 1 or more."
		}
		limit = min(n, service.MaxAPIPage)
	}
	if v := q.Get("offset"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return 0, 0, since, "offset must be a whole number of 0 or more."
		}
		offset = n
	}
	if v := q.Get("since"); v != "" {
		t, err := time.Parse(time.RFC3339Nano, v)
		if err != nil {
			t, err = time.Parse("2006-01-02T15:04:05", v)
		}
		if err != nil {
			return 0, 0, since, "since must be a date and time (RFC 3339)."
		}
		since = t.UTC()
	}
	return limit, offset, since, ""
}

// setPaging writes X-Total-Count and the Link header (first, last, and next and prev when
// they exist).
func (a *API) setPaging(w http.ResponseWriter, r *http.Request, total int64, limit, offset int) {
	w.Header().Set("X-Total-Count", strconv.FormatInt(total, 10))
	link := func(off int, rel string) string {
		q := url.Values{"limit": {strconv.Itoa(limit)}, "offset": {strconv.Itoa(off)}}
		if s := r.URL.Query().Get("since"); s != "" {
			q.Set("since", s)
		}
		return fmt.Sprintf(`<%s%s?%s>; rel="%s"`, a.opts.Base, r.URL.Path, q.Encode(), rel)
	}
	last := 0
	if total > 0 {
		last = int((total - 1) / int64(limit) * int64(limit))
	}
	links := []string{}
	if int64(offset+limit) < total {
		links = append(links, link(offset+limit, "next"))
	}
	links = append(links, link(last, "last"), link(0, "first"))
	if offset > 0 {
		links = append(links, link(max(0, offset-limit), "prev"))
	}
	w.Header().Set("Link", strings.Join(links, ", "))
}

// getCredentials lists the earner's OB 3.0 credentials.
func (a *API) getCredentials(w http.ResponseWriter, r *http.Request, acc *access) {
	limit, offset, since, msg := paging(r.URL.Query())
	if msg != "" {
		a.ob3Error(w, http.StatusBadRequest, "invalid_query_parameter", msg)
		return
	}
	p, err := a.opts.Wallet.OB3Credentials(r.Context(), acc.UserID, limit, offset, since)
	if err != nil {
		a.ob3Error(w, statusOf(err), "", a.message(r, err))
		return
	}
	a.setPaging(w, r, p.Total, limit, offset)
	body := map[string]any{}
	if len(p.JSON) > 0 {
		for i, c := range p.JSON {
			p.JSON[i] = proofAsArray(c)
		}
		body["credential"] = p.JSON
	}
	if len(p.JWS) > 0 {
		body["compactJwsString"] = p.JWS
	}
	a.writeJSON(w, http.StatusOK, body)
}

// upsertCredential adds or replaces a credential: 201 created, 200 replaced, the body echoed
// in the representation it came in.
func (a *API) upsertCredential(w http.ResponseWriter, r *http.Request, acc *access) {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != "application/json" && mt != "text/plain" {
		a.ob3Error(w, http.StatusBadRequest, "invalid_data", "Send the credential as application/json, or as text/plain (a compact JWS).")
		return
	}
	body, ok, err := readBody(r, maxBody)
	if err != nil || !ok {
		a.ob3Error(w, http.StatusBadRequest, "invalid_data", "The body could not be read or is too large.")
		return
	}
	created, err := a.opts.Wallet.OB3Upsert(r.Context(), acc.UserID, body, mt == "text/plain")
	if err != nil {
		a.ob3Error(w, statusOf(err), "", a.message(r, err))
		return
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	if mt == "text/plain" {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(status)
		w.Write(bytes.TrimSpace(body))
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(proofAsArray(body))
}

// ob3Profile is the OB 3.0 Profile of an earner.
func ob3Profile(p *service.APIProfile) map[string]any {
	out := map[string]any{
		"@context": []string{ob3.ContextVCv2, "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"},
		"id":       p.ID, "type": []string{"Profile"},
	}
	for k, v := range map[string]string{"name": p.Name, "email": p.Email, "url": p.URL, "description": p.Description} {
		if v != "" {
			out[k] = v
		}
	}
	if p.Image != "" {
		out["image"] = map[string]string{"id": p.Image, "type": "Image"}
	}
	return out
}

func (a *API) getProfile(w http.ResponseWriter, r *http.Request, acc *access) {
	p, err := a.opts.Wallet.Profile(r.Context(), acc.UserID)
	if err != nil {
		a.ob3Error(w, statusOf(err), "", a.message(r, err))
		return
	}
	a.writeJSON(w, http.StatusOK, ob3Profile(p))
}

// profileInput is the part of a Profile the wallet keeps. image may be a string or an Image
// object.
type profileInput struct {
	Name        string          `json:"name"`
	Email       string          `json:"email"`
	URL         string          `json:"url"`
	Description string          `json:"description"`
	Image       json.RawMessage `json:"image"`
}

// parseProfileInput reads a Profile body (OB 3.0 or OB 2.0 shape) into the kept fields.
func parseProfileInput(body []byte) (*service.APIProfile, error) {
	var in profileInput
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&in); err != nil {
		return nil, badge.E(badge.Invalid, "The profile is not a JSON object with string name, email, url and description.", err)
	}
	p := &service.APIProfile{Name: in.Name, Email: in.Email, URL: in.URL, Description: in.Description}
	if len(in.Image) > 0 && string(in.Image) != "null" {
		var s string
		if err := json.Unmarshal(in.Image, &s); err != nil {
			var obj struct {
				ID string `json:"id"`
			}
			if err := json.Unmarshal(in.Image, &obj); err != nil {
				return nil, badge.E(badge.Invalid, "image must be a URL or an Image object with an id.", err)
			}
			s = obj.ID
		}
		p.Image = s
	}
	return p, nil
}

func (a *API) putProfile(w http.ResponseWriter, r *http.Request, acc *access) {
	body, ok, err := readBody(r, 1<<20)
	if err != nil || !ok {
		a.ob3Error(w, http.StatusBadRequest, "invalid_data", "The body could not be read or is too large.")
		return
	}
	if _, err := ob3.ParseProfile(body); err != nil {
		a.ob3Error(w, http.StatusBadRequest, "invalid_data", "The body is not an OB 3.0 Profile.")
		return
	}
	in, err := parseProfileInput(body)
	if err == nil {
		var p *service.APIProfile
		p, err = a.opts.Wallet.PutProfile(r.Context(), acc.UserID, *in)
		if err == nil {
			a.writeJSON(w, http.StatusOK, ob3Profile(p))
			return
		}
	}
	if errors.Is(err, badge.Invalid) {
		a.ob3Error(w, http.StatusBadRequest, "invalid_data", badge.SafeMessage(err))
		return
	}
	a.ob3Error(w, statusOf(err), "", a.message(r, err))
}
