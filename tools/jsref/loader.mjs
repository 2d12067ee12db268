// Offline JSON-LD document loader over Rosette's embedded contexts
// (openbadges/jsonld/contexts, URL -> file in index.json). Never touches the network:
// an unknown URL is an error. Extra documents (URL -> parsed JSON) may be passed in.
import {readFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const dir = join(here, '..', '..', 'openbadges', 'jsonld', 'contexts');
const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8'));
const cache = new Map();

export function makeLoader(extra = {}) {
  return async function documentLoader(url) {
    let doc;
    if(Object.prototype.hasOwnProperty.call(extra, url)) {
      doc = extra[url];
    } else if(Object.prototype.hasOwnProperty.call(index, url)) {
      if(!cache.has(url)) {
        cache.set(url, JSON.parse(readFileSync(join(dir, index[url]), 'utf8')));
      }
      doc = cache.get(url);
    } else {
      throw new Error(`jsref: document ${url} is not available offline`);
    }
    // hand out a copy: jsonld.js must not share mutable state between calls
    return {contextUrl: null, documentUrl: url, document: structuredClone(doc)};
  };
}

// lines reads JSON lines from stdin and calls fn on each parsed value, writing one JSON
// result per line to stdout, in order.
export async function lines(fn) {
  const chunks = [];
  for await (const c of process.stdin) chunks.push(c);
  const text = Buffer.concat(chunks).toString('utf8');
  for(const line of text.split('\n')) {
    if(line.trim() === '') continue;
    let out;
    try {
      out = await fn(JSON.parse(line));
    } catch(e) {
      out = {error: String(e && e.message || e), details: errorDetails(e)};
    }
    process.stdout.write(JSON.stringify(out) + '\n');
  }
}

function errorDetails(e) {
  if(!e) return null;
  const d = e.details || {};
  const ev = d.event || {};
  return {name: e.name || null, code: ev.code || d.code || null};
}
