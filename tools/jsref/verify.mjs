// verify.mjs: eddsa-rdfc-2022 verification with the digitalbazaar stack. JSON lines on stdin:
// {"doc": signed credential, "publicKeyMultibase": "z6Mk...", "verificationMethod": "...",
//  "controller": "...", "contexts"?: {url: doc}}. The verification method and its controller
// document are served from these fields (offline), the controller listing the method under
// assertionMethod. Out: {"verified": bool, "error"?: "..."}.
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import jsigs from 'jsonld-signatures';
import {lines, makeLoader} from './loader.mjs';

const {purposes: {AssertionProofPurpose}} = jsigs;

await lines(async input => {
  const vm = input.verificationMethod;
  const controller = input.controller;
  const vmDoc = {
    '@context': 'https://w3id.org/security/multikey/v1',
    id: vm, type: 'Multikey', controller,
    publicKeyMultibase: input.publicKeyMultibase
  };
  const controllerDoc = {
    '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1'],
    id: controller, verificationMethod: [vmDoc], assertionMethod: [vm]
  };
  const extra = {...(input.contexts || {})};
  extra[vm] = vmDoc;
  extra[controller] = controllerDoc;
  const base = makeLoader(extra);
  const documentLoader = async url => {
    // a fragment DID URL resolves to the method itself
    if(url === vm) return base(vm);
    return base(url.split('#')[0] === controller ? controller : url);
  };
  const result = await jsigs.verify(input.doc, {
    suite: new DataIntegrityProof({cryptosuite}),
    purpose: new AssertionProofPurpose({controller: controllerDoc}),
    documentLoader
  });
  const out = {verified: !!result.verified};
  if(!result.verified) {
    const errs = (result.results || []).map(r => r.error && r.error.message).filter(Boolean);
    out.error = String((result.error && (result.error.errors || [result.error]).map(e => e.message).join('; ')) || errs.join('; '));
  }
  return out;
});
