// Checks shared by the SDK-driven stdio and HTTP tests: the tool list of
// arcade-eval-ref and the results of calling its tools, good and bad.
import assert from 'node:assert/strict';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { REQUEST_OPTIONS } from './sdk.mjs';

export const TOOL_NAMES = ['ArcadeEvalRef_Add', 'ArcadeEvalRef_Echo', 'ArcadeEvalRef_Whoami'];

/** Calls a tool through the SDK with the tests' time limit. */
export function call(client, name, args) {
  return client.callTool({ name, arguments: args }, undefined, REQUEST_OPTIONS);
}

/** The text of a result's single text content item. */
export function onlyText(result) {
  assert.ok(Array.isArray(result.content), `content is not an array: ${JSON.stringify(result)}`);
  assert.equal(result.content.length, 1, `expected one content item: ${JSON.stringify(result.content)}`);
  assert.equal(result.content[0].type, 'text', `expected text content: ${JSON.stringify(result.content)}`);
  return result.content[0].text;
}

function assertNotError(result) {
  assert.ok(result.isError === undefined || result.isError === false, `isError set: ${JSON.stringify(result)}`);
}

export async function checkToolList(client) {
  const { tools } = await client.listTools(undefined, REQUEST_OPTIONS);
  assert.deepEqual(
    tools.map((t) => t.name),
    TOOL_NAMES,
    'tools/list must return exactly the three tools, in this order'
  );
  for (const tool of tools) {
    assert.equal(typeof tool.description, 'string', `${tool.name}: description missing`);
    assert.ok(tool.description.length > 0, `${tool.name}: description empty`);
    assert.equal(tool.inputSchema?.type, 'object', `${tool.name}: inputSchema.type must be "object"`);
  }
  const byName = Object.fromEntries(tools.map((t) => [t.name, t]));
  const echo = byName.ArcadeEvalRef_Echo.inputSchema;
  assert.ok(echo.required?.includes('message'), `Echo must require "message": ${JSON.stringify(echo)}`);
  assert.equal(echo.properties?.message?.type, 'string', `Echo.message must be a string: ${JSON.stringify(echo)}`);
  const add = byName.ArcadeEvalRef_Add.inputSchema;
  for (const p of ['a', 'b']) {
    assert.ok(add.required?.includes(p), `Add must require "${p}": ${JSON.stringify(add)}`);
    assert.equal(add.properties?.[p]?.type, 'integer', `Add.${p} must be an integer: ${JSON.stringify(add)}`);
  }
}

export async function checkEcho(client) {
  const result = await call(client, 'ArcadeEvalRef_Echo', { message: 'hello' });
  assertNotError(result);
  assert.deepEqual(result.content, [{ type: 'text', text: 'hello' }]);
  assert.deepEqual(result.structuredContent, { result: 'hello' });
}

export async function checkAdd(client) {
  const result = await call(client, 'ArcadeEvalRef_Add', { a: 2, b: 3 });
  assertNotError(result);
  assert.equal(onlyText(result), '5');
  assert.deepEqual(result.structuredContent, { result: 5 });
}

export async function checkWhoami(client, userId) {
  const result = await call(client, 'ArcadeEvalRef_Whoami', {});
  assertNotError(result);
  assert.equal(onlyText(result), userId);
  assert.deepEqual(result.structuredContent, { result: userId });
}

export async function checkUnknownTool(client) {
  await assert.rejects(call(client, 'Nope', {}), (err) => {
    assert.ok(err instanceof McpError, `expected McpError, got ${err?.stack ?? err}`);
    assert.equal(err.code, -32602, `expected code -32602, got ${err.code}: ${err.message}`);
    return true;
  });
}

/** On a 2025-11-25 session, bad arguments are a tool result with isError, naming the argument. */
export async function checkBadArgument(client, args, pointer) {
  const result = await call(client, 'ArcadeEvalRef_Add', args);
  assert.equal(result.isError, true, `expected isError for ${JSON.stringify(args)}: ${JSON.stringify(result)}`);
  const text = onlyText(result);
  if (pointer) {
    assert.ok(text.includes(pointer), `error text should mention ${pointer}: ${JSON.stringify(text)}`);
  }
}

export async function checkPing(client) {
  assert.deepEqual(await client.ping(REQUEST_OPTIONS), {});
}
