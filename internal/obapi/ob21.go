package obapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/service"
)

// bcStatus is Badge Connect's StatusDType.
type bcStatus struct {
	StatusCode int    `json:"statusCode"`
	StatusText string `json:"statusText,omitempty"`
	Error      string `json:"error,omitempty"`
}

// statusText is the StatusDType statusText of an HTTP status.
func statusText(status int) string {
	switch status {
	case http.StatusOK, http.StatusCreated:
		return "OK"
	case http.StatusBadRequest, http.StatusConflict:
		return "BAD_REQUEST"
	case http.StatusUnauthorized:
		return "UNAUTHENTICATED"
	case http.StatusForbidden:
		return "PERMISSION_DENIED"
	case http.StatusNotFound:
		return "NOT_FOUND"
	case http.StatusMethodNotAllowed:
		return "METHOD_NOT_ALLOWED"
	}
	return ""
}

func (a *API) ob21Error(w http.ResponseWriter, status int, text, msg string) {
	if text == "" {
		text = statusText(status)
	}
	w.Header().Set("Cache-Control", "no-store")
	a.writeJSON(w, status, map[string]any{"status": bcStatus{StatusCode: status, StatusText: text, Error: msg}})
}

// manifest is the Badge Connect discovery document.
func (a *API) manifest(w http.ResponseWriter, r *http.Request) {
	api := map[string]any{
		"id": a.opts.Base + ManifestPath + "#api", "type": "BadgeConnectAPI", "name": a.opts.Name,
		"apiBase": a.opts.Base + OB21Base, "version": "v2p1",
		"termsOfServiceUrl": a.opts.TermsURL, "privacyPolicyUrl": a.opts.PrivacyURL,
		"scopesOffered":   service.OB21Scopes,
		"registrationUrl": a.opts.Base + RegisterPath, "authorizationUrl": a.opts.Base + AuthorizePath,
		"tokenUrl": a.opts.Base + TokenPath, "tokenRevocationUrl": a.opts.Base + RevokePath,
	}
	if a.opts.Image != "" {
		api["image"] = a.opts.Image
	}
	w.Header().Set("Access-Control-Allow-Origin", "*")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	a.writeJSON(w, http.StatusOK, map[string]any{"id": a.opts.Base + ManifestPath, "type": "Manifest", "badgeConnectAPI": []any{api}})
}

func (a *API) getAssertions(w http.ResponseWriter, r *http.Request, acc *access) {
	limit, offset, since, msg := paging(r.URL.Query())
	if msg != "" {
		a.ob21Error(w, http.StatusBadRequest, "REQUEST_VALIDATION_ERROR", msg)
		return
	}
	p, err := a.opts.Wallet.OB21Assertions(r.Context(), acc.UserID, limit, offset, since)
	if err != nil {
		a.ob21Error(w, statusOf(err), "", a.message(r, err))
		return
	}
	a.setPaging(w, r, p.Total, limit, offset)
	body := map[string]any{"status": bcStatus{StatusCode: http.StatusOK, StatusText: "OK"}}
	if len(p.JSON) > 0 {
		body["assertions"] = p.JSON
	}
	if len(p.JWS) > 0 {
		body["signedAssertions"] = p.JWS
	}
	a.writeJSON(w, http.StatusOK, body)
}

// postAssertion adds an assertion: {"assertion": {...}} or {"signedAssertion": "jws"}.
func (a *API) postAssertion(w http.ResponseWriter, r *http.Request, acc *access) {
	body, ok, err := readBody(r, maxBody)
	if err != nil || !ok {
		a.ob21Error(w, http.StatusBadRequest, "REQUEST_VALIDATION_ERROR", "The body could not be read or is too large.")
		return
	}
	var in struct {
		Assertion       json.RawMessage `json:"assertion"`
		SignedAssertion string          `json:"signedAssertion"`
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil || (len(in.Assertion) > 0) == (in.SignedAssertion != "") {
		a.ob21Error(w, http.StatusBadRequest, "REQUEST_VALIDATION_ERROR", `Send {"assertion": {...}} or {"signedAssertion": "<JWS>"}.`)
		return
	}
	if _, err := a.opts.Wallet.OB21Add(r.Context(), acc.UserID, in.Assertion, in.SignedAssertion); err != nil {
		text := ""
		if errors.Is(err, badge.Invalid) {
			text = "INVALID_BADGE"
		}
		a.ob21Error(w, statusOf(err), text, a.message(r, err))
		return
	}
	a.writeJSON(w, http.StatusOK, map[string]any{"status": bcStatus{StatusCode: http.StatusOK, StatusText: "OK"}})
}

// ob21Profile is the OB 2.0 Profile of an earner.
func ob21Profile(p *service.APIProfile) map[string]any {
	out := map[string]any{"@context": "https://w3id.org/openbadges/v2", "id": p.ID, "type": "Profile"}
	for k, v := range map[string]string{"name": p.Name, "email": p.Email, "url": p.URL, "description": p.Description, "image": p.Image} {
		if v != "" {
			out[k] = v
		}
	}
	return out
}

func (a *API) getProfile21(w http.ResponseWriter, r *http.Request, acc *access) {
	p, err := a.opts.Wallet.Profile(r.Context(), acc.UserID)
	if err != nil {
		a.ob21Error(w, statusOf(err), "", a.message(r, err))
		return
	}
	a.writeJSON(w, http.StatusOK, map[string]any{"status": bcStatus{StatusCode: http.StatusOK, StatusText: "OK"}, "profile": ob21Profile(p)})
}

func (a *API) postProfile21(w http.ResponseWriter, r *http.Request, acc *access) {
	body, ok, err := readBody(r, 1<<20)
	if err != nil || !ok {
		a.ob21Error(w, http.StatusBadRequest, "REQUEST_VALIDATION_ERROR", "The body could not be read or is too large.")
		return
	}
	in, err := parseProfileInput(body)
	if err == nil {
		var p *service.APIProfile
		if p, err = a.opts.Wallet.PutProfile(r.Context(), acc.UserID, *in); err == nil {
			a.writeJSON(w, http.StatusOK, map[string]any{"status": bcStatus{StatusCode: http.StatusOK, StatusText: "OK"}, "profile": ob21Profile(p)})
			return
		}
	}
	text := ""
	if errors.Is(err, badge.Invalid) {
		text = "REQUEST_VALIDATION_ERROR"
	}
	a.ob21Error(w, statusOf(err), text, a.message(r, err))
}
