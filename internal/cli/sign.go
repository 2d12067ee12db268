package cli

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/rosettebadges/rosette/openbadges/did"
	"github.com/rosettebadges/rosette/openbadges/jsonld"
	"github.com/rosettebadges/rosette/openbadges/key"
	"github.com/rosettebadges/rosette/openbadges/ob2"
	"github.com/rosettebadges/rosette/openbadges/ob3"
	"github.com/rosettebadges/rosette/openbadges/proof"
)

const signUsage = `Usage: rosette sign --key JWK [--method di|jwt] [--verification-method URI] [--created RFC3339] [FILE|-]
       rosette sign --jsonl [--jobs N] --key JWK [options] [FILE|-]

Signs an unsigned Open Badges 3.0 credential read from FILE (or standard input) and prints it.

  --method di   (default) adds an eddsa-rdfc-2022 Data Integrity proof (Ed25519 key) and
                prints the signed JSON. A credential already holding proofs gets one more
                (a proof set).
  --method jwt  prints a VC-JWT (OB 3.0) or, for an OB 2.0 assertion, an OB 2.0 JWS.

With a did:key issuer the verification method is derived from the issuer (and must be the
key's); otherwise --verification-method names it (for jwt: the "kid"; without it the public
JWK is embedded). The credential is checked against the OB 3.0 rules and JSON Schema first.

--jsonl signs in bulk: one credential per line in, one result per line out, in input order,
on --jobs parallel workers, in constant memory. Each result is the signed credential as one
line of JSON (di) or the compact JWS (jwt), or for a line that could not be signed the object
{"line":N,"error":"..."}; the stream goes on. Blank lines are skipped; lines are limited
to 8 MiB. --created (default: the start time) and the key apply to every line; a did:key
issuer's verification method is derived per line.

Exit status: 0 signed, 1 refused (invalid credential, wrong key; with --jsonl: any line
failed), 2 bad usage or input.

Options:
`

type signFlags struct {
	keyFile, method, vm, created string
	jsonl                        bool
	jobs                         int
}

func runSign(ctx context.Context, env Env, args []string) int {
	fs := flag.NewFlagSet("sign", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	var f signFlags
	fs.StringVar(&f.keyFile, "key", "", "private `JWK` file (Ed25519 for di; Ed25519, P-256 or RSA for jwt)")
	fs.StringVar(&f.method, "method", "di", "di (Data Integrity eddsa-rdfc-2022) or jwt")
	fs.StringVar(&f.vm, "verification-method", "", "verification method `URI` (derived for a did:key issuer)")
	fs.StringVar(&f.created, "created", "", "proof creation time, RFC 3339 (default: now; with --jsonl the same for every line)")
	fs.BoolVar(&f.jsonl, "jsonl", false, "read one credential per line, write one signed credential (or error object) per line")
	fs.IntVar(&f.jobs, "jobs", 0, "with --jsonl, the number of `N` parallel workers (default: the number of CPUs)")
	fs.Usage = func() {
		io.WriteString(fs.Output(), signUsage)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return ExitOK
		}
		return ExitUsage
	}
	fail := func(code int, format string, a ...any) int {
		fmt.Fprintf(env.Stderr, "rosette sign: "+format+"\n", a...)
		return code
	}
	if f.keyFile == "" {
		return fail(ExitUsage, "--key is required")
	}
	if f.method != "di" && f.method != "jwt" {
		return fail(ExitUsage, "--method must be di or jwt, not %q", f.method)
	}
	if fs.NArg() > 1 {
		return fail(ExitUsage, "one input file at most")
	}
	if f.jobs < 0 || (f.jobs > 0 && !f.jsonl) {
		return fail(ExitUsage, "--jobs needs --jsonl and a positive number")
	}
	jwk, err := os.ReadFile(f.keyFile)
	if err != nil {
		return fail(ExitUsage, "reading the key: %v", err)
	}
	k, err := key.ParsePrivateJWK(jwk)
	if err != nil {
		return fail(ExitUsage, "the key: %v", err)
	}
	created := time.Now().UTC().Truncate(time.Second)
	if f.created != "" {
		if created, err = time.Parse(time.RFC3339Nano, f.created); err != nil {
			return fail(ExitUsage, "--created: %v", err)
		}
	}
	s := &signer{key: k, method: f.method, vm: f.vm, created: created,
		proc: jsonld.NewProcessor(jsonld.WithLoader(jsonld.NewLoader()))}
	if f.jsonl {
		return signJSONL(ctx, env, s, fs.Arg(0), f.jobs)
	}
	doc, err := readInput(env, fs.Arg(0))
	if err != nil {
		return fail(ExitUsage, "reading the credential: %v", err)
	}
	out, code, err := s.sign(ctx, doc)
	if err != nil {
		return fail(code, "%v", err)
	}
	if f.method == "jwt" {
		env.Stdout.Write(append(out, '\n'))
		return ExitOK
	}
	var ind bytes.Buffer
	if err := json.Indent(&ind, out, "", "  "); err != nil {
		return fail(ExitFailure, "%v", err)
	}
	ind.WriteByte('\n')
	env.Stdout.Write(ind.Bytes())
	return ExitOK
}

