// Shared by conformance_stdio.test.mjs and conformance_http.test.mjs: the client side of the
// conversation with conformance-server (answers to sampling/createMessage and elicitation/create,
// a log of the notifications the client handled, bounded waits for them), and the checks both
// transports run: sampling, elicitation, list_changed, resources/updated and cancellation.
import assert from 'node:assert/strict';
import {
  CreateMessageRequestSchema,
  ElicitRequestSchema,
  LoggingMessageNotificationSchema,
  McpError,
  PromptListChangedNotificationSchema,
  ResourceListChangedNotificationSchema,
  ResourceUpdatedNotificationSchema,
  ToolListChangedNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { loadSchemaSet } from './schema.mjs';
import { REQUEST_OPTIONS } from './sdk.mjs';

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Calls a tool with the tests' time limit (and any extra request options). */
export function call(client, name, args = {}, options = {}) {
  return client.callTool({ name, arguments: args }, undefined, { ...REQUEST_OPTIONS, ...options });
}

/** The text of a result's single text content item. */
export function onlyText(result) {
  assert.ok(Array.isArray(result.content), `content is not an array: ${JSON.stringify(result)}`);
  assert.equal(result.content.length, 1, `expected one content item: ${JSON.stringify(result.content)}`);
  assert.equal(result.content[0].type, 'text', `expected text content: ${JSON.stringify(result.content)}`);
  return result.content[0].text;
}

export function assertNotError(result) {
  assert.ok(result.isError === undefined || result.isError === false, `isError set: ${JSON.stringify(result)}`);
}

/** Asserts that `promise` rejects with a JSON-RPC error of `code`; returns the error. */
export async function rejectsWithCode(promise, code) {
  let caught;
  await assert.rejects(promise, (err) => {
    assert.ok(err instanceof McpError, `expected McpError, got ${err?.stack ?? err}`);
    assert.equal(err.code, code, `expected code ${code}, got ${err.code}: ${err.message}`);
    caught = err;
    return true;
  });
  return caught;
}

/**
 * The client's half: declares sampling and elicitation, answers them with replaceable functions,
 * and keeps every notification it handled (list_changed, resources/updated, log messages).
 */
export class ClientSide {
  constructor() {
    this.samplingRequests = [];
    this.elicitationRequests = [];
    /** (params) => CreateMessageResult */
    this.sample = (params) => ({
      role: 'assistant',
      content: { type: 'text', text: `sampled answer to ${JSON.stringify(params.messages?.[0]?.content?.text ?? '')}` },
      model: 'e2e-model',
      stopReason: 'endTurn',
    });
    /** (params) => ElicitResult */
    this.elicit = () => ({ action: 'decline' });
    this.notifications = []; // { method, params }
    this._waiters = new Set();
    this.capabilities = { sampling: {}, elicitation: {} };
    this.setup = (client) => {
      client.setRequestHandler(CreateMessageRequestSchema, async (request) => {
        this.samplingRequests.push(request.params);
        return this.sample(request.params);
      });
      client.setRequestHandler(ElicitRequestSchema, async (request) => {
        this.elicitationRequests.push(request.params);
        return this.elicit(request.params);
      });
      for (const schema of [
        ToolListChangedNotificationSchema,
        ResourceListChangedNotificationSchema,
        PromptListChangedNotificationSchema,
        ResourceUpdatedNotificationSchema,
        LoggingMessageNotificationSchema,
      ]) {
        client.setNotificationHandler(schema, (notification) => {
          this.notifications.push({ method: notification.method, params: notification.params });
          for (const wake of [...this._waiters]) wake();
        });
      }
    };
  }

  /** A position in the notification log, for waits on what arrives after it. */
  mark() {
    return this.notifications.length;
  }

  /** Notifications of `method` handled since `since`. */
  since(since, method) {
    return this.notifications.slice(since).filter((n) => n.method === method);
  }

  /** Resolves the first notification of `method` after `since` matching `predicate`; rejects after `ms`. */
  waitFor(method, { since = 0, predicate = () => true, ms = 5000 } = {}) {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.since(since, method).find((n) => predicate(n.params ?? {}));
        if (!found) return;
        clearTimeout(timer);
        this._waiters.delete(check);
        resolve(found);
      };
      const timer = setTimeout(() => {
        this._waiters.delete(check);
        reject(new Error(`no ${method} within ${ms} ms; notifications since: ${JSON.stringify(this.notifications.slice(since))}`));
      }, ms);
      this._waiters.add(check);
      check();
    });
  }
}

