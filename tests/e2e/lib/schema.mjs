// Loads the official MCP JSON schemas (one per protocol revision) and checks
// one server->client JSON-RPC message against the schema of the negotiated
// revision: envelope and payload, chosen from the method of the request the
// message answers. Returns a list of human-readable failures (empty = valid).
// Revision 2026-07-28 (no sessions; every request names its revision in _meta) is
// checked by its own rules: results by method or by resultType, errors by code,
// no server-to-client requests (validateModernMessage).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import Ajv from 'ajv';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { schemaDirSetting } from './config.mjs';

/** The 2026-07-28 revision: per-request metadata instead of sessions. */
export const MODERN_REVISION = '2026-07-28';

/** The 2025-era revisions (negotiated by initialize), with their draft and definitions key. */
export const REVISIONS = {
  '2025-03-26': { draft: '07', defsKey: 'definitions' },
  '2025-06-18': { draft: '07', defsKey: 'definitions' },
  '2025-11-25': { draft: '2020-12', defsKey: '$defs' },
};

/** Every revision whose schema the tests load: the 2025 era and 2026-07-28. */
export const ALL_REVISIONS = {
  ...REVISIONS,
  [MODERN_REVISION]: { draft: '2020-12', defsKey: '$defs', modern: true },
};

/** Payload schema of a successful response, by the method of the request it answers (2025 era). */
const RESULT_DEF_BY_METHOD = {
  initialize: 'InitializeResult',
  'tools/list': 'ListToolsResult',
  'tools/call': 'CallToolResult',
};

/** 2026-07-28: payload schema of a `resultType: "complete"` result, by method. */
export const MODERN_RESULT_DEF_BY_METHOD = {
  'server/discover': 'DiscoverResult',
  'tools/list': 'ListToolsResult',
  'tools/call': 'CallToolResult',
  'prompts/list': 'ListPromptsResult',
  'prompts/get': 'GetPromptResult',
  'resources/list': 'ListResourcesResult',
  'resources/templates/list': 'ListResourceTemplatesResult',
  'resources/read': 'ReadResourceResult',
  'completion/complete': 'CompleteResult',
  'subscriptions/listen': 'SubscriptionsListenResult',
};

/** 2026-07-28: the only methods that may answer `resultType: "input_required"`. */
export const MODERN_INPUT_REQUIRED_METHODS = new Set(['tools/call', 'prompts/get', 'resources/read']);

/**
 * 2026-07-28: error definitions by code. `envelope` definitions describe the whole response
 * (jsonrpc, id, error); the others describe the error object only.
 */
export const MODERN_ERROR_DEF_BY_CODE = {
  [-32700]: { def: 'ParseError', envelope: false },
  [-32600]: { def: 'InvalidRequestError', envelope: false },
  [-32601]: { def: 'MethodNotFoundError', envelope: false },
  [-32602]: { def: 'InvalidParamsError', envelope: false },
  [-32603]: { def: 'InternalError', envelope: false },
  [-32020]: { def: 'HeaderMismatchError', envelope: true },
  [-32021]: { def: 'MissingRequiredClientCapabilityError', envelope: true },
  [-32022]: { def: 'UnsupportedProtocolVersionError', envelope: true },
};

/** Codes -32020 ... -32099 are reserved for the MCP specification from 2026-07-28 on. */
const isReservedModernCode = (code) => Number.isInteger(code) && code <= -32020 && code >= -32099;

