package jsonld

import (
	"context"
	"errors"
	"sync"
	"testing"
)

func TestLoader(t *testing.T) {
	ctx := context.Background()
	l := NewLoader()
	for _, u := range EmbeddedContextURLs() {
		doc, err := l.LoadDocument(ctx, u)
		if err != nil {
			t.Fatalf("%s: %v", u, err)
		}
		if m, ok := doc.(map[string]any); !ok || m["@context"] == nil {
			t.Errorf("%s: not a context document", u)
		}
	}
	// Exact URL only, never the network.
	for _, u := range []string{"https://www.w3.org/ns/credentials/v2/", "http://www.w3.org/ns/credentials/v2", "https://example.org/ctx"} {
		if _, err := l.LoadDocument(ctx, u); !errors.Is(err, ErrContextNotFound) {
			t.Errorf("%s: want ErrContextNotFound, got %v", u, err)
		}
	}
	if err := l.AddDocument("https://example.org/ctx", []byte(`{"@context":{"p":"https://example.org/p"}}`)); err != nil {
		t.Fatal(err)
	}
	if _, err := l.LoadDocument(ctx, "https://example.org/ctx"); err != nil {
		t.Errorf("added document: %v", err)
	}
	if err := l.AddDocument("https://example.org/bad", []byte(`{`)); err == nil {
		t.Error("AddDocument accepted invalid JSON")
	}
	fetched := 0
	lf := NewLoader(WithFetch(func(ctx context.Context, url string) ([]byte, error) {
		fetched++
		return []byte(`{"@context":{}}`), nil
	}))
	if _, err := lf.LoadDocument(ctx, "https://example.org/remote"); err != nil || fetched != 1 {
		t.Errorf("fetch: err=%v fetched=%d", err, fetched)
	}
	if _, err := lf.LoadDocument(ctx, "https://www.w3.org/ns/credentials/v2"); err != nil || fetched != 1 {
		t.Errorf("embedded context must not be fetched: err=%v fetched=%d", err, fetched)
	}
}

func TestSafeModeProblemsPaths(t *testing.T) {
	doc := decode(t, `{"@context":`+ob3Ctx+`,"id":"urn:uuid:1","type":["VerifiableCredential","Nope"],"foo":1,"credentialSubject":{"bar":2,"id":"rel/x"}}`)
	ps, err := NewProcessor().SafeModeProblems(context.Background(), doc)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"/foo": codeInvalidProperty, "/type": codeRelativeType, "/credentialSubject/bar": codeInvalidProperty, "/credentialSubject/id": codeRelativeID}
	got := map[string]string{}
	for _, p := range ps {
		got[p.Path] = p.Code
	}
	for path, code := range want {
		if got[path] != code {
			t.Errorf("%s: want %q, got %q (all: %v)", path, code, got[path], ps)
		}
	}
}

// TestConcurrentUse shares one Processor between goroutines (run with -race).
func TestConcurrentUse(t *testing.T) {
	p := NewProcessor()
	cases := vectorCases()
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, vc := range cases[:2] {
				if _, err := p.Canonicalize(context.Background(), vc.doc(t)); err != nil {
					t.Errorf("goroutine %d: %v", i, err)
				}
			}
		}()
	}
	wg.Wait()
}

func TestCanceledContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := NewProcessor().Canonicalize(ctx, decode(t, `{"@context":`+ob3Ctx+`,"id":"urn:x","name":"n"}`)); !errors.Is(err, context.Canceled) {
		t.Errorf("want context.Canceled, got %v", err)
	}
}
