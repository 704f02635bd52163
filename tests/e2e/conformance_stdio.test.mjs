// The official MCP SDK client drives conformance-server (examples/conformance-server) over stdio,
// declaring sampling and elicitation: every tool (rich content, errors, logging, progress,
// sampling, elicitation with defaults and every enum shape, a raw 2020-12 input schema),
// resources (list, templates, text, binary, template reads, -32002, subscribe/unsubscribe),
// prompts (list, every content kind, -32602), completion, list_changed for tools, resources and
// prompts, and cancellation. Every server message is then checked against the MCP schema.
// The server's page size (server_info::page_size) cannot be set from outside, so pagination is
// left to the C++ unit tests (src/mcp/paging_test.cpp, server_test.cpp).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { conformanceServerBinary } from './lib/config.mjs';
import {
  ClientSide,
  DYNAMIC_KINDS,
  assertNotError,
  assertResultsMatchTheirMethods,
  call,
  checkCancellation,
  checkElicitationAccept,
  checkElicitationDecline,
  checkListChanged,
  checkSampling,
  checkSubscription,
  onlyText,
  rejectsWithCode,
} from './lib/conformance.mjs';
import { REQUEST_OPTIONS, connectStdio } from './lib/sdk.mjs';

const T = { timeout: 20000 };

const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC';
const WAV = 'UklGRiwAAABXQVZFZm10IBAAAAABAAEAQB8AAEAfAAABAAgAZGF0YQgAAACAgICAgICAgA==';

const TOOL_NAMES = [
  'confirm_delete',
  'failing_job',
  'greet',
  'json_schema_2020_12_tool',
  'multi_input',
  'protocol_error_job',
  'slow_compute',
  'test_audio_content',
  'test_custom_header_echo',
  'test_elicitation',
  'test_elicitation_sep1034_defaults',
  'test_elicitation_sep1330_enums',
  'test_embedded_resource',
  'test_error_handling',
  'test_image_content',
  'test_input_required_result_capabilities',
  'test_input_required_result_elicitation',
  'test_input_required_result_list_roots',
  'test_input_required_result_multi_round',
  'test_input_required_result_multiple_inputs',
  'test_input_required_result_request_state',
  'test_input_required_result_sampling',
  'test_input_required_result_tampered_state',
  'test_logging_tool',
  'test_missing_capability',
  'test_multiple_content_types',
  'test_reconnection',
  'test_sampling',
  'test_simple_text',
  'test_slow_tool',
  'test_streaming_elicitation',
  'test_toggle_dynamic_prompt',
  'test_toggle_dynamic_resource',
  'test_toggle_dynamic_tool',
  'test_tool_with_logging',
  'test_tool_with_progress',
  'test_tool_with_task',
  'test_trigger_prompt_change',
  'test_trigger_tool_change',
  'test_update_watched_resource',
];

/**
 * Runs `fn` (which sends one tools/call) and returns the server messages recorded for it:
 * { request, before, response }, `before` being the messages received before its response.
 */
async function onTheWire(conn, fn) {
  const firstServer = conn.recorder.serverMessages.length;
  const firstClient = conn.recorder.clientMessages.length;
  const result = await fn();
  const request = conn.recorder.clientMessages.slice(firstClient).find((m) => m.method === 'tools/call');
  const received = conn.recorder.serverMessages.slice(firstServer).map((m) => m.message);
  const at = received.findIndex((m) => m.id === request.id && !('method' in m));
  assert.ok(at >= 0, 'the response was recorded');
  return { result, request, before: received.slice(0, at) };
}