class RevisionValidator {
  constructor(rev, schema) {
    const { draft, defsKey, modern } = ALL_REVISIONS[rev];
    const defs = schema[defsKey];
    if (!defs || typeof defs !== 'object') {
      throw new Error(`schema ${rev} has no "${defsKey}" object`);
    }
    this.rev = rev;
    this.defsKey = defsKey;
    this.defs = defs;
    this.modern = Boolean(modern);
    // Revisions up to 2025-06-18 name the error envelope JSONRPCError and the result
    // envelope JSONRPCResponse; 2025-11-25 renamed them (JSONRPCResponse is now the union).
    this.errorDef = 'JSONRPCErrorResponse' in defs ? 'JSONRPCErrorResponse' : 'JSONRPCError';
    this.resultEnvelopeDef = 'JSONRPCResultResponse' in defs ? 'JSONRPCResultResponse' : 'JSONRPCResponse';
    const needed = this.modern
      ? [
          'ServerNotification',
          'ServerResult',
          'ClientRequest',
          'InputRequiredResult',
          ...Object.values(MODERN_RESULT_DEF_BY_METHOD),
          ...Object.values(MODERN_ERROR_DEF_BY_CODE).map((e) => e.def),
        ]
      : ['ServerRequest', 'ServerNotification', 'ServerResult', ...Object.values(RESULT_DEF_BY_METHOD)];
    for (const name of [this.errorDef, this.resultEnvelopeDef, 'JSONRPCRequest', 'JSONRPCNotification', ...needed]) {
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
    for (const rev of Object.keys(ALL_REVISIONS)) {
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
    if (v.modern) return this.validateModernMessage(message, requestMethod);
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

  /**
   * Checks one message a 2026-07-28 server sent. `requestMethod` is the method of the client
   * request whose id the message carries. Results: envelope, `resultType` present, and the
   * payload definition of the method (`InputRequiredResult` when resultType is
   * "input_required", which only tools/call, prompts/get and resources/read may answer).
   * Errors: envelope, and the definition of the code (-32020/-32021/-32022 as whole responses,
   * the JSON-RPC codes as error objects); other codes in the spec's reserved range -32020 ...
   * -32099 are refused. Notifications: ServerNotification. Requests: refused (the revision
   * has no server-to-client requests; the client's input travels in input_required results).
   */
  validateModernMessage(message, requestMethod) {
    const v = this.validators[MODERN_REVISION];
    const label = 'message';
    if (message === null || typeof message !== 'object' || Array.isArray(message)) {
      return [`server message is not a JSON object: ${JSON.stringify(message)}`];
    }
    const hasId = Object.hasOwn(message, 'id');
    const hasMethod = Object.hasOwn(message, 'method');
    const hasResult = Object.hasOwn(message, 'result');
    const hasError = Object.hasOwn(message, 'error');
    if (hasMethod && hasId) {
      return [`${MODERN_REVISION} has no server-to-client requests, got ${JSON.stringify(message)}`];
    }
    if (hasMethod) {
      return [...v.check('JSONRPCNotification', message, label), ...v.check('ServerNotification', message, label)];
    }
    if (hasResult && hasError) return ['response carries both "result" and "error"'];
    if (hasError) {
      const failures = v.check(v.errorDef, message, label);
      if (message.id === null) failures.push('error response with "id": null');
      if (hasId && requestMethod === undefined) {
        failures.push(`error response id ${JSON.stringify(message.id)} matches no request the client sent`);
      }
      const code = message.error?.code;
      const known = MODERN_ERROR_DEF_BY_CODE[code];
      if (known?.envelope) failures.push(...v.check(known.def, message, label));
      else if (known) failures.push(...v.check(known.def, message.error, 'error'));
      else if (isReservedModernCode(code)) failures.push(`error code ${code} is reserved for the MCP specification and not defined in ${MODERN_REVISION}`);
      return failures;
    }
    if (hasResult) {
      const failures = v.check(v.resultEnvelopeDef, message, label);
      if (requestMethod === undefined) {
        failures.push(`response id ${JSON.stringify(message.id)} matches no request the client sent`);
        return failures;
      }
      const result = message.result;
      if (result?.resultType === 'input_required') {
        if (!MODERN_INPUT_REQUIRED_METHODS.has(requestMethod)) {
          failures.push(`${requestMethod} may not answer resultType "input_required"`);
        }
        failures.push(...v.check('InputRequiredResult', result, 'result'));
        if (result && !('inputRequests' in result) && !('requestState' in result)) {
          failures.push('an InputRequiredResult needs inputRequests or requestState');
        }
        return failures;
      }
      const def = MODERN_RESULT_DEF_BY_METHOD[requestMethod];
      failures.push(...v.check(def ?? 'ServerResult', result, 'result'));
      return failures;
    }
    return [`message is neither request, notification nor response: ${JSON.stringify(message)}`];
  }

  /**
   * Checks one request a 2026-07-28 client sends (JSONRPCRequest and ClientRequest), so that
   * the tests' own client is held to the schema too. Returns failure strings.
   */
  validateModernClientRequest(message) {
    const v = this.validators[MODERN_REVISION];
    return [...v.check('JSONRPCRequest', message, 'request'), ...v.check('ClientRequest', message, 'request')];
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
