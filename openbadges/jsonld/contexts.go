package jsonld

import "embed"

//go:embed contexts/*.json contexts/*.jsonld
var contextFS embed.FS

// embeddedContexts maps each published context URL (exact string) to its embedded copy under
// contexts/. Sources, hashes and the choice between conflicting copies are in
// contexts/SOURCES.md.
var embeddedContexts = map[string]string{
	"https://www.w3.org/2018/credentials/v1":                                             "credentials-v1.jsonld",
	"https://www.w3.org/ns/credentials/v2":                                               "credentials-v2.jsonld",
	"https://www.w3.org/ns/credentials/undefined-terms/v2":                               "credentials-undefined-terms-v2.jsonld",
	"https://www.w3.org/ns/credentials/examples/v2":                                      "credentials-examples-v2.jsonld",
	"https://purl.imsglobal.org/spec/ob/v3p0/context.json":                               "ob-v3p0-context-3.0.0.json",
	"https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.0.json":                         "ob-v3p0-context-3.0.0.json",
	"https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json":                         "ob-v3p0-context-3.0.1.json",
	"https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json":                         "ob-v3p0-context-3.0.2.json",
	"https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json":                         "ob-v3p0-context-3.0.3.json",
	"https://purl.imsglobal.org/spec/ob/v3p0/extensions.json":                            "ob-v3p0-extensions.json",
	"https://imsglobal.github.io/openbadges-specification/ob_v3p0.html":                  "ob-v3p0-html-draft.jsonld",
	"https://w3c-ccg.github.io/vc-ed/plugfest-1-2022/jff-vc-edu-plugfest-1-context.json": "jff-vc-edu-plugfest-1.json",
	"https://w3id.org/openbadges/v1":                                                     "ob-v1-context.json",
	"https://w3id.org/openbadges/legacy-v1":                                              "ob-legacy-v1.json",
	"https://w3id.org/openbadges/v2":                                                     "ob-v2-context.json",
	"https://openbadgespec.org/v2/context.json":                                          "ob-v2-context.json",
	"https://w3id.org/security/data-integrity/v1":                                        "data-integrity-v1.jsonld",
	"https://w3id.org/security/data-integrity/v2":                                        "data-integrity-v2.jsonld",
	"https://w3id.org/security/multikey/v1":                                              "multikey-v1.jsonld",
	"https://www.w3.org/ns/did/v1":                                                       "did-v1.jsonld",
	"https://w3id.org/security/suites/ed25519-2020/v1":                                   "ed25519-2020-v1.jsonld",
}

// EmbeddedContextURLs lists the URLs of every embedded context document.
func EmbeddedContextURLs() []string {
	out := make([]string, 0, len(embeddedContexts))
	for u := range embeddedContexts {
		out = append(out, u)
	}
	return out
}

// EmbeddedContext returns the bytes of the embedded context document for url (exact match).
func EmbeddedContext(url string) ([]byte, bool) {
	f, ok := embeddedContexts[url]
	if !ok {
		return nil, false
	}
	b, err := contextFS.ReadFile("contexts/" + f)
	if err != nil {
		return nil, false
	}
	return b, true
}
