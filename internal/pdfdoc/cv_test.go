package pdfdoc

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

func TestRenderCVQuick(t *testing.T) {
	var buf bytes.Buffer
	if err := RenderCV(&buf, sampleCV(t, 14)); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(os.TempDir(), "pdfw", "cv.pdf")
	os.WriteFile(p, buf.Bytes(), 0o644)
	t.Log(p, buf.Len())
}
