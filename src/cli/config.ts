// `tessera config export|import|diff|commit|discard|rollback|history`: config as code and the revision history.
import { readFileSync, writeFileSync } from 'node:fs';
import { Command } from 'commander';
import { parse as parseYaml, stringify } from 'yaml';
import { documentFromSnapshot, importSnapshot, snapshotFromDocument } from '../admin/config-file.ts';
import { diffSnapshots } from '../admin/diff.ts';
import { formatDiff } from '../admin/diff-text.ts';
import { editDraft, revisionSnapshot } from '../admin/drafts.ts';
import { measureImpact } from '../admin/impact-count.ts';
import { formatImpact } from '../admin/impact-text.ts';
import { draftOwner, type Principal } from '../admin/principal.ts';
import { commonOptions, fail } from './common.ts';
import { withAdmin } from './config-context.ts';
import { refusals } from './refusals.ts';

const CLI: Principal = { via: 'cli', username: 'cli' };
const iso = (seconds: number) => new Date(seconds * 1000).toISOString();

function readDocument(file: string): unknown {
  try {
    return parseYaml(readFileSync(file, 'utf8')) ?? {};
  } catch (error) {
    return fail(`cannot read ${file}: ${(error as Error).message}`);
  }
}

export function configCommand(): Command {
  const cmd = new Command('config').description(
    'config revisions: export, import, diff, commit, history, rollback',
  );

  commonOptions(cmd.command('export'))
    .description('write the live clients, scopes and authenticators as YAML (secrets as keyed hashes)')
    .option('-o, --output <file>', 'write to this file instead of stdout')
    .option('-r, --revision <id>', 'export this revision instead of the live one')
    .action(async (opts) => {
      await withAdmin(opts, (ctx) =>
        refusals(async () => {
          const id = opts.revision === undefined ? await ctx.store.config.currentId() : Number(opts.revision);
          const snapshot = await revisionSnapshot(ctx.service.deps, id);
          const text = `# Tessera configuration, revision ${id}. Import with: tessera config import FILE\n${stringify(documentFromSnapshot(snapshot))}`;
          if (opts.output) writeFileSync(opts.output, text, { mode: 0o600 });
          else process.stdout.write(text);
        }),
      );
    });

  commonOptions(cmd.command('import <file>'))
    .description(
      'make a YAML file the live configuration, as one commit (or into the CLI draft with --draft)',
    )
    .option('-m, --message <text>', 'commit message')
    .option('--draft', 'load the file into the CLI draft instead, to review with `config diff`')
    .action(async (file: string, opts) => {
      const doc = readDocument(file);
      await withAdmin(opts, (ctx) =>
        refusals(async () => {
          const snapshot = snapshotFromDocument(doc, ctx.service.deps);
          if (opts.draft) {
            await editDraft(ctx.service.deps, draftOwner(CLI), () => ({ snapshot }));
            process.stdout.write('loaded into the CLI draft; see `tessera config diff`\n');
            return;
          }
          const revision = await importSnapshot(ctx.service.deps, snapshot, {
            author: 'cli',
            message: opts.message ?? `import ${file}`,
          });
          process.stdout.write(`committed revision ${revision.id}: ${revision.message}\n`);
        }),
      );
    });

  commonOptions(cmd.command('diff [file]'))
    .description(
      'show the CLI draft, or how FILE differs from the live configuration, or what a revision changed, with what it does to live data',
    )
    .option('-r, --revision <id>', 'show what this revision changed, compared with its parent')
    .option('--rollback <id>', 'show what rolling back to this revision would change, and its impact')
    .action(async (file: string | undefined, opts) => {
      await withAdmin(opts, (ctx) =>
        refusals(async () => {
          const now = ctx.service.deps.clock.nowSeconds();
          const live = async () => revisionSnapshot(ctx.service.deps, await ctx.store.config.currentId());
          if (opts.revision !== undefined) {
            const detail = await ctx.service.revision(Number(opts.revision));
            process.stdout.write(formatDiff(detail.changes));
          } else if (opts.rollback !== undefined) {
            const preview = await ctx.service.rollbackPreview(Number(opts.rollback));
            process.stdout.write(`# rolling back from revision ${preview.from} to ${opts.rollback}\n`);
            process.stdout.write(formatDiff(preview.changes) + formatImpact(preview.impact));
          } else if (file !== undefined) {
            const before = await live();
            const after = snapshotFromDocument(readDocument(file), ctx.service.deps);
            const impact = await measureImpact(ctx.store.impact, now, before, after);
            process.stdout.write(formatDiff(diffSnapshots(before, after)) + formatImpact(impact));
          } else {
            const draft = await ctx.service.draft(CLI);
            if (draft.stale)
              process.stdout.write(
                `# the draft builds on revision ${draft.base}; ${draft.current} is live\n`,
              );
            process.stdout.write(formatDiff(draft.changes));
            if (draft.exists) process.stdout.write(formatImpact(await ctx.service.draftImpact(draft)));
            for (const issue of draft.issues) process.stdout.write(`! ${issue.path}: ${issue.message}\n`);
          }
        }),
      );
    });

  commonOptions(cmd.command('commit'))
    .description('commit the CLI draft as a new revision')
    .requiredOption('-m, --message <text>', 'commit message')
    .action(async (opts) => {
      await withAdmin(opts, (ctx) =>
        refusals(async () => {
          const revision = await ctx.service.commit(CLI, opts.message);
          process.stdout.write(`committed revision ${revision.id}: ${revision.message}\n`);
        }),
      );
    });

  commonOptions(cmd.command('discard'))
    .description('throw the CLI draft away')
    .action(async (opts) => {
      await withAdmin(opts, (ctx) => ctx.service.discard(CLI));
      process.stdout.write('discarded the CLI draft\n');
    });

  commonOptions(cmd.command('rollback <revision>'))
    .description('make an older revision live again, as a new commit')
    .option('-m, --message <text>', 'commit message')
    .action(async (id: string, opts) => {
      await withAdmin(opts, (ctx) =>
        refusals(async () => {
          const revision = await ctx.service.rollback(CLI, Number(id), opts.message);
          process.stdout.write(`committed revision ${revision.id}: ${revision.message}\n`);
        }),
      );
    });

  commonOptions(cmd.command('history'))
    .description('list revisions, newest first')
    .option('-n, --limit <n>', 'at most this many', '20')
    .option('--diff', 'show what each revision changed')
    .action(async (opts) => {
      await withAdmin(opts, async (ctx) => {
        for (const r of await ctx.service.history(Number(opts.limit))) {
          process.stdout.write(`${r.id}\t${iso(r.createdAt)}\t${r.author}\t${r.message}\n`);
          if (opts.diff) {
            const detail = await ctx.service.revision(r.id);
            process.stdout.write(`${formatDiff(detail.changes).trimEnd().replace(/^/gm, '    ')}\n`);
          }
        }
      });
    });
  return cmd;
}
