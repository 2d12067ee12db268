// bench.mjs: the JavaScript reference stack's speed on the documents of Rosette's Go
// benchmarks (openbadges/proof BenchmarkSignDataIntegrity / BenchmarkVerifyDataIntegrity).
//
//   node tools/jsref/bench.mjs [-n N] name=file.json ...
//
// For each file (its "proof", if any, is removed first): signs it N times with
// eddsa-rdfc-2022 (jsonld-signatures + DataIntegrityProof, the cryptosuite's canonize:
// jsonld.js safe mode, rdf-canonize RDFC-1.0), then verifies the signed result N times, after
// a few untimed warm-up runs. Key: the OB 3.0 spec vector's (README-vectors.json), method
// https://example.edu/issuers/565049#z6Mk..., created 2024-09-01T12:00:00Z, as in the Go
// benchmarks. Contexts and the controller document are served offline (loader.mjs).
// Prints one JSON object: {"node", "n", "results": [{"cred", "op", "ns_per_op", "ops_per_sec",
// "cpu_ns_per_op", "ops_per_cpu_sec"}]}
// (sign results also carry the proofValue, which must equal Rosette's for the same input).
import {readFileSync} from 'node:fs';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import jsigs from 'jsonld-signatures';
import {makeLoader} from './loader.mjs';

const {purposes: {AssertionProofPurpose}} = jsigs;

const controller = 'https://example.edu/issuers/565049';
const publicKeyMultibase = 'z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi';
const secretKeyMultibase = 'zrv2bqTbNwCTsRrHFcJCPjVAduh4Ezcnoq1A3ZxH1GWTNkxipLVuaAoMFmze2gFN9oNXfJjufxSHWVZzsJiUsMHFMcx';
const vm = `${controller}#${publicKeyMultibase}`;
const created = new Date('2024-09-01T12:00:00Z');
const warmup = 5;

let n = 100;
const docs = [];
const args = process.argv.slice(2);
for(let i = 0; i < args.length; i++) {
  if(args[i] === '-n') {
    n = Number(args[++i]);
  } else {
    const eq = args[i].indexOf('=');
    if(eq < 1) throw new Error(`usage: bench.mjs [-n N] name=file.json ...`);
    const doc = JSON.parse(readFileSync(args[i].slice(eq + 1), 'utf8'));
    delete doc.proof;
    docs.push({name: args[i].slice(0, eq), doc});
  }
}
if(!(n > 0) || docs.length === 0) throw new Error('usage: bench.mjs [-n N] name=file.json ...');

const vmDoc = {
  '@context': 'https://w3id.org/security/multikey/v1',
  id: vm, type: 'Multikey', controller, publicKeyMultibase
};
const controllerDoc = {
  '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1'],
  id: controller, verificationMethod: [vmDoc], assertionMethod: [vm]
};
const base = makeLoader({[vm]: vmDoc, [controller]: controllerDoc});
const documentLoader = async url => base(url.split('#')[0] === controller && url !== vm ? controller : url);

const keyPair = await Ed25519Multikey.from({...vmDoc, secretKeyMultibase});

async function sign(doc) {
  const suite = new DataIntegrityProof({signer: keyPair.signer(), cryptosuite, date: created});
  return jsigs.sign(structuredClone(doc), {suite, purpose: new AssertionProofPurpose(), documentLoader});
}

async function verify(doc) {
  const result = await jsigs.verify(doc, {
    suite: new DataIntegrityProof({cryptosuite}),
    purpose: new AssertionProofPurpose({controller: controllerDoc}),
    documentLoader
  });
  if(!result.verified) {
    throw new Error(`verification failed: ${JSON.stringify(result.error || result.results)}`);
  }
}

// time runs fn n times after the warm-up: wall-clock rate, and the rate per CPU-second of
// this process (user + system, all its threads), as the Go benchmarks' creds/cpu-s.
async function time(fn) {
  for(let i = 0; i < warmup; i++) await fn();
  const cpu0 = process.cpuUsage();
  const start = process.hrtime.bigint();
  for(let i = 0; i < n; i++) await fn();
  const ns = Number(process.hrtime.bigint() - start) / n;
  const cpu = process.cpuUsage(cpu0);
  const cpuNs = (cpu.user + cpu.system) * 1000 / n;
  return {ns_per_op: Math.round(ns), ops_per_sec: Math.round(1e10 / ns) / 10,
    cpu_ns_per_op: Math.round(cpuNs), ops_per_cpu_sec: Math.round(1e10 / cpuNs) / 10};
}

const results = [];
for(const {name, doc} of docs) {
  const signed = await sign(doc);
  await verify(signed);
  results.push({cred: name, op: 'sign', ...await time(() => sign(doc)), proofValue: signed.proof.proofValue});
  results.push({cred: name, op: 'verify', ...await time(() => verify(signed))});
}
process.stdout.write(JSON.stringify({node: process.version, n, results}) + '\n');
