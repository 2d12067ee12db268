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
	"time"

	"github.com/rosettebadges/rosette/openbadges/did"
	"github.com/rosettebadges/rosette/openbadges/jsonld"
	"github.com/rosettebadges/rosette/openbadges/key"
	"github.com/rosettebadges/rosette/openbadges/ob2"
	"github.com/rosettebadges/rosette/openbadges/ob3"
	"github.com/rosettebadges/rosette/openbadges/proof"
)

const signUsage = `Usage: rosette sign --key JWK [--method di|jwt] [--verification-method URI] [--created RFC3339] [FILE|-]

Signs an unsigned Open Badges 3.0 credential read from FILE (or standard input) and prints it.

  --method di   (default) adds an eddsa-rdfc-2022 Data Integrity proof (Ed25519 key) and
                prints the signed JSON. A credential already holding proofs gets one more
                (a proof set).
  --method jwt  prints a VC-JWT (OB 3.0) or, for an OB 2.0 assertion, an OB 2.0 JWS.

With a did:key issuer the verification method is derived from the issuer (and must be the
key's); otherwise --verification-method names it (for jwt: the "kid"; without it the public
JWK is embedded). The credential is checked against the OB 3.0 rules and JSON Schema first.
Exit status: 0 signed, 1 refused (invalid credential, wrong key), 2 bad usage or input.

Options:
`

type signFlags struct {
	keyFile, method, vm, created string
}

func runSign(ctx context.Context, env Env, args []string) int {
	fs := flag.NewFlagSet("sign", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	var f signFlags
	fs.StringVar(&f.keyFile, "key", "", "private `JWK` file (Ed25519 for di; Ed25519, P-256 or RSA for jwt)")
	fs.StringVar(&f.method, "method", "di", "di (Data Integrity eddsa-rdfc-2022) or jwt")
	fs.StringVar(&f.vm, "verification-method", "", "verification method `URI` (derived for a did:key issuer)")
	fs.StringVar(&f.created, "created", "", "proof creation time, RFC 3339 (default: now)")
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
	jwk, err := os.ReadFile(f.keyFile)
	if err != nil {
		return fail(ExitUsage, "reading the key: %v", err)
	}
	k, err := key.ParsePrivateJWK(jwk)
	if err != nil {
		return fail(ExitUsage, "the key: %v", err)
	}
	doc, err := readInput(env, fs.Arg(0))
	if err != nil {
		return fail(ExitUsage, "reading the credential: %v", err)
	}
	created := time.Now().UTC().Truncate(time.Second)
	if f.created != "" {
		if created, err = time.Parse(time.RFC3339Nano, f.created); err != nil {
			return fail(ExitUsage, "--created: %v", err)
		}
	}

	if isOB2(doc) {
		if f.method != "jwt" {
			return fail(ExitUsage, "an OB 2.0 assertion is signed as a JWS: use --method jwt")
		}
		a, err := ob2.ParseAssertion(doc)
		if err != nil {
			return fail(ExitUsage, "%v", err)
		}
		if err := a.Validate(); err != nil {
			return fail(ExitFailure, "%v", err)
		}
		jws, err := proof.SignOB2(doc, k)
		if err != nil {
			return fail(ExitFailure, "%v", err)
		}
		fmt.Fprintln(env.Stdout, jws)
		return ExitOK
	}

	cred, err := ob3.ParseCredential(doc)
	if err != nil {
		return fail(ExitUsage, "%v", err)
	}
	if code, msg := checkCredential(cred, doc); code != ExitOK {
		return fail(code, "%s", msg)
	}
	vm := f.vm
	if issuer := cred.IssuerID(); strings.HasPrefix(issuer, "did:key:") {
		keyDID, keyVM, err := did.KeyDID(k.Public())
		if err != nil {
			return fail(ExitFailure, "%v", err)
		}
		if keyDID != issuer {
			return fail(ExitFailure, "the issuer is %s but the key is %s", issuer, keyDID)
		}
		if vm == "" {
			vm = keyVM
		}
	}

	if f.method == "jwt" {
		jwt, err := proof.SignJWT(doc, k, proof.JWTOptions{KeyID: vm, EmbedJWK: vm == ""})
		if err != nil {
			return fail(ExitFailure, "%v", err)
		}
		fmt.Fprintln(env.Stdout, jwt)
		return ExitOK
	}
	priv, ok := k.Signer.(ed25519.PrivateKey)
	if !ok {
		return fail(ExitUsage, "eddsa-rdfc-2022 needs an Ed25519 (OKP) key, not %s", k.Alg)
	}
	if vm == "" {
		return fail(ExitUsage, "--verification-method is required when the issuer is not a did:key")
	}
	c := jsonld.NewProcessor(jsonld.WithLoader(jsonld.NewLoader()))
	signed, err := proof.SignDataIntegrity(ctx, c, doc, priv, proof.ProofOptions{VerificationMethod: vm, Created: created})
	if err != nil {
		return fail(ExitFailure, "%v", err)
	}
	var out bytes.Buffer
	if err := json.Indent(&out, bytes.TrimSpace(signed), "", "  "); err != nil {
		return fail(ExitFailure, "%v", err)
	}
	out.WriteByte('\n')
	env.Stdout.Write(out.Bytes())
	return ExitOK
}

// checkCredential applies the OB 3.0 rules, and the JSON Schema to VCDM 2.0 credentials.
func checkCredential(cred *ob3.AchievementCredential, doc []byte) (int, string) {
	if err := cred.Validate(); err != nil {
		return ExitFailure, err.Error()
	}
	if cred.IsVCDM1() {
		return ExitOK, ""
	}
	v, err := ob3.NewSchemaValidator()
	if err != nil {
		return ExitFailure, err.Error()
	}
	if err := v.ValidateCredential(doc); err != nil {
		return ExitFailure, "the credential does not pass the OB 3.0 JSON Schema: " + err.Error()
	}
	return ExitOK, ""
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

// isOB2 reports whether doc is an OB 2.0 (or older) assertion rather than a VC.
func isOB2(doc []byte) bool {
	var probe struct {
		Context any `json:"@context"`
	}
	if json.Unmarshal(doc, &probe) != nil {
		return false
	}
	s, _ := json.Marshal(probe.Context)
	return probe.Context == nil || strings.Contains(string(s), "w3id.org/openbadges/") || strings.Contains(string(s), "openbadgespec.org")
}