describe('conformance-server: SDK client over stdio', { timeout: 240000 }, () => {
  const side = new ClientSide();
  let conn;
  before(async () => {
    conn = await connectStdio({
      binary: conformanceServerBinary(),
      capabilities: side.capabilities,
      setup: side.setup,
    });
  });
  after(async () => {
    await conn?.close();
  });

  test('initialize: 2025-11-25 with tools, resources (subscribe), prompts, logging, completions', T, () => {
    assert.equal(conn.recorder.revision, '2025-11-25');
    assert.equal(conn.client.getServerVersion()?.name, 'mcp-conformance-test-server');
    const caps = conn.client.getServerCapabilities();
    assert.equal(caps.tools?.listChanged, true, JSON.stringify(caps));
    assert.equal(caps.resources?.listChanged, true, JSON.stringify(caps));
    assert.equal(caps.resources?.subscribe, true, JSON.stringify(caps));
    assert.equal(caps.prompts?.listChanged, true, JSON.stringify(caps));
    assert.ok(caps.logging, JSON.stringify(caps));
    assert.ok(caps.completions, JSON.stringify(caps));
  });

  describe('tools', () => {
    test('tools/list: every tool, each with a description and an object input schema, on one page', T, async () => {
      const list = await conn.client.listTools(undefined, REQUEST_OPTIONS);
      assert.deepEqual(list.tools.map((t) => t.name).sort(), TOOL_NAMES);
      assert.equal(list.nextCursor, undefined);
      for (const tool of list.tools) {
        assert.ok(tool.description?.length > 0, `${tool.name}: description`);
        assert.equal(tool.inputSchema?.type, 'object', `${tool.name}: ${JSON.stringify(tool.inputSchema)}`);
      }
    });

    test('json_schema_2020_12_tool keeps its schema verbatim ($schema, $defs, $anchor, allOf, if/then/else)', T, async () => {
      const { tools } = await conn.client.listTools(undefined, REQUEST_OPTIONS);
      const schema = tools.find((t) => t.name === 'json_schema_2020_12_tool').inputSchema;
      assert.equal(schema.$schema, 'https://json-schema.org/draft/2020-12/schema', JSON.stringify(schema));
      assert.deepEqual(schema.$defs, {
        address: { $anchor: 'addressDef', type: 'object', properties: { street: { type: 'string' }, city: { type: 'string' } } },
      });
      assert.deepEqual(schema.properties.address, { $ref: '#/$defs/address' });
      assert.deepEqual(schema.allOf, [{ anyOf: [{ required: ['phone'] }, { required: ['email'] }] }]);
      assert.deepEqual(schema.if, { properties: { contactMethod: { const: 'phone' } }, required: ['contactMethod'] });
      assert.deepEqual(schema.then, { required: ['phone'] });
      assert.deepEqual(schema.else, { required: ['email'] });
      assert.equal(schema.additionalProperties, false);
      const args = { name: 'Ada', address: { street: '1 Main St', city: 'Springfield' }, contactMethod: 'email', email: 'ada@example.com' };
      const result = await call(conn.client, 'json_schema_2020_12_tool', args);
      assertNotError(result);
      const text = onlyText(result);
      assert.ok(text.startsWith('Received: '), text);
      assert.deepEqual(JSON.parse(text.slice('Received: '.length)), args);
    });

    test('test_simple_text', T, async () => {
      const result = await call(conn.client, 'test_simple_text');
      assertNotError(result);
      assert.deepEqual(result.content, [{ type: 'text', text: 'This is a simple text response for testing.' }]);
    });

    test('test_image_content', T, async () => {
      const result = await call(conn.client, 'test_image_content');
      assertNotError(result);
      assert.deepEqual(result.content, [{ type: 'image', data: PNG, mimeType: 'image/png' }]);
    });

    test('test_audio_content', T, async () => {
      const result = await call(conn.client, 'test_audio_content');
      assertNotError(result);
      assert.deepEqual(result.content, [{ type: 'audio', data: WAV, mimeType: 'audio/wav' }]);
    });

    test('test_embedded_resource', T, async () => {
      const result = await call(conn.client, 'test_embedded_resource');
      assertNotError(result);
      assert.deepEqual(result.content, [
        {
          type: 'resource',
          resource: { uri: 'test://embedded-resource', text: 'This is an embedded resource content.', mimeType: 'text/plain' },
        },
      ]);
    });

    test('test_multiple_content_types: text, image, resource in order', T, async () => {
      const result = await call(conn.client, 'test_multiple_content_types');
      assertNotError(result);
      assert.deepEqual(result.content, [
        { type: 'text', text: 'Multiple content types test:' },
        { type: 'image', data: PNG, mimeType: 'image/png' },
        {
          type: 'resource',
          resource: { uri: 'test://mixed-content-resource', text: '{"test":"data","value":123}', mimeType: 'application/json' },
        },
      ]);
    });

    test('test_error_handling is a result with isError: true', T, async () => {
      const result = await call(conn.client, 'test_error_handling');
      assert.equal(result.isError, true, JSON.stringify(result));
      assert.equal(result.content?.[0]?.type, 'text', JSON.stringify(result));
      assert.match(result.content[0].text, /This tool intentionally returns an error for testing/);
    });

    test('test_tool_with_logging after logging/setLevel debug: 3 log messages before the response', T, async () => {
      assert.deepEqual(await conn.client.setLoggingLevel('debug', REQUEST_OPTIONS), {});
      const since = side.mark();
      const { result, before } = await onTheWire(conn, () => call(conn.client, 'test_tool_with_logging'));
      assertNotError(result);
      assert.equal(onlyText(result), 'Tool with logging executed successfully');
      const logs = before.filter((m) => m.method === 'notifications/message').map((m) => m.params);
      assert.ok(logs.length >= 3, `at least 3 notifications/message: ${JSON.stringify(logs)}`);
      assert.deepEqual(
        logs.map((l) => [l.level, l.data]),
        [
          ['info', 'Tool execution started'],
          ['info', 'Tool processing data'],
          ['info', 'Tool execution completed'],
        ]
      );
      // The SDK handed them to the client's handler too.
      const deadline = Date.now() + 2000;
      while (side.since(since, 'notifications/message').length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      assert.equal(side.since(since, 'notifications/message').length, 3);
    });

    test('after logging/setLevel error, the info messages are filtered out', T, async () => {
      assert.deepEqual(await conn.client.setLoggingLevel('error', REQUEST_OPTIONS), {});
      const { result, before } = await onTheWire(conn, () => call(conn.client, 'test_tool_with_logging'));
      assertNotError(result);
      assert.deepEqual(before.filter((m) => m.method === 'notifications/message'), []);
      await conn.client.setLoggingLevel('info', REQUEST_OPTIONS);
    });

    test('test_tool_with_progress: at least 3 increasing progress notifications with the request token', T, async () => {
      const seen = [];
      const { result, request, before } = await onTheWire(conn, () =>
        call(conn.client, 'test_tool_with_progress', {}, { onprogress: (p) => seen.push(p) })
      );
      assertNotError(result);
      assert.equal(onlyText(result), 'Tool with progress executed successfully');
      const token = request.params._meta?.progressToken;
      assert.notEqual(token, undefined, 'the SDK sent a progress token');
      const progress = before.filter((m) => m.method === 'notifications/progress').map((m) => m.params);
      assert.ok(progress.length >= 3, `at least 3 progress notifications: ${JSON.stringify(progress)}`);
      for (const p of progress) {
        assert.equal(p.progressToken, token, 'same token, same JSON type');
        assert.equal(p.total, 100);
      }
      for (let i = 1; i < progress.length; i++) assert.ok(progress[i].progress > progress[i - 1].progress, JSON.stringify(progress));
      // The SDK's onprogress: increasing values. (Over stdio the SDK may drop a progress
      // notification that arrives in the same chunk as the response - it removes the request's
      // progress handler before dispatching notifications - so the count is taken from the wire.)
      assert.ok(seen.length >= 1, `onprogress was called: ${JSON.stringify(seen)}`);
      for (let i = 1; i < seen.length; i++) assert.ok(seen[i].progress > seen[i - 1].progress, JSON.stringify(seen));
    });

    test('test_sampling: the server asks the client; the answer is in the result', T, () =>
      checkSampling(conn.client, side)
    );
    test('test_elicitation accepted: the content is echoed', T, () => checkElicitationAccept(conn.client, side));
    test('test_elicitation declined', T, () => checkElicitationDecline(conn.client, side));

    test('test_elicitation_sep1034_defaults: every default arrives in requestedSchema', T, async () => {
      side.elicit = () => ({
        action: 'accept',
        content: { name: 'Jane Roe', age: 41, score: 88.5, status: 'pending', verified: false },
      });
      const result = await call(conn.client, 'test_elicitation_sep1034_defaults');
      assertNotError(result);
      assert.equal(onlyText(result), 'Profile of Jane Roe');
      const schema = side.elicitationRequests.at(-1).requestedSchema;
      const p = schema.properties;
      assert.equal(schema.type, 'object');
      assert.deepEqual([p.name.type, p.name.default], ['string', 'John Doe'], JSON.stringify(p.name));
      assert.deepEqual([p.age.type, p.age.default], ['integer', 30], JSON.stringify(p.age));
      assert.ok(Number.isInteger(p.age.default));
      assert.deepEqual([p.score.type, p.score.default], ['number', 95.5], JSON.stringify(p.score));
      assert.equal(p.status.type, 'string', JSON.stringify(p.status));
      assert.deepEqual(p.status.enum, ['active', 'inactive', 'pending'], JSON.stringify(p.status));
      assert.equal(p.status.default, 'active', JSON.stringify(p.status));
      assert.deepEqual([p.verified.type, p.verified.default], ['boolean', true], JSON.stringify(p.verified));
    });

    test('test_elicitation_sep1034_defaults declined: the tool says so', T, async () => {
      side.elicit = () => ({ action: 'decline' });
      const result = await call(conn.client, 'test_elicitation_sep1034_defaults');
      assertNotError(result);
      assert.equal(onlyText(result), 'No profile submitted');
    });

    test('test_elicitation_sep1330_enums: every enum shape arrives intact', T, async () => {
      side.elicit = () => ({
        action: 'accept',
        content: {
          untitledSingle: 'option1',
          titledSingle: 'value2',
          legacyEnum: 'opt3',
          untitledMulti: ['option1', 'option3'],
          titledMulti: ['value1'],
        },
      });
      const result = await call(conn.client, 'test_elicitation_sep1330_enums');
      assertNotError(result);
      assert.equal(onlyText(result), 'Elicitation completed: action=accept');
      const p = side.elicitationRequests.at(-1).requestedSchema.properties;
      const options = ['option1', 'option2', 'option3'];
      const titled = [
        { const: 'value1', title: 'First Option' },
        { const: 'value2', title: 'Second Option' },
        { const: 'value3', title: 'Third Option' },
      ];
      assert.deepEqual(p.untitledSingle, { type: 'string', enum: options });
      assert.deepEqual(p.titledSingle, { type: 'string', oneOf: titled });
      assert.deepEqual(p.legacyEnum, {
        type: 'string',
        enum: ['opt1', 'opt2', 'opt3'],
        enumNames: ['Option One', 'Option Two', 'Option Three'],
      });
      assert.deepEqual(p.untitledMulti, { type: 'array', items: { type: 'string', enum: options }, minItems: 1, maxItems: 3 });
      assert.deepEqual(p.titledMulti, { type: 'array', items: { anyOf: titled }, minItems: 1, maxItems: 3 });
    });
  });

  describe('resources', () => {
    test('resources/list: the three static resources with their metadata', T, async () => {
      const { resources, nextCursor } = await conn.client.listResources(undefined, REQUEST_OPTIONS);
      assert.equal(nextCursor, undefined);
      const byUri = Object.fromEntries(resources.map((r) => [r.uri, r]));
      assert.deepEqual(Object.keys(byUri).sort(), ['test://static-binary', 'test://static-text', 'test://watched-resource']);
      assert.deepEqual(byUri['test://static-text'], {
        uri: 'test://static-text',
        name: 'static-text',
        title: 'Static Text Resource',
        description: 'A static text resource for testing',
        mimeType: 'text/plain',
      });
      assert.equal(byUri['test://static-binary'].mimeType, 'image/png');
      assert.equal(byUri['test://watched-resource'].name, 'watched-resource');
    });

    test('resources/templates/list: the template', T, async () => {
      const { resourceTemplates } = await conn.client.listResourceTemplates(undefined, REQUEST_OPTIONS);
      assert.deepEqual(resourceTemplates, [
        {
          uriTemplate: 'test://template/{id}/data',
          name: 'template-data',
          description: 'Data for any id',
          mimeType: 'application/json',
        },
      ]);
    });

    test('resources/read text', T, async () => {
      const r = await conn.client.readResource({ uri: 'test://static-text' }, REQUEST_OPTIONS);
      assert.deepEqual(r.contents, [
        { uri: 'test://static-text', mimeType: 'text/plain', text: 'This is the content of the static text resource.' },
      ]);
    });

    test('resources/read binary', T, async () => {
      const r = await conn.client.readResource({ uri: 'test://static-binary' }, REQUEST_OPTIONS);
      assert.deepEqual(r.contents, [{ uri: 'test://static-binary', mimeType: 'image/png', blob: PNG }]);
    });

    test('resources/read of a template URI fills in the variable', T, async () => {
      const uri = 'test://template/123/data';
      const r = await conn.client.readResource({ uri }, REQUEST_OPTIONS);
      assert.equal(r.contents.length, 1, JSON.stringify(r));
      assert.equal(r.contents[0].uri, uri);
      assert.equal(r.contents[0].mimeType, 'application/json');
      assert.deepEqual(JSON.parse(r.contents[0].text), { id: '123', templateTest: true, data: 'Data for ID: 123' });
    });

    test('resources/read of an unknown URI is JSON-RPC error -32002', T, async () => {
      await rejectsWithCode(conn.client.readResource({ uri: 'test://no-such-resource' }, REQUEST_OPTIONS), -32002);
    });

    test('subscribe: notifications/resources/updated arrives; none after unsubscribe', T, async () => {
      await checkSubscription(conn.client, side);
    });
  });

  describe('prompts', () => {
    test('prompts/list: descriptions and arguments', T, async () => {
      const { prompts, nextCursor } = await conn.client.listPrompts(undefined, REQUEST_OPTIONS);
      assert.equal(nextCursor, undefined);
      const byName = Object.fromEntries(prompts.map((p) => [p.name, p]));
      assert.deepEqual(Object.keys(byName).sort(), [
        'test_input_required_result_prompt',
        'test_prompt_with_arguments',
        'test_prompt_with_embedded_resource',
        'test_prompt_with_image',
        'test_simple_prompt',
      ]);
      assert.equal(byName.test_simple_prompt.description, 'A simple prompt without arguments');
      assert.ok(!byName.test_simple_prompt.arguments?.length, JSON.stringify(byName.test_simple_prompt));
      assert.deepEqual(byName.test_prompt_with_arguments.arguments, [
        { name: 'arg1', description: 'First test argument', required: true },
        { name: 'arg2', description: 'Second test argument', required: true },
      ]);
      assert.deepEqual(byName.test_prompt_with_embedded_resource.arguments, [
        { name: 'resourceUri', description: 'URI of the resource to embed', required: true },
      ]);
      assert.equal(byName.test_prompt_with_image.description, 'A prompt with an image');
    });

    test('prompts/get test_simple_prompt', T, async () => {
      const r = await conn.client.getPrompt({ name: 'test_simple_prompt' }, REQUEST_OPTIONS);
      assert.deepEqual(r.messages, [{ role: 'user', content: { type: 'text', text: 'This is a simple prompt for testing.' } }]);
    });

    test('prompts/get test_prompt_with_arguments', T, async () => {
      const r = await conn.client.getPrompt(
        { name: 'test_prompt_with_arguments', arguments: { arg1: 'first', arg2: 'second' } },
        REQUEST_OPTIONS
      );
      assert.deepEqual(r.messages, [
        { role: 'user', content: { type: 'text', text: "Prompt with arguments: arg1='first', arg2='second'" } },
      ]);
    });

    test('prompts/get test_prompt_with_embedded_resource', T, async () => {
      const uri = 'test://example-resource';
      const r = await conn.client.getPrompt(
        { name: 'test_prompt_with_embedded_resource', arguments: { resourceUri: uri } },
        REQUEST_OPTIONS
      );
      assert.deepEqual(r.messages, [
        {
          role: 'user',
          content: { type: 'resource', resource: { uri, mimeType: 'text/plain', text: 'Embedded resource content for testing.' } },
        },
        { role: 'user', content: { type: 'text', text: 'Please process the embedded resource above.' } },
      ]);
    });

    test('prompts/get test_prompt_with_image', T, async () => {
      const r = await conn.client.getPrompt({ name: 'test_prompt_with_image' }, REQUEST_OPTIONS);
      assert.deepEqual(r.messages, [
        { role: 'user', content: { type: 'image', data: PNG, mimeType: 'image/png' } },
        { role: 'user', content: { type: 'text', text: 'Please analyze the image above.' } },
      ]);
    });

    test('prompts/get without a required argument is -32602', T, async () => {
      await rejectsWithCode(
        conn.client.getPrompt({ name: 'test_prompt_with_arguments', arguments: { arg1: 'only one' } }, REQUEST_OPTIONS),
        -32602
      );
    });

    test('prompts/get of an unknown prompt is -32602', T, async () => {
      await rejectsWithCode(conn.client.getPrompt({ name: 'no_such_prompt' }, REQUEST_OPTIONS), -32602);
    });
  });

  describe('completion', () => {
    test('completion/complete of prompt argument arg1 "te"', T, async () => {
      const r = await conn.client.complete(
        { ref: { type: 'ref/prompt', name: 'test_prompt_with_arguments' }, argument: { name: 'arg1', value: 'te' } },
        REQUEST_OPTIONS
      );
      assert.deepEqual(r.completion.values, ['test', 'testValue1']);
      assert.ok(r.completion.total === undefined || r.completion.total === 2, JSON.stringify(r));
      assert.ok(!r.completion.hasMore, JSON.stringify(r));
    });

    test('completion/complete of template variable id "1"', T, async () => {
      const r = await conn.client.complete(
        { ref: { type: 'ref/resource', uri: 'test://template/{id}/data' }, argument: { name: 'id', value: '1' } },
        REQUEST_OPTIONS
      );
      assert.deepEqual(r.completion.values, ['1', '123']);
    });
  });

  describe('list_changed', () => {
    for (const kind of DYNAMIC_KINDS) {
      test(`${kind}: the toggle's notification arrives; the item comes and goes`, T, async () => {
        await checkListChanged(conn.client, side, kind);
      });
    }
  });

  test('cancellation: no response, the call logged as stopped, the server still answers', T, () =>
    checkCancellation(conn, conn.stderr)
  );

  test('every server message matches the MCP schema', T, (t) => conn.recorder.assertAllValid(t));
  test('every result matches the schema definition of its method', T, (t) => assertResultsMatchTheirMethods(conn.recorder, t));
});
