// A stand-in for the Arcade API's authorization endpoints, as documented for arcadepy 1.10
// (POST /v1/auth/authorize -> AuthorizationResponse, GET /v1/auth/status?id=&wait=), for the
// arcade_oauth check. It checks the Authorization header against its key, records every request,
// and plays the user: GET /consent/<id>?answer=grant|deny is what the user's browser does at the
// provider. Users named in `grantedUsers` are authorized at once. One authorization per user and
// provider (provider_id, or a custom provider's id).
// Usage (from check code): const api = await startArcadeApiDouble({ key, grantedUsers });
//   api.url, api.requests, api.close()
import http from 'node:http';

export async function startArcadeApiDouble({ key, grantedUsers = [] }) {
  const requests = [];
  const authorizations = new Map();  // id -> { status, user_id, provider_id, scopes }
  let next = 1;
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => { body += chunk; });
    req.on('end', () => {
      const url = new URL(req.url, 'http://127.0.0.1');
      requests.push({ method: req.method, path: url.pathname, query: Object.fromEntries(url.searchParams), authorization: req.headers.authorization, body: body ? JSON.parse(body) : null });
      const send = (status, value) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(value));
      };
      if (url.pathname.startsWith('/consent/')) {  // the user at the provider
        const a = authorizations.get(url.pathname.slice('/consent/'.length));
        if (!a) return send(404, { message: 'no such authorization' });
        a.status = url.searchParams.get('answer') === 'grant' ? 'completed' : 'failed';
        return send(200, { ok: true });
      }
      if (req.headers.authorization !== key) return send(401, { name: 'unauthorized', message: 'Invalid API key' });
      const response = (id) => {
        const a = authorizations.get(id);
        const out = { id, provider_id: a.provider_id, scopes: a.scopes, status: a.status, user_id: a.user_id };
        if (a.status === 'completed') out.context = { token: `gho_${id}_token`, user_info: { login: a.user_id.split('@')[0] } };
        if (a.status === 'pending') out.url = `http://127.0.0.1:${server.address().port}/consent/${id}`;
        return out;
      };
      if (req.method === 'POST' && url.pathname === '/v1/auth/authorize') {
        const { auth_requirement: r, user_id: user } = JSON.parse(body);
        if (!r || !user || (!r.provider_id && !r.id)) return send(400, { message: 'auth_requirement and user_id are required' });
        const found = [...authorizations.entries()].find(([, a]) => a.user_id === user && a.provider_id === r.provider_id && a.custom_id === r.id && a.status !== 'failed');
        if (found) return send(200, response(found[0]));
        const id = `ac_${next++}`;
        authorizations.set(id, { user_id: user, provider_id: r.provider_id, custom_id: r.id, scopes: r.oauth2?.scopes ?? [], status: grantedUsers.includes(user) ? 'completed' : 'pending' });
        return send(200, response(id));
      }
      if (req.method === 'GET' && url.pathname === '/v1/auth/status') {
        const id = url.searchParams.get('id');
        if (!authorizations.has(id)) return send(404, { message: 'authorization not found' });
        const wait = Math.min(Number(url.searchParams.get('wait') ?? 0), 59) * 1000;
        const started = Date.now();
        const poll = () => {
          const a = authorizations.get(id);
          if (a.status !== 'pending' || Date.now() - started >= wait) return send(200, response(id));
          setTimeout(poll, 50);
        };
        return poll();
      }
      return send(404, { message: 'not found' });
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    requests,
    close: () => new Promise((resolve) => { server.closeAllConnections?.(); server.close(resolve); }),
  };
}
