//go:build unix

package proof

import "syscall"

// processCPU returns the user+system CPU time this process has used, in nanoseconds. With
// -cpu 1 (GOMAXPROCS=1) one thread runs Go code at a time, so the CPU time a benchmark loop
// used is what it would take on a core of its own, whatever else the machine runs.
func processCPU() int64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
