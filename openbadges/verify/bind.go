package verify

// defaultProcessor returns the JSON-LD processor used when Options.Processor is nil.
func defaultProcessor() Canonicalizer { return nil }

// defaultResolver returns the key resolver used when Options.Resolver is nil.
func defaultResolver(f Fetcher) MethodResolver { return nil }

// bindPackages wires unbaking, JWT/JWS, schema and status support.
func bindPackages(d *deps, opts Options) {}

func isSafeModeError(err error) bool    { return false }
func isContextLoadError(err error) bool { return false }
