// Settings of the end-to-end tests, all read from the environment:
// the server binary (ARCADE_EVAL_REF_BIN, required; CONFORMANCE_SERVER_BIN for the
// conformance-server tests), the MCP schema folder
// (MCP_SCHEMA_DIR, default <repo>/../shared/mcp-schema, or "skip"), and the
// environment every spawned server gets.
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
 * The environment of a spawned server: this process's environment without any
 * ARCADE_* variable of the caller's shell, plus ARCADE_USER_ID and the given extras.
 */
export function serverEnv(extra = {}) {
  const env = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('ARCADE_') && value !== undefined) env[key] = value;
  }
  env.ARCADE_USER_ID = DEFAULT_USER_ID;
  return { ...env, ...extra };
}
