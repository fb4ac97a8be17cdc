/**
 * The reference servers of figures 3 and 6: plain node:http, nothing else.
 *   bare-server.js json <file>   answers every request with the bytes of <file> as application/json
 *   bare-server.js file <file>   streams <file> with fs.createReadStream as application/zip
 * Tells its parent the port over IPC: {type:'listening', port}.
 */
import { createReadStream, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const [mode, path] = process.argv.slice(2);
if ((mode !== 'json' && mode !== 'file') || !path) {
  process.stderr.write('usage: bare-server.js json|file <path>\n');
  process.exit(2);
}

const body = mode === 'json' ? readFileSync(path) : undefined;
const size = mode === 'file' ? statSync(path).size : 0;

const server = createServer((_request, response) => {
  if (body) {
    response.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length });
    response.end(body);
    return;
  }
  response.writeHead(200, { 'content-type': 'application/zip', 'content-length': size });
  const file = createReadStream(path);
  file.on('error', () => response.destroy());
  response.on('close', () => file.destroy());
  file.pipe(response);
});
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => {
  process.send?.({ type: 'listening', port: (server.address() as AddressInfo).port });
});
process.on('disconnect', () => server.close(() => process.exit(0)));
