// Command benchtable prints the Markdown tables of docs/PERFORMANCE.md from one run of
// scripts/bench.sh: `go test -bench` output (-go) and, optionally, tools/jsref/bench.mjs JSON
// (-js). Data Integrity: Rosette vs general path vs json-gold vs JavaScript per credential and
// operation, with ratios (how many times Rosette's rate) and the per-core target. Then VC-JWT
// and PNG baking rates.
package main

import (
	"bufio"
	"cmp"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// result is one benchmark line, or the median of a benchmark's lines (see parseGo).
type result struct {
	nsPerOp, bytes, allocs float64
	perCPUSecond           float64 // creds/cpu-s or ops/cpu-s, when the benchmark reports it
	runs                   int     // the lines it was chosen from
	low, high              float64 // the lowest and highest rate of those lines
}

// rate is the figure runs are ordered by: per CPU-second where measured, else per second.
func (r result) rate() float64 {
	if r.perCPUSecond != 0 {
		return r.perCPUSecond
	}
	return r.perSecond()
}

func (r result) perSecond() float64 {
	if r.nsPerOp == 0 {
		return 0
	}
	return 1e9 / r.nsPerOp
}

// benchLine matches "BenchmarkName/sub[-P]  N  123 ns/op  [metrics...]".
var benchLine = regexp.MustCompile(`^(Benchmark\S+?)(?:-\d+)?\s+\d+\s+(.*)$`)

// parseGo reads `go test -bench` output. A benchmark that ran several times (-count, or a
// second go test run appended) gives the line of its median rate, whole (the lower middle of
// an even number), with the number of runs and the range of their rates.
func parseGo(r io.Reader) (map[string]result, []string, error) {
	all := map[string][]result{}
	var order []string
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		m := benchLine.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		var res result
		f := strings.Fields(m[2])
		for i := 0; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				continue
			}
			switch f[i+1] {
			case "ns/op":
				res.nsPerOp = v
			case "B/op":
				res.bytes = v
			case "allocs/op":
				res.allocs = v
			case "creds/cpu-s", "ops/cpu-s":
				res.perCPUSecond = v
			}
		}
		name := strings.TrimPrefix(m[1], "Benchmark")
		if _, dup := all[name]; !dup {
			order = append(order, name)
		}
		all[name] = append(all[name], res)
	}
	out := make(map[string]result, len(all))
	for name, runs := range all {
		slices.SortStableFunc(runs, func(a, b result) int { return cmp.Compare(a.rate(), b.rate()) })
		med := runs[(len(runs)-1)/2]
		med.runs, med.low, med.high = len(runs), runs[0].rate(), runs[len(runs)-1].rate()
		out[name] = med
	}
	return out, order, sc.Err()
}

type jsRun struct {
	Node    string `json:"node"`
	N       int    `json:"n"`
	Results []struct {
		Cred         string  `json:"cred"`
		Op           string  `json:"op"`
		OpsPerSec    float64 `json:"ops_per_sec"`
		OpsPerCPUSec float64 `json:"ops_per_cpu_sec"`
	} `json:"results"`
}

func main() {
	goFile := flag.String("go", "", "go test -bench output")
	jsFile := flag.String("js", "", "tools/jsref/bench.mjs output (optional)")
	flag.Parse()
	if err := run(os.Stdout, *goFile, *jsFile); err != nil {
		fmt.Fprintln(os.Stderr, "benchtable:", err)
		os.Exit(1)
	}
}

