// Starts the peer (oidc-provider 9, see peer-main.ts) in a child process on loopback.
import { join } from 'node:path';
import { PEER_BUNDLE } from '../build.ts';
import { HttpClient } from '../http.ts';
import { cpuSeconds, freePort, measureRss, spawnServer } from './process.ts';
import { discover, type Target } from './target.ts';

export async function startPeer(options: { dir: string; nodeArgs?: string[] }): Promise<Target> {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const discovery = `${origin}/.well-known/openid-configuration`;
  const server = await spawnServer({
    args: [...(options.nodeArgs ?? []), PEER_BUNDLE],
    env: { ...process.env, PEER_PORT: String(port), NODE_ENV: 'production' },
    logFile: join(options.dir, 'peer.log'),
    readyUrl: discovery,
  });
  const http = new HttpClient(origin, 1);
  try {
    return {
      name: 'oidc-provider',
      origin,
      pid: server.pid,
      readyMs: server.readyMs,
      endpoints: await discover(http, discovery),
      rss: () => measureRss(server.pid),
      cpuSeconds: () => cpuSeconds(server.pid),
      stop: server.stop,
    };
  } catch (error) {
    await server.stop();
    throw error;
  } finally {
    await http.close();
  }
}
