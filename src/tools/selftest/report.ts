// The selftest report as a table for people; `--json` prints the report object itself.
import type { CheckResult } from './check.ts';
import type { SelftestReport } from './run.ts';

const MARK = { pass: 'PASS', fail: 'FAIL', skip: 'SKIP' } as const;

function table(rows: readonly string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows
    .map((r) =>
      r
        .map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

const row = (r: CheckResult) => [MARK[r.status], r.check, r.module ?? `(${r.spec})`, r.reason];

export function formatReport(report: SelftestReport): string {
  const lines = [`tessera selftest: ${report.target}${report.issuer ? ` (issuer ${report.issuer})` : ''}`];
  if (report.setup_error !== null) {
    lines.push(`could not start: ${report.setup_error}`, 'FAILED');
    return `${lines.join('\n')}\n`;
  }
  const who = report.user
    ? `${report.user.registered ? 'registered' : 'existing'} user ${report.user.username}`
    : '';
  lines.push(`throwaway client ${report.client_id}, ${who}`, '');
  lines.push(table([['result', 'check', 'mirrors', 'reason'], ...report.results.map(row)]), '');
  const count = (s: CheckResult['status']) => report.results.filter((r) => r.status === s).length;
  lines.push(
    report.cleanup.removed
      ? `throwaway client ${report.client_id} removed (one commit)`
      : `WARNING: the throwaway client ${report.client_id} is still there: ${report.cleanup.error}`,
  );
  if (report.user?.registered) {
    lines.push(
      `the account ${report.user.username} stays: disable it with \`tessera user disable ${report.user.username}\``,
    );
  }
  lines.push(
    `${count('pass')} passed, ${count('fail')} failed, ${count('skip')} skipped: ${report.passed ? 'OK' : 'FAILED'}`,
  );
  return `${lines.join('\n')}\n`;
}
