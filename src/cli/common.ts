// Options and failure handling shared by the CLI subcommands.
import type { Command } from 'commander';

export function commonOptions(cmd: Command): Command {
  return cmd
    .option('-c, --config <file>', 'YAML config file (env TESSERA_CONFIG)')
    .option('-d, --data <dir>', 'data directory (env TESSERA_DATA)');
}

export function fail(message: string): never {
  process.stderr.write(`error: ${message}\n`);
  process.exit(2);
}
