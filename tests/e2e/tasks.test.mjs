// MCP tasks (docs/tasks.md, ../shared/spec/tasks.md §1) against conformance-server over Streamable HTTP.
// - 2025-11-25 session driven by the official TypeScript SDK's own task API
//   (client.experimental.tasks: callToolStream, getTask, getTaskResult, listTasks, cancelTask):
//   create (task-augmented tools/call), poll, result with the related-task _meta, tool errors
//   (failed), protocol errors, input while waiting (elicitation/create arriving on the open
//   tasks/result stream, answered by the client's handler), cancel (cancelled; again: -32602),
//   list, TTL expiry (-32602 afterwards); every result checked against its 2025-11-25 definition.
// - Who may see a task: without ARCADE_USER_ID each session owns its tasks (another session gets
//   -32602 as for an unknown id); with it, two sessions of that user share them.
// - 2026-07-28 (the io.modelcontextprotocol/tasks extension, no SDK support; lib/modern_client.mjs
//   over fetch): tools/call → resultType "task", tasks/get with Mcp-Method / Mcp-Name until
//   completed; a missing Mcp-Name is -32020; a task of a 2025 session read from the new wire.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CallToolResultSchema, McpError } from '@modelcontextprotocol/sdk/types.js';
import { conformanceServerBinary } from './lib/config.mjs';
import { ClientSide, onlyText, rejectsWithCode, sleep } from './lib/conformance.mjs';
import { MODERN_REVISION, ModernHttpClient } from './lib/modern_client.mjs';
import { loadSchemaSet } from './lib/schema.mjs';
import { connectHttp, REQUEST_OPTIONS } from './lib/sdk.mjs';
import { startHttpServer } from './lib/server.mjs';

const T = { timeout: 30000 };
const LEGACY = '2025-11-25';
const RELATED_TASK = 'io.modelcontextprotocol/related-task';
const TASKS_EXTENSION = 'io.modelcontextprotocol/tasks';
const INVALID_PARAMS = -32602;
const METHOD_NOT_FOUND = -32601;
const TERMINAL = new Set(['completed', 'failed', 'cancelled']);

/**
 * Creates a task with the SDK: callToolStream with `task` request options, stopped after its
 * first message (taskCreated), so that the test drives polling itself. Resolves the Task.
 */
async function createTask(client, name, args = {}, task = {}) {
  const stream = client.experimental.tasks.callToolStream({ name, arguments: args }, CallToolResultSchema, {
    ...REQUEST_OPTIONS,
    task,
  });
  const first = await stream.next();
  await stream.return();
  assert.ok(!first.done, `${name}: the stream ended without a message`);
  assert.equal(first.value.type, 'taskCreated', `${name}: ${first.value.type}: ${first.value.error ?? ''}`);
  return first.value.task;
}

/** Polls tasks/get (SDK) until `done(task)`; fails after `ms` naming the last status seen. */
async function pollTask(client, taskId, done, ms = 15000, what = 'the expected status') {
  const deadline = Date.now() + ms;
  let task;
  for (;;) {
    task = await client.experimental.tasks.getTask(taskId, REQUEST_OPTIONS);
    if (done(task)) return task;
    if (Date.now() > deadline) {
      throw new Error(`task ${taskId}: no ${what} within ${ms} ms; last: ${JSON.stringify(task)}`);
    }
    await sleep(Math.min(task.pollInterval ?? 200, 300));
  }
}

const untilTerminal = (client, taskId, ms) =>
  pollTask(client, taskId, (t) => TERMINAL.has(t.status), ms, 'terminal status');

/** tasks/result through the SDK, read as a CallToolResult. */
const taskResult = (client, taskId) =>
  client.experimental.tasks.getTaskResult(taskId, CallToolResultSchema, REQUEST_OPTIONS);

/** Every message of a callToolStream with `task` request options (the stream always ends). */
async function streamAll(client, name, args = {}, task = {}) {
  const messages = [];
  const options = { ...REQUEST_OPTIONS, task };
  const stream = client.experimental.tasks.callToolStream({ name, arguments: args }, CallToolResultSchema, options);
  for await (const m of stream) messages.push(m);
  return messages;
}

