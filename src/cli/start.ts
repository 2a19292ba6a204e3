// `tessera start`: runs the server and prints where everything is.
import type { Overrides } from '../config/load.ts';
import { createTessera, databaseFile } from '../main.ts';
import { createLogger } from './logger.ts';

export async function start(overrides: Overrides): Promise<void> {
  const logger = createLogger();
  const tessera = await createTessera({ overrides, logger });
  const { server } = tessera.config;
  await tessera.app.listen({ port: server.port, host: server.host });
  const { endpoints } = tessera;
  const lines = [
    '',
    '  Tessera is running',
    `  issuer:     ${endpoints.issuer}`,
    `  discovery:  ${endpoints.discovery}`,
    `  config:     ${tessera.config.file ?? '(defaults; pass --config FILE)'} + revision ${tessera.live().revision} in ${databaseFile(server.data_dir)}`,
    `  master key: ${tessera.masterKey.source === 'environment' ? 'TESSERA_MASTER_KEY' : `${tessera.masterKey.location} (development only: set TESSERA_MASTER_KEY in production)`}`,
    `  clients:    ${tessera.live().clients.size === 0 ? 'none yet: npm run tessera -- client create --help' : [...tessera.live().clients.keys()].join(', ')}`,
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    tessera.app.log.info({ signal }, 'shutting down');
    tessera.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}
