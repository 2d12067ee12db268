package httpapi

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/service"
)

// Awards is what the API needs of the awards service (*service.Awards).
type Awards interface {
	Issue(ctx context.Context, actor *badge.User, req badge.AwardRequest) (*badge.Award, error)
	IssueBatch(ctx context.Context, actor *badge.User, reqs []badge.AwardRequest) ([]*badge.Award, error)
	Get(ctx context.Context, actor *badge.User, id string) (*badge.Award, error)
	ListForBadgeClass(ctx context.Context, actor *badge.User, badgeClassID string, limit, offset int) ([]*badge.Award, int, error)
	Revoke(ctx context.Context, actor *badge.User, id, reason string) (*badge.Award, error)
}

// recipientJSON is an award's recipient.
type recipientJSON struct {
	Type     string `json:"type"`
	Identity string `json:"identity"`
	Name     string `json:"name"`
}

// evidenceJSON is one piece of evidence.
type evidenceJSON struct {
	URL       string `json:"url"`
	Name      string `json:"name"`
	Narrative string `json:"narrative"`
}

// awardInput is one award to make (POST /badges/{id}/awards).
type awardInput struct {
	Recipient struct {
		Type     string `json:"type"`
		Identity string `json:"identity"`
		Name     string `json:"name"`
	} `json:"recipient"`
	Narrative string         `json:"narrative"`
	Evidence  []evidenceJSON `json:"evidence"`
	IssuedAt  *time.Time     `json:"issued_at"`
	ExpiresAt *time.Time     `json:"expires_at"`
	Notify    *bool          `json:"notify"`
}

// awardBatchInput is a batch of awards.
type awardBatchInput struct {
	Awards []awardInput `json:"awards"`
}

// awardJSON is an award resource.
type awardJSON struct {
	ID               string         `json:"id"`
	IssuerID         string         `json:"issuer_id"`
	BadgeID          string         `json:"badge_id"`
	BadgeVersion     int            `json:"badge_version"`
	Status           string         `json:"status"`
	Recipient        recipientJSON  `json:"recipient"`
	Narrative        string         `json:"narrative"`
	Evidence         []evidenceJSON `json:"evidence"`
	IssuedAt         time.Time      `json:"issued_at"`
	ExpiresAt        *time.Time     `json:"expires_at"`
	RevokedAt        *time.Time     `json:"revoked_at"`
	RevocationReason string         `json:"revocation_reason"`
	URL              string         `json:"url"`
	CredentialURL    string         `json:"credential_url"`
	AssertionURL     string         `json:"assertion_url"`
	CreatedAt        time.Time      `json:"created_at"`
}

type revokeInput struct {
	Reason string `json:"reason"`
}

// awardFieldNames maps the award request's field names to the API's members.
var awardFieldNames = map[string]string{
	"recipient": "recipient.identity", "recipient_type": "recipient.type", "recipient_name": "recipient.name",
	"issued": "issued_at", "expires": "expires_at", "key": "Idempotency-Key",
}

func optTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := apiTime(t)
	return &u
}

func (a *API) awardOut(aw *badge.Award) awardJSON {
	out := awardJSON{ID: aw.ID, IssuerID: aw.IssuerID, BadgeID: aw.BadgeClassID, BadgeVersion: aw.BadgeClassVersion,
		Status: string(aw.Status(a.opts.Clock.Now())), Recipient: recipientJSON{Type: string(aw.Recipient.Type), Identity: aw.Recipient.Identity, Name: aw.Recipient.Name},
		Narrative: aw.Narrative, Evidence: []evidenceJSON{}, IssuedAt: apiTime(aw.IssuedAt), ExpiresAt: optTime(aw.ExpiresAt),
		RevokedAt: optTime(aw.RevokedAt), RevocationReason: aw.RevocationReason, URL: a.opts.URLs.Award(aw.ID),
		CredentialURL: a.opts.URLs.AwardCredential(aw.ID), AssertionURL: a.opts.URLs.AwardAssertion(aw.ID), CreatedAt: apiTime(aw.CreatedAt)}
	for _, e := range aw.Evidence {
		out.Evidence = append(out.Evidence, evidenceJSON(e))
	}
	return out
}

// awardKey is the award service's idempotency key for an API Idempotency-Key: scoped to the
// token (keys are unique per issuer in the service, and two tokens may pick the same key),
// hashed when it would be too long.
func awardKey(u *badge.User, key string, index int) string {
	if key == "" || u.Token == nil {
		return ""
	}
	if index >= 0 {
		key += ":" + strconv.Itoa(index)
	}
	k := fmt.Sprintf("api:%d:%s", u.Token.TokenID, key)
	if len(k) > 200 {
		h := sha256.Sum256([]byte(key))
		k = fmt.Sprintf("api:%d:sha256:%s", u.Token.TokenID, hex.EncodeToString(h[:]))
	}
	return k
}