/** Fails unless `task` has the 2025-11-25 Task shape this server promises. */
function assertTaskShape(task, { taskId, ttl } = {}) {
  const text = JSON.stringify(task);
  assert.equal(typeof task.taskId, 'string', text);
  assert.ok(task.taskId.length >= 16, `an unguessable id: ${text}`);
  if (taskId) assert.equal(task.taskId, taskId, text);
  assert.ok(['working', 'input_required', ...TERMINAL].includes(task.status), text);
  for (const key of ['createdAt', 'lastUpdatedAt']) {
    assert.ok(!Number.isNaN(Date.parse(task[key])), `${key} is ISO 8601: ${text}`);
  }
  assert.ok(Date.parse(task.lastUpdatedAt) >= Date.parse(task.createdAt), text);
  if (ttl !== undefined) assert.equal(task.ttl, ttl, text);
  if (task.pollInterval !== undefined) assert.ok(Number.isInteger(task.pollInterval) && task.pollInterval > 0, text);
}

/** The recorded server message answering the client request with `method` and params.taskId `taskId`. */
function answerTo(recorder, method, taskId) {
  const request = recorder.clientMessages.filter((m) => m.method === method && m.params?.taskId === taskId).at(-1);
  assert.ok(request, `no ${method} sent for ${taskId}`);
  const reply = recorder.serverMessages.find(({ message }) => message.id === request.id && !('method' in message));
  assert.ok(reply, `no answer to ${method} ${JSON.stringify(request.id)}`);
  return reply.message;
}

/** 2025-11-25 definition of a result, by the method (and shape) of the request it answers. */
function resultDefinition(method, result) {
  switch (method) {
    case 'tools/call':
      return 'task' in result ? 'CreateTaskResult' : 'CallToolResult';
    case 'tasks/get':
      return 'GetTaskResult';
    case 'tasks/result':
      return 'CallToolResult'; // every task here is a tools/call
    case 'tasks/list':
      return 'ListTasksResult';
    case 'tasks/cancel':
      return 'CancelTaskResult';
    default:
      return null;
  }
}

/**
 * Every server message of a 2025-11-25 recorder checked against the schema: results of task
 * methods (and task-augmented tools/call) against their own definitions, everything else as the
 * recorder checks it. Returns the number of task results checked.
 */
function assertLegacyMessagesValid(recorder, t) {
  const schemas = loadSchemaSet();
  if (schemas === null) {
    t.skip('MCP_SCHEMA_DIR=skip: schema checks skipped');
    return 0;
  }
  const v = schemas.validators[LEGACY];
  const failures = recorder.transportErrors.map((e) => `transport error: ${e?.stack ?? e}`);
  let taskResults = 0;
  for (const { message, requestMethod, revision } of recorder.serverMessages) {
    assert.equal(revision, LEGACY);
    const def = message && 'result' in message ? resultDefinition(requestMethod, message.result) : null;
    const found = def
      ? [...v.check(v.resultEnvelopeDef, message, 'message'), ...v.check(def, message.result, 'result')]
      : schemas.validateServerMessage(revision, message, requestMethod);
    if (def && def !== 'CallToolResult') taskResults++;
    for (const f of found) failures.push(`${JSON.stringify(message).slice(0, 600)}\n    -> ${f}`);
  }
  assert.deepEqual(failures, [], `invalid server messages:\n${failures.join('\n')}`);
  return taskResults;
}

