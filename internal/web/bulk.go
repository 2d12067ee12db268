package web

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/bulk"
	"github.com/rosettebadges/rosette/internal/service"
)

// Bulk is what the bulk awarding pages need of the bulk service (*service.Bulk). Every method
// takes the signed-in user and checks badge.ActAward itself.
type Bulk interface {
	ForBadgeClass(ctx context.Context, actor *badge.User, badgeClassID string) (*service.BulkTarget, []*service.BulkUpload, error)
	Upload(ctx context.Context, actor *badge.User, badgeClassID, filename string, data []byte, notify bool) (*service.BulkUpload, error)
	Get(ctx context.Context, actor *badge.User, id string) (*service.BulkUpload, error)
	Confirm(ctx context.Context, actor *badge.User, id string, skipInvalid bool) (*service.BulkUpload, error)
	Cancel(ctx context.Context, actor *badge.User, id string) (*service.BulkUpload, error)
}

type bulkFormPage struct {
	Frame
	Target  *service.BulkTarget
	Uploads []*service.BulkUpload
	Notify  bool
	Errors  formErrors
}

// bulkRow is one row of a preview table.
type bulkRow struct {
	Line      int
	Recipient string
	Type      string
	Name      string
	Issued    string
	Expires   string
	Evidence  int
	Errors    []bulk.CellError
}

type bulkPage struct {
	Frame
	Upload    *service.BulkUpload
	Rows      []bulkRow // the first rows of the file (preview)
	ErrorRows []bulkRow // every row with errors (preview)
	Errors    formErrors
}

// The states as people read them.
var bulkStates = map[string]string{
	service.BulkPreview:   "Preview: not issued yet",
	service.BulkQueued:    "Waiting to start",
	service.BulkRunning:   "Issuing",
	service.BulkDone:      "Done",
	service.BulkFailed:    "Stopped",
	service.BulkCancelled: "Cancelled",
}

// StateText is the upload's state in words.
func (p *bulkPage) StateText() string { return bulkStates[p.Upload.State] }

// Percent is the share of rows processed, 0 to 100.
func (p *bulkPage) Percent() int {
	if p.Upload.RowsTotal == 0 {
		return 0
	}
	return p.Upload.Processed() * 100 / p.Upload.RowsTotal
}

// StateText is an upload's state in words, for the list of recent uploads.
func (*bulkFormPage) StateText(state string) string { return bulkStates[state] }

func showDate(t time.Time) string {
	switch {
	case t.IsZero():
		return ""
	case t.Equal(t.Truncate(24 * time.Hour)):
		return t.Format(time.DateOnly)
	}
	return t.Format(time.RFC3339)
}

func toBulkRow(r bulk.Row) bulkRow {
	q := r.Request
	evidence := 0 // an invalid row's request is as read: its empty evidence columns too
	for _, e := range q.Evidence {
		if strings.TrimSpace(e.URL+e.Name+e.Narrative) != "" {
			evidence++
		}
	}
	return bulkRow{Line: r.Line, Recipient: q.Recipient.Identity, Type: string(q.Recipient.Type), Name: q.Recipient.Name,
		Issued: showDate(q.IssuedAt), Expires: showDate(q.ExpiresAt), Evidence: evidence, Errors: r.Errors}
}

// bulkForm shows the upload form of a badge class, with its recent uploads.
func (s *Site) bulkForm(w http.ResponseWriter, r *http.Request) {
	tg, list, err := s.bulk.ForBadgeClass(r.Context(), userFrom(r.Context()), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "bulk_form", &bulkFormPage{Frame: Frame{Title: "Award " + tg.BadgeClassName + " in bulk", Nav: "issuers"},
		Target: tg, Uploads: list, Notify: true})
}