func run(w io.Writer, goFile, jsFile string) error {
	f, err := os.Open(goFile)
	if err != nil {
		return err
	}
	defer f.Close()
	gb, order, err := parseGo(f)
	if err != nil {
		return err
	}
	js := map[string]float64{} // per CPU-second
	jsNote := "no JavaScript run"
	if jsFile != "" {
		b, err := os.ReadFile(jsFile)
		if err != nil {
			return err
		}
		var jr jsRun
		if err := json.Unmarshal(b, &jr); err != nil {
			return fmt.Errorf("%s: %w", jsFile, err)
		}
		for _, r := range jr.Results {
			js[r.Cred+"/"+r.Op] = r.OpsPerCPUSec
		}
		jsNote = fmt.Sprintf("JavaScript: node %s, %d iterations each", jr.Node, jr.N)
	}

	fmt.Fprintf(w, "\nData Integrity eddsa-rdfc-2022, one core. Rates are per CPU-second (creds/cpu-s: what a core of\n"+
		"its own gives); \"wall\" is creds/s as this run got it. Ratio = Rosette / other, per CPU-second. %s.\n\n", jsNote)
	fmt.Fprintln(w, "| credential | op | Rosette | wall | ns/op (wall) | B/op | allocs/op | target | general path | json-gold | JavaScript | vs general | vs json-gold | vs JS |")
	fmt.Fprintln(w, "|---|---|--:|--:|--:|--:|--:|---|--:|--:|--:|--:|--:|--:|")
	targets := map[string]float64{"sign": 4000, "verify": 3000}
	for _, cred := range []string{"typical", "large"} {
		for _, op := range []string{"sign", "verify"} {
			bench := map[string]string{"sign": "SignDataIntegrity", "verify": "VerifyDataIntegrity"}[op]
			ours, ok := gb[bench+"/"+cred]
			if !ok {
				continue
			}
			rate := ours.perCPUSecond
			verdict := "met"
			if rate < targets[op] {
				verdict = "MISSED"
			}
			gen, gold := gb[bench+"GeneralPath/"+cred].perCPUSecond, gb[bench+"JSONGold/"+cred].perCPUSecond
			jsRate := js[cred+"/"+op]
			fmt.Fprintf(w, "| %s | %s | %s | %s | %.0f | %.0f | %.0f | >= %.0f %s | %s | %s | %s | %s | %s | %s |\n",
				cred, op, rateCell(rate), rateCell(ours.perSecond()), ours.nsPerOp, ours.bytes, ours.allocs, targets[op], verdict,
				rateCell(gen), rateCell(gold), rateCell(jsRate), ratio(rate, gen), ratio(rate, gold), ratio(rate, jsRate))
		}
	}
	var spread []string
	for _, cred := range []string{"typical", "large"} {
		for _, op := range []string{"sign", "verify"} {
			bench := map[string]string{"sign": "SignDataIntegrity", "verify": "VerifyDataIntegrity"}[op]
			if r, ok := gb[bench+"/"+cred]; ok && r.runs > 1 {
				spread = append(spread, fmt.Sprintf("%s %s %s to %s", cred, op, rateCell(r.low), rateCell(r.high)))
			}
		}
	}
	if len(spread) > 0 {
		fmt.Fprintf(w, "\nRosette's figures are the run of median rate among each benchmark's runs; the range per\n"+
			"CPU-second: %s.\n", strings.Join(spread, "; "))
	}

	fmt.Fprintln(w, "\nOther benchmarks, one core: ops/s = 1e9 / ns/op (wall); per CPU-second where measured.")
	fmt.Fprintln(w, "\n| benchmark | ops/cpu-s | ops/s (wall) | ns/op | B/op | allocs/op |")
	fmt.Fprintln(w, "|---|--:|--:|--:|--:|--:|")
	for _, name := range order {
		if strings.Contains(name, "DataIntegrity") {
			continue
		}
		r := gb[name]
		fmt.Fprintf(w, "| %s | %s | %.0f | %.0f | %.0f | %.0f |\n", name, rateCell(r.perCPUSecond), r.perSecond(), r.nsPerOp, r.bytes, r.allocs)
	}
	return nil
}

func rateCell(v float64) string {
	if v == 0 {
		return "-"
	}
	if v < 10 {
		return strconv.FormatFloat(v, 'f', 1, 64)
	}
	return strconv.FormatFloat(v, 'f', 0, 64)
}

func ratio(ours, other float64) string {
	if other == 0 {
		return "-"
	}
	return strconv.FormatFloat(ours/other, 'f', 1, 64) + "x"
}