describe(`conformance-server tasks, ${LEGACY} session, SDK experimental tasks API`, { timeout: 240000 }, () => {
  const side = new ClientSide();
  const created = []; // ids of the tasks this session made, for tasks/list
  let server;
  let conn;
  let tasks;
  before(async () => {
    server = await startHttpServer({ binary: conformanceServerBinary() });
    conn = await connectHttp(server, { capabilities: side.capabilities, setup: side.setup });
    tasks = conn.client.experimental.tasks;
    await conn.client.listTools(undefined, REQUEST_OPTIONS); // lets the SDK learn each tool's taskSupport
  });
  after(async () => {
    await conn?.close();
    await server?.stop();
  });

  test('initialize declares tasks (list, cancel, tools/call); tools declare execution.taskSupport', T, async () => {
    const caps = conn.client.getServerCapabilities();
    assert.deepEqual(caps.tasks?.requests?.tools?.call, {}, JSON.stringify(caps));
    assert.ok(caps.tasks.list && caps.tasks.cancel, JSON.stringify(caps));
    const { tools } = await conn.client.listTools(undefined, REQUEST_OPTIONS);
    const support = Object.fromEntries(tools.map((tool) => [tool.name, tool.execution?.taskSupport ?? 'forbidden']));
    assert.equal(support.slow_compute, 'optional');
    assert.equal(support.confirm_delete, 'optional');
    assert.equal(support.failing_job, 'required');
    assert.equal(support.greet, 'forbidden');
  });

  test('callToolStream: taskCreated (working), taskStatus until completed, then the result', T, async () => {
    const messages = await streamAll(conn.client, 'slow_compute', { seconds: 1, label: 'alpha' }, { ttl: 60000 });
    const types = messages.map((m) => m.type);
    assert.equal(types[0], 'taskCreated', JSON.stringify(messages));
    const task = messages[0].task;
    created.push(task.taskId);
    assertTaskShape(task, { ttl: 60000 });
    assert.equal(task.status, 'working');
    assert.ok(types.slice(1, -1).every((type) => type === 'taskStatus'), types.join(','));
    assert.equal(messages.at(-2).task.status, 'completed', JSON.stringify(messages.at(-2)));
    assert.equal(types.at(-1), 'result', JSON.stringify(messages.at(-1)));
    assert.equal(onlyText(messages.at(-1).result), 'Computed alpha in 1 s');
    assert.equal(messages.at(-1).result._meta?.[RELATED_TASK]?.taskId, task.taskId, JSON.stringify(messages.at(-1)));
  });

  test('tasks/get (working, statusMessage), polled to completed; tasks/result with related-task _meta', T, async () => {
    const sent = Date.now();
    const task = await createTask(conn.client, 'slow_compute', { seconds: 2, label: 'beta' });
    created.push(task.taskId);
    assertTaskShape(task);
    const first = await tasks.getTask(task.taskId, REQUEST_OPTIONS);
    assertTaskShape(first, { taskId: task.taskId, ttl: task.ttl });
    // The handler works 2 s: a tasks/get answered well within them must show it working.
    if (Date.now() - sent < 1500) {
      assert.equal(first.status, 'working', JSON.stringify(first));
      assert.equal(first.statusMessage, 'computing beta', JSON.stringify(first));
    }
    const done = await untilTerminal(conn.client, task.taskId);
    assert.equal(done.status, 'completed', JSON.stringify(done));
    assert.equal(done.createdAt, task.createdAt, 'createdAt never changes');

    const result = await taskResult(conn.client, task.taskId);
    assert.equal(onlyText(result), 'Computed beta in 2 s');
    const wire = answerTo(conn.recorder, 'tasks/result', task.taskId);
    assert.deepEqual(wire.result._meta?.[RELATED_TASK], { taskId: task.taskId }, JSON.stringify(wire));
    // A terminal task's result can be read again; tasks/get carries no related-task _meta.
    assert.equal(onlyText(await taskResult(conn.client, task.taskId)), 'Computed beta in 2 s');
    const get = answerTo(conn.recorder, 'tasks/get', task.taskId);
    assert.equal(get.result._meta?.[RELATED_TASK], undefined, JSON.stringify(get));
  });

  test('a tool error (isError) ends the task failed; tasks/result is that CallToolResult', T, async () => {
    const task = await createTask(conn.client, 'failing_job');
    created.push(task.taskId);
    const done = await untilTerminal(conn.client, task.taskId);
    assert.equal(done.status, 'failed', JSON.stringify(done));
    const result = await taskResult(conn.client, task.taskId);
    assert.equal(result.isError, true, JSON.stringify(result));
    assert.match(onlyText(result), /The job failed, as it always does/);
    assert.equal(result._meta?.[RELATED_TASK]?.taskId, task.taskId, JSON.stringify(result));
  });

  test('a protocol error ends the task failed; tasks/result answers that JSON-RPC error', T, async () => {
    const task = await createTask(conn.client, 'protocol_error_job');
    created.push(task.taskId);
    const done = await untilTerminal(conn.client, task.taskId);
    assert.equal(done.status, 'failed', JSON.stringify(done));
    const err = await rejectsWithCode(taskResult(conn.client, task.taskId), -32603);
    assert.match(err.message, /The job hit a protocol error/);
  });

  test('refusals: a plain call of a required tool and an augmented call of a forbidden one → -32601', T, async () => {
    // The SDK refuses the plain call of a required tool itself, so it goes out as a raw request.
    const plain = { method: 'tools/call', params: { name: 'failing_job', arguments: {} } };
    await rejectsWithCode(conn.client.request(plain, CallToolResultSchema, REQUEST_OPTIONS), METHOD_NOT_FOUND);
    const messages = await streamAll(conn.client, 'greet', { name: 'Ada' }, {});
    assert.equal(messages.length, 1, JSON.stringify(messages));
    assert.equal(messages[0].type, 'error', JSON.stringify(messages));
    assert.ok(messages[0].error instanceof McpError, String(messages[0].error));
    assert.equal(messages[0].error.code, METHOD_NOT_FOUND, messages[0].error.message);
  });

  test('input while waiting: input_required, elicitation/create on the open tasks/result, completed', T, async () => {
    const before = side.elicitationRequests.length;
    side.elicit = () => ({ action: 'accept', content: { confirm: true } });
    const task = await createTask(conn.client, 'confirm_delete', { filename: 'report.csv' });
    created.push(task.taskId);
    const waiting = await pollTask(conn.client, task.taskId, (t) => t.status !== 'working', 10000, 'input_required');
    assert.equal(waiting.status, 'input_required', JSON.stringify(waiting));
    assert.equal(side.elicitationRequests.length, before, 'nothing is asked before tasks/result is open');

    const result = await taskResult(conn.client, task.taskId);
    assert.equal(onlyText(result), 'Deleted report.csv');
    assert.equal(result._meta?.[RELATED_TASK]?.taskId, task.taskId, JSON.stringify(result));
    const asked = side.elicitationRequests.slice(before);
    assert.equal(asked.length, 1, JSON.stringify(asked));
    assert.equal(asked[0].message, 'Delete report.csv?');
    assert.equal(asked[0]._meta?.[RELATED_TASK]?.taskId, task.taskId, JSON.stringify(asked[0]));
    // On the wire: the request came from the server with the related-task _meta.
    const sentByServer = conn.recorder.serverMessages.map((r) => r.message);
    const request = sentByServer.filter((m) => m.method === 'elicitation/create').at(-1);
    assert.deepEqual(request.params._meta?.[RELATED_TASK], { taskId: task.taskId }, JSON.stringify(request));
    const done = await tasks.getTask(task.taskId, REQUEST_OPTIONS);
    assert.equal(done.status, 'completed', JSON.stringify(done));
  });

  test('two questions at once (multi_input), answered through callToolStream → completed with both', T, async () => {
    const before = side.elicitationRequests.length;
    side.elicit = (params) =>
      params.requestedSchema?.properties?.name
        ? { action: 'accept', content: { name: 'Ada' } }
        : { action: 'accept', content: { confirm: true } };
    const messages = await streamAll(conn.client, 'multi_input');
    created.push(messages[0].task?.taskId);
    assert.equal(messages.at(-1).type, 'result', JSON.stringify(messages.at(-1)));
    assert.equal(onlyText(messages.at(-1).result), 'first accepted, second accepted');
    const asked = side.elicitationRequests.slice(before);
    assert.deepEqual(asked.map((p) => p.message).sort(), ['Confirm?', 'Your name?'], JSON.stringify(asked));
    const done = await tasks.getTask(messages[0].task.taskId, REQUEST_OPTIONS);
    assert.equal(done.status, 'completed', JSON.stringify(done));
  });

  test('tasks/cancel → cancelled (and stays so); cancelling again → -32602', T, async () => {
    const task = await createTask(conn.client, 'slow_compute', { seconds: 30, label: 'long' });
    created.push(task.taskId);
    const cancelled = await tasks.cancelTask(task.taskId, REQUEST_OPTIONS);
    assertTaskShape(cancelled, { taskId: task.taskId });
    assert.equal(cancelled.status, 'cancelled', JSON.stringify(cancelled));
    // The handler notices the stop and returns an error result: the task must stay cancelled.
    await sleep(500);
    const after = await tasks.getTask(task.taskId, REQUEST_OPTIONS);
    assert.equal(after.status, 'cancelled', JSON.stringify(after));
    await rejectsWithCode(tasks.cancelTask(task.taskId, REQUEST_OPTIONS), INVALID_PARAMS);
    // Completed tasks cannot be cancelled either.
    await rejectsWithCode(tasks.cancelTask(created[0], REQUEST_OPTIONS), INVALID_PARAMS);
  });

  test('unknown task ids → -32602 on tasks/get, tasks/result and tasks/cancel', T, async () => {
    const id = 'no-such-task-0123456789abcdef';
    await rejectsWithCode(tasks.getTask(id, REQUEST_OPTIONS), INVALID_PARAMS);
    await rejectsWithCode(taskResult(conn.client, id), INVALID_PARAMS);
    await rejectsWithCode(tasks.cancelTask(id, REQUEST_OPTIONS), INVALID_PARAMS);
  });

  test('TTL: a task created with ttl 1500 ms is gone once it has passed (-32602)', T, async () => {
    const task = await createTask(conn.client, 'slow_compute', { seconds: 0, label: 'short' }, { ttl: 1500 });
    const answered = Date.now();
    assert.equal(task.ttl, 1500, JSON.stringify(task));
    const done = await untilTerminal(conn.client, task.taskId, 1200);
    assert.equal(done.status, 'completed', JSON.stringify(done));
    assert.equal(onlyText(await taskResult(conn.client, task.taskId)), 'Computed short in 0 s');
    // The TTL counts from creation, which was before the answer arrived.
    await sleep(Math.max(0, answered + 1500 + 700 - Date.now()));
    await rejectsWithCode(tasks.getTask(task.taskId, REQUEST_OPTIONS), INVALID_PARAMS);
    await rejectsWithCode(taskResult(conn.client, task.taskId), INVALID_PARAMS);
    const listed = await listAll(tasks);
    assert.ok(!listed.some((t) => t.taskId === task.taskId), 'an expired task is not listed');
  });

  test("tasks/list shows this session's tasks (all pages) as tasks/get does; a bad cursor → -32602", T, async () => {
    const listed = await listAll(tasks);
    const byId = new Map(listed.map((t) => [t.taskId, t]));
    assert.equal(byId.size, listed.length, 'each task listed once');
    for (const id of created) {
      assert.ok(byId.has(id), `task ${id} listed: ${JSON.stringify(listed.map((t) => t.taskId))}`);
      assertTaskShape(byId.get(id), { taskId: id });
      assert.equal(byId.get(id).status, (await tasks.getTask(id, REQUEST_OPTIONS)).status);
    }
    assert.ok(created.length > 5);
    await rejectsWithCode(tasks.listTasks('not-a-cursor', REQUEST_OPTIONS), INVALID_PARAMS);
  });

  test('a second session of the same user (ARCADE_USER_ID) sees the task: it is bound to the user', T, async () => {
    const other = await connectHttp(server);
    try {
      const seen = await other.client.experimental.tasks.getTask(created[0], REQUEST_OPTIONS);
      assert.equal(seen.taskId, created[0]);
      assert.equal(seen.status, 'completed');
    } finally {
      await other.close();
    }
  });

  test('every server message is valid against the 2025-11-25 schema (task results by their method)', T, (t) => {
    const checked = assertLegacyMessagesValid(conn.recorder, t);
    if (loadSchemaSet() !== null) assert.ok(checked > 10, `only ${checked} task results checked`);
  });
});

