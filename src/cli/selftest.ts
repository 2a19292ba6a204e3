// `tessera selftest`: real flows against a live deployment with a throwaway client; non-zero exit on any failure.
import { Command } from 'commander';
import { loadConfig } from '../config/load.ts';
import { formatReport } from '../tools/selftest/report.ts';
import { runSelftest } from '../tools/selftest/run.ts';
import { commonOptions, fail } from './common.ts';

interface SelftestOpts {
  config?: string;
  data?: string;
  url?: string;
  token?: string;
  username?: string;
  password?: string;
  json?: boolean;
}

export function selftestCommand(): Command {
  return commonOptions(new Command('selftest'))
    .description(
      'run the code flow with PKCE, refresh, prompt=none, logout, introspection, revocation and error checks against a live server, with a throwaway client made and removed through the admin API',
    )
    .option('--url <url>', "the deployment's base URL (default: server.base_url from the config)")
    .option('--token <token>', 'an admin API token (env TESSERA_ADMIN_TOKEN)')
    .option('--username <name>', 'log in as this test account instead of registering a throwaway one')
    .option('--password <password>', 'its password (env TESSERA_SELFTEST_PASSWORD)')
    .option('--json', 'print the report as JSON (for CI)')
    .action(async (opts: SelftestOpts) => {
      const token = opts.token ?? process.env['TESSERA_ADMIN_TOKEN'];
      if (!token)
        fail(
          'an admin API token is needed: --token or TESSERA_ADMIN_TOKEN (create one on the API tokens page)',
        );
      const password = opts.password ?? process.env['TESSERA_SELFTEST_PASSWORD'];
      if (opts.username !== undefined && password === undefined) {
        fail('--username needs --password (or TESSERA_SELFTEST_PASSWORD)');
      }
      const url = opts.url ?? loadConfig({ config: opts.config, data: opts.data }).server.base_url;
      const report = await runSelftest({
        url,
        token,
        ...(opts.username === undefined ? {} : { username: opts.username }),
        ...(password === undefined ? {} : { password }),
      });
      process.stdout.write(opts.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
      process.exitCode = report.passed ? 0 : 1;
    });
}
