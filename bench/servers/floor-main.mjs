// The HTTP floor: a bare node:http server that answers any POST the way a token endpoint does, with no work
// behind it (no parsing, no client authentication, no store). What the same driver measures against it is the
// cost of HTTP itself on this machine, which every server's CPU per operation includes.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';

const server = createServer((req, res) => {
  if (req.method === 'GET') {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    return;
  }
  // The body is read to its end and dropped.
  req.resume();
  req.on('end', () => {
    const body = JSON.stringify({
      access_token: randomBytes(32).toString('base64url'),
      token_type: 'Bearer',
      expires_in: 300,
      scope: 'api:read',
    });
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(body);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(Number(process.env.FLOOR_PORT), '127.0.0.1');
