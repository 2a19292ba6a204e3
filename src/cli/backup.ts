// `tessera backup` and `tessera restore`: a consistent SQLite copy while serving, and a verified restore; pg_dump's way on PostgreSQL.
import { Command } from 'commander';
import type { Overrides } from '../config/load.ts';
import { commonOptions, fail } from './common.ts';

const iso = (seconds: number) => new Date(seconds * 1000).toISOString();
const counts = (rows: Record<string, number>) =>
  Object.entries(rows)
    .map(([table, n]) => `${table} ${n}`)
    .join(', ');

/** What every command here needs: the data directory, the database URL if any, the keys a server would use. */
async function context(opts: Overrides) {
  const [{ loadConfig }, { visibleMasterKeys, masterKeyFingerprint }, { BackupError }, { databaseFile }] =
    await Promise.all([
      import('../config/load.ts'),
      import('../runtime/backup-record.ts'),
      import('../runtime/backup.ts'),
      import('../runtime/open.ts'),
    ]);
  const config = loadConfig(opts);
  const dataDir = config.server.data_dir;
  const keys = visibleMasterKeys(process.env, dataDir);
  const databaseUrl = process.env['DATABASE_URL'] || undefined;
  const refused = (error: unknown): never => {
    if (error instanceof BackupError) fail(error.message);
    throw error;
  };
  return { dataDir, databaseFile: databaseFile(dataDir), keys, databaseUrl, masterKeyFingerprint, refused };
}

async function postgresBackup(
  databaseUrl: string,
  file: string | undefined,
  pgDump: boolean,
  fingerprint: string | undefined,
): Promise<void> {
  const { maskNote, pgDumpCommand, runPgDump } = await import('../runtime/pg-backup.ts');
  const keep = `keep the master key with it (fingerprint ${fingerprint ?? 'unknown: TESSERA_MASTER_KEY is not set'}): the dump is useless without it`;
  if (pgDump) {
    if (file === undefined) return fail('name the dump file: tessera backup --pg-dump FILE');
    const done = runPgDump(databaseUrl, file);
    process.stdout.write(
      `wrote ${done.file} (${done.bytes} bytes, pg_dump custom format, mode 0600)\n${keep}\n`,
    );
    return;
  }
  process.stdout.write(
    [
      'On PostgreSQL, pg_dump takes the backup (consistent while Tessera serves). Run:',
      '',
      `  ${pgDumpCommand(databaseUrl, file ?? 'tessera.dump')}`,
      '',
      ...maskNote(databaseUrl),
      'or let Tessera run it: tessera backup --pg-dump FILE',
      keep,
      '',
    ].join('\n'),
  );
  if (file !== undefined) fail(`nothing written to ${file}`);
}

export function backupCommand(): Command {
  return commonOptions(new Command('backup'))
    .description(
      'write a consistent copy of the database while the server runs (SQLite); on PostgreSQL, the pg_dump way',
    )
    .argument('[file]', 'where to write the backup (replaced atomically; mode 0600)')
    .option('--pg-dump', 'PostgreSQL: run pg_dump (from PATH) into the file')
    .action(async (file: string | undefined, opts: Overrides & { pgDump?: boolean }) => {
      const ctx = await context(opts);
      const first = ctx.keys[0] && ctx.masterKeyFingerprint(ctx.keys[0].key);
      if (ctx.databaseUrl)
        return postgresBackup(ctx.databaseUrl, file, opts.pgDump === true, first).catch(ctx.refused);
      if (file === undefined) return fail('name the backup file: tessera backup FILE');
      const { takeBackup } = await import('../runtime/backup.ts');
      const report = await takeBackup({
        databaseFile: ctx.databaseFile,
        destination: file,
        keys: ctx.keys,
        now: Math.floor(Date.now() / 1000),
      }).catch(ctx.refused);
      const keys = report.keyNames.map((name, i) => `${name} (fingerprint ${report.fingerprints[i]})`);
      process.stdout.write(
        [
          `wrote ${report.file} (${report.bytes} bytes, mode 0600) from ${ctx.databaseFile}`,
          `  schema version: ${report.schemaVersion}`,
          `  rows:           ${counts(report.counts)}`,
          '  integrity:      ok',
          `  master key:     ${keys.join(', ')}`,
          '  keep that key with the backup, apart from it: it is not in the file, and the backup is useless without it',
          '',
        ].join('\n'),
      );
    });
}

export function restoreCommand(): Command {
  return commonOptions(new Command('restore'))
    .description('verify a backup and put it in place of the database (SQLite; the server stopped)')
    .argument('<file>', 'a file written by tessera backup')
    .option('--force', 'replace an existing database (only with every server on it stopped)')
    .action(async (file: string, opts: Overrides & { force?: boolean }) => {
      const ctx = await context(opts);
      if (ctx.databaseUrl) {
        const { maskNote, pgRestoreCommand } = await import('../runtime/pg-backup.ts');
        process.stdout.write(
          [
            'On PostgreSQL, pg_restore restores a pg_dump backup. Stop every node, then run:',
            '',
            `  ${pgRestoreCommand(ctx.databaseUrl, file)}`,
            '',
            ...maskNote(ctx.databaseUrl),
            'Then start one node with the master key the dump was made under (it migrates the schema if needed),',
            'and the others once it is ready.',
            '',
          ].join('\n'),
        );
        return fail('nothing restored');
      }
      const { restoreBackup } = await import('../runtime/restore.ts');
      let report: ReturnType<typeof restoreBackup>;
      try {
        report = restoreBackup({
          file,
          target: ctx.databaseFile,
          keys: ctx.keys,
          force: opts.force === true,
        });
      } catch (error) {
        return ctx.refused(error);
      }
      process.stdout.write(
        [
          `restored ${file} (made ${iso(report.createdAt)}, schema version ${report.schemaVersion}) into ${report.target}${report.replaced ? ', replacing the database there' : ''}`,
          `  rows:       ${counts(report.counts)}`,
          `  master key: matches the backup's (fingerprint ${report.fingerprints.join(', ')})`,
          `  next start: ${report.pending.length === 0 ? 'schema up to date' : `applies ${report.pending.join(', ')}`}`,
          `  lost:       codes, tokens and sessions issued after ${iso(report.createdAt)}; their holders sign in again`,
          '',
        ].join('\n'),
      );
      for (const warning of report.warnings) process.stderr.write(`warning: ${warning}\n`);
    });
}
