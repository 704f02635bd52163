// Benchmark peer: the official MCP TypeScript SDK v2 (@modelcontextprotocol/server 2.4.0 and
// @modelcontextprotocol/node 2.1.2, pinned by package-lock.json) serving the reference toolkit
// under the same tool names as arcade-eval-ref (ArcadeEvalRef_Echo, _Add, _Whoami, with output
// schemas so the answers carry structuredContent like ours). Same command line and answers as the
// 1.x peer in ../ts-sdk/server.mjs, so bench/harness.mjs and the Lua checks of bench/lua/ treat
// both alike.
//
//   node server.mjs --mode stateful  --port N   Streamable HTTP on 127.0.0.1:N/mcp; 2025-era
//                                               traffic gets one McpServer and
//                                               NodeStreamableHTTPServerTransport per session
//   node server.mjs --mode stateless --port N   2025-era traffic gets a fresh McpServer and
//                                               transport per POST (sessionIdGenerator: undefined)
//   node server.mjs --mode stdio                newline-delimited JSON-RPC on stdin/stdout
//                                               (serveStdio: 2025 handshake or 2026-07-28)
//
// Both HTTP modes also serve protocol revision 2026-07-28 on the same endpoint, the way the v2
// docs pair a 2025 wiring with the new entry: each POST is classified by the SDK's own
// classifyInboundRequest (what createMcpHandler and isLegacyRequest run); requests carrying the
// per-request _meta envelope go to createMcpHandler(getServer, { legacy: 'reject' }) (one
// McpServer per request, no session), everything else to the 2025 wiring above. The 2025 legs are
// hand-wired rather than createMcpHandler's built-in stateless fallback so that they can answer
// application/json like the 1.x peer (the fallback always answers SSE).
//
// HTTP is plain node:http with the SDK's localhost Host and Origin guards (ours checks Host/Origin
// too) and a body limit of BENCH_TS_BODY_LIMIT (default 8mb, as the 1.x peer: the size sweep
// sends 1 MB). Answers are application/json (enableJsonResponse on the 2025 legs, responseMode
// 'auto' on the 2026 leg), the form ours uses when the reply comes first; set BENCH_TS_SSE=1 for
// SSE answers. Nothing is logged per request.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import * as z from 'zod';
import { McpServer, classifyInboundRequest, createMcpHandler, isInitializeRequest, isJsonContentType } from '@modelcontextprotocol/server';
import { serveStdio } from '@modelcontextprotocol/server/stdio';
import { NodeStreamableHTTPServerTransport, localhostHostValidation, localhostOriginValidation, toNodeHandler } from '@modelcontextprotocol/node';

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}
/** '8mb', '100kb', '1048576' -> bytes (express' notation, as the 1.x peer takes it). */
function bytes(text) {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?\s*$/i.exec(text);
  if (!m) throw new Error(`BENCH_TS_BODY_LIMIT: cannot read ${JSON.stringify(text)}`);
  return Math.floor(Number(m[1]) * { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 }[(m[2] || 'b').toLowerCase()]);
}
const mode = arg('mode', 'stateful');
const port = Number(arg('port', '0'));
const sse = process.env.BENCH_TS_SSE === '1';
const jsonResponse = !sse;
const bodyLimit = bytes(process.env.BENCH_TS_BODY_LIMIT || '8mb');
const userId = process.env.ARCADE_USER_ID || 'bench-user';

function getServer() {
  const server = new McpServer(
    { name: 'ts-sdk-v2-peer', version: '1.0.0' },
    { capabilities: { logging: {} }, instructions: 'Reference tools for evaluating an Arcade gateway: Echo, Add and Whoami.' },
  );
  server.registerTool(
    'ArcadeEvalRef_Echo',
    {
      description: 'Echo the message back.',
      inputSchema: z.object({ message: z.string().describe('The message to echo back') }),
      outputSchema: z.object({ result: z.string().describe('The same message') }),
    },
    async ({ message }) => ({ content: [{ type: 'text', text: message }], structuredContent: { result: message } }),
  );
  server.registerTool(
    'ArcadeEvalRef_Add',
    {
      description: 'Add two integers.',
      inputSchema: z.object({ a: z.number().int().describe('First addend'), b: z.number().int().describe('Second addend') }),
      outputSchema: z.object({ result: z.number().int().describe('The sum a + b') }),
    },
    async ({ a, b }) => ({ content: [{ type: 'text', text: String(a + b) }], structuredContent: { result: a + b } }),
  );
  server.registerTool(
    'ArcadeEvalRef_Whoami',
    { description: "Return the caller's user id.", inputSchema: z.object({}), outputSchema: z.object({ result: z.string() }) },
    async () => ({ content: [{ type: 'text', text: userId }], structuredContent: { result: userId } }),
  );
  return server;
}

