// A stand-in authorization server for the OAuth rows of the bench (ours-auth): an RSA-2048 key
// pair made with node:crypto, its public JWK served as a JWK Set from a tiny node:http server on
// 127.0.0.1 (free port), and RS256 access tokens minted with the private key. Nothing is fetched
// from outside the machine; the caller closes the server at the end (close()).
import http from 'node:http';
import { generateKeyPairSync, sign } from 'node:crypto';

const KID = 'bench';
const b64url = (v) => Buffer.from(JSON.stringify(v)).toString('base64url');

/**
 * Starts the JWKS server; resolves { issuer, jwksUri, mint(audience, ttlSeconds), envFor(canonicalUrl),
 * close() }. The issuer is http://127.0.0.1:<port>; the JWK Set is at <issuer>/jwks.json.
 */
export async function startAuthServer() {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid: KID, alg: 'RS256', use: 'sig' };
  const body = JSON.stringify({ keys: [jwk] });
  const server = http.createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/jwks.json') {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
      res.end(body);
    } else {
      res.writeHead(404, { 'Content-Length': 0 });
      res.end();
    }
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const jwksUri = `${issuer}/jwks.json`;

  /** An RS256 JWT for `audience` (iss, aud, sub, iat, exp), valid for `ttlSeconds`. */
  const mint = (audience, ttlSeconds = 7200) => {
    const now = Math.floor(Date.now() / 1000);
    const head = b64url({ alg: 'RS256', typ: 'JWT', kid: KID });
    const claims = b64url({ iss: issuer, aud: audience, sub: 'bench-user', iat: now, exp: now + ttlSeconds });
    const signature = sign('sha256', Buffer.from(`${head}.${claims}`), privateKey).toString('base64url');
    return `${head}.${claims}.${signature}`;
  };

  /** The server's environment for front-door OAuth with this issuer, for a resource at `canonicalUrl`. */
  const envFor = (canonicalUrl) => ({
    MCP_RESOURCE_SERVER_CANONICAL_URL: canonicalUrl,
    MCP_RESOURCE_SERVER_AUTHORIZATION_SERVERS: JSON.stringify([
      { authorization_server_url: issuer, issuer, jwks_uri: jwksUri, algorithm: 'RS256' },
    ]),
  });

  const close = () =>
    new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections(); // the MCP server may keep its JWKS connection open
    });
  return { issuer, jwksUri, mint, envFor, close };
}
