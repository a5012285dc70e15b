// Serves BOOK_HTML and PLAIN_HTML (if set) each on a free 127.0.0.1 port for
// the whole run, with serve.mjs (gzip as a static host serves, which the page
// weight measures). Free ports are only known once bound, which the config's
// webServer (a command on a port fixed in advance) cannot express; the
// servers live in the runner's process and the workers, started after this,
// inherit BOOK_URL / PLAIN_URL.
import fs from 'node:fs';
import path from 'node:path';
import { startServer } from './serve.mjs';

export default async function globalSetup() {
  const servers = [];
  for (const [dirVar, urlVar] of [['BOOK_HTML', 'BOOK_URL'], ['PLAIN_HTML', 'PLAIN_URL']]) {
    const dir = process.env[dirVar];
    if (!dir) {
      if (dirVar === 'BOOK_HTML') throw new Error('BOOK_HTML is not set (the built book\'s html folder); run through `cargo xtask browser-test`');
      continue;
    }
    if (!fs.existsSync(path.join(dir, 'index.html'))) throw new Error(`${dirVar}=${dir} holds no index.html`);
    const server = await startServer(dir);
    servers.push(server);
    process.env[urlVar] = server.url;
    console.log(`browser tests: ${dirVar} ${path.resolve(dir)} served at ${server.url}`);
  }
  return async () => {
    for (const s of servers) await s.close();
  };
}
