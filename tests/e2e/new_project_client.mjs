// The official TypeScript SDK client against a project made by `arcade-mcp new` (used by
// deploy/packages/test-clean-root.sh; not a node --test file):
//   node new_project_client.mjs stdio <Toolkit> <command> [args...]
//   node new_project_client.mjs http <Toolkit> <url>
// Lists the tools, calls <Toolkit>_CountWords and checks its structured result; exits 1 otherwise.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

const [mode, toolkit, ...rest] = process.argv.slice(2);
const transport = mode === 'stdio'
  ? new StdioClientTransport({ command: rest[0], args: rest.slice(1), stderr: 'ignore' })
  : new StreamableHTTPClientTransport(new URL(rest[0]));
const client = new Client({ name: 'new-project-check', version: '1.0.0' });
const timer = setTimeout(() => { console.error('FAIL: no answer within 60 s'); process.exit(1); }, 60_000);
try {
  await client.connect(transport);
  const { tools } = await client.listTools();
  const names = tools.map((t) => t.name);
  if (!names.includes(`${toolkit}_CountWords`)) throw new Error(`tools/list: ${names.join(', ')}`);
  const r = await client.callTool({ name: `${toolkit}_CountWords`, arguments: { text: 'to be or not to be' } });
  if (r.isError || r.structuredContent?.words !== 6) throw new Error(`CountWords: ${JSON.stringify(r)}`);
  console.log(`${mode}: ${names.length} tools (${names.join(', ')}); ${toolkit}_CountWords -> ${JSON.stringify(r.structuredContent)}`);
  await client.close();
  clearTimeout(timer);
} catch (e) {
  console.error(`FAIL (${mode}): ${e.message}`);
  process.exit(1);
}
