// The client side of the elicitation_sampling check: the official MCP TypeScript SDK client (from
// tests/e2e/node_modules) spawns the example over stdio twice. First declaring elicitation and
// sampling, answering the server's requests from handlers: the booking form accepted, then
// declined; a sampling request answered, then refused with an error. Then without either
// capability, where the tools must fall back. Exits non-zero on the first mismatch.
// Usage: node client.mjs <example binary>
import assert from 'node:assert/strict';
import { Client } from '../../tests/e2e/node_modules/@modelcontextprotocol/sdk/dist/esm/client/index.js';
import { StdioClientTransport } from '../../tests/e2e/node_modules/@modelcontextprotocol/sdk/dist/esm/client/stdio.js';
import {
  CreateMessageRequestSchema,
  ElicitRequestSchema,
  ErrorCode,
  McpError,
} from '../../tests/e2e/node_modules/@modelcontextprotocol/sdk/dist/esm/types.js';

const binary = process.argv[2];
if (!binary) throw new Error('usage: node client.mjs <example binary>');

async function connect(capabilities, setup = () => {}) {
  const transport = new StdioClientTransport({ command: binary, env: { ...process.env, ARCADE_LOG_LEVEL: 'warning' } });
  const client = new Client({ name: 'example-check', version: '1.0.0' }, { capabilities });
  setup(client);
  await client.connect(transport);
  return client;
}

const text = (r) => r.content.map((c) => c.text).join('');
const call = (client, name, args) => client.callTool({ name, arguments: args }, undefined, { timeout: 10000 });

// --- A client that can show forms and run a model.
let formAnswer = { action: 'accept', content: { guests: 4, time: '19:30' } };
const seen = { forms: [], samples: [] };
const capable = await connect({ elicitation: {}, sampling: {} }, (client) => {
  client.setRequestHandler(ElicitRequestSchema, async (request) => {
    seen.forms.push(request.params);
    return formAnswer;
  });
  client.setRequestHandler(CreateMessageRequestSchema, async (request) => {
    seen.samples.push(request.params);
    const prompt = request.params.messages[0].content.text;
    if (prompt.includes('secret')) throw new McpError(ErrorCode.InvalidRequest, 'The user refused to send this to the model');
    return { role: 'assistant', content: { type: 'text', text: `A ${prompt.split(' ').length}-word text.` }, model: 'test-model' };
  });
});
try {
  let r = await call(capable, 'book_table', { restaurant: 'Chez Ada' });
  assert.equal(r.isError, false, text(r));
  assert.equal(text(r), 'Booked Chez Ada for 4 at 19:30');
  // The form the user saw: the message and the schema derived from booking_form.
  assert.equal(seen.forms[0].message, 'Book a table at Chez Ada?');
  assert.deepEqual(Object.keys(seen.forms[0].requestedSchema.properties).sort(), ['guests', 'time']);
  assert.equal(seen.forms[0].requestedSchema.properties.guests.maximum, 12);

  formAnswer = { action: 'decline' };
  r = await call(capable, 'book_table', { restaurant: 'Chez Ada' });
  assert.equal(r.isError, false, text(r));
  assert.equal(text(r), 'No booking made: the user declined');

  r = await call(capable, 'summarize', { text: 'One two three four five.' });
  assert.equal(r.isError, false, text(r));
  assert.equal(text(r), 'A 5-word text. (by test-model)');
  assert.equal(seen.samples[0].systemPrompt, 'Summarize the user\'s text in one short sentence.');
  assert.equal(seen.samples[0].maxTokens, 60);

  r = await call(capable, 'summarize', { text: 'My secret plans.' });
  assert.equal(r.isError, true);
  assert.match(text(r), /The client's model did not answer: .*The user refused to send this to the model/);
  assert.equal(r._meta?.arcade?.errorKind, 'TOOL_RUNTIME_RETRY');
} finally {
  await capable.close();
}

// --- A client with neither capability: the tools fall back without asking.
const plain = await connect({});
try {
  let r = await call(plain, 'book_table', { restaurant: 'Chez Ada' });
  assert.equal(r.isError, true);
  assert.match(text(r), /This client cannot show a booking form/);
  assert.equal(r._meta?.arcade?.errorKind, 'TOOL_RUNTIME_CONTEXT_REQUIRED');
  r = await call(plain, 'summarize', { text: 'First things first. Then the rest.' });
  assert.equal(r.isError, false, text(r));
  assert.equal(text(r), '(first sentence) First things first.');
} finally {
  await plain.close();
}
assert.equal(seen.forms.length, 2);
assert.equal(seen.samples.length, 2);
console.log('elicitation_sampling: ok');
