package bake_test

import (
	"bytes"
	"encoding/binary"
	"encoding/xml"
	"errors"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rosettebadges/rosette/openbadges/bake"
	"github.com/rosettebadges/rosette/openbadges/internal/fixture"
)

// Payloads of every shape: a VC-JWT, OB 3.0 JSON, CLR JSON, OB 2.0 JSON (with "]]>" in a
// string to exercise CDATA splitting) and an OB 2.0 hosted URL.
const (
	testJWS  = "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJAY29udGV4dCI6WyJodHRwczovL3d3dy53My5vcmcvbnMvY3JlZGVudGlhbHMvdjIiXX0.c2lnbmF0dXJl"
	testOB3  = `{"@context":["https://www.w3.org/ns/credentials/v2","https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],"id":"urn:uuid:1","type":["VerifiableCredential","OpenBadgeCredential"],"name":"A & B <c>"}`
	testCLR  = `{"@context":["https://www.w3.org/ns/credentials/v2","https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json"],"type":["VerifiableCredential","ClrCredential"]}`
	testOB2  = `{"@context":"https://w3id.org/openbadges/v2","type":"Assertion","id":"https://example.org/assertions/1","narrative":"a]]>b"}`
	testHost = "https://example.org/assertions/1"
)

type payloadCase struct {
	kind    bake.Kind
	payload string
}

var payloads = []payloadCase{
	{bake.OB3, testJWS}, {bake.OB3, testOB3}, {bake.CLR, testCLR}, {bake.CLR, testJWS},
	{bake.OB2, testOB2}, {bake.OB2, testJWS}, {bake.OB2, testHost},
}

