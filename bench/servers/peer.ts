// Starts the peer (oidc-provider 9, see peer-main.ts) in a child process on loopback.
import { join } from 'node:path';
import { PEER_BUNDLE } from '../build.ts';
import { freePort, spawnServer } from './process.ts';
import { discover, type Target, targetOf } from './target.ts';

export async function startPeer(options: {
  dir: string;
  nodeArgs?: string[];
  /** Keep the models in Redis (the documented adapter) instead of oidc-provider's in-memory default. */
  redisUrl?: string;
}): Promise<Target> {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const discovery = `${origin}/.well-known/openid-configuration`;
  const server = await spawnServer({
    args: [...(options.nodeArgs ?? []), PEER_BUNDLE],
    env: {
      ...process.env,
      PEER_PORT: String(port),
      NODE_ENV: 'production',
      ...(options.redisUrl === undefined ? {} : { PEER_REDIS_URL: options.redisUrl }),
    },
    logFile: join(options.dir, options.redisUrl === undefined ? 'peer.log' : 'peer-redis.log'),
    readyUrl: discovery,
  });
  const name = options.redisUrl === undefined ? 'oidc-provider' : 'oidc-provider (Redis)';
  return targetOf(name, origin, server, (http) => discover(http, discovery));
}
