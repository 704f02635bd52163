// MCP 2026-07-28 over stdio, on the same pipe as a 2025-11-25 session (spec/mcp-server.md §16.9:
// a request carrying modern `_meta` is served statelessly, `initialize` selects the 2025 era).
// - arcade-eval-ref: one process; a 2026-07-28 server/discover before any initialize, then a
//   2025-11-25 session (initialize, notifications/initialized) and 2026-07-28 requests written
//   interleaved and all in flight together; each answered in its era, every message valid
//   against its revision's schema, nothing but JSON lines on stdout.
// - conformance-server: the tool that elicits, in a 2025-11-25 session (a real elicitation/create
//   request on the pipe, answered by the test) and in 2026-07-28 (input_required, retried with
//   inputResponses + requestState) at the same time; the multi-round tool in 2026-07-28 (three
//   rounds); subscriptions/listen on the shared pipe (acknowledgement, list_changed tagged with
//   the listen id next to the 2025 session's untagged one, ended by notifications/cancelled).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { conformanceServerBinary, DEFAULT_USER_ID } from './lib/config.mjs';
import {
  answerFrom,
  META_SERVER_INFO,
  META_SUBSCRIPTION_ID,
  MODERN_REVISION,
  ModernStdioClient,
  StdioChannel,
} from './lib/modern_client.mjs';
import { MessageRecorder } from './lib/recorder.mjs';
import { startStdioServer } from './lib/server.mjs';

const T = { timeout: 30000 };
const LEGACY = '2025-11-25';
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function onlyText(result) {
  assert.ok(Array.isArray(result?.content), `content is not an array: ${JSON.stringify(result)}`);
  assert.equal(result.content.length, 1, JSON.stringify(result.content));
  assert.equal(result.content[0].type, 'text', JSON.stringify(result.content));
  return result.content[0].text;
}

function assertModernComplete(reply, serverName) {
  assert.ok(reply.result, `expected a result: ${JSON.stringify(reply)}`);
  assert.equal(reply.result.resultType, 'complete', JSON.stringify(reply));
  assert.equal(reply.result._meta?.[META_SERVER_INFO]?.name, serverName, `serverInfo in result _meta: ${JSON.stringify(reply)}`);
}

function assertLegacyResult(reply) {
  assert.ok(reply.result, `expected a result: ${JSON.stringify(reply)}`);
  assert.ok(!('resultType' in reply.result), `a ${LEGACY} result has no resultType: ${JSON.stringify(reply)}`);
  assert.equal(reply.result._meta?.[META_SERVER_INFO], undefined, JSON.stringify(reply));
}

/** Checks that stdout carried only complete lines, each a JSON object. */
function assertOnlyJsonLines(raw) {
  assert.ok(raw === '' || raw.endsWith('\n'), `stdout ends with an unterminated line: ${JSON.stringify(raw.slice(-200))}`);
  for (const line of raw.split('\n').slice(0, -1)) {
    let value;
    assert.doesNotThrow(() => {
      value = JSON.parse(line);
    }, `stdout line is not JSON: ${JSON.stringify(line)}`);
    assert.ok(value && typeof value === 'object' && !Array.isArray(value), `stdout line is not a JSON object: ${line}`);
  }
}

/** A 2025-era session written by hand on a StdioChannel, with numeric ids. */
class LegacyStdioSession {
  constructor(channel, recorder) {
    this.channel = channel;
    this.recorder = recorder;
    this._next = 1;
  }

  request(method, params) {
    const message = { jsonrpc: '2.0', id: this._next++, method };
    if (params !== undefined) message.params = params;
    return this.channel.request(message, { recorder: this.recorder });
  }

  async initialize(capabilities = {}) {
    const reply = await this.request('initialize', {
      protocolVersion: LEGACY,
      capabilities,
      clientInfo: { name: 'arcade-mcp-cpp-e2e-legacy', version: '0.0.0' },
    });
    this.channel.send({ jsonrpc: '2.0', method: 'notifications/initialized' }, this.recorder);
    return reply;
  }

  callTool(name, args = {}) {
    return this.request('tools/call', { name, arguments: args });
  }
}