const jsonRpcError = (res, status, code, message) => {
  if (res.headersSent) return;
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id: null }));
};

/** The request body as parsed JSON; undefined after answering (413, 400) itself. */
function readJson(req, res) {
  return new Promise((resolve) => {
    const chunks = [];
    let size = 0;
    let over = false;
    req.on('data', (c) => {
      if (over) return;
      size += c.length;
      if (size > bodyLimit) {
        over = true;
        jsonRpcError(res, 413, -32000, `Payload Too Large: the request body exceeds ${bodyLimit} bytes`);
        resolve(undefined);
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      if (over) return;
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch {
        jsonRpcError(res, 400, -32700, 'Parse error');
        resolve(undefined);
      }
    });
    req.on('error', () => resolve(undefined));
  });
}

/** The 2026-07-28 leg: per-request McpServer from the same factory, 2025 traffic never lands here. */
const modern = toNodeHandler(createMcpHandler(getServer, { legacy: 'reject', responseMode: sse ? 'sse' : 'auto', maxRequestBodySize: bodyLimit, onerror: () => {} }), {
  maxRequestBodySize: bodyLimit,
});

/** The 2025 leg, stateful: one McpServer and transport per session (the SDK's sessionful wiring). */
function statefulLegacy() {
  const transports = new Map();
  return async (req, res, body) => {
    const sessionId = req.headers['mcp-session-id'];
    let transport = sessionId ? transports.get(sessionId) : undefined;
    if (!transport) {
      if (sessionId || req.method !== 'POST' || !isInitializeRequest(body)) {
        return jsonRpcError(res, sessionId ? 404 : 400, -32000, sessionId ? 'Session not found' : 'Bad Request: No valid session ID provided');
      }
      transport = new NodeStreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        enableJsonResponse: jsonResponse,
        onsessioninitialized: (sid) => transports.set(sid, transport),
      });
      transport.onclose = () => {
        if (transport.sessionId) transports.delete(transport.sessionId);
      };
      await getServer().connect(transport);
    }
    await transport.handleRequest(req, res, body);
  };
}

/** The 2025 leg, stateless: a fresh McpServer and transport per POST. */
function statelessLegacy() {
  return async (req, res, body) => {
    if (req.method !== 'POST') return jsonRpcError(res, 405, -32000, 'Method not allowed.');
    const server = getServer();
    const transport = new NodeStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: jsonResponse });
    await server.connect(transport);
    await transport.handleRequest(req, res, body);
    res.on('close', () => {
      transport.close();
      server.close();
    });
  };
}

function httpServer(legacy) {
  const validHost = localhostHostValidation();
  const validOrigin = localhostOriginValidation();
  return createServer(async (req, res) => {
    try {
      if (!validHost(req, res) || !validOrigin(req, res)) return;
      if (new URL(req.url, 'http://localhost').pathname !== '/mcp') return jsonRpcError(res, 404, -32000, 'Not Found');
      if (req.method !== 'POST') return await legacy(req, res, undefined); // GET / DELETE: 2025 session operations
      if (!isJsonContentType(req.headers['content-type'])) return jsonRpcError(res, 415, -32000, 'Unsupported Media Type: Content-Type must be application/json');
      const body = await readJson(req, res);
      if (body === undefined) return;
      const route = classifyInboundRequest({
        httpMethod: 'POST',
        protocolVersionHeader: req.headers['mcp-protocol-version'],
        mcpMethodHeader: req.headers['mcp-method'],
        mcpNameHeader: req.headers['mcp-name'],
        body,
      });
      // 'modern' and ladder rejections ('reject') both belong to the 2026 entry, which answers them.
      if (route.kind === 'legacy') await legacy(req, res, body);
      else await modern(req, res, body);
    } catch (err) {
      jsonRpcError(res, 500, -32603, `Internal server error: ${err}`);
    }
  });
}

if (mode === 'stdio') {
  serveStdio(getServer);
} else if (mode === 'stateful' || mode === 'stateless') {
  const listener = httpServer(mode === 'stateful' ? statefulLegacy() : statelessLegacy());
  listener.listen(port, '127.0.0.1', () => {
    process.stderr.write(`listening on http://127.0.0.1:${listener.address().port}/mcp mode=${mode} json=${jsonResponse}\n`);
  });
  const stop = () => {
    listener.close();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
} else {
  process.stderr.write(`unknown --mode ${mode} (stateful | stateless | stdio)\n`);
  process.exit(2);
}
