package verify

import (
	"context"
	"fmt"
	"slices"
	"strings"
)

// ob2Extensions validates the OB 2.0 extension nodes of the assertion, badge class and
// issuer as the OB 2.0 validator does (VALIDATE_EXTENSION_NODE): a node typed "Extension"
// names its own context document, whose "obi:validation" entries give, for each extension
// type, a JSON Schema the node must satisfy. A node that does not satisfy it makes the badge
// invalid; a context or schema that cannot be fetched is a warning (the badge itself was
// checked).
func (r *run) ob2Extensions(ctx context.Context, rep *Report, nodes ...object) {
	const name = "Extensions"
	var exts []object
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if hasType(x, "Extension") {
				exts = append(exts, x)
				return
			}
			for _, val := range x {
				walk(val)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	for _, n := range nodes {
		walk(n)
	}
	if len(exts) == 0 {
		return
	}
	var bad, unreachable []string
	for _, e := range exts {
		ctxURL, _ := e["@context"].(string)
		label := strings.Join(types(e), " ")
		if !isHTTPURL(ctxURL) {
			unreachable = append(unreachable, label+": no context URL")
			continue
		}
		c, err := r.fetchJSON(ctx, ctxURL)
		if err != nil {
			unreachable = append(unreachable, label+": "+err.Error())
			continue
		}
		for _, val := range list(c["obi:validation"]) {
			m, _ := val.(map[string]any)
			if m == nil || !slices.Contains(types(e), str(m, "obi:validatesType")) {
				continue
			}
			u := str(m, "obi:validationSchema")
			resp, err := r.fetchOK(ctx, u, "application/schema+json, application/json")
			if err != nil {
				unreachable = append(unreachable, label+": "+err.Error())
				continue
			}
			if err := validateWithSchema(u, resp.Body, marshal(e)); err != nil {
				bad = append(bad, label+": "+err.Error())
			}
		}
	}
	switch {
	case len(bad) > 0:
		rep.fail(name, Invalid, "Extra information in the badge (an extension) does not follow its own rules.", strings.Join(bad, "; "))
	case len(unreachable) > 0:
		rep.warn(name, "The rules of an extension in the badge could not be obtained, so the extension was not checked.", strings.Join(unreachable, "; "))
	default:
		rep.pass(name, fmt.Sprintf("%s in the badge follow their rules.", plural(len(exts), "extension", "extensions")))
	}
}