func (in awardInput) request(badgeID string) badge.AwardRequest {
	req := badge.AwardRequest{BadgeClassID: badgeID, Recipient: badge.Recipient{Type: badge.RecipientType(in.Recipient.Type),
		Identity: in.Recipient.Identity, Name: in.Recipient.Name}, Narrative: in.Narrative, Notify: true}
	for _, e := range in.Evidence {
		req.Evidence = append(req.Evidence, badge.Evidence(e))
	}
	if in.IssuedAt != nil {
		req.IssuedAt = *in.IssuedAt
	}
	if in.ExpiresAt != nil {
		req.ExpiresAt = *in.ExpiresAt
	}
	if in.Notify != nil {
		req.Notify = *in.Notify
	}
	return req
}

// renameFields rewrites the field names of an award request's FieldErrors to API members,
// under prefix (like "awards[3]."). Errors without fields are kept as they are.
func renameFields(err error, prefix string) error {
	fields := badge.FieldMessages(err)
	if len(fields) == 0 {
		return err
	}
	var errs []error
	for f, m := range fields {
		if n, ok := awardFieldNames[f]; ok {
			f = n
		}
		errs = append(errs, badge.FieldError(badge.Invalid, prefix+f, m, nil))
	}
	return errors.Join(errs...)
}

// createAwards is POST /badges/{id}/awards: one award (an award object) or a batch
// ({"awards": [...]}, up to 1,000, all or nothing).
func (a *API) createAwards(c *call) (int, any, error) {
	badgeID := c.r.PathValue("id")
	key := c.r.Header.Get("Idempotency-Key")
	var probe map[string]json.RawMessage
	if err := json.Unmarshal(c.body, &probe); err == nil {
		if _, batch := probe["awards"]; batch {
			return a.createAwardBatch(c, badgeID, key)
		}
	}
	var in awardInput
	if err := decodeJSON(c.body, &in); err != nil {
		return 0, nil, err
	}
	req := in.request(badgeID)
	req.Key = awardKey(c.user, key, -1)
	aw, err := a.opts.Awards.Issue(c.ctx(), c.user, req)
	if err != nil {
		return 0, nil, renameFields(err, "")
	}
	c.w.Header().Set("Location", a.opts.URLs.Base+Prefix+"/awards/"+aw.ID)
	return http.StatusCreated, a.awardOut(aw), nil
}

func (a *API) createAwardBatch(c *call, badgeID, key string) (int, any, error) {
	var in awardBatchInput
	if err := decodeJSON(c.body, &in); err != nil {
		return 0, nil, err
	}
	if len(in.Awards) == 0 || len(in.Awards) > service.MaxBatch {
		return 0, nil, badge.FieldError(badge.Invalid, "awards", fmt.Sprintf("Give 1 to %d awards.", service.MaxBatch), nil)
	}
	reqs := make([]badge.AwardRequest, len(in.Awards))
	for i, aw := range in.Awards {
		reqs[i] = aw.request(badgeID)
		reqs[i].Key = awardKey(c.user, key, i)
	}
	out, err := a.opts.Awards.IssueBatch(c.ctx(), c.user, reqs)
	var be *service.BatchError
	if errors.As(err, &be) {
		var errs []error
		for _, it := range be.Items {
			errs = append(errs, renameFields(it.Err, fmt.Sprintf("awards[%d].", it.Index)))
		}
		return 0, nil, errors.Join(errs...)
	}
	if err != nil {
		return 0, nil, err
	}
	res := struct {
		Awards []awardJSON `json:"awards"`
	}{Awards: make([]awardJSON, len(out))}
	for i, aw := range out {
		res.Awards[i] = a.awardOut(aw)
	}
	return http.StatusCreated, res, nil
}

// getAward is GET /awards/{id}.
func (a *API) getAward(c *call) (int, any, error) {
	aw, err := a.opts.Awards.Get(c.ctx(), c.user, c.r.PathValue("id"))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, a.awardOut(aw), nil
}

// listAwards is GET /badges/{id}/awards, newest first, paged.
func (a *API) listAwards(c *call) (int, any, error) {
	limit, offset, err := paging(c.r)
	if err != nil {
		return 0, nil, err
	}
	list, total, err := a.opts.Awards.ListForBadgeClass(c.ctx(), c.user, c.r.PathValue("id"), limit, offset)
	if err != nil {
		return 0, nil, err
	}
	p := page[awardJSON]{Items: make([]awardJSON, len(list)), Total: total, Limit: limit, Offset: offset}
	for i, aw := range list {
		p.Items[i] = a.awardOut(aw)
	}
	a.setLinks(c, total, limit, offset)
	return http.StatusOK, p, nil
}

// revokeAward is POST /awards/{id}/revoke with {"reason": "..."}.
func (a *API) revokeAward(c *call) (int, any, error) {
	var in revokeInput
	if err := decodeJSON(bytes.TrimSpace(c.body), &in); err != nil {
		return 0, nil, err
	}
	aw, err := a.opts.Awards.Revoke(c.ctx(), c.user, c.r.PathValue("id"), in.Reason)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, a.awardOut(aw), nil
}
