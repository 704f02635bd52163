// The authorization server side of the auth tests: oidc-provider run as a child process
// (lib/oidc_server.mjs) on 127.0.0.1, over HTTP or HTTPS with a test CA made here with the
// openssl CLI; a free-port helper; bounded HTTP(S) requests that trust a given CA and keep
// cookies; a client_credentials token request; decoding of a JWT's header and payload.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { stopChild, trackPid } from './process.mjs';

const SERVER_SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'oidc_server.mjs');
const KEEP = 64 * 1024;

/** The static client of the client_credentials tests (its id is the `sub` of its tokens). */
export const SERVICE_CLIENT = { clientId: 'e2e-service', clientSecret: 'e2e-service-secret-not-secret' };
/** A second static client, for a second subject. */
export const OTHER_CLIENT = { clientId: 'e2e-other-service', clientSecret: 'e2e-other-secret-not-secret' };

function staticClient({ clientId, clientSecret }) {
  return {
    client_id: clientId,
    client_secret: clientSecret,
    grant_types: ['client_credentials'],
    redirect_uris: [],
    response_types: [],
    scope: 'mcp reports:read reports:admin',
  };
}

/** A TCP port that was free a moment ago on 127.0.0.1 (bound to port 0, read, closed). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Makes a test CA and a server certificate for 127.0.0.1 (subjectAltName IP:127.0.0.1) with the
 * openssl CLI in a fresh temp folder. Returns { dir, caFile, keyFile, certFile, remove() }.
 */
export function makeTestCa() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'arcade-e2e-ca-'));
  const file = (name) => path.join(dir, name);
  const openssl = (...args) => execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'], timeout: 20000 });
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', file('ca.key'), '-out', file('ca.pem'),
    '-days', '2', '-subj', '/CN=arcade-mcp-cpp e2e test CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
  openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', file('server.key'), '-out', file('server.csr'),
    '-subj', '/CN=127.0.0.1');
  writeFileSync(file('server.ext'), [
    'basicConstraints=critical,CA:FALSE',
    'keyUsage=critical,digitalSignature,keyEncipherment',
    'extendedKeyUsage=serverAuth',
    'subjectAltName=IP:127.0.0.1',
  ].join('\n') + '\n');
  openssl('x509', '-req', '-in', file('server.csr'), '-CA', file('ca.pem'), '-CAkey', file('ca.key'),
    '-CAcreateserial', '-out', file('server.pem'), '-days', '2', '-extfile', file('server.ext'));
  return {
    dir,
    caFile: file('ca.pem'),
    keyFile: file('server.key'),
    certFile: file('server.pem'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * Starts oidc-provider for the MCP canonical URL `resource`. Options: `alg` of the access tokens
 * (RS256 or ES256), `https` (a makeTestCa() result: serve HTTPS with its server certificate).
 * Resolves { issuer, pid, ca (PEM path or undefined), stderr(), stop(), request(), token() }.
 */
export async function startOidc({ resource, alg = 'RS256', https: tls, startTimeoutMs = 15000 } = {}) {
  const config = {
    resource,
    alg,
    https: tls ? { key: tls.keyFile, cert: tls.certFile } : undefined,
    clients: [staticClient(SERVICE_CLIENT), staticClient(OTHER_CLIENT)],
  };
  const child = spawn(process.execPath, [SERVER_SCRIPT], {
    env: { ...process.env, OIDC_E2E_CONFIG: JSON.stringify(config) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  trackPid(child.pid);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (c) => { stderr = (stderr + c).slice(-KEEP); });
  const issuer = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(new Error(`oidc-provider printed no issuer within ${startTimeoutMs} ms; stderr:\n${stderr}`)), startTimeoutMs);
    const onData = (c) => {
      stdout = (stdout + c).slice(-KEEP);
      const m = /^issuer (\S+)$/m.exec(stdout);
      if (m) done(null, m[1]);
    };
    const onExit = (code, signal) => done(new Error(`oidc-provider exited (${code}, ${signal}); stderr:\n${stderr}`));
    function done(err, value) {
      clearTimeout(timer);
      child.stdout.off('data', onData);
      child.off('exit', onExit);
      if (err) reject(err); else resolve(value);
    }
    child.stdout.on('data', onData);
    child.once('exit', onExit);
  }).catch(async (err) => {
    await stopChild(child, { signal: 'SIGKILL', graceMs: 1000 });
    throw err;
  });
  child.stdout.resume();
  const ca = tls?.caFile;
  const as = {
    issuer,
    pid: child.pid,
    child,
    ca,
    stderr: () => stderr,
    stop: () => stopChild(child),
    /** A request to the AS, trusting its CA. */
    request: (url, options = {}) => request(new URL(url, issuer), { ca, ...options }),
    /** A client_credentials access token (the raw JWT) for `resource` with `scope`. */
    async token({ client = SERVICE_CLIENT, scope = 'mcp', resource: res = resource } = {}) {
      const body = new URLSearchParams({ grant_type: 'client_credentials', scope, resource: res }).toString();
      const basic = Buffer.from(`${encodeURIComponent(client.clientId)}:${encodeURIComponent(client.clientSecret)}`).toString('base64');
      const r = await as.request('/token', {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Authorization: `Basic ${basic}` },
        body,
      });
      if (r.status !== 200) throw new Error(`token endpoint: HTTP ${r.status}: ${r.text}`);
      return JSON.parse(r.text).access_token;
    },
  };
  return as;
}

/**
 * One bounded HTTP(S) request (node:http / node:https, so a private CA can be trusted).
 * Options: method, headers, body, ca (PEM file path), cookies (a CookieJar), timeoutMs.
 * Resolves { status, headers, text }.
 */
export function request(url, { method = 'GET', headers = {}, body, ca, cookies, timeoutMs = 10000 } = {}) {
  const target = new URL(url);
  const lib = target.protocol === 'https:' ? https : http;
  const allHeaders = { ...headers };
  const cookie = cookies?.header();
  if (cookie) allHeaders.Cookie = cookie;
  if (body !== undefined) allHeaders['Content-Length'] = Buffer.byteLength(body);
  return new Promise((resolve, reject) => {
    const req = lib.request(target, {
      method,
      headers: allHeaders,
      agent: false,
      ca: ca ? readFileSync(ca) : undefined,
    }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        clearTimeout(timer);
        cookies?.store(res.headers['set-cookie']);
        resolve({ status: res.statusCode, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('error', fail);
    });
    const timer = setTimeout(() => req.destroy(new Error(`${method} ${url}: no answer within ${timeoutMs} ms`)), timeoutMs);
    function fail(err) {
      clearTimeout(timer);
      reject(err);
    }
    req.on('error', fail);
    req.end(body);
  });
}

/** Cookies of one origin, by name (paths ignored: enough for oidc-provider's interaction pages). */
export class CookieJar {
  constructor() {
    this.cookies = new Map();
  }

  store(setCookie = []) {
    for (const line of setCookie) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attrs.some((a) => /^\s*expires=/i.test(a) && Date.parse(a.split('=')[1]) < Date.now());
      if (!value || expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  header() {
    return [...this.cookies].map(([n, v]) => `${n}=${v}`).join('; ');
  }
}

/** The decoded header and payload of a JWT (no verification). */
export function decodeJwt(token) {
  const [h, p] = token.split('.');
  return {
    header: JSON.parse(Buffer.from(h, 'base64url').toString('utf8')),
    payload: JSON.parse(Buffer.from(p, 'base64url').toString('utf8')),
  };
}