/** tools/call test_sampling: the server asks the client's model; the answer is in the result. */
export async function checkSampling(client, side) {
  const before = side.samplingRequests.length;
  const result = await call(client, 'test_sampling', { prompt: 'What is 2+2?' });
  assertNotError(result);
  assert.equal(side.samplingRequests.length, before + 1, 'one sampling/createMessage request reached the client');
  const params = side.samplingRequests.at(-1);
  assert.equal(params.messages?.[0]?.role, 'user', JSON.stringify(params));
  assert.deepEqual(params.messages[0].content, { type: 'text', text: 'What is 2+2?' });
  assert.equal(params.maxTokens, 100, JSON.stringify(params));
  assert.equal(onlyText(result), 'LLM response: sampled answer to "What is 2+2?"');
}

/** tools/call test_elicitation, accepted: the content comes back in the result. */
export async function checkElicitationAccept(client, side) {
  side.elicit = () => ({ action: 'accept', content: { username: 'jdoe', email: 'jdoe@example.com' } });
  const before = side.elicitationRequests.length;
  const result = await call(client, 'test_elicitation', { message: 'Who are you?' });
  assertNotError(result);
  assert.equal(side.elicitationRequests.length, before + 1, 'one elicitation/create request reached the client');
  const params = side.elicitationRequests.at(-1);
  assert.equal(params.message, 'Who are you?');
  assert.ok(params.mode === undefined || params.mode === 'form', JSON.stringify(params));
  assert.equal(params.requestedSchema?.type, 'object', JSON.stringify(params));
  assert.deepEqual(Object.keys(params.requestedSchema.properties).sort(), ['email', 'username']);
  const text = onlyText(result);
  assert.match(text, /^User response: action=accept, content=/);
  assert.deepEqual(JSON.parse(text.slice(text.indexOf('content=') + 'content='.length)), {
    username: 'jdoe',
    email: 'jdoe@example.com',
  });
}

/** tools/call test_elicitation, declined: the tool sees the decline. */
export async function checkElicitationDecline(client, side) {
  side.elicit = () => ({ action: 'decline' });
  const result = await call(client, 'test_elicitation', { message: 'Who are you?' });
  assertNotError(result);
  assert.match(onlyText(result), /^User response: action=decline, content=/);
}

const DYNAMIC = {
  tools: {
    toggle: 'test_toggle_dynamic_tool',
    notification: 'notifications/tools/list_changed',
    names: async (client) => (await client.listTools(undefined, REQUEST_OPTIONS)).tools.map((t) => t.name),
    item: 'test_dynamic_tool',
    use: async (client) => assert.equal(onlyText(await call(client, 'test_dynamic_tool')), 'dynamic'),
    gone: (client) => rejectsWithCode(call(client, 'test_dynamic_tool'), -32602),
  },
  resources: {
    toggle: 'test_toggle_dynamic_resource',
    notification: 'notifications/resources/list_changed',
    names: async (client) => (await client.listResources(undefined, REQUEST_OPTIONS)).resources.map((r) => r.uri),
    item: 'test://dynamic-resource',
    use: async (client) => {
      const r = await client.readResource({ uri: 'test://dynamic-resource' }, REQUEST_OPTIONS);
      assert.equal(r.contents?.[0]?.text, 'dynamic', JSON.stringify(r));
    },
    gone: (client) => rejectsWithCode(client.readResource({ uri: 'test://dynamic-resource' }, REQUEST_OPTIONS), -32002),
  },
  prompts: {
    toggle: 'test_toggle_dynamic_prompt',
    notification: 'notifications/prompts/list_changed',
    names: async (client) => (await client.listPrompts(undefined, REQUEST_OPTIONS)).prompts.map((p) => p.name),
    item: 'test_dynamic_prompt',
    use: async (client) => {
      const r = await client.getPrompt({ name: 'test_dynamic_prompt' }, REQUEST_OPTIONS);
      assert.deepEqual(r.messages, [{ role: 'user', content: { type: 'text', text: 'dynamic' } }]);
    },
    gone: (client) => rejectsWithCode(client.getPrompt({ name: 'test_dynamic_prompt' }, REQUEST_OPTIONS), -32602),
  },
};