/** Every task tasks/list returns, following nextCursor (at most 50 pages). */
async function listAll(tasks) {
  const all = [];
  let cursor;
  for (let page = 0; page < 50; page++) {
    const result = await tasks.listTasks(cursor, REQUEST_OPTIONS);
    all.push(...result.tasks);
    if (!result.nextCursor) return all;
    cursor = result.nextCursor;
  }
  throw new Error(`tasks/list: still a nextCursor after 50 pages (${all.length} tasks)`);
}

describe('who may see a task: sessions without ARCADE_USER_ID own their own tasks', { timeout: 120000 }, () => {
  let server;
  let a;
  let b;
  before(async () => {
    server = await startHttpServer({ binary: conformanceServerBinary(), env: { ARCADE_USER_ID: undefined } });
    a = await connectHttp(server);
    b = await connectHttp(server);
  });
  after(async () => {
    await a?.close();
    await b?.close();
    await server?.stop();
  });

  test("session B gets -32602 for A's task (get, result, cancel), does not list it; A unaffected", T, async () => {
    const task = await createTask(a.client, 'slow_compute', { seconds: 30, label: 'private' });
    const tb = b.client.experimental.tasks;
    const ta = a.client.experimental.tasks;
    await rejectsWithCode(tb.getTask(task.taskId, REQUEST_OPTIONS), INVALID_PARAMS);
    await rejectsWithCode(taskResult(b.client, task.taskId), INVALID_PARAMS);
    await rejectsWithCode(tb.cancelTask(task.taskId, REQUEST_OPTIONS), INVALID_PARAMS);
    assert.ok(!(await listAll(tb)).some((t) => t.taskId === task.taskId), "B's list does not show A's task");
    const mine = await ta.getTask(task.taskId, REQUEST_OPTIONS);
    assert.equal(mine.status, 'working', `B's cancel did not reach A's task: ${JSON.stringify(mine)}`);
    assert.ok((await listAll(ta)).some((t) => t.taskId === task.taskId), "A's list shows it");
    assert.equal((await ta.cancelTask(task.taskId, REQUEST_OPTIONS)).status, 'cancelled');
  });
});

