// The upstream of the upstream_http check: a tiny catalog API on a free 127.0.0.1 port (printed as
// "port N" on stdout). GET /items/A-100: 200 with the item and the traceparent it received;
// /items/busy: 429 Retry-After: 7; /items/broken: 500; /items/slow-*: never answers (logs
// "closed <id> after <ms> ms" when the client gives up); anything else: 404.
import { createServer } from 'node:http';

const server = createServer((req, res) => {
  const id = decodeURIComponent(req.url.replace(/^\/items\//, ''));
  const started = Date.now();
  const json = (status, body, headers = {}) => {
    res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
  if (id === 'A-100') return json(200, { id, name: 'Widget', price: 4.5, traceparent: req.headers.traceparent ?? null });
  if (id === 'busy') return json(429, { error: 'slow down' }, { 'Retry-After': '7' });
  if (id === 'broken') return json(500, { error: 'boom' });
  if (id.startsWith('slow-')) {
    res.on('close', () => console.log(`closed ${id} after ${Date.now() - started} ms`));
    return;  // never answers
  }
  return json(404, { error: 'not found' });
});
server.listen(0, '127.0.0.1', () => console.log(`port ${server.address().port}`));
