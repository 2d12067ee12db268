package httpapi

import (
	_ "embed"
	"net/http"
)

// openAPIDoc is the hand-written OpenAPI 3.1 description of every operation (a test checks it
// against the routes and the handlers' responses).
//
//go:embed openapi.json
var openAPIDoc []byte

// openAPI is GET /openapi.json (no token needed).
func (a *API) openAPI(c *call) (int, any, error) {
	c.w.Header().Set("Content-Type", "application/json")
	c.w.WriteHeader(http.StatusOK)
	c.w.Write(openAPIDoc)
	return 0, nil, errWritten
}

// errWritten tells operation that the handler wrote the response itself.
var errWritten = errWrittenT{}

type errWrittenT struct{}

func (errWrittenT) Error() string { return "response written" }
