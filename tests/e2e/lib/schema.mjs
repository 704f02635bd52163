// Loads the official MCP JSON schemas (one per protocol revision) and checks
// one server->client JSON-RPC message against the schema of the negotiated
// revision: envelope and payload, chosen from the method of the request the
// message answers. Returns a list of human-readable failures (empty = valid).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import Ajv from 'ajv';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { schemaDirSetting } from './config.mjs';

/** Revisions whose schema the tests use, with their draft and definitions key. */
export const REVISIONS = {
  '2025-03-26': { draft: '07', defsKey: 'definitions' },
  '2025-06-18': { draft: '07', defsKey: 'definitions' },
  '2025-11-25': { draft: '2020-12', defsKey: '$defs' },
};

/** Payload schema of a successful response, by the method of the request it answers. */
const RESULT_DEF_BY_METHOD = {
  initialize: 'InitializeResult',
  'tools/list': 'ListToolsResult',
  'tools/call': 'CallToolResult',
};

class RevisionValidator {
  constructor(rev, schema) {
    const { draft, defsKey } = REVISIONS[rev];
    const defs = schema[defsKey];
    if (!defs || typeof defs !== 'object') {
      throw new Error(`schema ${rev} has no "${defsKey}" object`);
    }
    this.rev = rev;
    this.defsKey = defsKey;
    this.defs = defs;
    // Revisions up to 2025-06-18 name the error envelope JSONRPCError and the result
    // envelope JSONRPCResponse; 2025-11-25 renamed them (JSONRPCResponse is now the union).
    this.errorDef = 'JSONRPCErrorResponse' in defs ? 'JSONRPCErrorResponse' : 'JSONRPCError';
    this.resultEnvelopeDef = 'JSONRPCResultResponse' in defs ? 'JSONRPCResultResponse' : 'JSONRPCResponse';
    for (const name of [
      this.errorDef,
      this.resultEnvelopeDef,
      'JSONRPCRequest',
      'JSONRPCNotification',
      'ServerRequest',
      'ServerNotification',
      'ServerResult',
      ...Object.values(RESULT_DEF_BY_METHOD),
    ]) {
      if (!(name in defs)) throw new Error(`schema ${rev} has no definition ${name}`);
    }

    const AjvClass = draft === '2020-12' ? Ajv2020 : Ajv;
    this.ajv = new AjvClass({ allErrors: true, strict: true, allowUnionTypes: true });
    addFormats(this.ajv);
    this.ajv.addSchema(schema, 'mcp');

    // An error answering no identifiable request (e.g. -32700 for an unparsable
    // message) cannot carry an id. 2025-11-25 made `id` optional for that; the older
    // schemas still require it, so for id-less errors only, the older revisions are
    // checked against a copy of their error definition with `id` no longer required.
    const relaxed = structuredClone(schema);
    const errorDef = relaxed[defsKey][this.errorDef];
    errorDef.required = (errorDef.required ?? []).filter((key) => key !== 'id');
    this.ajv.addSchema(relaxed, 'mcp-idless-error');
    this._cache = new Map();
  }

  /** Validates `data` against definition `name`; returns failure strings. */
  check(name, data, label, schemaKey = 'mcp') {
    const key = `${schemaKey}#${name}`;
    let validate = this._cache.get(key);
    if (!validate) {
      validate = this.ajv.getSchema(`${schemaKey}#/${this.defsKey}/${name}`);
      if (!validate) throw new Error(`schema ${this.rev}: cannot compile ${name}`);
      this._cache.set(key, validate);
    }
    if (validate(data)) return [];
    return [`${label} is not a valid ${name} (${this.rev}): ${this.ajv.errorsText(validate.errors, { dataVar: label })}`];
  }
}

export class SchemaSet {
  constructor(dir) {
    this.dir = dir;
    this.validators = {};
    for (const rev of Object.keys(REVISIONS)) {
      const file = path.join(dir, rev, 'schema.json');
      if (!existsSync(file)) throw new Error(`MCP schema file missing: ${file}`);
      this.validators[rev] = new RevisionValidator(rev, JSON.parse(readFileSync(file, 'utf8')));
    }
  }

  /**
   * Checks one message the server sent, under revision `rev`.
   * `requestMethod` is the method of the client request whose id the message carries
   * (undefined when no such request exists). Returns failure strings.
   */
  validateServerMessage(rev, message, requestMethod) {
    const v = this.validators[rev];
    if (!v) return [`negotiated protocol revision ${JSON.stringify(rev)} has no schema here`];
    const label = 'message';
    if (message === null || typeof message !== 'object' || Array.isArray(message)) {
      return [`server message is not a JSON object: ${JSON.stringify(message)}`];
    }
    const hasId = Object.hasOwn(message, 'id');
    const hasMethod = Object.hasOwn(message, 'method');
    const hasResult = Object.hasOwn(message, 'result');
    const hasError = Object.hasOwn(message, 'error');

    if (hasMethod && hasId) {
      return [...v.check('JSONRPCRequest', message, label), ...v.check('ServerRequest', message, label)];
    }
    if (hasMethod) {
      return [...v.check('JSONRPCNotification', message, label), ...v.check('ServerNotification', message, label)];
    }
    if (hasResult && hasError) return ['response carries both "result" and "error"'];
    if (hasError) {
      const failures = hasId
        ? v.check(v.errorDef, message, label)
        : v.check(v.errorDef, message, label, 'mcp-idless-error');
      if (hasId && message.id !== null && requestMethod === undefined) {
        failures.push(`error response id ${JSON.stringify(message.id)} matches no request the client sent`);
      }
      return failures;
    }
    if (hasResult) {
      const failures = v.check(v.resultEnvelopeDef, message, label);
      if (requestMethod === undefined) {
        failures.push(`response id ${JSON.stringify(message.id)} matches no request the client sent`);
        return failures;
      }
      const def = RESULT_DEF_BY_METHOD[requestMethod];
      if (def) {
        failures.push(...v.check(def, message.result, 'result'));
      } else if (requestMethod === 'ping') {
        if (!isDeepStrictEqual(message.result, {})) {
          failures.push(`result of ping must be exactly {}, got ${JSON.stringify(message.result)}`);
        }
      } else {
        failures.push(...v.check('ServerResult', message.result, 'result'));
      }
      return failures;
    }
    return [`message is neither request, notification nor response: ${JSON.stringify(message)}`];
  }
}

let cached;

/**
 * The schema set from MCP_SCHEMA_DIR (or the default folder), loaded once.
 * Returns null when MCP_SCHEMA_DIR=skip (after a loud warning); throws a clear
 * error when the folder or a revision's schema.json is missing.
 */
export function loadSchemaSet() {
  if (cached !== undefined) return cached;
  const setting = schemaDirSetting();
  if (setting.skip) {
    console.warn(
      '\n' +
        '*****************************************************************\n' +
        '* WARNING: MCP_SCHEMA_DIR=skip - server messages are NOT checked *\n' +
        '* against the official MCP JSON schemas in this run.            *\n' +
        '*****************************************************************\n'
    );
    cached = null;
    return cached;
  }
  if (!existsSync(setting.dir)) {
    throw new Error(
      `MCP schema folder not found: ${setting.dir}. Set MCP_SCHEMA_DIR to the folder holding ` +
        '<revision>/schema.json (e.g. shared/mcp-schema), or MCP_SCHEMA_DIR=skip to skip schema checks.'
    );
  }
  cached = new SchemaSet(setting.dir);
  return cached;
}