describe(`conformance-server tasks, ${MODERN_REVISION} (${TASKS_EXTENSION}, raw fetch)`, { timeout: 120000 }, () => {
  let server;
  let modern;
  before(async () => {
    server = await startHttpServer({ binary: conformanceServerBinary() });
    modern = new ModernHttpClient(server.url, { capabilities: { extensions: { [TASKS_EXTENSION]: {} } } });
  });
  after(async () => {
    await server?.stop();
  });

  /** tasks/get with Mcp-Name: <taskId> (Mcp-Method is set by the client); resolves the reply. */
  async function getModern(taskId) {
    const { reply, http } = await modern.request('tasks/get', { taskId }, { headers: { 'Mcp-Name': taskId } });
    assert.equal(http.headers['mcp-session-id'], undefined, 'no session on the new wire');
    assert.equal(http.status, 200, http.text.slice(0, 500));
    return reply;
  }

  test('tools/call with the extension: resultType "task"; tasks/get (Mcp-Name) to completed', T, async () => {
    const { reply } = await modern.callTool('slow_compute', { seconds: 1, label: 'modern' });
    const created = reply.result;
    const text = JSON.stringify(reply);
    assert.ok(created, text);
    assert.equal(created.resultType, 'task', text);
    assert.equal(typeof created.taskId, 'string', text);
    assert.ok(['working', 'completed'].includes(created.status), text);
    assert.ok(created.ttlMs === null || (Number.isInteger(created.ttlMs) && created.ttlMs > 0), text);
    assert.ok(Number.isInteger(created.pollIntervalMs) && created.pollIntervalMs > 0, text);
    for (const key of ['task', 'ttl', 'pollInterval', 'result', 'error', 'inputRequests', 'content']) {
      assert.ok(!(key in created), `no "${key}" in a ${MODERN_REVISION} CreateTaskResult: ${text}`);
    }

    const deadline = Date.now() + 15000;
    let got;
    for (;;) {
      got = await getModern(created.taskId);
      assert.ok(got.result, JSON.stringify(got));
      assert.equal(got.result.resultType, 'complete', JSON.stringify(got));
      assert.equal(got.result.taskId, created.taskId, JSON.stringify(got));
      if (TERMINAL.has(got.result.status)) break;
      assert.ok(Date.now() < deadline, `not terminal within 15 s: ${JSON.stringify(got)}`);
      await sleep(200);
    }
    assert.equal(got.result.status, 'completed', JSON.stringify(got));
    assert.equal(onlyText(got.result.result), 'Computed modern in 1 s');
    assert.equal(got.result.result._meta?.[RELATED_TASK], undefined, `no related-task _meta: ${JSON.stringify(got)}`);
  });

  test('tasks/get without Mcp-Name → -32020; an unknown id → -32602', T, async () => {
    const { reply: made } = await modern.callTool('slow_compute', { seconds: 1, label: 'headers' });
    const taskId = made.result.taskId;
    const request = modern.buildRequest('tasks/get', { taskId });
    const http = await modern.post(request, { conforming: false });
    const error = http.messages.find((m) => m.id === request.id);
    assert.equal(error?.error?.code, -32020, `HTTP ${http.status} ${http.text.slice(0, 500)}`);
    const nope = 'nope-0123456789';
    const unknown = await modern.request('tasks/get', { taskId: nope }, { headers: { 'Mcp-Name': nope } });
    assert.equal(unknown.reply.error?.code, INVALID_PARAMS, JSON.stringify(unknown.reply));
  });

  test(`a task made in a ${LEGACY} session (same user) is read with ${MODERN_REVISION} tasks/get`, T, async () => {
    const conn = await connectHttp(server);
    try {
      await conn.client.listTools(undefined, REQUEST_OPTIONS);
      const task = await createTask(conn.client, 'slow_compute', { seconds: 1, label: 'cross' });
      const deadline = Date.now() + 15000;
      let got;
      do {
        got = await getModern(task.taskId);
        assert.ok(got.result, JSON.stringify(got));
        if (got.result.status === 'completed') break;
        await sleep(200);
      } while (Date.now() < deadline);
      assert.equal(got.result.status, 'completed', JSON.stringify(got));
      assert.equal(onlyText(got.result.result), 'Computed cross in 1 s');
    } finally {
      await conn.close();
    }
  });
});