// signer signs credentials with one key and one set of options. It is safe for concurrent
// use: the JSON-LD processor and the JSON Schema validator are shared.
type signer struct {
	key     *key.PrivateKey
	method  string // di or jwt
	vm      string // --verification-method
	created time.Time

	proc       *jsonld.Processor
	schemaOnce sync.Once
	schema     *ob3.SchemaValidator
	schemaErr  error

	didOnce       sync.Once // the key's did:key, derived on first use
	keyDID, keyVM string
	didErr        error
}

// sign signs doc and returns the signed credential as compact JSON (di, the input's bytes
// with a proof added) or a compact JWS (jwt). On error, code is the exit status it means:
// ExitUsage for input that is not a credential or options that cannot apply, ExitFailure for
// a refusal.
func (s *signer) sign(ctx context.Context, doc []byte) ([]byte, int, error) {
	k := s.key
	if isOB2(doc) {
		if s.method != "jwt" {
			return nil, ExitUsage, errors.New("an OB 2.0 assertion is signed as a JWS: use --method jwt")
		}
		a, err := ob2.ParseAssertion(doc)
		if err != nil {
			return nil, ExitUsage, err
		}
		if err := a.Validate(); err != nil {
			return nil, ExitFailure, err
		}
		jws, err := proof.SignOB2(doc, k)
		if err != nil {
			return nil, ExitFailure, err
		}
		return []byte(jws), ExitOK, nil
	}

	cred, err := ob3.ParseCredential(doc)
	if err != nil {
		return nil, ExitUsage, err
	}
	if err := s.checkCredential(cred, doc); err != nil {
		return nil, ExitFailure, err
	}
	vm := s.vm
	if issuer := cred.IssuerID(); strings.HasPrefix(issuer, "did:key:") {
		s.didOnce.Do(func() { s.keyDID, s.keyVM, s.didErr = did.KeyDID(k.Public()) })
		keyDID, keyVM, err := s.keyDID, s.keyVM, s.didErr
		if err != nil {
			return nil, ExitFailure, err
		}
		if keyDID != issuer {
			return nil, ExitFailure, fmt.Errorf("the issuer is %s but the key is %s", issuer, keyDID)
		}
		if vm == "" {
			vm = keyVM
		}
	}

	if s.method == "jwt" {
		jwt, err := proof.SignJWT(doc, k, proof.JWTOptions{KeyID: vm, EmbedJWK: vm == ""})
		if err != nil {
			return nil, ExitFailure, err
		}
		return []byte(jwt), ExitOK, nil
	}
	priv, ok := k.Signer.(ed25519.PrivateKey)
	if !ok {
		return nil, ExitUsage, fmt.Errorf("eddsa-rdfc-2022 needs an Ed25519 (OKP) key, not %s", k.Alg)
	}
	if vm == "" {
		return nil, ExitUsage, errors.New("--verification-method is required when the issuer is not a did:key")
	}
	signed, err := proof.SignDataIntegrity(ctx, s.proc, doc, priv, proof.ProofOptions{VerificationMethod: vm, Created: s.created})
	if err != nil {
		return nil, ExitFailure, err
	}
	return bytes.TrimSpace(signed), ExitOK, nil
}