// images returns every PNG and SVG in the fixtures with its expected unbake result.
func images(t *testing.T) map[string][]byte {
	t.Helper()
	root := fixture.Dir(t)
	out := map[string][]byte{}
	err := filepath.Walk(root, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		if ext := strings.ToLower(filepath.Ext(p)); ext == ".png" || ext == ".svg" {
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			out[strings.TrimPrefix(p, root+"/")] = b
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) < 10 {
		t.Fatalf("only %d images in the fixtures", len(out))
	}
	return out
}

func TestUnbakeFixtures(t *testing.T) {
	baked := map[string]struct {
		kind    bake.Kind
		prefix  string
		verify  string
		wantErr error
	}{
		"concentricsky-openbadges-bakery/openbadges_bakery/testfiles/baked_heart.png":   {bake.OB2, `{"uid":"123","issuedOn":"2015-04-01","badge":`, "", nil},
		"concentricsky-openbadges-bakery/openbadges_bakery/testfiles/baked_example.svg": {bake.OB2, "{\n         \"uid\": \"abcdef12345\"", "https://example.org/assertion.json", nil},
		"mozilla-openbadges-bakery/test/baked.svg":                                      {bake.OB2, `{"verify":{"url":"http://example.org"}}`, "http://example.org", nil},
		"mozilla-openbadges-bakery/test/no-json.svg":                                    {bake.OB2, `http://example.org`, "http://example.org", nil},
		"mozilla-openbadges-bakery/test/bad-json.svg":                                   {wantErr: bake.ErrBadPayload},
	}
	seen := 0
	for name, img := range images(t) {
		t.Run(name, func(t *testing.T) {
			got, err := bake.Unbake(img)
			want, isBaked := baked[name]
			switch {
			case !isBaked:
				if !errors.Is(err, bake.ErrNotBaked) {
					t.Fatalf("unbaked image: %v, %+v", err, got)
				}
			case want.wantErr != nil:
				if !errors.Is(err, want.wantErr) {
					t.Fatalf("err = %v, want %v", err, want.wantErr)
				}
				seen++
			default:
				if err != nil {
					t.Fatal(err)
				}
				if got.Kind != want.kind || !strings.HasPrefix(string(got.Payload), want.prefix) || got.Verify != want.verify {
					t.Fatalf("got kind %s verify %q payload %.80q", got.Kind, got.Verify, got.Payload)
				}
				seen++
			}
		})
	}
	if seen != len(baked) {
		t.Fatalf("found %d of the %d baked samples", seen, len(baked))
	}
}

// Every fixture image (baked or not, except the malformed one) bakes with every payload and
// unbakes to the same bytes; re-baking replaces and never duplicates.
func TestBakeRoundTrip(t *testing.T) {
	for name, img := range images(t) {
		if strings.Contains(name, "bad-json") {
			continue
		}
		t.Run(name, func(t *testing.T) {
			for _, pc := range payloads {
				out, err := bake.Bake(img, pc.kind, []byte(pc.payload))
				if err != nil {
					t.Fatalf("%s %s: %v", pc.kind, pc.payload[:10], err)
				}
				got, err := bake.Unbake(out)
				if err != nil {
					t.Fatal(err)
				}
				if got.Kind != pc.kind || string(got.Payload) != pc.payload {
					t.Fatalf("unbaked %s %q, want %s %q", got.Kind, got.Payload, pc.kind, pc.payload)
				}
				again, err := bake.Bake(out, bake.OB3, []byte(testOB3))
				if err != nil {
					t.Fatal(err)
				}
				if n := countBadges(t, again); n != 1 {
					t.Fatalf("%d badges after re-baking", n)
				}
				if got, _ := bake.Unbake(again); got == nil || string(got.Payload) != testOB3 {
					t.Fatalf("re-bake did not replace the payload")
				}
				checkValid(t, again)
			}
		})
	}
}

// countBadges counts badge chunks (PNG) or elements (SVG).
func countBadges(t *testing.T, img []byte) int {
	t.Helper()
	n := 0
	if bytes.HasPrefix(img, []byte("\x89PNG")) {
		for i := 8; i+8 <= len(img); {
			l := int(binary.BigEndian.Uint32(img[i:]))
			typ := string(img[i+4 : i+8])
			data := img[i+8 : i+8+l]
			if typ == "iTXt" || typ == "tEXt" || typ == "zTXt" {
				kw, _, _ := bytes.Cut(data, []byte{0})
				for _, k := range bake.Kinds() {
					if string(kw) == k.Keyword() {
						n++
					}
				}
			}
			i += 12 + l
		}
		return n
	}
	d := xml.NewDecoder(bytes.NewReader(img))
	d.Strict = false
	for {
		tok, err := d.Token()
		if err != nil {
			return n
		}
		if se, ok := tok.(xml.StartElement); ok && (se.Name.Local == "assertion" || se.Name.Local == "credential") {
			n++
		}
	}
}

// checkValid decodes a baked PNG with image/png, or parses a baked SVG to the end.
func checkValid(t *testing.T, img []byte) {
	t.Helper()
	if bytes.HasPrefix(img, []byte("\x89PNG")) {
		if _, err := png.Decode(bytes.NewReader(img)); err != nil && !strings.Contains(err.Error(), "unsupported") {
			t.Fatalf("image/png rejects the baked image: %v", err)
		}
		return
	}
	d := xml.NewDecoder(bytes.NewReader(img))
	d.Entity = map[string]string{"ns_svg": "http://www.w3.org/2000/svg"} // declared in TestSVGSanitize's DOCTYPE
	for k, v := range xml.HTMLEntity {
		d.Entity[k] = v
	}
	for {
		if _, err := d.Token(); err == io.EOF {
			return
		} else if err != nil {
			t.Fatalf("baked SVG is not well-formed: %v", err)
		}
	}
}

func TestPNGLayout(t *testing.T) {
	img := fixture.Read(t, "openbadges-validator-core/tests/testfiles/public_domain_heart.png")
	out, err := bake.PNG(img, bake.OB3, []byte(testJWS))
	if err != nil {
		t.Fatal(err)
	}
	// signature, IHDR (8+13+4), then our chunk.
	ihdrEnd := 8 + 12 + int(binary.BigEndian.Uint32(img[8:]))
	chunk := out[ihdrEnd:]
	l := int(binary.BigEndian.Uint32(chunk))
	if string(chunk[4:8]) != "iTXt" || string(chunk[8:8+l]) != "openbadgecredential\x00\x00\x00\x00\x00"+testJWS {
		t.Fatalf("chunk after IHDR = %q", chunk[:min(len(chunk), 8+l)])
	}
	// Everything else is the original bytes.
	if !bytes.Equal(append(append([]byte{}, out[:ihdrEnd]...), out[ihdrEnd+12+l:]...), img) {
		t.Fatal("baking changed other bytes")
	}
}

func TestSVGSplice(t *testing.T) {
	img := fixture.Read(t, "mozilla-openbadges-bakery/test/unbaked.svg")
	out, err := bake.SVG(img, bake.OB2, []byte(testJWS))
	if err != nil {
		t.Fatal(err)
	}
	el := `<openbadges:assertion xmlns:openbadges="http://openbadges.org" verify="` + testJWS + `"/>`
	i := bytes.Index(out, []byte(el))
	if i < 0 {
		t.Fatalf("element not found in\n%.600s", out)
	}
	// Right after the root start tag, and nothing else changed.
	if out[i-1] != '>' || !bytes.Contains(out[:i], []byte("<svg")) || bytes.Count(out[:i], []byte("<svg")) != 1 {
		t.Fatalf("element not right after <svg ...>: %.300s", out[:i+len(el)])
	}
	if !bytes.Equal(append(append([]byte{}, out[:i]...), out[i+len(el):]...), img) {
		t.Fatal("baking changed other bytes")
	}
	// 3.0 JSON goes in CDATA without verify.
	out, err = bake.SVG(img, bake.OB3, []byte(testOB3))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(out, []byte(`<openbadges:credential xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"><![CDATA[`+testOB3+`]]></openbadges:credential>`)) {
		t.Fatalf("OB 3.0 element wrong:\n%.600s", out)
	}
}

func TestSVGSanitize(t *testing.T) {
	img := []byte(`<?xml version="1.0"?>
<!DOCTYPE svg [ <!ENTITY ns_svg "http://www.w3.org/2000/svg"> ]>
<svg xmlns="&ns_svg;" xmlns:xlink="http://www.w3.org/1999/xlink" onload="alert(1)" width="10">
  <script>alert(2)</script>
  <script type="text/javascript"><![CDATA[ alert(3) ]]></script>
  <a xlink:href="javascript:alert(4)" id="a1"><rect onclick='alert(5)' width="1" height="1"/></a>
  <a href=" &#106;ava&#x09;script:alert(6)" id="a2">x</a>
  <image href="https://example.org/ok.png" id="img"/>
  <set attributeName="href" to="JavaScript:alert(7)"/>
  <foreignObject><iframe xmlns="http://www.w3.org/1999/xhtml" srcdoc="&lt;script&gt;alert(8)&lt;/script&gt;" src="data:text/html,alert(9)"/></foreignObject>
  <handler xmlns="http://www.w3.org/2000/svg" type="application/ecmascript">alert(10)</handler>
  <openbadges:assertion xmlns:openbadges="http://openbadges.org" verify="https://old.example/1"/>
</svg>`)
	out, err := bake.SVG(img, bake.OB3, []byte(testJWS))
	if err != nil {
		t.Fatal(err)
	}
	s := string(out)
	for _, bad := range []string{"alert", "onload", "onclick", "<script", "old.example", "javascript", "JavaScript"} {
		if strings.Contains(s, bad) {
			t.Errorf("baked SVG still contains %q:\n%s", bad, s)
		}
	}
	for _, kept := range []string{`id="a1"`, `id="a2"`, `<image href="https://example.org/ok.png" id="img"/>`, `width="10">`, `<rect width="1" height="1"/>`, `<!DOCTYPE svg [`} {
		if !strings.Contains(s, kept) {
			t.Errorf("baked SVG lost %q:\n%s", kept, s)
		}
	}
	got, err := bake.UnbakeSVG(out)
	if err != nil || string(got.Payload) != testJWS || got.Kind != bake.OB3 {
		t.Fatalf("unbake = %+v, %v", got, err)
	}
	checkValid(t, out)
}

func TestSelfClosingRoot(t *testing.T) {
	out, err := bake.SVG([]byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`), bake.OB3, []byte(testJWS))
	if err != nil {
		t.Fatal(err)
	}
	want := `<svg xmlns="http://www.w3.org/2000/svg"><openbadges:credential xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0" verify="` + testJWS + `"/></svg>`
	if string(out) != want {
		t.Fatalf("got  %s\nwant %s", out, want)
	}
}

func TestMalformed(t *testing.T) {
	heart := fixture.Read(t, "openbadges-validator-core/tests/testfiles/public_domain_heart.png")
	badCRC := bytes.Clone(heart)
	badCRC[len(badCRC)-1] ^= 1
	tests := []struct {
		name string
		img  []byte
		want error
	}{
		{"empty", nil, bake.ErrNotImage},
		{"jpeg", []byte("\xff\xd8\xff\xe0"), bake.ErrNotImage},
		{"truncated png", heart[:len(heart)/2], bake.ErrMalformed},
		{"bad crc", badCRC, bake.ErrMalformed},
		{"trailing bytes", append(bytes.Clone(heart), 0), bake.ErrMalformed},
		{"html not svg", []byte(`<html><svg></svg></html>`), bake.ErrNotImage},
		{"unclosed svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><g>`), bake.ErrMalformed},
		{"latin-1 svg", []byte(`<?xml version="1.0" encoding="ISO-8859-1"?><svg>` + "\xe9" + `</svg>`), bake.ErrMalformed},
		{"ascii latin-1 svg", []byte(`<?xml version="1.0" encoding="ISO-8859-1"?><svg/>`), bake.ErrNotBaked},
		{"utf-16 svg", []byte(`<?xml version="1.0" encoding="UTF-16"?><svg/>`), bake.ErrMalformed},
		{"ob3 url", []byte(`<svg xmlns:o="https://purl.imsglobal.org/ob/v3p0"><o:credential verify="https://e.org/1"/></svg>`), bake.ErrBadPayload},
		{"empty element", []byte(`<svg xmlns:o="http://openbadges.org"><o:assertion/></svg>`), bake.ErrBadPayload},
	}
	for _, tt := range tests {
		if _, err := bake.Unbake(tt.img); !errors.Is(err, tt.want) {
			t.Errorf("%s: Unbake = %v, want %v", tt.name, err, tt.want)
		}
	}
	if _, err := bake.PNG(heart, bake.OB3, []byte(testHost)); !errors.Is(err, bake.ErrBadPayload) {
		t.Errorf("baking a URL as OB 3.0: %v", err)
	}
	if _, err := bake.PNG(heart, bake.OB3, []byte(`{"a":`)); !errors.Is(err, bake.ErrBadPayload) {
		t.Errorf("baking broken JSON: %v", err)
	}
	if _, err := bake.PNG(heart, "openbadge", []byte(testJWS)); !errors.Is(err, bake.ErrUnknownKind) {
		t.Errorf("unknown kind: %v", err)
	}
	// A legacy tEXt URL still reads.
	legacy := []byte(string(heart[:33]) + string(textChunk("tEXt", "openbadges\x00https://example.org/a.json")) + string(heart[33:]))
	got, err := bake.UnbakePNG(legacy)
	if err != nil || !got.Legacy || string(got.Payload) != "https://example.org/a.json" {
		t.Fatalf("legacy tEXt: %+v, %v", got, err)
	}
}

func textChunk(typ, data string) []byte {
	out := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
	out = append(out, typ...)
	out = append(out, data...)
	return binary.BigEndian.AppendUint32(out, crc(out[4:]))
}

func TestDetectKind(t *testing.T) {
	vc11JWT := "eyJhbGciOiJFUzI1NiJ9." + b64(`{"vc":{"@context":["https://www.w3.org/2018/credentials/v1"],"type":["VerifiableCredential","OpenBadgeCredential"]}}`) + ".c2ln"
	ob2JWS := "eyJhbGciOiJSUzI1NiJ9." + b64(testOB2) + ".c2ln"
	for p, want := range map[string]bake.Kind{
		testJWS: bake.OB3, testOB3: bake.OB3, testCLR: bake.CLR, testOB2: bake.OB2, testHost: bake.OB2,
		vc11JWT: bake.OB3, ob2JWS: bake.OB2,
		`{"uid":"1","badge":"https://e.org/b","recipient":"x"}`: bake.OB2,
	} {
		got, err := bake.DetectKind([]byte(p))
		if err != nil || got != want {
			t.Errorf("DetectKind(%.40s) = %s, %v; want %s", p, got, err, want)
		}
	}
	for _, bad := range []string{"", "hello", `{"a":1}`, `{`} {
		if k, err := bake.DetectKind([]byte(bad)); err == nil {
			t.Errorf("DetectKind(%q) = %s", bad, k)
		}
	}
}

func FuzzUnbakePNG(f *testing.F) {
	heart := fixture.Read(f, "openbadges-validator-core/tests/testfiles/public_domain_heart.png")
	f.Add(heart)
	if b, err := bake.PNG(heart, bake.OB3, []byte(testJWS)); err == nil {
		f.Add(b)
	}
	f.Add(fixture.Read(f, "concentricsky-openbadges-bakery/openbadges_bakery/testfiles/baked_heart.png"))
	f.Fuzz(func(t *testing.T, img []byte) {
		if _, err := bake.UnbakePNG(img); err != nil {
			return
		}
		out, err := bake.PNG(img, bake.OB2, []byte(testOB2))
		if err != nil {
			t.Fatalf("unbakeable image does not bake: %v", err)
		}
		got, err := bake.UnbakePNG(out)
		if err != nil || string(got.Payload) != testOB2 {
			t.Fatalf("re-baked image unbakes to %+v, %v", got, err)
		}
	})
}

func FuzzUnbakeSVG(f *testing.F) {
	f.Add(fixture.Read(f, "mozilla-openbadges-bakery/test/baked.svg"))
	f.Add(fixture.Read(f, "mozilla-openbadges-bakery/test/unbaked.svg"))
	f.Add([]byte(`<svg onload="x"><script>y</script><a href="javascript:z"/></svg>`))
	f.Fuzz(func(t *testing.T, img []byte) {
		_, _ = bake.UnbakeSVG(img)
		out, err := bake.SVG(img, bake.OB3, []byte(testOB3))
		if err != nil {
			return
		}
		got, err := bake.UnbakeSVG(out)
		if err != nil || string(got.Payload) != testOB3 || got.Kind != bake.OB3 {
			t.Fatalf("baked SVG unbakes to %+v, %v\n%s", got, err, out)
		}
	})
}

func BenchmarkBakePNG(b *testing.B) {
	img := fixture.Read(b, "openbadges-validator-core/tests/testfiles/public_domain_heart.png")
	payload := []byte(testOB3)
	b.SetBytes(int64(len(img)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := bake.PNG(img, bake.OB3, payload); err != nil {
			b.Fatal(err)
		}
	}
}
