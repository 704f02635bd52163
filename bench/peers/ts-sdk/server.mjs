// Benchmark peer: the official MCP TypeScript SDK (1.32.2, pinned by package-lock.json) serving
// the reference toolkit under the same tool names as arcade-eval-ref (ArcadeEvalRef_Echo, _Add,
// _Whoami, with output schemas so the answers carry structuredContent like ours).
//
//   node server.mjs --mode stateful  --port N   Streamable HTTP on 127.0.0.1:N/mcp, one McpServer
//                                               and transport per session (the SDK's
//                                               simpleStreamableHttp / jsonResponse examples)
//   node server.mjs --mode stateless --port N   a fresh McpServer and transport per POST (the
//                                               SDK's simpleStatelessStreamableHttp example)
//   node server.mjs --mode stdio                newline-delimited JSON-RPC on stdin/stdout
//
// HTTP is express 5 with the SDK's localhost Host-header validation (ours checks Host/Origin too)
// and a JSON body limit of BENCH_TS_BODY_LIMIT (default 8mb; the SDK's own helper keeps express'
// 100kb default, which would refuse the 1 MB point of the size sweep). Answers are
// application/json (enableJsonResponse), the form ours uses when the reply comes first; set
// BENCH_TS_SSE=1 for the SDK's default SSE answers. Nothing is logged per request.
import { randomUUID } from 'node:crypto';
import express from 'express';
import * as z from 'zod/v4';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { localhostHostValidation } from '@modelcontextprotocol/sdk/server/middleware/hostHeaderValidation.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}
const mode = arg('mode', 'stateful');
const port = Number(arg('port', '0'));
const jsonResponse = process.env.BENCH_TS_SSE !== '1';
const bodyLimit = process.env.BENCH_TS_BODY_LIMIT || '8mb';
const userId = process.env.ARCADE_USER_ID || 'bench-user';

function getServer() {
  const server = new McpServer(
    { name: 'ts-sdk-peer', version: '1.0.0' },
    { capabilities: { logging: {} }, instructions: 'Reference tools for evaluating an Arcade gateway: Echo, Add and Whoami.' },
  );
  server.registerTool(
    'ArcadeEvalRef_Echo',
    {
      description: 'Echo the message back.',
      inputSchema: { message: z.string().describe('The message to echo back') },
      outputSchema: { result: z.string().describe('The same message') },
    },
    async ({ message }) => ({ content: [{ type: 'text', text: message }], structuredContent: { result: message } }),
  );
  server.registerTool(
    'ArcadeEvalRef_Add',
    {
      description: 'Add two integers.',
      inputSchema: { a: z.number().int().describe('First addend'), b: z.number().int().describe('Second addend') },
      outputSchema: { result: z.number().int().describe('The sum a + b') },
    },
    async ({ a, b }) => ({ content: [{ type: 'text', text: String(a + b) }], structuredContent: { result: a + b } }),
  );
  server.registerTool(
    'ArcadeEvalRef_Whoami',
    { description: "Return the caller's user id.", inputSchema: {}, outputSchema: { result: z.string() } },
    async () => ({ content: [{ type: 'text', text: userId }], structuredContent: { result: userId } }),
  );
  return server;
}

const jsonRpcError = (res, status, code, message) => {
  if (!res.headersSent) res.status(status).json({ jsonrpc: '2.0', error: { code, message }, id: null });
};

function httpApp() {
  const app = express();
  app.use(localhostHostValidation());
  app.use(express.json({ limit: bodyLimit }));
  return app;
}

function statefulApp() {
  const app = httpApp();
  const transports = new Map();
  app.post('/mcp', async (req, res) => {
    try {
      const sessionId = req.headers['mcp-session-id'];
      let transport = sessionId ? transports.get(sessionId) : undefined;
      if (!transport) {
        if (sessionId || !isInitializeRequest(req.body)) return jsonRpcError(res, sessionId ? 404 : 400, -32000, sessionId ? 'Session not found' : 'Bad Request: No valid session ID provided');
        transport = new StreamableHTTPServerTransport({
          sessionIdGenerator: () => randomUUID(),
          enableJsonResponse: jsonResponse,
          onsessioninitialized: (sid) => transports.set(sid, transport),
        });
        transport.onclose = () => {
          if (transport.sessionId) transports.delete(transport.sessionId);
        };
        await getServer().connect(transport);
      }
      await transport.handleRequest(req, res, req.body);
    } catch (err) {
      jsonRpcError(res, 500, -32603, `Internal server error: ${err}`);
    }
  });
  const bySession = async (req, res) => {
    const transport = transports.get(req.headers['mcp-session-id']);
    if (!transport) return jsonRpcError(res, 404, -32000, 'Session not found');
    await transport.handleRequest(req, res);
  };
  app.get('/mcp', bySession);
  app.delete('/mcp', bySession);
  app.sessions = transports;
  return app;
}

function statelessApp() {
  const app = httpApp();
  app.post('/mcp', async (req, res) => {
    const server = getServer();
    try {
      const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: jsonResponse });
      await server.connect(transport);
      await transport.handleRequest(req, res, req.body);
      res.on('close', () => {
        transport.close();
        server.close();
      });
    } catch (err) {
      jsonRpcError(res, 500, -32603, `Internal server error: ${err}`);
    }
  });
  const notAllowed = (req, res) => jsonRpcError(res, 405, -32000, 'Method not allowed.');
  app.get('/mcp', notAllowed);
  app.delete('/mcp', notAllowed);
  return app;
}

if (mode === 'stdio') {
  await getServer().connect(new StdioServerTransport());
} else if (mode === 'stateful' || mode === 'stateless') {
  const app = mode === 'stateful' ? statefulApp() : statelessApp();
  const listener = app.listen(port, '127.0.0.1', () => {
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
