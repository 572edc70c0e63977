// Serves the H5 build and forwards /api and /healthz to the gateway, so the app and the API share one
// origin (no CORS). Usage: node scripts/serve-h5.mjs [port] — gateway from GCRM_GATEWAY (default :3000).
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, request as httpRequest } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../dist/h5/', import.meta.url));
const gateway = new URL(process.env.GCRM_GATEWAY ?? 'http://127.0.0.1:3000');
const port = Number(process.argv[2] ?? 8080);
const types = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://x');
  if (url.pathname.startsWith('/api/') || url.pathname === '/healthz') {
    const upstream = httpRequest(
      {
        host: gateway.hostname,
        port: gateway.port,
        path: req.url,
        method: req.method,
        headers: { ...req.headers, host: gateway.host },
      },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
    return;
  }
  // Deep links from DingTalk todos / WeCom cards: /staff/tasks/<id> → the task page of the hash router.
  const deep = /^\/staff\/tasks\/([0-9a-f-]{36})$/.exec(url.pathname);
  if (deep) {
    res.writeHead(302, { location: `/#/staff/task/index?id=${deep[1]}` }).end();
    return;
  }
  const file = normalize(join(root, url.pathname === '/' ? 'index.html' : url.pathname));
  const path =
    file.startsWith(root) && existsSync(file) && statSync(file).isFile() ? file : join(root, 'index.html');
  res.writeHead(200, { 'content-type': types[extname(path)] ?? 'application/octet-stream' });
  createReadStream(path).pipe(res);
}).listen(port, '127.0.0.1', () => console.log(`H5: http://127.0.0.1:${port}/  (API → ${gateway.origin})`));