// bulkUpload reads the uploaded file and shows its preview (POST-redirect-GET), or the form
// again with the problem of the file.
func (s *Site) bulkUpload(w http.ResponseWriter, r *http.Request) {
	u, id := userFrom(r.Context()), r.PathValue("id")
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			s.fail(w, r, err)
			return
		}
		s.fail(w, r, badge.E(badge.Invalid, "The form could not be read.", err))
		return
	}
	defer r.MultipartForm.RemoveAll()
	notify := r.PostForm.Get("notify") == "1"
	var data []byte
	var filename string
	file, hdr, err := r.FormFile("file")
	if err == nil {
		defer file.Close()
		filename = hdr.Filename
		data, err = io.ReadAll(io.LimitReader(file, bulk.MaxBytes+1))
	}
	var up *service.BulkUpload
	switch {
	case errors.Is(err, http.ErrMissingFile):
		err = badge.FieldError(badge.Invalid, "file", "Choose a CSV file to upload.", nil)
	case err != nil:
		err = badge.E(badge.Invalid, "The file could not be read.", err)
	default:
		up, err = s.bulk.Upload(r.Context(), u, id, filename, data, notify)
	}
	if err == nil {
		redirect(w, r, "/admin/bulk/"+up.ID)
		return
	}
	if !errors.Is(err, badge.Invalid) {
		s.fail(w, r, err)
		return
	}
	// The form again, with the file's problem, to someone who may award this badge.
	tg, list, gerr := s.bulk.ForBadgeClass(r.Context(), u, id)
	if gerr != nil {
		s.fail(w, r, gerr)
		return
	}
	p := &bulkFormPage{Frame: Frame{Title: "Award " + tg.BadgeClassName + " in bulk", Nav: "issuers"},
		Target: tg, Uploads: list, Notify: notify, Errors: formErrors{}}
	s.formFailure(w, r, err, p.Errors)
	s.render(w, r, http.StatusUnprocessableEntity, "bulk_form", p)
}

// bulkShow is an upload's page: its preview before confirmation, its progress after.
func (s *Site) bulkShow(w http.ResponseWriter, r *http.Request) {
	up, err := s.bulk.Get(r.Context(), userFrom(r.Context()), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderBulk(w, r, http.StatusOK, up, nil)
}

func (s *Site) renderBulk(w http.ResponseWriter, r *http.Request, status int, up *service.BulkUpload, errs formErrors) {
	p := &bulkPage{Frame: Frame{Title: up.Filename + " · " + up.BadgeClassName, Nav: "issuers"}, Upload: up, Errors: errs}
	if up.Active() {
		p.Refresh = 2
	}
	for i, row := range up.Preview {
		if i < service.BulkPreviewRows {
			p.Rows = append(p.Rows, toBulkRow(row))
		}
		if !row.Valid() {
			p.ErrorRows = append(p.ErrorRows, toBulkRow(row))
		}
	}
	s.render(w, r, status, "bulk", p)
}

// bulkConfirm starts issuing an upload.
func (s *Site) bulkConfirm(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, badge.E(badge.Invalid, "The form could not be read.", err))
		return
	}
	u, id := userFrom(r.Context()), r.PathValue("id")
	_, err := s.bulk.Confirm(r.Context(), u, id, r.PostForm.Get("skip_invalid") == "1")
	if err == nil {
		s.setFlash(w, r, "bulk-confirmed")
		redirect(w, r, "/admin/bulk/"+id)
		return
	}
	if !errors.Is(err, badge.Invalid) && !errors.Is(err, badge.Conflict) {
		s.fail(w, r, err)
		return
	}
	up, gerr := s.bulk.Get(r.Context(), u, id)
	if gerr != nil {
		s.fail(w, r, gerr)
		return
	}
	s.renderBulk(w, r, statusOf(err), up, formErrors{"": badge.SafeMessage(err)})
}

// bulkCancel cancels an upload and goes back to the upload form.
func (s *Site) bulkCancel(w http.ResponseWriter, r *http.Request) {
	up, err := s.bulk.Cancel(r.Context(), userFrom(r.Context()), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.setFlash(w, r, "bulk-cancelled")
	redirect(w, r, "/admin/badges/"+up.BadgeClassID+"/bulk")
}

// bulkExample serves the example CSV file.
func (s *Site) bulkExample(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="rosette-bulk-example.csv"`)
	h.Set("Cache-Control", "no-cache")
	io.WriteString(w, bulk.ExampleCSV)
}
