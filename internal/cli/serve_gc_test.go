package cli

import (
	"runtime/debug"
	"testing"
)

// TestServerGC checks that serve raises the GC target and sets a soft memory limit unless the
// environment sets them, and that the settings are restored afterwards.
func TestServerGC(t *testing.T) {
	before := debug.SetGCPercent(100)
	defer debug.SetGCPercent(before)
	limit := debug.SetMemoryLimit(-1)

	restore := serverGC(Env{Getenv: func(string) string { return "" }})
	if got := debug.SetGCPercent(-1); got != 400 {
		t.Errorf("GC percent %d, want 400", got)
	}
	debug.SetGCPercent(400)
	if got := debug.SetMemoryLimit(-1); got != 768<<20 {
		t.Errorf("memory limit %d, want 768 MiB", got)
	}
	restore()
	if got := debug.SetGCPercent(-1); got != 100 {
		t.Errorf("after restore: GC percent %d, want 100", got)
	}
	debug.SetGCPercent(100)
	if got := debug.SetMemoryLimit(-1); got != limit {
		t.Errorf("after restore: memory limit %d, want %d", got, limit)
	}

	restore = serverGC(Env{Getenv: func(k string) string { return map[string]string{"GOGC": "50", "GOMEMLIMIT": "1GiB"}[k] }})
	defer restore()
	if got := debug.SetGCPercent(-1); got != 100 {
		t.Errorf("with GOGC set: GC percent %d, want it left at 100", got)
	}
	debug.SetGCPercent(100)
}
