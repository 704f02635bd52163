// MCP over the fault tests' HTTP/1.1 client: headers, initialize, calls, and strict checks of
// the answers (a JSON body or an SSE stream ending with the reply of the right id); 2026-07-28
// requests (params._meta, routing headers) for the tasks scenario.
export const PROTOCOL = '2025-11-25';
export const MODERN = '2026-07-28';
export const TASKS_EXTENSION = 'io.modelcontextprotocol/tasks';
export const ACCEPT = 'application/json, text/event-stream';

let counter = 0;
export const nextId = () => ++counter;

/** Request headers for a session ({ id, version }) or for a stateless server (session null). */
export function mcpHeaders(session, version = PROTOCOL) {
  const h = { Accept: ACCEPT, 'Content-Type': 'application/json' };
  if (session?.id) h['Mcp-Session-Id'] = session.id;
  const v = session?.version ?? version;
  if (v) h['MCP-Protocol-Version'] = v;
  return h;
}

export function initializeMessage(id, version = PROTOCOL) {
  return {
    jsonrpc: '2.0',
    id,
    method: 'initialize',
    params: { protocolVersion: version, capabilities: {}, clientInfo: { name: 'fault-tests', version: '1.0.0' } },
  };
}

export function toolCall(id, name, args = {}) {
  return { jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: args } };
}

/** The JSON-RPC messages of a response body; throws on a malformed body. */
export function messagesOf(res) {
  const type = res.headers['content-type'] ?? '';
  if (res.body.length === 0) return [];
  if (type.startsWith('text/event-stream')) {
    const out = [];
    for (const event of res.body.split(/\r?\n\r?\n/)) {
      const data = event
        .split(/\r?\n/)
        .filter((l) => l.startsWith('data:'))
        .map((l) => l.slice(5).replace(/^ /, ''))
        .join('\n');
      if (data.trim()) out.push(JSON.parse(data));
    }
    return out;
  }
  if (type.startsWith('application/json')) {
    const parsed = JSON.parse(res.body);
    return Array.isArray(parsed) ? parsed : [parsed];
  }
  throw new Error(`unexpected Content-Type ${JSON.stringify(type)}`);
}

/** The reply with this id in a response, or throws with the reason. */
export function replyOf(res, id) {
  if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${res.body.slice(0, 200)}`);
  const reply = messagesOf(res).find((m) => m.id === id && ('result' in m || 'error' in m));
  if (!reply) throw new Error(`no reply with id ${id} in ${JSON.stringify(res.body.slice(0, 300))}`);
  return reply;
}

/** The text of a tool result (first text block), or throws. */
export function toolText(reply) {
  if (reply.error) throw new Error(`JSON-RPC error ${JSON.stringify(reply.error)}`);
  const block = reply.result?.content?.find((c) => c.type === 'text');
  if (!block) throw new Error(`no text content in ${JSON.stringify(reply).slice(0, 300)}`);
  return block.text;
}

/** Checks that a response is the successful tool result `expected`; returns null or the reason. */
export function checkToolResult(res, id, expected) {
  try {
    const reply = replyOf(res, id);
    if (reply.result?.isError) return `isError: ${toolText(reply)}`;
    const text = toolText(reply);
    if (text !== expected) return `text ${JSON.stringify(text)}, expected ${JSON.stringify(expected)}`;
    return null;
  } catch (err) {
    return err.message;
  }
}

/** One JSON-RPC request on a Conn; resolves { res, reply } (reply checked for the id). */
export async function rpc(conn, session, message, { timeoutMs = 10000 } = {}) {
  const res = await conn.request({ headers: mcpHeaders(session), body: JSON.stringify(message), timeoutMs });
  return { res, reply: replyOf(res, message.id) };
}

/** initialize + notifications/initialized on a Conn; resolves the session { id, version }. */
export async function openSession(conn, { version = PROTOCOL, initialized = true, timeoutMs = 10000 } = {}) {
  const id = nextId();
  const res = await conn.request({ headers: mcpHeaders(null, null), body: JSON.stringify(initializeMessage(id, version)), timeoutMs });
  const reply = replyOf(res, id);
  if (reply.error) throw new Error(`initialize failed: ${JSON.stringify(reply.error)}`);
  const session = { id: res.headers['mcp-session-id'], version: reply.result.protocolVersion };
  if (!session.id) throw new Error('initialize answered without Mcp-Session-Id');
  if (initialized) {
    const ack = await conn.request({
      headers: mcpHeaders(session),
      body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }),
      timeoutMs,
    });
    if (ack.status !== 202) throw new Error(`notifications/initialized: HTTP ${ack.status}`);
  }
  return session;
}

/** Params member a 2026-07-28 request names in its Mcp-Name header. */
const NAME_MEMBER = {
  'tools/call': 'name',
  'tasks/get': 'taskId',
  'tasks/update': 'taskId',
  'tasks/cancel': 'taskId',
};

/**
 * A 2026-07-28 request: params._meta carries the revision, the client's info and capabilities
 * (the tasks extension unless tasks is false).
 */
export function modernMessage(id, method, params = {}, { tasks = true } = {}) {
  const capabilities = tasks ? { extensions: { [TASKS_EXTENSION]: {} } } : {};
  const meta = {
    'io.modelcontextprotocol/protocolVersion': MODERN,
    'io.modelcontextprotocol/clientCapabilities': capabilities,
    'io.modelcontextprotocol/clientInfo': { name: 'fault-tests', version: '1.0.0' },
  };
  return { jsonrpc: '2.0', id, method, params: { ...params, _meta: meta } };
}

/** Headers of a 2026-07-28 POST: MCP-Protocol-Version, Mcp-Method, and Mcp-Name when named. */
export function modernHeaders(message) {
  const h = { Accept: ACCEPT, 'Content-Type': 'application/json', 'MCP-Protocol-Version': MODERN };
  h['Mcp-Method'] = message.method;
  const name = message.params?.[NAME_MEMBER[message.method]];
  if (typeof name === 'string') {
    const plain = /^[\x21-\x7e]([\x20-\x7e]*[\x21-\x7e])?$/.test(name) && !name.startsWith('=?base64?');
    h['Mcp-Name'] = plain ? name : `=?base64?${Buffer.from(name, 'utf8').toString('base64')}?=`;
  }
  return h;
}

/**
 * One 2026-07-28 request on a Conn; resolves { res, reply }: the reply with the request's id,
 * whatever the HTTP status (a JSON-RPC error may come with a 4xx). Throws when there is none.
 */
export async function modernRpc(conn, method, params = {}, { timeoutMs = 10000, tasks = true } = {}) {
  const message = modernMessage(nextId(), method, params, { tasks });
  const res = await conn.request({ headers: modernHeaders(message), body: JSON.stringify(message), timeoutMs });
  let messages;
  try {
    messages = messagesOf(res);
  } catch (err) {
    throw new Error(`${method}: HTTP ${res.status}, ${err.message}: ${res.body.slice(0, 200)}`);
  }
  const reply = messages.find((m) => m.id === message.id && ('result' in m || 'error' in m));
  if (!reply) {
    throw new Error(`${method}: HTTP ${res.status}, no reply with id ${message.id}: ${res.body.slice(0, 300)}`);
  }
  return { res, reply };
}
