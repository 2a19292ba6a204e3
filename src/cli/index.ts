// The `tessera` command line: one subcommand per file, each calling the same services as the HTTP layer.
import { Command } from 'commander';
import { ConfigError } from '../config/load.ts';
import { packageVersion } from '../shared/version.ts';
import { adminCommand } from './admin-accounts.ts';
import { apiCommand } from './api.ts';
import { auditCommand } from './audit.ts';
import { authenticatorCommand } from './authenticator.ts';
import { backupCommand, restoreCommand } from './backup.ts';
import { clientCommand } from './client.ts';
import { commonOptions } from './common.ts';
import { configCommand } from './config.ts';
import { doctorCommand } from './doctor.ts';
import { keysCommand } from './keys.ts';
import { masterKeyCommand } from './master-key.ts';
import { policyCommand } from './policy.ts';
import { registrationCommand } from './registration.ts';
import { scopeCommand } from './scope.ts';
import { selftestCommand } from './selftest.ts';
import { start } from './start.ts';
import { trustedIssuerCommand } from './trusted-issuer.ts';
import { userCommand } from './user.ts';

const program = new Command('tessera')
  .description('Tessera OAuth 2.0 and OpenID Connect server')
  .version(packageVersion());

commonOptions(program.command('start'))
  .description('run the server')
  .option('-p, --port <port>', 'port to listen on (env TESSERA_PORT)')
  .option('--host <host>', 'address to listen on (env TESSERA_HOST)')
  .option('--base-url <url>', 'public base URL the issuer is built from (env TESSERA_BASE_URL)')
  .option(
    '-w, --workers <n>',
    'worker processes sharing the port: a number or "auto" for one per core (env TESSERA_WORKERS)',
  )
  .action((opts) => start(opts));

program.addCommand(clientCommand());
program.addCommand(keysCommand());
program.addCommand(masterKeyCommand());
program.addCommand(scopeCommand());
program.addCommand(authenticatorCommand());
program.addCommand(policyCommand());
program.addCommand(apiCommand());
program.addCommand(trustedIssuerCommand());
program.addCommand(configCommand());
program.addCommand(doctorCommand());
program.addCommand(userCommand());
program.addCommand(adminCommand());
program.addCommand(backupCommand());
program.addCommand(restoreCommand());
program.addCommand(selftestCommand());
program.addCommand(auditCommand());
program.addCommand(registrationCommand());

program.parseAsync(process.argv).catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(`error: ${(error as Error).message}\n`);
  }
  process.exit(1);
});
