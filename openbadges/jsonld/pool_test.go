package jsonld

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
)

// poolDoc is a VC with n blank-node evidence entries, so documents differ in size and the
// Processor's reused quad buffers grow and shrink between calls.
func poolDoc(n int) map[string]any {
	var ev []any
	for i := range n {
		ev = append(ev, map[string]any{"type": "https://example.org/Evidence", "name": fmt.Sprintf("evidence %d of %d", i, n)})
	}
	return map[string]any{
		"@context":          "https://www.w3.org/ns/credentials/v2",
		"id":                fmt.Sprintf("urn:example:credential:%d", n),
		"type":              "VerifiableCredential",
		"issuer":            "did:example:issuer",
		"validFrom":         "2024-01-01T00:00:00Z",
		"credentialSubject": map[string]any{"id": "did:example:subject", "name": fmt.Sprint("subject ", n)},
		"evidence":          ev,
	}
}

// TestProcessorReuseConcurrent canonicalizes documents of varied sizes with one Processor from
// many goroutines (run it with -race), as decoded JSON and as Trees the Processor decodes into
// reused storage: every output equals a fresh Processor's, so the pooled quad buffers and
// Trees never leak between calls.
func TestProcessorReuseConcurrent(t *testing.T) {
	ctx := context.Background()
	sizes := []int{0, 1, 3, 40, 2, 90, 5}
	want := make([]string, len(sizes))
	raws := make([][]byte, len(sizes))
	for i, n := range sizes {
		out, err := NewProcessor().Canonicalize(ctx, poolDoc(n))
		if err != nil {
			t.Fatal(err)
		}
		want[i] = string(out)
		if raws[i], err = json.Marshal(poolDoc(n)); err != nil {
			t.Fatal(err)
		}
	}
	p := NewProcessor()
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := range 20 {
				i := (g + r) % len(sizes)
				out, err := p.Canonicalize(ctx, poolDoc(sizes[i]))
				if err != nil || string(out) != want[i] {
					errs <- fmt.Errorf("goroutine %d, document %d: err %v, output differs: %t", g, sizes[i], err, string(out) != want[i])
					return
				}
				tree, _, _, err := p.DecodeTreeMembers(raws[i])
				if err != nil {
					errs <- err
					return
				}
				var b bytes.Buffer
				err = p.CanonicalizeTreeTo(ctx, tree, &b)
				p.ReleaseTree(tree)
				if err != nil || b.String() != want[i] {
					errs <- fmt.Errorf("goroutine %d, document %d from a Tree: err %v, output differs: %t", g, sizes[i], err, b.String() != want[i])
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
