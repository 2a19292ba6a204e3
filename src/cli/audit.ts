// `tessera audit export|purge`: the audit log as JSON lines, oldest first, read in batches; deleting old events by hand.

import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { Command } from 'commander';
import type { AuditType } from '../store/ports/index.ts';
import { recordCli } from './audit-record.ts';
import { commonOptions, fail } from './common.ts';
import { openLocal } from './local.ts';

const collect = (value: string, previous: string[] = []) => [...previous, ...value.split(',')];

/** Seconds for an ISO time option, or a failure that names the option. */
async function timeOption(name: string, value: string | undefined, end = false): Promise<number | undefined> {
  if (value === undefined) return undefined;
  const { parseIsoTime } = await import('../admin/audit-log.ts');
  const seconds = parseIsoTime(value, end);
  return seconds ?? fail(`${name}: use an ISO 8601 date or time, such as 2026-12-01 or 2026-12-01T09:30Z`);
}

/** Writes a line, waiting when the file or pipe is full: memory stays flat however long the log is. */
async function writeLine(out: NodeJS.WritableStream, line: string): Promise<void> {
  if (!out.write(`${line}\n`)) await once(out, 'drain');
}

export function auditCommand(): Command {
  const cmd = new Command('audit').description('the audit log of security events');

  commonOptions(cmd.command('export'))
    .description('write audit events as JSON lines, one event per line, oldest first')
    .option('--since <time>', 'only events at or after this ISO 8601 time (UTC without an offset)')
    .option('--until <time>', 'only events at or before this ISO 8601 time; a date covers the whole day')
    .option('--type <type>', 'only this event type (repeat, or separate with commas)', collect)
    .option('--account <id>', 'only events about this account (an account id or a username)')
    .option('--out <file>', 'write to this file (created readable by its owner only) instead of stdout')
    .action(async (opts) => {
      const { AUDIT_TYPES } = await import('../admin/audit-labels.ts');
      const types = opts.type as string[] | undefined;
      const unknown = types?.filter((t) => !(AUDIT_TYPES as string[]).includes(t)) ?? [];
      if (unknown.length > 0)
        fail(`--type: no event type ${unknown.join(', ')}; the types are ${AUDIT_TYPES.join(', ')}`);
      const from = await timeOption('--since', opts.since);
      const to = await timeOption('--until', opts.until, true);
      const { store } = await openLocal(opts);
      let file: WriteStream | undefined;
      try {
        const { auditEventJson, exportAuditEvents } = await import('../admin/audit-log.ts');
        const account =
          opts.account === undefined
            ? undefined
            : ((await store.accounts.findByUsername(opts.account))?.id ?? opts.account);
        file = opts.out === undefined ? undefined : createWriteStream(opts.out, { mode: 0o600 });
        const out = file ?? process.stdout;
        let count = 0;
        const events = exportAuditEvents(
          { auditEvents: store.audit },
          { accountId: account, types: types as AuditType[] | undefined, from, to },
        );
        for await (const event of events) {
          await writeLine(out, JSON.stringify(auditEventJson(event)));
          count += 1;
        }
        if (file) {
          file.end();
          await once(file, 'finish');
          process.stderr.write(`wrote ${count} audit events to ${opts.out}\n`);
        }
      } finally {
        file?.destroy();
        await store.close();
      }
    });

  commonOptions(cmd.command('purge'))
    .description(
      'delete audit events recorded before a time (the server also deletes them after the retention)',
    )
    .requiredOption(
      '--before <time>',
      'delete events recorded before this ISO 8601 time (UTC without an offset)',
    )
    .action(async (opts) => {
      const before = (await timeOption('--before', opts.before)) as number;
      const { store } = await openLocal(opts);
      try {
        const deleted = await store.audit.purge(before);
        const iso = new Date(before * 1000).toISOString();
        // Deleting the log by hand is itself an event, recorded after the purge so that it stays.
        await recordCli(store, { type: 'audit.purged', detail: { before: iso, deleted } });
        process.stdout.write(`deleted ${deleted} audit events recorded before ${iso}\n`);
      } finally {
        await store.close();
      }
    });

  return cmd;
}
