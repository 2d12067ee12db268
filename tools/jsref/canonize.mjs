// canonize.mjs: JSON lines on stdin, each {"doc": <JSON-LD document>, "contexts"?: {url: doc}}
// (or a bare document); one JSON result per line on stdout: {"nquads": "..."} or
// {"error": "...", "details": {...}}. Canonicalization is exactly what the
// eddsa-rdfc-2022 cryptosuite signs: jsonld.toRDF in safe mode with rdfDirection
// "i18n-datatype", base null, then rdf-canonize RDFC-1.0 with its default limits.
import {cryptosuite} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {lines, makeLoader} from './loader.mjs';

await lines(async input => {
  const doc = input && input.doc !== undefined ? input.doc : input;
  const documentLoader = makeLoader(input && input.contexts || {});
  const nquads = await cryptosuite.canonize(doc, {documentLoader});
  return {nquads};
});
