// The issuer side of the hostile-token tests: a tiny JWKS server on loopback (its document can be
// changed mid-run, made to answer garbage, stopped and restarted on the same port; it counts the
// fetches), signing keys made with `jose` (npm), and tokens minted with jose or, for what jose
// refuses to produce (alg none, HS256 keyed with a public key, DER ECDSA signatures, small RSA
// keys), by hand with node:crypto.
import { createHmac, createSign, generateKeyPairSync, KeyObject } from 'node:crypto';
import http from 'node:http';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT } from 'jose';

const b64url = (data) => Buffer.from(data).toString('base64url');
export const now = () => Math.floor(Date.now() / 1000);

/** A jose key pair with its public JWK (kid, alg, use "sig" unless `use` given). */
export async function makeKey(alg, kid, { use = 'sig', jwkAlg = alg } = {}) {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid, use };
  if (jwkAlg) jwk.alg = jwkAlg;
  return { alg, kid, publicKey, privateKey, jwk, spki: await exportSPKI(publicKey) };
}

/** An RSA key of `bits` made with node:crypto (jose refuses to sign with keys under 2048 bits). */
export function makeSmallRsaKey(kid, bits = 1024) {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: bits });
  return { alg: 'RS256', kid, privateKey, jwk: { ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' } };
}

/** A token signed with jose: header { alg, kid, typ } (overridable) over `claims`. */
export function mint(key, claims, header = {}) {
  return new SignJWT(claims).setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'at+jwt', ...header }).sign(key.privateKey);
}

/** header.payload of a hand-made token (both objects, or payload as raw text). */
export function signingInput(header, payload) {
  return `${b64url(JSON.stringify(header))}.${b64url(typeof payload === 'string' ? payload : JSON.stringify(payload))}`;
}

/** An unsigned token (alg "none", empty signature). */
export function unsigned(claims, header = {}) {
  return `${signingInput({ alg: 'none', typ: 'at+jwt', ...header }, claims)}.`;
}

/** An HS256 token keyed with `secret` (e.g. the bytes of an RSA public key). */
export function hs256(claims, secret, header = {}) {
  const input = signingInput({ alg: 'HS256', typ: 'at+jwt', ...header }, claims);
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

/**
 * A token signed by node:crypto with a KeyObject or jose key: RS256, or ES256 with
 * `dsaEncoding` "ieee-p1363" (raw r||s, correct) or "der" (wrong for JWS).
 */
export function signRaw(key, claims, { header = {}, dsaEncoding = 'ieee-p1363' } = {}) {
  const input = signingInput({ alg: key.alg, kid: key.kid, typ: 'at+jwt', ...header }, claims);
  const privateKey = key.privateKey instanceof KeyObject ? key.privateKey : KeyObject.from(key.privateKey);
  const signer = createSign('SHA256').update(input);
  const sig = key.alg.startsWith('ES') ? signer.sign({ key: privateKey, dsaEncoding }) : signer.sign(privateKey);
  return `${input}.${sig.toString('base64url')}`;
}

/**
 * The JWKS server: GET /jwks.json answers `jwks` (set with setKeys) or, after setRaw, the given
 * text. Counts the fetches of /jwks.json. stop() closes it (connections too); start() again
 * listens on the same port.
 */
export class JwksServer {
  constructor() {
    this.fetches = 0;
    this.keys = [];
    this.raw = null;
    this.port = 0;
    this.server = null;
  }

  get origin() {
    return `http://127.0.0.1:${this.port}`;
  }

  get jwksUri() {
    return `${this.origin}/jwks.json`;
  }

  setKeys(keys) {
    this.keys = keys.map((k) => k.jwk ?? k);
    this.raw = null;
  }

  setRaw(text, contentType = 'application/json') {
    this.raw = { text, contentType };
  }

  async start() {
    this.server = http.createServer((req, res) => {
      if (req.url.split('?')[0] !== '/jwks.json') {
        res.writeHead(404).end();
        return;
      }
      this.fetches += 1;
      if (this.raw) {
        res.writeHead(200, { 'Content-Type': this.raw.contentType }).end(this.raw.text);
      } else {
        res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ keys: this.keys }));
      }
    });
    await new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.port, '127.0.0.1', resolve);
    });
    this.port = this.server.address().port;
    return this;
  }

  async stop() {
    const s = this.server;
    this.server = null;
    if (!s) return;
    s.closeAllConnections();
    await new Promise((resolve) => s.close(resolve));
  }

  /** Resolves once the fetch count exceeds `count` (true) or after `ms` (false). */
  async waitForFetches(count, ms) {
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) {
      if (this.fetches > count) return true;
      await new Promise((r) => setTimeout(r, 25));
    }
    return this.fetches > count;
  }
}
