package web

import (
	"bytes"
	"errors"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"testing"
)

// FuzzVerifyRequest feeds arbitrary bodies and content types to the verification form
// reader: it never panics, and it returns exactly one input (bounded, with a valid recipient
// and URL once checked) or a form error with a status and a message.
func FuzzVerifyRequest(f *testing.F) {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	mw.WriteField("text", `{"@context":"x"}`)
	mw.WriteField("recipient", "a@example.org")
	fw, _ := mw.CreateFormFile("file", "b.png")
	fw.Write([]byte("\x89PNG\r\n\x1a\n"))
	mw.Close()
	f.Add(b.Bytes(), mw.FormDataContentType())
	f.Add([]byte("text=%7B%7D&url=https%3A%2F%2Fexample.org%2Fa&recipient=x"), "application/x-www-form-urlencoded")
	f.Add([]byte("url=ftp://x"), "application/x-www-form-urlencoded")
	f.Add([]byte("eyJ.eyJ.sig"), "application/jwt")
	f.Add([]byte("--x\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a\"\r\n\r\n\r\n--x--\r\n"), "multipart/form-data; boundary=x")
	f.Add([]byte(""), "")
	f.Fuzz(func(t *testing.T, body []byte, contentType string) {
		req := httptest.NewRequest(http.MethodPost, "/verify?recipient=q", bytes.NewReader(body))
		req.Header.Set("Content-Type", contentType)
		w := httptest.NewRecorder()
		req.Body = http.MaxBytesReader(w, req.Body, maxVerifyBody)
		in, _, err := readVerifyRequest(req)
		if err == nil {
			err = in.check()
		}
		if err != nil {
			var ie *inputError
			if !errors.As(err, &ie) || ie.status < 400 || ie.status > 599 || ie.message == "" {
				t.Fatalf("error %v is not a form error with a status and a message", err)
			}
			return
		}
		if (in.url == "") == (len(in.data) == 0) {
			t.Fatalf("input has url %q and %d bytes: want exactly one", in.url, len(in.data))
		}
		if len(in.data) > maxVerifyInput || len(in.recipient) > maxRecipient {
			t.Fatalf("input over the limits: %d bytes, recipient %d", len(in.data), len(in.recipient))
		}
	})
}
