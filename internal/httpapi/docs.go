package httpapi

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"sort"
	"strings"
)

//go:embed docs/docs.html docs/docs.css
var docsFS embed.FS

// docsPage is the API's readable documentation at /api/docs: HTML rendered once, on the
// server, from the OpenAPI document (no JavaScript).
type docsPage struct {
	html []byte
	css  []byte
}

// The view model of the docs page.
type (
	docsView struct {
		Title, Description, Base string
		Tags                     []docsTag
		Schemas                  []docsSchema
		Errors                   []docsError
		Scopes                   []string
	}
	docsTag struct {
		Name string
		Ops  []docsOp
	}
	docsOp struct {
		Method, Path, Anchor, Summary, Description string
		Scopes                                     []string
		Public                                     bool
		Params                                     []docsParam
		Body, BodyExample                          string
		Responses                                  []docsResponse
		Curl                                       string
	}
	docsParam    struct{ Name, In, Type, Description string }
	docsResponse struct {
		Status, Description, Schema, Example string
	}
	docsSchema struct {
		Name, Description string
		Props             []docsProp
	}
	docsProp struct {
		Name, Type, Description string
		Required                bool
	}
	docsError struct{ Code, Status, Meaning string }
)

// openAPI is the part of an OpenAPI document the docs page reads.
type openAPI struct {
	OpenAPI string `json:"openapi"`
	Info    struct {
		Title       string `json:"title"`
		Description string `json:"description"`
	} `json:"info"`
	Tags  []struct{ Name string } `json:"tags"`
	Paths map[string]map[string]struct {
		Summary     string            `json:"summary"`
		Description string            `json:"description"`
		Tags        []string          `json:"tags"`
		Scopes      []string          `json:"x-scopes"`
		Security    []json.RawMessage `json:"security"`
		Parameters  []json.RawMessage `json:"parameters"`
		RequestBody *struct {
			Content map[string]mediaObject `json:"content"`
		} `json:"requestBody"`
		Responses map[string]json.RawMessage `json:"responses"`
	} `json:"paths"`
	Components struct {
		Parameters map[string]openAPIParam `json:"parameters"`
		Responses  map[string]struct {
			Description string                 `json:"description"`
			Content     map[string]mediaObject `json:"content"`
		} `json:"responses"`
		Schemas map[string]json.RawMessage `json:"schemas"`
	} `json:"components"`
}

type mediaObject struct {
	Schema  json.RawMessage `json:"schema"`
	Example json.RawMessage `json:"example"`
}

type openAPIParam struct {
	Ref         string          `json:"$ref"`
	Name        string          `json:"name"`
	In          string          `json:"in"`
	Description string          `json:"description"`
	Schema      json.RawMessage `json:"schema"`
}

type schemaObject struct {
	Ref         string                     `json:"$ref"`
	Type        any                        `json:"type"`
	Description string                     `json:"description"`
	Required    []string                   `json:"required"`
	Properties  map[string]json.RawMessage `json:"properties"`
	Items       *schemaObject              `json:"items"`
	OneOf       []schemaObject             `json:"oneOf"`
	Enum        []any                      `json:"enum"`
	Example     json.RawMessage            `json:"example"`
}

func parseOpenAPI() (*openAPI, error) {
	var doc openAPI
	if err := json.Unmarshal(openAPIDoc, &doc); err != nil {
		return nil, fmt.Errorf("httpapi: openapi.json: %w", err)
	}
	return &doc, nil
}

// typeName describes a schema in a few words: "string", "array of Alignment", "Expiry or null".
func typeName(raw json.RawMessage) string {
	var s schemaObject
	if json.Unmarshal(raw, &s) != nil {
		return ""
	}
	return s.name()
}

func (s schemaObject) name() string {
	if s.Ref != "" {
		return s.Ref[strings.LastIndexByte(s.Ref, '/')+1:]
	}
	if len(s.OneOf) > 0 {
		var names []string
		for _, o := range s.OneOf {
			names = append(names, o.name())
		}
		return strings.Join(names, " or ")
	}
	var t string
	switch v := s.Type.(type) {
	case string:
		t = v
	case []any:
		var parts []string
		for _, p := range v {
			parts = append(parts, fmt.Sprint(p))
		}
		t = strings.Join(parts, " or ")
	}
	if t == "array" && s.Items != nil {
		t = "array of " + s.Items.name()
	}
	if len(s.Enum) > 0 {
		var vals []string
		for _, e := range s.Enum {
			vals = append(vals, fmt.Sprint(e))
		}
		t += " (" + strings.Join(vals, ", ") + ")"
	}
	return t
}

func pretty(raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	var b bytes.Buffer
	if json.Indent(&b, raw, "", "  ") != nil {
		return string(raw)
	}
	return b.String()
}

// shellQuote quotes s for a POSIX shell.
func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