describe(`arcade-eval-ref over stdio: a ${LEGACY} session and ${MODERN_REVISION} requests on one pipe`, { timeout: 120000 }, () => {
  let server;
  let channel;
  let legacy;
  let modern;
  before(async () => {
    server = await startStdioServer();
    const legacyRecorder = new MessageRecorder(LEGACY);
    channel = new StdioChannel(server, { defaultRecorder: legacyRecorder });
    legacy = new LegacyStdioSession(channel, legacyRecorder);
    modern = new ModernStdioClient(channel, { idPrefix: 'm' });
  });
  after(async () => {
    await channel?.close();
    await server?.stop();
  });

  test(`a ${MODERN_REVISION} server/discover before any initialize is answered in ${MODERN_REVISION}`, T, async () => {
    const { reply } = await modern.request('server/discover');
    assertModernComplete(reply, 'arcade-eval-ref');
    for (const v of [MODERN_REVISION, LEGACY]) assert.ok(reply.result.supportedVersions.includes(v), JSON.stringify(reply));
  });

  test(`then initialize ${LEGACY} starts the 2025 session on the same pipe`, T, async () => {
    const reply = await legacy.initialize();
    assert.equal(reply.result?.protocolVersion, LEGACY, JSON.stringify(reply));
    assert.equal(reply.result.serverInfo?.name, 'arcade-eval-ref');
    assert.ok(!('resultType' in reply.result), JSON.stringify(reply));
    assert.equal(legacy.recorder.revision, LEGACY);
  });

  test('Echo, Add, Whoami (and ping) of both eras written interleaved, all in flight together, each answered in its era', T, async () => {
    const ROUNDS = 12;
    const jobs = [];
    for (let i = 0; i < ROUNDS; i++) {
      const message = `line ${i} \u00e9\u2713 "quoted"\n`;
      jobs.push({ era: 'legacy', kind: 'echo', expect: message, promise: legacy.callTool('ArcadeEvalRef_Echo', { message }) });
      jobs.push({ era: 'modern', kind: 'echo', expect: message, promise: modern.callTool('ArcadeEvalRef_Echo', { message }) });
      jobs.push({ era: 'modern', kind: 'add', expect: i * 11 - 4, promise: modern.callTool('ArcadeEvalRef_Add', { a: i * 11, b: -4 }) });
      jobs.push({ era: 'legacy', kind: 'add', expect: i + 1000, promise: legacy.callTool('ArcadeEvalRef_Add', { a: i, b: 1000 }) });
      jobs.push({ era: 'legacy', kind: 'whoami', expect: DEFAULT_USER_ID, promise: legacy.callTool('ArcadeEvalRef_Whoami') });
      jobs.push({ era: 'modern', kind: 'whoami', expect: DEFAULT_USER_ID, promise: modern.callTool('ArcadeEvalRef_Whoami') });
    }
    // ping exists in the 2025 session and was removed in 2026-07-28.
    const legacyPing = legacy.request('ping');
    const modernPing = modern.request('ping', {}, { conforming: false });
    // Every request was written before any answer was read: all are in flight at once.
    assert.equal(channel.pending.size, jobs.length + 2, 'every request of both eras is in flight');

    const outcomes = await Promise.all(jobs.map((j) => j.promise));
    outcomes.forEach((outcome, index) => {
      const job = jobs[index];
      const label = `${job.era} ${job.kind} #${index}`;
      let result;
      if (job.era === 'modern') {
        assert.equal(outcome.rounds.length, 1, label);
        assertModernComplete(outcome.reply, 'arcade-eval-ref');
        result = outcome.reply.result;
      } else {
        assertLegacyResult(outcome);
        result = outcome.result;
      }
      assert.ok(result.isError === undefined || result.isError === false, `${label}: ${JSON.stringify(result)}`);
      assert.equal(onlyText(result), job.kind === 'add' ? String(job.expect) : job.expect, label);
      assert.deepEqual(result.structuredContent, { result: job.expect }, label);
    });
    assert.deepEqual(await legacyPing, { jsonrpc: '2.0', id: (await legacyPing).id, result: {} });
    const { reply: pong } = await modernPing;
    assert.equal(pong.error?.code, -32601, `ping is not a ${MODERN_REVISION} method: ${JSON.stringify(pong)}`);
    assert.deepEqual(channel.unmatched, [], 'every response matched a request');
    assert.deepEqual(channel.garbage, [], 'every stdout line was a JSON object');
  });

  test(`the session still works after the ${MODERN_REVISION} traffic, and stdout carried JSON lines only`, T, async () => {
    const list = await legacy.request('tools/list');
    assertLegacyResult(list);
    assert.equal(list.result.tools.length, 3);
    const { reply } = await modern.request('tools/list');
    assertModernComplete(reply, 'arcade-eval-ref');
    assert.equal(reply.result.tools.length, 3);
    assertOnlyJsonLines(server.lines.raw);
  });

  test('every message is valid against the schema of its era', T, (t) => {
    legacy.recorder.assertAllValid(t);
    modern.assertSchemaValid(t);
  });
});

