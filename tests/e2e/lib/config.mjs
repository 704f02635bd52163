// Settings of the end-to-end tests, all read from the environment:
// the server binary (ARCADE_EVAL_REF_BIN, required; CONFORMANCE_SERVER_BIN for the
// conformance-server tests), the MCP schema folder
// (MCP_SCHEMA_DIR, default <repo>/../shared/mcp-schema, or "skip"), and the
// environment every spawned server gets (with front-door auth on when E2E_FRONT_DOOR_AUTH=1).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** tests/e2e, the folder holding package.json. */
export const E2E_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** The repository root: two folders above tests/e2e. */
export const REPO_DIR = path.resolve(E2E_DIR, '..', '..');

/** The user id every server gets unless a test sets another. */
export const DEFAULT_USER_ID = 'e2e-user@example.com';

/** Absolute path of the binary named by environment variable `name`; throws a clear error when unset or missing. */
function binaryFromEnv(name, example) {
  const bin = process.env[name];
  if (!bin) {
    throw new Error(`${name} is not set: point it at the ${example} binary, e.g. ` + `${name}=build/release/bin/${example} node --test`);
  }
  const abs = path.resolve(bin);
  if (!existsSync(abs)) {
    throw new Error(`${name}=${bin} does not exist (resolved to ${abs})`);
  }
  return abs;
}

/** Absolute path of the arcade-eval-ref binary; throws a clear error when unset or missing. */
export function serverBinary() {
  return binaryFromEnv('ARCADE_EVAL_REF_BIN', 'arcade-eval-ref');
}

/** Absolute path of the conformance-server binary (CONFORMANCE_SERVER_BIN); same rules as serverBinary(). */
export function conformanceServerBinary() {
  return binaryFromEnv('CONFORMANCE_SERVER_BIN', 'conformance-server');
}

/**
 * The schema folder: { skip: true } when MCP_SCHEMA_DIR=skip, else { dir }.
 * Existence is checked by the schema loader, so that a missing folder fails the checks.
 */
export function schemaDirSetting() {
  const value = process.env.MCP_SCHEMA_DIR;
  if (value === 'skip') return { skip: true, dir: null };
  if (value) return { skip: false, dir: path.resolve(value) };
  return { skip: false, dir: path.resolve(REPO_DIR, '..', 'shared', 'mcp-schema') };
}

/**
 * True when E2E_FRONT_DOOR_AUTH=1: every spawned server also gets FRONT_DOOR_AUTH_ENV, so that
 * the tests that never call /mcp over HTTP with auth expectations (stdio, worker routes) show
 * them unchanged with front-door authorization on.
 */
export const FRONT_DOOR_AUTH = process.env.E2E_FRONT_DOOR_AUTH === '1';

/**
 * A valid front-door auth configuration whose authorization server and JWKS do not exist
 * (nothing listens on 127.0.0.1:9): /mcp over HTTP then answers 401 to every request, and the
 * protected resource metadata names FRONT_DOOR_CANONICAL_URL.
 */
export const FRONT_DOOR_CANONICAL_URL = 'http://127.0.0.1:9/mcp';
export const FRONT_DOOR_AUTH_ENV = Object.freeze({
  MCP_RESOURCE_SERVER_CANONICAL_URL: FRONT_DOOR_CANONICAL_URL,
  MCP_RESOURCE_SERVER_AUTHORIZATION_SERVERS: JSON.stringify([
    { authorization_server_url: 'http://127.0.0.1:9', jwks_uri: 'http://127.0.0.1:9/jwks.json' },
  ]),
});

/**
 * The environment of a spawned server: this process's environment without any
 * ARCADE_* variable of the caller's shell, plus ARCADE_USER_ID, FRONT_DOOR_AUTH_ENV when
 * E2E_FRONT_DOOR_AUTH=1 (not for a test that sets any MCP_RESOURCE_SERVER_* itself), and the
 * given extras.
 */
export function serverEnv(extra = {}) {
  const env = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('ARCADE_') && value !== undefined) env[key] = value;
  }
  env.ARCADE_USER_ID = DEFAULT_USER_ID;
  const ownAuth = Object.keys(extra).some((key) => key.startsWith('MCP_RESOURCE_SERVER_'));
  if (FRONT_DOOR_AUTH && !ownAuth) Object.assign(env, FRONT_DOOR_AUTH_ENV);
  return { ...env, ...extra };
}
