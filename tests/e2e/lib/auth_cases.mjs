// The table of hostile (and a few good) bearer tokens of auth_hostile.test.mjs. Each case:
// { name, token() -> Promise<string>, ok (true: the server must accept it; Whoami = `sub`) }.
// Keys (made with lib/jwks.mjs, all in the JWKS the server fetches): rs (RS256), es (ES256),
// enc (RSA, use "enc"), ps (RSA key whose JWK says alg PS256, used with RS256), small (RSA 1024);
// stranger (RS256) is not in the JWKS.
import { randomBytes } from 'node:crypto';
import { hs256, mint, now, signingInput, signRaw, unsigned } from './jwks.mjs';

/** Claims of a good token for `ctx` with `extra` merged in (an `undefined` value removes a claim). */
export function claimsFor(ctx, extra = {}) {
  const claims = { iss: ctx.issuer, aud: ctx.canonical, sub: 'hostile-alice', iat: now(), exp: now() + 300, scope: 'mcp', ...extra };
  for (const [k, v] of Object.entries(claims)) if (v === undefined) delete claims[k];
  return claims;
}

/** Replaces the signature part of a token. */
const withSignature = (token, sig) => `${token.split('.').slice(0, 2).join('.')}.${sig}`;

export function hostileCases(ctx) {
  // Keys are read when a token is made (ctx may be filled in after the table is built).
  const claims = (extra) => claimsFor(ctx, extra);
  const bad = (name, token) => ({ name, token, ok: false });
  const good = (name, token, sub = 'hostile-alice') => ({ name, token, ok: true, sub });
  return [
    bad('alg none, empty signature', async () => unsigned(claims(), { kid: ctx.rs.kid })),
    bad('alg "None" (mixed case), empty signature', async () => unsigned(claims(), { alg: 'None', kid: ctx.rs.kid })),
    bad('HS256 keyed with the RSA public key PEM', async () => hs256(claims(), ctx.rs.spki, { kid: ctx.rs.kid })),
    bad('HS256 keyed with the RSA public JWK JSON', async () => hs256(claims(), JSON.stringify(ctx.rs.jwk), { kid: ctx.rs.kid })),
    bad('HS256 without kid keyed with the RSA public key PEM', async () => hs256(claims(), ctx.rs.spki)),
    bad('wrong iss', () => mint(ctx.rs, claims({ iss: 'http://127.0.0.1:1/evil-issuer' }))),
    bad('iss missing', () => mint(ctx.rs, claims({ iss: undefined }))),
    bad('wrong aud (another resource)', () => mint(ctx.rs, claims({ aud: 'http://127.0.0.1:1/mcp' }))),
    bad('aud with a trailing slash', () => mint(ctx.rs, claims({ aud: `${ctx.canonical}/` }))),
    bad('aud array without us', () => mint(ctx.rs, claims({ aud: ['http://127.0.0.1:1/mcp', 'https://other.example/api'] }))),
    good('aud array with us', () => mint(ctx.rs, claims({ aud: ['https://other.example/api', ctx.canonical] }))),
    bad('aud missing', () => mint(ctx.rs, claims({ aud: undefined }))),
    bad('expired 10 minutes ago', () => mint(ctx.rs, claims({ iat: now() - 1200, exp: now() - 600 }))),
    bad('nbf 10 minutes in the future', () => mint(ctx.rs, claims({ nbf: now() + 600 }))),
    good('nbf 2 s in the future (inside the 5 s leeway)', () => mint(ctx.rs, claims({ nbf: now() + 2 }))),
    bad('no exp', () => mint(ctx.rs, claims({ exp: undefined }))),
    bad('exp as a string', () => mint(ctx.rs, claims({ exp: String(now() + 300) }))),
    bad('no sub', () => mint(ctx.rs, claims({ sub: undefined }))),
    bad('empty sub', () => mint(ctx.rs, claims({ sub: '' }))),
    bad('tampered payload (sub changed, signature kept)', async () => {
      const token = await mint(ctx.rs, claims());
      const forged = signingInput({ alg: 'RS256', kid: ctx.rs.kid, typ: 'at+jwt' }, claims({ sub: 'mallory' }));
      return `${forged}.${token.split('.')[2]}`;
    }),
    bad('truncated signature', async () => {
      const token = await mint(ctx.rs, claims());
      return token.slice(0, -12);
    }),
    bad('signed by another RSA key under our kid', () => mint(ctx.stranger, claims(), { kid: ctx.rs.kid })),
    bad('no signature part', async () => (await mint(ctx.rs, claims())).split('.').slice(0, 2).join('.')),
    bad('four parts', async () => `${await mint(ctx.rs, claims())}.AAAA`),
    good('ES256 with a raw r||s signature', () => mint(ctx.es, claims())),
    bad('ES256 with a DER signature', async () => signRaw(ctx.es, claims(), { dsaEncoding: 'der' })),
    bad('ES256 header on the RSA key', async () => withSignature(signingInput({ alg: 'ES256', kid: ctx.rs.kid, typ: 'at+jwt' }, claims()), randomBytes(64).toString('base64url'))),
    bad('RS256 header on the EC key', async () => {
      const input = signingInput({ alg: 'RS256', kid: ctx.es.kid, typ: 'at+jwt' }, claims());
      return `${input}.${randomBytes(256).toString('base64url')}`;
    }),
    bad('PS384 (not allowed)', async () => unsigned(claims(), { alg: 'PS384', kid: ctx.rs.kid }) + randomBytes(256).toString('base64url')),
    bad('key with use "enc"', () => mint(ctx.enc, claims())),
    bad('JWK alg PS256, header alg RS256', () => mint(ctx.ps, claims())),
    bad('RSA key of 1024 bits', async () => signRaw(ctx.small, claims())),
    bad('unknown kid', () => mint(ctx.rs, claims(), { kid: 'no-such-kid' })),
    bad('typ "dpop+jwt"', () => mint(ctx.rs, claims(), { typ: 'dpop+jwt' })),
    good('typ "JWT"', () => mint(ctx.rs, claims(), { typ: 'JWT' })),
    good('typ "application/at+jwt"', () => mint(ctx.rs, claims(), { typ: 'application/at+jwt' })),
    good('scopes in "scp" (array)', () => mint(ctx.rs, claims({ scope: undefined, scp: ['mcp'] }))),
    bad('not a JWT at all', async () => 'not-a-jwt'),
    bad('header is not JSON', async () => `${Buffer.from('{"alg":').toString('base64url')}.${Buffer.from('{}').toString('base64url')}.AAAA`),
    bad('payload is a JSON array', async () => signRaw(ctx.rs, '[1,2,3]')),
    good('a different subject', () => mint(ctx.rs, claims({ sub: 'hostile-bob' })), 'hostile-bob'),
  ];
}
