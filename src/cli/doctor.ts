// `tessera doctor`: the security posture of every live client, as text or JSON; exit 1 when a warning is high.
import { Command } from 'commander';
import type { PostureReport } from '../admin/posture/service.ts';
import { endpointsFor } from '../config/endpoints.ts';
import { commonOptions, fail } from './common.ts';
import { withAdmin } from './config-context.ts';

const DAY = 86_400;

function text(report: PostureReport): string {
  const lines: string[] = [];
  for (const client of report.clients) {
    if (client.warnings.length === 0) continue;
    lines.push(`${client.client_id}${client.declared ? ' (declared in the config file)' : ''}`);
    for (const w of client.warnings) {
      lines.push(`  ${w.severity.toUpperCase().padEnd(6)} ${w.rule}: ${w.message} (${w.reference})`);
      lines.push(`         fix: ${w.fix ? w.fix.summary : 'by hand'}`);
    }
  }
  const { high, medium, low } = report.counts;
  const clean = report.clients.filter((c) => c.warnings.length === 0).length;
  lines.push(
    `${report.clients.length} clients, ${clean} without warnings; ${high} high, ${medium} medium, ${low} low` +
      (high + medium + low > 0 ? '. Fix in the admin (Posture) or with `tessera client update`.' : ''),
  );
  return `${lines.join('\n')}\n`;
}

export function doctorCommand(): Command {
  return commonOptions(new Command('doctor'))
    .description('check the security posture of every live client; exits 1 when a warning is high')
    .option('--json', 'print the report as JSON')
    .option('--secret-age <days>', 'flag client secrets older than this many days', '365')
    .action(async (opts) => {
      const days = Number(opts.secretAge);
      if (!Number.isInteger(days) || days < 1) fail('--secret-age takes a whole number of days');
      const report = await withAdmin(opts, async (ctx) => {
        const { createPostureService } = await import('../admin/posture/service.ts');
        const issuer = endpointsFor(ctx.config.server.base_url).issuer;
        return createPostureService(ctx.service, { issuer, secretMaxAge: days * DAY }).live();
      });
      process.stdout.write(opts.json ? `${JSON.stringify(report, null, 2)}\n` : text(report));
      if (report.counts.high > 0) process.exitCode = 1;
    });
}