describe(`conformance-server over stdio: tools that ask the client, in both eras on one pipe`, { timeout: 120000 }, () => {
  const ELICIT = 'test_input_required_result_elicitation';
  let server;
  let channel;
  let legacy;
  let modern;
  const serverRequests = [];
  before(async () => {
    server = await startStdioServer({ binary: conformanceServerBinary() });
    const legacyRecorder = new MessageRecorder(LEGACY);
    channel = new StdioChannel(server, { defaultRecorder: legacyRecorder });
    legacy = new LegacyStdioSession(channel, legacyRecorder);
    modern = new ModernStdioClient(channel, { idPrefix: 'm', capabilities: { elicitation: {} } });
    // Notifications tagged with a listen id belong to the 2026-07-28 client.
    channel.route = (n) => (n.params?._meta?.[META_SUBSCRIPTION_ID] !== undefined ? modern.recorder : legacyRecorder);
    channel.onServerRequest = async (request) => {
      serverRequests.push(request);
      if (request.method === 'elicitation/create') return { action: 'accept', content: { name: 'Ada' } };
      throw new Error(`unexpected server request ${request.method}`);
    };
  });
  after(async () => {
    await channel?.close();
    await server?.stop();
  });

  test(`${MODERN_REVISION} alone: the elicitation tool answers input_required, the retry "Hello, Ada!"`, T, async () => {
    const seen = [];
    const { reply, rounds } = await modern.callTool(ELICIT, {}, { answer: answerFrom({ user_name: { action: 'accept', content: { name: 'Ada' } } }, seen) });
    assert.equal(rounds.length, 2);
    assert.equal(rounds[0].reply.result.resultType, 'input_required');
    assert.equal(rounds[0].reply.result.inputRequests.user_name.method, 'elicitation/create');
    assert.equal(rounds[1].request.params.requestState, rounds[0].reply.result.requestState);
    assertModernComplete(reply, 'mcp-conformance-test-server');
    assert.equal(onlyText(reply.result), 'Hello, Ada!');
    assert.deepEqual(serverRequests, [], `${MODERN_REVISION} never sends the client a request`);
  });

  test(`the same tool in a ${LEGACY} session (elicitation/create on the pipe) and in ${MODERN_REVISION}, at the same time`, T, async () => {
    const init = await legacy.initialize({ elicitation: {} });
    assert.equal(init.result?.protocolVersion, LEGACY);
    const legacyCall = legacy.callTool(ELICIT);
    const modernCall = modern.callTool(ELICIT, {}, { answer: answerFrom({ user_name: { action: 'accept', content: { name: 'Ada' } } }) });
    const [legacyReply, modernOutcome] = await Promise.all([legacyCall, modernCall]);
    assertLegacyResult(legacyReply);
    assert.equal(onlyText(legacyReply.result), 'Hello, Ada!');
    assert.equal(serverRequests.length, 1, JSON.stringify(serverRequests));
    assert.equal(serverRequests[0].method, 'elicitation/create');
    assert.equal(serverRequests[0].params.message, 'What is your name?');
    assertModernComplete(modernOutcome.reply, 'mcp-conformance-test-server');
    assert.equal(onlyText(modernOutcome.reply.result), 'Hello, Ada!');
    assert.equal(modernOutcome.rounds.length, 2);
  });

  test(`${MODERN_REVISION}: the multi-round tool takes three rounds and combines both answers`, T, async () => {
    const seen = [];
    const answers = {
      step1: { action: 'accept', content: { name: 'Ada' } },
      step2: { action: 'accept', content: { color: 'blue' } },
    };
    const { reply, rounds } = await modern.callTool('test_input_required_result_multi_round', {}, { answer: answerFrom(answers, seen) });
    assert.equal(rounds.length, 3, JSON.stringify(rounds.map((r) => r.reply)));
    assert.deepEqual(Object.keys(rounds[0].reply.result.inputRequests), ['step1']);
    assert.deepEqual(Object.keys(rounds[1].reply.result.inputRequests), ['step2']);
    assert.equal(seen[0].request.params.message, 'Step 1: What is your name?');
    assert.equal(seen[1].request.params.message, 'Step 2: What is your favorite color?');
    // Round 3 sends only the new answer; the first travels in the request state.
    assert.deepEqual(Object.keys(rounds[2].request.params.inputResponses), ['step2']);
    assert.notEqual(rounds[2].request.params.requestState, rounds[1].request.params.requestState);
    assertModernComplete(reply, 'mcp-conformance-test-server');
    assert.equal(onlyText(reply.result), 'Ada likes blue');
  });

  test(`${MODERN_REVISION}: a tampered requestState is refused with -32602 on stdio too`, T, async () => {
    const TOOL = 'test_input_required_result_tampered_state';
    const { reply: first } = await modern.request('tools/call', { name: TOOL, arguments: {} });
    const state = first.result.requestState;
    const cut = Math.floor(state.length / 3);
    const bad = state.slice(0, cut) + (state[cut] === 'A' ? 'B' : 'A') + state.slice(cut + 1);
    const { reply } = await modern.request('tools/call', {
      name: TOOL,
      arguments: {},
      inputResponses: { confirm: { action: 'accept', content: { ok: true } } },
      requestState: bad,
    });
    assert.equal(reply.error?.code, -32602, JSON.stringify(reply));
  });

  test(`${MODERN_REVISION} subscriptions/listen on the shared pipe: acknowledged, tagged list_changed, ended by notifications/cancelled`, T, async () => {
    const since = channel.notifications.length;
    const listen = modern.buildRequest('subscriptions/listen', { notifications: { toolsListChanged: true } });
    // The listen request is answered only when the subscription ends.
    const listenReply = modern.send(listen, { timeoutMs: 15000 });
    const tagged = (method) => (n) => n.method === method && n.params?._meta?.[META_SUBSCRIPTION_ID] === listen.id;
    const ack = await channel.waitNotification(tagged('notifications/subscriptions/acknowledged'), { since });
    assert.deepEqual(ack.params.notifications, { toolsListChanged: true });

    const { reply } = await modern.callTool('test_trigger_tool_change');
    assert.equal(onlyText(reply.result), 'Mutation triggered');
    await channel.waitNotification(tagged('notifications/tools/list_changed'), { since });
    // The 2025 session (initialized above, tools.listChanged advertised) gets its own, untagged.
    await channel.waitNotification(
      (n) => n.method === 'notifications/tools/list_changed' && n.params?._meta?.[META_SUBSCRIPTION_ID] === undefined,
      { since }
    );

    // notifications/cancelled ends the subscription: no result, nothing more tagged with its id.
    modern.channel.send({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: listen.id } }, modern.recorder);
    await sleep(300);
    const mark = channel.notifications.length;
    await modern.callTool('test_trigger_tool_change');
    await sleep(300);
    const late = channel.notifications.slice(mark).filter((n) => n.params?._meta?.[META_SUBSCRIPTION_ID] === listen.id);
    assert.deepEqual(late, [], 'nothing is sent on a cancelled subscription');
    // The cancelled listen gets no answer: stop waiting for one.
    assert.ok(channel.pending.has(JSON.stringify(listen.id)), 'the cancelled listen was not answered');
    channel.forget(listen.id);
    await assert.rejects(listenReply, /stopped waiting/);
  });

  test('every message is valid against the schema of its era; only JSON lines on stdout', T, (t) => {
    assert.deepEqual(channel.unmatched, []);
    assert.deepEqual(channel.garbage, []);
    assertOnlyJsonLines(server.lines.raw);
    legacy.recorder.assertAllValid(t);
    modern.assertSchemaValid(t);
  });
});

