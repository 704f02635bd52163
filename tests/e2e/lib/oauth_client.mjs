// The client side of the authorization code + PKCE test: an OAuthClientProvider (the interface
// of @modelcontextprotocol/sdk/client/auth.js) for a public client registered dynamically, whose
// redirectToAuthorization() drives oidc-provider's devInteractions pages by hand (follow the
// redirects keeping cookies, post the login form with a chosen login name, confirm consent) and
// captures the `code` of the final redirect to the redirect URI. Nothing listens on that URI.
// Also: the SDK client over Streamable HTTP with an authProvider, recording the URLs it fetched.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { CookieJar, request } from './oidc.mjs';
import { MessageRecorder, recordTransport } from './recorder.mjs';
import { REQUEST_OPTIONS } from './sdk.mjs';

const MAX_STEPS = 16;

/** The form of an interaction page: { action, prompt } (the hidden `prompt` input). */
function parseForm(html, base) {
  const action = /<form[^>]*action="([^"]+)"/i.exec(html)?.[1];
  const prompt = /name="prompt"\s+value="([^"]+)"/i.exec(html)?.[1];
  if (!action || !prompt) throw new Error(`no interaction form in page: ${html.slice(0, 500)}`);
  return { action: new URL(action.replace(/&amp;/g, '&'), base), prompt };
}

/**
 * Runs the interactive part of an authorization request at `authorizationUrl` as user `login`,
 * until the AS redirects to `redirectUri`. Resolves { code, state, steps } (steps: the URLs and
 * pages seen, for error messages). Rejects on an `error` redirect or after MAX_STEPS requests.
 */
export async function driveDevLogin(authorizationUrl, { login, redirectUri, ca }) {
  const cookies = new CookieJar();
  const steps = [];
  let next = { url: new URL(authorizationUrl), method: 'GET' };
  for (let i = 0; i < MAX_STEPS; i++) {
    const { url, method, body } = next;
    if (url.href.startsWith(redirectUri)) {
      const error = url.searchParams.get('error');
      if (error) throw new Error(`authorization failed: ${error}: ${url.searchParams.get('error_description')}`);
      const code = url.searchParams.get('code');
      if (!code) throw new Error(`redirect without code: ${url.href}`);
      return { code, state: url.searchParams.get('state'), steps };
    }
    const headers = body ? { 'Content-Type': 'application/x-www-form-urlencoded' } : {};
    const r = await request(url, { method, headers, body, cookies, ca });
    steps.push(`${method} ${url.pathname} -> ${r.status}`);
    if (r.status >= 300 && r.status < 400 && r.headers.location) {
      next = { url: new URL(r.headers.location, url), method: 'GET' };
      continue;
    }
    if (r.status !== 200) throw new Error(`${method} ${url.href}: HTTP ${r.status}: ${r.text.slice(0, 500)}\n${steps.join('\n')}`);
    const form = parseForm(r.text, url);
    const fields = form.prompt === 'login'
      ? { prompt: 'login', login, password: 'any-password' }
      : { prompt: form.prompt };
    next = { url: form.action, method: 'POST', body: new URLSearchParams(fields).toString() };
  }
  throw new Error(`no redirect to ${redirectUri} after ${MAX_STEPS} requests:\n${steps.join('\n')}`);
}

/**
 * OAuthClientProvider of a public client (token_endpoint_auth_method "none") that registers
 * dynamically and logs in as `login` through driveDevLogin. After the SDK called
 * redirectToAuthorization(), `code` holds the authorization code for transport.finishAuth().
 */
export class DevLoginProvider {
  constructor({ login, redirectUri = 'http://127.0.0.1:9/callback', ca } = {}) {
    this.login = login;
    this.redirectUri = redirectUri;
    this.ca = ca;
    this.code = undefined;
    this.authorizationUrl = undefined;
    this.registered = undefined;
    this.savedTokens = undefined;
    this.verifier = undefined;
  }

  get redirectUrl() {
    return this.redirectUri;
  }

  get clientMetadata() {
    return {
      client_name: 'arcade-mcp-cpp e2e',
      redirect_uris: [this.redirectUri],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    };
  }

  clientInformation() {
    return this.registered;
  }

  saveClientInformation(info) {
    this.registered = info;
  }

  tokens() {
    return this.savedTokens;
  }

  saveTokens(tokens) {
    this.savedTokens = tokens;
  }

  async redirectToAuthorization(url) {
    this.authorizationUrl = new URL(url);
    const { code } = await driveDevLogin(url, { login: this.login, redirectUri: this.redirectUri, ca: this.ca });
    this.code = code;
  }

  saveCodeVerifier(verifier) {
    this.verifier = verifier;
  }

  codeVerifier() {
    if (!this.verifier) throw new Error('no code verifier saved');
    return this.verifier;
  }
}

/**
 * Connects the SDK client to `url` with `authProvider`; every URL the transport fetches (MCP
 * endpoint, metadata, AS endpoints) is appended to `fetched` ("METHOD url"). Resolves
 * { client, transport, recorder, close() }; rejects with the SDK's error (e.g. UnauthorizedError
 * after redirectToAuthorization), the client closed, the transport in `err.transport` (for finishAuth).
 */
export async function connectWithAuth(url, authProvider, fetched = []) {
  const recordingFetch = (input, init) => {
    fetched.push(`${init?.method ?? 'GET'} ${typeof input === 'string' ? input : input.href ?? input.url}`);
    return fetch(input, { ...init, signal: init?.signal ?? AbortSignal.timeout(10000) });
  };
  const recorder = new MessageRecorder();
  const transport = recordTransport(new StreamableHTTPClientTransport(new URL(url), { authProvider, fetch: recordingFetch }), recorder);
  const client = new Client({ name: 'arcade-mcp-cpp-e2e-oauth', version: '0.0.0' });
  const close = async () => {
    recorder.closing = true;
    await Promise.race([client.close().catch(() => {}), new Promise((r) => setTimeout(r, 6000).unref())]);
  };
  try {
    await client.connect(transport, REQUEST_OPTIONS);
  } catch (err) {
    await close();
    if (err && typeof err === 'object') err.transport = transport;
    throw err;
  }
  return { client, transport, recorder, close };
}