export const DYNAMIC_KINDS = Object.keys(DYNAMIC);

/**
 * Toggles a run-time item on and off: each toggle is followed by its list_changed notification,
 * the item is listed (and usable) while present and neither once removed.
 * Returns the two notifications the client handled.
 */
export async function checkListChanged(client, side, kind) {
  const d = DYNAMIC[kind];
  assert.ok(!(await d.names(client)).includes(d.item), `${d.item} is not there before the toggle`);

  let since = side.mark();
  assert.equal(onlyText(await call(client, d.toggle)), 'added');
  const added = await side.waitFor(d.notification, { since });
  assert.ok((await d.names(client)).includes(d.item), `${d.item} is listed after it was added`);
  await d.use(client);

  since = side.mark();
  assert.equal(onlyText(await call(client, d.toggle)), 'removed');
  const removed = await side.waitFor(d.notification, { since });
  assert.ok(!(await d.names(client)).includes(d.item), `${d.item} is no longer listed after it was removed`);
  await d.gone(client);
  return [added, removed];
}

export const WATCHED = 'test://watched-resource';

/**
 * resources/subscribe, then test_update_watched_resource: notifications/resources/updated with the
 * URI arrives; after resources/unsubscribe, another update sends none (checked for `quietMs`).
 * Returns the updated notification.
 */
export async function checkSubscription(client, side, { quietMs = 1000 } = {}) {
  assert.deepEqual(await client.subscribeResource({ uri: WATCHED }, REQUEST_OPTIONS), {});
  let since = side.mark();
  assert.equal(onlyText(await call(client, 'test_update_watched_resource')), 'notified');
  const updated = await side.waitFor('notifications/resources/updated', { since, predicate: (p) => p.uri === WATCHED });

  assert.deepEqual(await client.unsubscribeResource({ uri: WATCHED }, REQUEST_OPTIONS), {});
  since = side.mark();
  assert.equal(onlyText(await call(client, 'test_update_watched_resource')), 'notified');
  await sleep(quietMs);
  assert.deepEqual(side.since(since, 'notifications/resources/updated'), [], 'no update after unsubscribing');
  return updated;
}

/** The "tool call" log line of request `id` on stderr: { outcome, durationMs } or null. */
export function toolCallLog(stderr, tool, id) {
  for (const line of stderr.split('\n')) {
    if (!line.includes('tool call') || !line.includes(`tool=${tool} `)) continue;
    const requestId = /request_id=("?)([^"\s]*)\1/.exec(line)?.[2];
    if (requestId !== String(id)) continue;
    const outcome = /outcome=("?)([^"\s]*)\1/.exec(line)?.[2];
    const duration = /duration_ms=([\d.]+)/.exec(line)?.[1];
    return { outcome, durationMs: duration === undefined ? undefined : Number(duration), line };
  }
  return null;
}

/**
 * Calls test_slow_tool {seconds: 10} and aborts after 200 ms: the SDK sends
 * notifications/cancelled; the server sends no response for that id, logs the call as
 * "stopped" well before the 10 s, and still answers ping.
 */
