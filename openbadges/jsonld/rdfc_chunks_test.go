package jsonld

import (
	"bytes"
	"context"
	"errors"
	"math/rand/v2"
	"testing"
)

// chunkWriter records the writes made to it; it fails with err once it holds failAfter bytes
// or more (never with failAfter 0).
type chunkWriter struct {
	writes    [][]byte
	failAfter int
	held      int
	err       error
}

func (w *chunkWriter) Write(p []byte) (int, error) {
	if w.failAfter > 0 && w.held >= w.failAfter {
		return 0, w.err
	}
	w.writes = append(w.writes, bytes.Clone(p))
	w.held += len(p)
	return len(p), nil
}

// TestOutputChunks checks that the output written in chunks (canonicalizeTo) is the output
// built whole (canonicalize), in writes of outputChunk bytes or more but the last, and that
// an error of the writer is returned.
func TestOutputChunks(t *testing.T) {
	ctx := context.Background()
	checked := 0
	check := func(name string, doc any) {
		t.Helper()
		quads, _, err := NewProcessor().ToRDF(ctx, doc) // safe mode's problems do not matter here
		if err != nil {
			return // an invalid document: nothing to canonicalize
		}
		checked++
		want, err := canonicalize(ctx, quads, CanonOptions{}, true, nil)
		if err != nil {
			t.Fatal(name, err)
		}
		var w chunkWriter
		var scratch canonScratch
		for range 2 { // the second time with the scratch of the first
			w = chunkWriter{}
			if err := canonicalizeTo(ctx, quads, CanonOptions{}, true, &scratch, &w); err != nil {
				t.Fatal(name, err)
			}
			if got := bytes.Join(w.writes, nil); !bytes.Equal(got, want) {
				t.Fatalf("%s: written in chunks\n%s\nwhole\n%s", name, got, want)
			}
			for i, c := range w.writes {
				if i < len(w.writes)-1 && len(c) < outputChunk {
					t.Fatalf("%s: write %d of %d holds %d bytes", name, i, len(w.writes), len(c))
				}
			}
		}
		if name == "large credential" && len(w.writes) < 2 {
			t.Fatalf("%s: %d bytes in %d writes", name, len(want), len(w.writes))
		}
		if len(w.writes) > 1 {
			fail := chunkWriter{failAfter: 1, err: errors.New("full")}
			if err := canonicalizeTo(ctx, quads, CanonOptions{}, true, &scratch, &fail); !errors.Is(err, fail.err) {
				t.Fatalf("%s: error %v, want %v", name, err, fail.err)
			}
		}
	}
	_, doc := largeCredential(t)
	check("large credential", doc)
	g := credGen{rand.New(rand.NewPCG(*corpusSeed, 21))}
	for range 300 {
		check("generated credential", g.credential(0))
	}
	if checked < 200 {
		t.Fatalf("only %d documents canonicalized", checked)
	}
}