func newDocsPage(base string) (*docsPage, error) {
	doc, err := parseOpenAPI()
	if err != nil {
		return nil, err
	}
	v := docsView{Title: doc.Info.Title, Description: doc.Info.Description, Base: base + Prefix}
	byTag := map[string][]docsOp{}
	methods := []string{"get", "post", "patch", "put", "delete"}
	for path, ops := range doc.Paths {
		for method, o := range ops {
			if !slices.Contains(methods, method) {
				continue
			}
			op := docsOp{Method: strings.ToUpper(method), Path: Prefix + path, Summary: o.Summary, Description: o.Description,
				Scopes: o.Scopes, Public: o.Security != nil && len(o.Security) == 0}
			op.Anchor = strings.ToLower(op.Method) + strings.NewReplacer("/", "-", "{", "", "}", "", ".", "-").Replace(op.Path)
			for _, raw := range o.Parameters {
				var p openAPIParam
				json.Unmarshal(raw, &p)
				if p.Ref != "" {
					p = doc.Components.Parameters[p.Ref[strings.LastIndexByte(p.Ref, '/')+1:]]
				}
				op.Params = append(op.Params, docsParam{Name: p.Name, In: p.In, Type: typeName(p.Schema), Description: p.Description})
			}
			curl := []string{"curl"}
			if op.Method != "GET" {
				curl = append(curl, "-X "+op.Method)
			}
			if !op.Public {
				curl = append(curl, `-H "Authorization: Bearer $ROSETTE_TOKEN"`)
			}
			if o.RequestBody != nil {
				mo := o.RequestBody.Content["application/json"]
				op.Body = typeName(mo.Schema)
				ex := mo.Example
				if len(ex) == 0 {
					var s schemaObject
					json.Unmarshal(mo.Schema, &s)
					if s.Ref != "" {
						var target schemaObject
						json.Unmarshal(doc.Components.Schemas[s.name()], &target)
						ex = target.Example
					}
				}
				op.BodyExample = pretty(ex)
				curl = append(curl, `-H "Content-Type: application/json"`, `-H "Idempotency-Key: $(uuidgen)"`)
				if len(ex) > 0 {
					var compact bytes.Buffer
					json.Compact(&compact, ex)
					curl = append(curl, "-d "+shellQuote(compact.String()))
				}
			}
			curl = append(curl, base+strings.NewReplacer("{id}", "ID").Replace(op.Path))
			op.Curl = strings.Join(curl, " \\\n  ")
			codes := make([]string, 0, len(o.Responses))
			for code := range o.Responses {
				codes = append(codes, code)
			}
			sort.Strings(codes)
			for _, code := range codes {
				var r struct {
					Ref         string                 `json:"$ref"`
					Description string                 `json:"description"`
					Content     map[string]mediaObject `json:"content"`
				}
				json.Unmarshal(o.Responses[code], &r)
				if r.Ref != "" {
					c := doc.Components.Responses[r.Ref[strings.LastIndexByte(r.Ref, '/')+1:]]
					r.Description, r.Content = c.Description, c.Content
				}
				mo := r.Content["application/json"]
				dr := docsResponse{Status: code, Description: r.Description, Schema: typeName(mo.Schema)}
				if code < "300" {
					dr.Example = pretty(mo.Example)
				}
				op.Responses = append(op.Responses, dr)
			}
			tag := "Other"
			if len(o.Tags) > 0 {
				tag = o.Tags[0]
			}
			byTag[tag] = append(byTag[tag], op)
		}
	}
	for _, t := range doc.Tags {
		ops := byTag[t.Name]
		sort.Slice(ops, func(i, j int) bool {
			if ops[i].Path != ops[j].Path {
				return ops[i].Path < ops[j].Path
			}
			return slices.Index(methods, strings.ToLower(ops[i].Method)) < slices.Index(methods, strings.ToLower(ops[j].Method))
		})
		v.Tags = append(v.Tags, docsTag{Name: t.Name, Ops: ops})
	}
	names := make([]string, 0, len(doc.Components.Schemas))
	for n := range doc.Components.Schemas {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		var s schemaObject
		json.Unmarshal(doc.Components.Schemas[n], &s)
		ds := docsSchema{Name: n, Description: s.Description}
		props := make([]string, 0, len(s.Properties))
		for p := range s.Properties {
			props = append(props, p)
		}
		sort.Strings(props)
		for _, p := range props {
			var ps schemaObject
			json.Unmarshal(s.Properties[p], &ps)
			ds.Props = append(ds.Props, docsProp{Name: p, Type: ps.name(), Description: ps.Description, Required: slices.Contains(s.Required, p)})
		}
		v.Schemas = append(v.Schemas, ds)
	}
	v.Errors = []docsError{
		{codeInvalidRequest, "400, 405, 413, 415", "The request is malformed: not JSON, an unknown member, a wrong type, a bad paging parameter, too large, not application/json."},
		{codeValidationFailed, "422", "Well-formed, but some members are not valid; fields says which and why."},
		{codeUnauthorized, "401", "No API token, or an unknown, revoked or expired one."},
		{codeForbidden, "403", "The token's user, scopes or issuer restriction do not allow this."},
		{codeNotFound, "404", "No such resource or endpoint."},
		{codeConflict, "409", "Someone else changed the resource meanwhile, or it exists already."},
		{codeIdempotencyKeyReused, "422", "The Idempotency-Key was used with a different request."},
		{codeIdempotencyKeyInUse, "409", "The first request with this Idempotency-Key is still running; retry later."},
		{codeTooManyRequests, "429", "Throttled; retry later."},
		{codeUnavailable, "503", "A dependency is down; retry later with the same Idempotency-Key."},
		{codeInternal, "500", "A bug or an unexpected failure on our side; retry later with the same Idempotency-Key."},
	}
	v.Scopes = []string{"issuers:read", "issuers:write", "badges:read", "badges:write", "awards:read", "awards:write", "awards:revoke"}
	t, err := template.ParseFS(docsFS, "docs/docs.html")
	if err != nil {
		return nil, fmt.Errorf("httpapi: docs template: %w", err)
	}
	var b bytes.Buffer
	if err := t.Execute(&b, v); err != nil {
		return nil, fmt.Errorf("httpapi: docs page: %w", err)
	}
	css, err := docsFS.ReadFile("docs/docs.css")
	if err != nil {
		return nil, err
	}
	return &docsPage{html: b.Bytes(), css: css}, nil
}

func (d *docsPage) serve(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	w.Write(d.html)
}

func (d *docsPage) serveCSS(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	w.Write(d.css)
}
