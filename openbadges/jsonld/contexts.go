package jsonld

import (
	"embed"
	"encoding/json"
	"sort"
	"sync"
)

//go:embed contexts/*.json contexts/*.jsonld
var contextFS embed.FS

// embeddedIndex maps each published context URL (exact string) to its embedded copy under
// contexts/, read from contexts/index.json (which tools/jsref reads too). Sources, hashes and
// the choice between conflicting copies are in contexts/SOURCES.md. Built once, never changed.
var embeddedIndex = sync.OnceValue(func() map[string]string {
	b, err := contextFS.ReadFile("contexts/index.json")
	if err != nil {
		panic("jsonld: embedded contexts/index.json missing: " + err.Error())
	}
	var m map[string]string
	if err := json.Unmarshal(b, &m); err != nil {
		panic("jsonld: embedded contexts/index.json invalid: " + err.Error())
	}
	return m
})

// EmbeddedContextURLs lists the URLs of every embedded context document, sorted.
func EmbeddedContextURLs() []string {
	idx := embeddedIndex()
	out := make([]string, 0, len(idx))
	for u := range idx {
		out = append(out, u)
	}
	sort.Strings(out)
	return out
}

// EmbeddedContext returns the bytes of the embedded context document for url (exact match).
// The slice is shared: do not modify it.
func EmbeddedContext(url string) ([]byte, bool) {
	f, ok := embeddedIndex()[url]
	if !ok {
		return nil, false
	}
	b, err := contextFS.ReadFile("contexts/" + f)
	if err != nil {
		return nil, false
	}
	return b, true
}