describe(`conformance-server over stdio: ${MODERN_REVISION} only (no initialize at all)`, { timeout: 60000 }, () => {
  let server;
  let channel;
  let modern;
  before(async () => {
    server = await startStdioServer({ binary: conformanceServerBinary() });
    channel = new StdioChannel(server);
    modern = new ModernStdioClient(channel, { idPrefix: 'solo', recorder: channel.defaultRecorder });
  });
  after(async () => {
    await channel?.close();
    await server?.stop();
  });

  test('notifications/cancelled stops a running 2026-07-28 call: no response, logged as stopped; the next request works', T, async () => {
    const request = modern.buildRequest('tools/call', { name: 'test_slow_tool', arguments: { seconds: 5 } });
    const answer = modern.send(request, { timeoutMs: 2500 }).then(
      (reply) => ({ reply }),
      (err) => ({ err })
    );
    // A cancellation for a request the server has not read yet is ignored (as the spec allows), so
    // on a loaded machine (ASan, tests in parallel) it is sent again until the call is logged.
    const cancel = () => channel.send({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: request.id, reason: 'e2e' } });
    await sleep(300);
    cancel();
    const deadline = Date.now() + 4000;
    let line;
    let lastCancel = Date.now();
    while (Date.now() < deadline && !line) {
      line = server.stderr().split('\n').find((l) => l.includes('tool=test_slow_tool') && l.includes(request.id) && l.includes('outcome='));
      if (!line) await sleep(50);
      if (!line && Date.now() - lastCancel > 500) {
        cancel();
        lastCancel = Date.now();
      }
    }
    assert.ok(line, `the call was logged: ${server.stderr()}`);
    assert.match(line, /outcome=stopped/, line);
    const outcome = await answer;
    assert.ok(outcome.err, `no response to a cancelled request: ${JSON.stringify(outcome.reply)}`);
    const { reply } = await modern.request('server/discover');
    assertModernComplete(reply, 'mcp-conformance-test-server');
  });

  test('subscriptions/listen: acknowledged, tagged list_changed (and no untagged one: no 2025 session), cancelled, and at EOF the open one ends with its result', T, async (t) => {
    const since = channel.notifications.length;
    const first = modern.buildRequest('subscriptions/listen', { notifications: { toolsListChanged: true } });
    const firstReply = modern.send(first, { timeoutMs: 8000 }).then(
      (reply) => ({ reply }),
      (err) => ({ err })
    );
    const tagged = (id, method) => (n) => n.method === method && n.params?._meta?.[META_SUBSCRIPTION_ID] === id;
    await channel.waitNotification(tagged(first.id, 'notifications/subscriptions/acknowledged'), { since });
    await modern.callTool('test_trigger_tool_change');
    await channel.waitNotification(tagged(first.id, 'notifications/tools/list_changed'), { since });
    await sleep(200);
    assert.ok(
      channel.notifications.slice(since).every((n) => n.params?._meta?.[META_SUBSCRIPTION_ID] === first.id),
      `every notification belongs to the subscription: ${JSON.stringify(channel.notifications.slice(since))}`
    );
    channel.send({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: first.id } });
    await sleep(200);

    const second = modern.buildRequest('subscriptions/listen', { notifications: { promptsListChanged: true } });
    const secondReply = modern.send(second, { timeoutMs: 8000 });
    await channel.waitNotification(tagged(second.id, 'notifications/subscriptions/acknowledged'), { since });
    const mark = channel.notifications.length;
    await modern.callTool('test_trigger_tool_change');
    await sleep(300);
    assert.deepEqual(channel.notifications.slice(mark), [], 'neither the cancelled nor the prompts-only subscription gets a tools change');

    server.closeStdin();
    const final = await secondReply;
    assert.equal(final.result?.resultType, 'complete', JSON.stringify(final));
    assert.equal(final.result._meta?.[META_SUBSCRIPTION_ID], second.id, JSON.stringify(final));
    const exited = await server.waitForExit(10000);
    assert.deepEqual(exited, { code: 0, signal: null });
    const firstOutcome = await firstReply;
    assert.ok(firstOutcome.err, `the cancelled subscription got no result: ${JSON.stringify(firstOutcome.reply)}`);
    assert.deepEqual(channel.unmatched, []);
    assert.deepEqual(channel.garbage, []);
    modern.assertSchemaValid(t);
  });
});
