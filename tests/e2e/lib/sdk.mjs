// Connects the official MCP TypeScript SDK client to the server, over stdio
// (the SDK spawns the binary) or Streamable HTTP, with every message recorded.
// close() is bounded in time and always ends a spawned server by PID.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { serverBinary, serverEnv } from './config.mjs';
import { stopPid, trackPid } from './process.mjs';
import { MessageRecorder, recordTransport } from './recorder.mjs';

/** Time limit of every SDK request in the tests. */
export const REQUEST_OPTIONS = { timeout: 10000 };

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms).unref());

/**
 * A client, optionally declaring `capabilities` (e.g. { sampling: {}, elicitation: {} }), and
 * `setup(client)` run before connecting (to register request and notification handlers).
 */
function newClient({ capabilities, setup } = {}) {
  const client = new Client({ name: 'arcade-mcp-cpp-e2e', version: '0.0.0' }, capabilities ? { capabilities } : undefined);
  setup?.(client);
  return client;
}

/** Closes a client within `ms`, whatever the transport does. */
async function closeBounded(client, ms = 6000) {
  await Promise.race([client.close().catch(() => {}), sleep(ms)]);
}

/**
 * Spawns the server over stdio through the SDK and initializes.
 * Resolves { client, transport, recorder, pid, stderr(), close() }.
 * Options: `env` extras, `binary` (default serverBinary()), and the client's
 * `capabilities` and `setup(client)` (see newClient).
 */
export async function connectStdio({ env = {}, binary, capabilities, setup } = {}) {
  const recorder = new MessageRecorder();
  const transport = recordTransport(
    new StdioClientTransport({
      command: binary ?? serverBinary(),
      env: serverEnv({ ARCADE_SERVER_TRANSPORT: 'stdio', ...env }),
      stderr: 'pipe',
    }),
    recorder
  );
  let stderr = '';
  transport.stderr.setEncoding('utf8');
  transport.stderr.on('data', (chunk) => {
    stderr = (stderr + chunk).slice(-65536);
  });
  const start = transport.start.bind(transport);
  let pid = null;
  transport.start = async () => {
    await start();
    pid = transport.pid;
    trackPid(pid);
  };
  const client = newClient({ capabilities, setup });
  const close = async () => {
    recorder.closing = true;
    await closeBounded(client);
    await stopPid(pid);
  };
  try {
    await client.connect(transport, REQUEST_OPTIONS);
  } catch (err) {
    await close();
    err.message += `\nserver stderr:\n${stderr}`;
    throw err;
  }
  return { client, transport, recorder, pid, stderr: () => stderr, close };
}

/**
 * Connects over Streamable HTTP to a server started by startHttpServer and initializes.
 * Resolves { client, transport, recorder, close() }; close() does not stop the server.
 * Options: the client's `capabilities` and `setup(client)` (see newClient), and `fetch`,
 * a fetch function the transport uses instead of the global one.
 */
export async function connectHttp(server, { capabilities, setup, fetch } = {}) {
  const recorder = new MessageRecorder();
  const transport = recordTransport(
    new StreamableHTTPClientTransport(new URL(server.url), fetch ? { fetch } : undefined),
    recorder
  );
  const client = newClient({ capabilities, setup });
  const close = async () => {
    recorder.closing = true;
    await closeBounded(client);
  };
  try {
    await client.connect(transport, REQUEST_OPTIONS);
  } catch (err) {
    await close();
    err.message += `\nserver stderr:\n${server.stderr()}`;
    throw err;
  }
  return { client, transport, recorder, close };
}
