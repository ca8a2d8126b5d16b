// signatures.js computes the known-answer vectors in signatures.json without
// any Go code: each signature is made twice, by Node's crypto module (the
// library Propexo's own verification example uses) and by the openssl
// command, and the script stops if the two disagree.
//
// Regenerate from the propexo directory with:
//
//	node testdata/signatures.js > testdata/signatures.json
//
// Every vector is HMAC-SHA256 keyed with the UTF-8 bytes of secret, over the
// UTF-8 bytes of body, written as lowercase hex: what Propexo sends in the
// propexo-signature header.
'use strict';

const crypto = require('node:crypto');
const { execFileSync } = require('node:child_process');

const vectors = [
  {
    name: 'rfc4231-case-2',
    note: 'RFC 4231 section 4.3; the signature must equal the RFC\'s published value',
    secret: 'Jefe',
    body: 'what do ya want for nothing?',
    rfc: '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
  },
  {
    name: 'sync-complete-compact',
    note: 'compact JSON as JSON.stringify writes it; the secret is the one in the docs\' webhook example (S18)',
    secret: 's3cr3tK3yForSigning',
    body: '{"trigger":"SYNC_COMPLETE","data":{"event":"SYNC_COMPLETE","failed_job_count":0,"integration_id":"INTEGRATION_ID_003","is_sync_finished":true,"job_schedule_id":"JOB_SCHEDULE_ID_001","successful_job_count":49,"vendor":"YARDI"}}',
  },
  {
    name: 'data-new-indented',
    note: 'indented JSON with a final newline: white space is signed as sent',
    secret: 's3cr3tK3yForSigning',
    body: '{\n  "trigger": "DATA_NEW",\n  "data": {\n    "event": "DATA_NEW",\n    "object": "residents-to-leases",\n    "record_id": "cm2kq8a4b000608l4hx2m3n9p"\n  },\n  "meta": {\n    "object": "residents-to-leases",\n    "integration_id": "cly301lrc000009jvbp6vaz7i"\n  }\n}\n',
  },
  {
    name: 'empty-body',
    note: 'an empty body still has a signature',
    secret: '0123456789',
    body: '',
  },
  {
    name: 'utf8-body-and-secret',
    note: 'non-ASCII text in body and secret, both taken as UTF-8 bytes',
    secret: 'geheimer-Schlüssel-ü',
    body: '{"trigger":"DATA_UPDATE","data":{"event":"DATA_UPDATE","object":"residents","diff":{"new":{"first_name":"Zoë"},"previous":{"first_name":"Zoe"}}}}',
  },
  {
    name: 'secret-longer-than-block',
    note: 'a 100-byte secret exceeds the SHA-256 block size (64), so HMAC hashes it first',
    secret: 'k'.repeat(100),
    body: '{"trigger":"JOB_FAILURE","data":{"event":"JOB_FAILURE","integration_id":"INTEGRATION_ID_002","job_id":"JOB_ID_002","job_type":"READ_RESIDENT_TRANSACTIONS","root_job_id":"ROOT_JOB_ID_002","vendor":"RESMAN"}}',
  },
];

function viaNode(secret, body) {
  return crypto.createHmac('sha256', secret).update(Buffer.from(body, 'utf8')).digest('hex');
}

function viaOpenSSL(secret, body) {
  const out = execFileSync('openssl', ['dgst', '-sha256', '-hmac', secret, '-hex'], {
    input: Buffer.from(body, 'utf8'),
  }).toString();
  const m = out.match(/= ([0-9a-f]{64})\s*$/);
  if (!m) throw new Error('unexpected openssl output: ' + out);
  return m[1];
}

const out = vectors.map((v) => {
  const a = viaNode(v.secret, v.body);
  const b = viaOpenSSL(v.secret, v.body);
  if (a !== b) throw new Error(`${v.name}: node ${a} != openssl ${b}`);
  if (v.rfc && a !== v.rfc) throw new Error(`${v.name}: ${a} != RFC ${v.rfc}`);
  return { name: v.name, note: v.note, secret: v.secret, body: v.body, signature: a };
});

process.stdout.write(JSON.stringify({
  generator: 'node testdata/signatures.js (Node crypto.createHmac, cross-checked with openssl dgst -sha256 -hmac)',
  node: process.version,
  openssl: execFileSync('openssl', ['version']).toString().trim(),
  vectors: out,
}, null, 2) + '\n');