// checkCredential applies the OB 3.0 rules, and the JSON Schema to VCDM 2.0 credentials.
// The schema is compiled once, on first use.
func (s *signer) checkCredential(cred *ob3.AchievementCredential, doc []byte) error {
	if err := cred.Validate(); err != nil {
		return err
	}
	if cred.IsVCDM1() {
		return nil
	}
	s.schemaOnce.Do(func() { s.schema, s.schemaErr = ob3.NewSchemaValidator() })
	if s.schemaErr != nil {
		return s.schemaErr
	}
	if err := s.schema.ValidateCredential(doc); err != nil {
		return errors.New("the credential does not pass the OB 3.0 JSON Schema: " + err.Error())
	}
	return nil
}

func readInput(env Env, name string) ([]byte, error) {
	if name == "" || name == "-" {
		if env.Stdin == nil {
			return nil, errors.New("no standard input")
		}
		return io.ReadAll(io.LimitReader(env.Stdin, 16<<20))
	}
	return os.ReadFile(name)
}

// isOB2 reports whether doc is an OB 2.0 (or older) assertion rather than a VC. When
// "@context" is the first member (the usual case) only its value is decoded.
func isOB2(doc []byte) bool {
	var context any
	rest := bytes.TrimLeft(doc, " \t\r\n")
	if len(rest) == 0 || rest[0] != '{' {
		return false
	}
	rest = bytes.TrimLeft(rest[1:], " \t\r\n")
	if after, ok := bytes.CutPrefix(rest, []byte(`"@context"`)); ok {
		if after = bytes.TrimLeft(after, " \t\r\n"); len(after) == 0 || after[0] != ':' {
			return false
		}
		if raw, ok := plainValue(bytes.TrimLeft(after[1:], " \t\r\n")); ok {
			// No escape in the value: its bytes hold the same URL text json.Marshal would write.
			return string(raw) == "null" || bytes.Contains(raw, []byte("w3id.org/openbadges/")) || bytes.Contains(raw, []byte("openbadgespec.org"))
		}
		if json.NewDecoder(bytes.NewReader(after[1:])).Decode(&context) != nil {
			return false
		}
	} else {
		var probe struct {
			Context any `json:"@context"`
		}
		if json.Unmarshal(doc, &probe) != nil {
			return false
		}
		context = probe.Context
	}
	s, _ := json.Marshal(context)
	return context == nil || strings.Contains(string(s), "w3id.org/openbadges/") || strings.Contains(string(s), "openbadgespec.org")
}

// plainValue returns the JSON value at the start of b when it holds no backslash and is
// valid JSON (false otherwise: the caller decodes it).
func plainValue(b []byte) ([]byte, bool) {
	depth, end := 0, -1
	for i := 0; i < len(b) && end < 0; i++ {
		switch c := b[i]; c {
		case '\\':
			return nil, false
		case '"':
			j := bytes.IndexByte(b[i+1:], '"')
			if j < 0 {
				return nil, false
			}
			i += j + 1
			if depth == 0 {
				end = i + 1
			}
		case '{', '[':
			depth++
		case '}', ']':
			depth--
			if depth == 0 {
				end = i + 1
			}
			if depth < 0 {
				return nil, false
			}
		case ',', ' ', '\t', '\r', '\n':
			if depth == 0 {
				end = i
			}
		}
	}
	if end < 0 {
		end = len(b)
	}
	v := b[:end]
	if bytes.IndexByte(v, '\\') >= 0 || !json.Valid(v) {
		return nil, false
	}
	return v, true
}
