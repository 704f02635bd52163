// Records every JSON-RPC message between test client and server: wraps an SDK
// transport (send, onmessage, onerror) or is fed by raw tests directly. Tracks
// request id -> method, learns the negotiated revision from the initialize
// result, and checks all server messages against that revision's schema.
import assert from 'node:assert/strict';
import { loadSchemaSet } from './schema.mjs';

const idKey = (id) => JSON.stringify(id);

export class MessageRecorder {
  /** @param {string} requestedRevision revision used until an initialize result names one */
  constructor(requestedRevision = '2025-11-25') {
    this.requestedRevision = requestedRevision;
    this.revision = null;
    this.clientMessages = [];
    this.serverMessages = []; // { message, requestMethod, revision }
    this.transportErrors = [];
    this.closing = false;
    this._methods = new Map();
  }

  /** Records a message the client sends. */
  clientSent(message) {
    this.clientMessages.push(message);
    if (message && typeof message === 'object' && 'method' in message && 'id' in message) {
      this._methods.set(idKey(message.id), message.method);
    }
  }

  /** Records a message the server sent. */
  serverSent(message) {
    const requestMethod =
      message && typeof message === 'object' && 'id' in message && !('method' in message)
        ? this._methods.get(idKey(message.id))
        : undefined;
    if (requestMethod === 'initialize' && typeof message.result?.protocolVersion === 'string') {
      this.revision = message.result.protocolVersion;
    }
    this.serverMessages.push({ message, requestMethod, revision: this.revision ?? this.requestedRevision });
  }

  /** Records an error the transport reported (ignored once closing started). */
  transportError(error) {
    if (!this.closing) this.transportErrors.push(error);
  }

  /**
   * Schema failures of every recorded server message, plus transport errors.
   * Returns null when schema checks are skipped (MCP_SCHEMA_DIR=skip).
   * Throws when the schema folder is missing.
   */
  failures() {
    const schemas = loadSchemaSet();
    const failures = this.transportErrors.map((e) => `transport error: ${e?.stack ?? e}`);
    if (!schemas) return failures;
    this.serverMessages.forEach(({ message, requestMethod, revision }, index) => {
      for (const failure of schemas.validateServerMessage(revision, message, requestMethod)) {
        failures.push(`server message #${index} ${JSON.stringify(message)}\n    -> ${failure}`);
      }
    });
    return failures;
  }

  /**
   * Fails the test listing every invalid server message. With MCP_SCHEMA_DIR=skip
   * only transport errors are checked and test context `t` (if given) is marked skipped.
   */
  assertAllValid(t) {
    assert.ok(this.serverMessages.length > 0, 'no server message was recorded');
    const failures = this.failures();
    assert.deepEqual(failures, [], `invalid server messages:\n${failures.join('\n')}`);
    if (loadSchemaSet() === null) t?.skip('MCP_SCHEMA_DIR=skip: schema checks skipped');
  }
}

/**
 * Wraps an SDK client transport so that every message in both directions is recorded.
 * The SDK chains handlers (it reads onmessage/onerror before replacing them), so the
 * setters wrap each handler they are given and a WeakSet keeps each message or error
 * from being recorded twice.
 */
export function recordTransport(transport, recorder) {
  const send = transport.send.bind(transport);
  transport.send = (message, options) => {
    recorder.clientSent(message);
    return send(message, options);
  };
  const seen = new WeakSet();
  const once = (value, record) => {
    if (value !== null && typeof value === 'object') {
      if (seen.has(value)) return;
      seen.add(value);
    }
    record(value);
  };
  const intercept = (property, record) => {
    let handler;
    Object.defineProperty(transport, property, {
      configurable: true,
      get: () => handler,
      set: (fn) => {
        handler =
          typeof fn === 'function'
            ? (value, ...rest) => {
                once(value, record);
                return fn(value, ...rest);
              }
            : fn;
      },
    });
  };
  intercept('onmessage', (message) => recorder.serverSent(message));
  intercept('onerror', (error) => recorder.transportError(error));
  return transport;
}
