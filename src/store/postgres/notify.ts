// LISTEN/NOTIFY for config commits: a node hears another node's commit at once instead of at its next poll.
import pg from 'pg';

export const CONFIG_CHANNEL = 'tessera_config';

/**
 * Holds one dedicated connection listening on the channel, reconnecting with backoff when it drops
 * (restart, failover). Returns a function that stops listening.
 */
export async function listen(url: string, onNotify: () => void): Promise<() => Promise<void>> {
  let client: pg.Client | undefined;
  let stopped = false;
  let delay = 500;
  let timer: NodeJS.Timeout | undefined;

  const connect = async (): Promise<void> => {
    if (stopped) return;
    const next = new pg.Client({
      connectionString: url,
      application_name: 'tessera-listen',
      connectionTimeoutMillis: 3000,
    });
    next.on('notification', () => onNotify());
    next.on('error', () => reconnect(next));
    next.on('end', () => reconnect(next));
    try {
      await next.connect();
      await next.query(`LISTEN ${CONFIG_CHANNEL}`);
      client = next;
      delay = 500;
      // Anything committed while we were not listening is picked up now.
      onNotify();
    } catch {
      reconnect(next);
    }
  };

  const reconnect = (failed: pg.Client) => {
    if (stopped || (client !== undefined && client !== failed) || timer) return;
    client = undefined;
    failed.end().catch(() => {});
    timer = setTimeout(() => {
      timer = undefined;
      connect().catch(() => {});
    }, delay);
    timer.unref();
    delay = Math.min(delay * 2, 10_000);
  };

  await connect();
  return async () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    await client?.end().catch(() => {});
  };
}
