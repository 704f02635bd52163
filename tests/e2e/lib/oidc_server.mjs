// A real authorization server for the auth end-to-end tests: oidc-provider (npm) on 127.0.0.1,
// run as a child process by lib/oidc.mjs (`node lib/oidc_server.mjs`), configured by the JSON in
// the environment variable OIDC_E2E_CONFIG:
//   { resource: <MCP canonical URL>, alg: "RS256" | "ES256" (signs the JWT access tokens),
//     https: { key: <PEM file>, cert: <PEM file> } (optional), clients: [<static clients>] }
// It issues JWT access tokens (RFC 9068) for the one resource indicator `resource`, with scopes
// "mcp reports:read reports:admin"; grants: client_credentials and authorization code + PKCE
// (S256); dynamic client registration is open; devInteractions serve the login and consent pages
// (the account id is the login name). Keys: one RS256 and one ES256 key, made at start.
// Prints "issuer <url>" on stdout once listening; SIGTERM stops it.
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import Provider, { errors } from 'oidc-provider';

const config = JSON.parse(process.env.OIDC_E2E_CONFIG ?? '{}');
const RESOURCE_SCOPES = 'mcp reports:read reports:admin';

function signingKey(type, options, kid, alg) {
  const { privateKey } = generateKeyPairSync(type, options);
  return { ...privateKey.export({ format: 'jwk' }), kid, alg, use: 'sig' };
}

const keys = [
  signingKey('rsa', { modulusLength: 2048 }, 'e2e-rs256', 'RS256'),
  signingKey('ec', { namedCurve: 'P-256' }, 'e2e-es256', 'ES256'),
];

const server = config.https
  ? https.createServer({ key: readFileSync(config.https.key), cert: readFileSync(config.https.cert) })
  : http.createServer();

server.listen(0, '127.0.0.1', () => {
  const scheme = config.https ? 'https' : 'http';
  const issuer = `${scheme}://127.0.0.1:${server.address().port}`;
  const provider = new Provider(issuer, {
    clients: config.clients ?? [],
    jwks: { keys },
    scopes: ['openid', 'offline_access', ...RESOURCE_SCOPES.split(' ')],
    claims: { openid: ['sub'] },
    cookies: { keys: ['arcade-e2e-cookie-key-not-secret'] },
    findAccount: async (ctx, id) => ({ accountId: id, claims: async () => ({ sub: id }) }),
    pkce: { methods: ['S256'], required: () => true },
    ttl: { AccessToken: 600, AuthorizationCode: 60, ClientCredentials: 600, Grant: 600, IdToken: 600, Interaction: 600, Session: 600 },
    features: {
      devInteractions: { enabled: true },
      clientCredentials: { enabled: true },
      registration: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => config.resource,
        useGrantedResource: () => true,
        getResourceServerInfo: (ctx, indicator) => {
          if (indicator !== config.resource) throw new errors.InvalidTarget();
          return {
            scope: RESOURCE_SCOPES,
            audience: config.resource,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: config.alg ?? 'RS256' } },
          };
        },
      },
    },
  });
  server.on('request', provider.callback());
  process.stdout.write(`issuer ${issuer}\n`);
});

process.on('SIGTERM', () => {
  server.close();
  server.closeAllConnections?.();
  process.exit(0);
});
