// `tessera doctor`: the security posture of every live client, and whether email can go out, as text or JSON;
// exit 1 when a warning is high or the SMTP server does not answer.
import { join } from 'node:path';
import { Command } from 'commander';
import type { PostureReport } from '../admin/posture/service.ts';
import { endpointsFor } from '../config/endpoints.ts';
import type { EmailConfig } from '../config/schema-email.ts';
import { commonOptions, fail } from './common.ts';
import { withAdmin } from './config-context.ts';

const DAY = 86_400;

/** Where verification and reset messages go; for SMTP, whether the server answers (a few seconds at most). */
type EmailStatus =
  | { smtp: false; outbox: string }
  | { smtp: true; server: string; answers: true }
  | { smtp: true; server: string; answers: false; reason: string };

async function emailStatus(email: EmailConfig, dataDir: string): Promise<EmailStatus> {
  if (email.smtp_url === undefined) return { smtp: false, outbox: join(dataDir, 'mail') };
  const { checkSmtp, describeSmtp, smtpTarget } = await import('../runtime/mail/smtp.ts');
  const server = describeSmtp(smtpTarget(email.smtp_url));
  const checked = await checkSmtp({ ...email, smtp_url: email.smtp_url }).catch((error: Error) => ({
    ok: false as const,
    reason: error.message,
  }));
  return checked.ok
    ? { smtp: true, server, answers: true }
    : { smtp: true, server, answers: false, reason: checked.reason };
}

function emailText(status: EmailStatus): string {
  if (!status.smtp)
    return `email: no SMTP server (server.email.smtp_url): messages are written to ${status.outbox} and the log\n`;
  return status.answers
    ? `email: ${status.server} answers\n`
    : `email: ${status.server} does not answer: ${status.reason}. Verification and password-reset messages cannot be sent.\n`;
}

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
    .description(
      'check the security posture of every live client and whether the SMTP server answers; exits 1 when a warning is high or it does not',
    )
    .option('--json', 'print the report as JSON')
    .option('--secret-age <days>', 'flag client secrets older than this many days', '365')
    .action(async (opts) => {
      const days = Number(opts.secretAge);
      if (!Number.isInteger(days) || days < 1) fail('--secret-age takes a whole number of days');
      const { report, email } = await withAdmin(opts, async (ctx) => {
        const { createPostureService } = await import('../admin/posture/service.ts');
        const issuer = endpointsFor(ctx.config.server.base_url).issuer;
        const [report, email] = await Promise.all([
          createPostureService(ctx.service, { issuer, secretMaxAge: days * DAY }).live(),
          emailStatus(ctx.config.server.email, ctx.config.server.data_dir),
        ]);
        return { report, email };
      });
      process.stdout.write(
        opts.json ? `${JSON.stringify({ ...report, email }, null, 2)}\n` : text(report) + emailText(email),
      );
      if (report.counts.high > 0 || (email.smtp && !email.answers)) process.exitCode = 1;
    });
}
