// A tiny static file server for the browser tests: serves one folder on
// 127.0.0.1 (a free port), gzips text files as a static host such as GitHub
// Pages does (the page weight counts bytes as sent), and answers 404 for
// anything missing. Hand-written rather than a package because it is this
// small and the gzip behaviour is what is measured. Started in-process by
// global-setup.mjs, or alone: `node serve.mjs DIR` (prints the URL).
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import zlib from 'node:zlib';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
};
const COMPRESS = new Set(['.html', '.css', '.js', '.json', '.svg', '.txt']);

export function startServer(root) {
  root = path.resolve(root);
  const gzCache = new Map();
  const server = http.createServer((req, res) => {
    let rel;
    try {
      rel = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    } catch {
      res.writeHead(400).end();
      return;
    }
    if (rel.endsWith('/')) rel += 'index.html';
    const file = path.join(root, rel);
    if (!file.startsWith(root + path.sep) && file !== root) {
      res.writeHead(403).end();
      return;
    }
    let body;
    try {
      body = fs.readFileSync(file);
    } catch {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
      return;
    }
    const ext = path.extname(file).toLowerCase();
    const headers = {
      'Content-Type': TYPES[ext] || 'application/octet-stream',
      'Cache-Control': 'no-cache',
    };
    if (COMPRESS.has(ext) && /\bgzip\b/.test(req.headers['accept-encoding'] || '')) {
      // Kept with the bytes it was made of: a file changed since (the
      // offline test's new build) is gzipped again, not served stale.
      const kept = gzCache.get(file);
      if (!kept || !kept.raw.equals(body)) gzCache.set(file, { raw: body, gz: zlib.gzipSync(body, { level: 6 }) });
      body = gzCache.get(file).gz;
      headers['Content-Encoding'] = 'gzip';
      headers['Vary'] = 'Accept-Encoding';
    }
    headers['Content-Length'] = body.length;
    res.writeHead(200, headers);
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      resolve({
        url: `http://127.0.0.1:${port}/`,
        close: () => new Promise(r => {
          server.closeAllConnections?.();
          server.close(() => r());
        }),
      });
    });
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dir = process.argv[2];
  if (!dir) {
    console.error('usage: node serve.mjs DIR');
    process.exit(2);
  }
  const s = await startServer(dir);
  console.log(s.url);
}
