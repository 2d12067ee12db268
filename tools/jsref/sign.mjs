// sign.mjs: eddsa-rdfc-2022 signing with the digitalbazaar stack. JSON lines on stdin:
// {"doc": credential, "publicKeyMultibase": "z6Mk...", "secretKeyMultibase": "z...",
//  "verificationMethod": "did:key:...#...", "controller": "did:key:...", "created": "2020-...Z",
//  "contexts"?: {url: doc}}; out: {"signed": credential-with-proof} or {"error": ...}.
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import jsigs from 'jsonld-signatures';
import {lines, makeLoader} from './loader.mjs';

const {purposes: {AssertionProofPurpose}} = jsigs;

await lines(async input => {
  const keyPair = await Ed25519Multikey.from({
    '@context': 'https://w3id.org/security/multikey/v1',
    type: 'Multikey',
    id: input.verificationMethod,
    controller: input.controller,
    publicKeyMultibase: input.publicKeyMultibase,
    secretKeyMultibase: input.secretKeyMultibase
  });
  const suite = new DataIntegrityProof({
    signer: keyPair.signer(), cryptosuite,
    date: input.created ? new Date(input.created) : undefined
  });
  const signed = await jsigs.sign(structuredClone(input.doc), {
    suite, purpose: new AssertionProofPurpose(),
    documentLoader: makeLoader(input.contexts || {})
  });
  return {signed};
});