export async function checkCancellation(conn, stderr) {
  const { client, recorder } = conn;
  const controller = new AbortController();
  const firstClient = recorder.clientMessages.length;
  const pending = call(client, 'test_slow_tool', { seconds: 10 }, { signal: controller.signal });
  const timer = setTimeout(() => controller.abort(new Error('cancelled by the e2e test')), 200);
  try {
    await assert.rejects(pending, /cancelled by the e2e test/);
  } finally {
    clearTimeout(timer);
  }
  const sent = recorder.clientMessages.slice(firstClient);
  const request = sent.find((m) => m.method === 'tools/call' && m.params?.name === 'test_slow_tool');
  assert.ok(request, 'the tools/call request was sent');
  const cancelled = sent.find((m) => m.method === 'notifications/cancelled');
  assert.ok(cancelled, `the SDK sent notifications/cancelled: ${JSON.stringify(sent)}`);
  assert.equal(cancelled.params.requestId, request.id);

  // The tool polls its stop token every 10 ms: its log line appears soon after the cancellation.
  const deadline = Date.now() + 5000;
  let log = null;
  while (!(log = toolCallLog(stderr(), 'test_slow_tool', request.id)) && Date.now() < deadline) await sleep(50);
  assert.ok(log, `no "tool call" log line for request ${request.id} within 5 s; stderr:\n${stderr()}`);
  assert.equal(log.outcome, 'stopped', log.line);
  assert.ok(log.durationMs < 5000, `the tool stopped early: ${log.line}`);

  await sleep(300); // a response written just after the log line would have arrived by now
  const answers = recorder.serverMessages.filter(({ message }) => message.id === request.id && !('method' in message));
  assert.deepEqual(answers, [], 'no response to a cancelled request');
  assert.deepEqual(await client.ping(REQUEST_OPTIONS), {});
}

/** Result definition of each method whose results the recorder only checks against the ServerResult union. */
const RESULT_DEFS = {
  'resources/list': 'ListResourcesResult',
  'resources/templates/list': 'ListResourceTemplatesResult',
  'resources/read': 'ReadResourceResult',
  'prompts/list': 'ListPromptsResult',
  'prompts/get': 'GetPromptResult',
  'completion/complete': 'CompleteResult',
};
const EMPTY_RESULT_METHODS = new Set(['logging/setLevel', 'resources/subscribe', 'resources/unsubscribe']);

/**
 * The recorder checks results of methods other than initialize, tools/list and tools/call against
 * the ServerResult union, which accepts any object (it includes Result). This checks each
 * recorded result against the definition of its request's method, and that results of
 * logging/setLevel and resources/(un)subscribe are empty. Skipped with MCP_SCHEMA_DIR=skip.
 */
export function assertResultsMatchTheirMethods(recorder, t) {
  const schemas = loadSchemaSet();
  if (schemas === null) {
    t?.skip('MCP_SCHEMA_DIR=skip: schema checks skipped');
    return;
  }
  const failures = [];
  let checked = 0;
  for (const { message, requestMethod, revision } of recorder.serverMessages) {
    if (!message || typeof message !== 'object' || !('result' in message)) continue;
    const def = RESULT_DEFS[requestMethod];
    if (def) {
      checked++;
      for (const f of schemas.validators[revision].check(def, message.result, 'result')) failures.push(`${JSON.stringify(message)}\n    -> ${f}`);
    } else if (EMPTY_RESULT_METHODS.has(requestMethod)) {
      checked++;
      const extra = Object.keys(message.result ?? {}).filter((k) => k !== '_meta');
      if (extra.length > 0) failures.push(`${JSON.stringify(message)}\n    -> ${requestMethod} result must be empty`);
    }
  }
  assert.ok(checked > 0, 'no result of those methods was recorded');
  assert.deepEqual(failures, [], `results not matching their method's definition:\n${failures.join('\n')}`);
}
