// `tessera policy list|create|update|delete`: authentication policies (steps of alternative authenticators).
import { Command } from 'commander';
import { policyAcr } from '../config/schema.ts';
import { commonOptions } from './common.ts';
import { withAdmin } from './config-context.ts';
import { cliEdit, committed, type EditOpts, editOptions } from './edit.ts';

const collect = (value: string, previous: string[] = []) => [...previous, value];

type PolicyOpts = EditOpts & { name?: string; acr?: string; step?: string[]; enrol?: boolean };

/** `--step username-password --step app-codes,passkeys`: one step per flag, alternatives by comma. */
const stepsOf = (steps: string[]) =>
  steps.map((s) =>
    s
      .split(',')
      .map((id) => id.trim())
      .filter((id) => id !== ''),
  );

const fieldsOf = (opts: PolicyOpts) => ({
  ...(opts.name === undefined ? {} : { name: opts.name }),
  ...(opts.acr === undefined ? {} : { acr: opts.acr }),
  ...(opts.step === undefined ? {} : { steps: stepsOf(opts.step) }),
  ...(opts.enrol === undefined ? {} : { enrol: opts.enrol }),
});

const fieldOptions = (cmd: Command) =>
  cmd
    .option('--name <text>', 'what admins see it called')
    .option('--acr <value>', 'the acr its ID tokens carry (default urn:tessera:policy:<id>)')
    .option(
      '--step <ids>',
      'a step: authenticator ids, alternatives separated by commas (repeat in order)',
      collect,
    )
    .option('--enrol', 'lead users without a factor a step needs to enrol it at login (default)')
    .option('--no-enrol', 'refuse users without a factor a step needs instead');

export function policyCommand(): Command {
  const cmd = new Command('policy').description(
    'manage authentication policies (sign-in steps and their acr)',
  );

  commonOptions(cmd.command('list'))
    .description('list policies: id, acr, steps, enrolment, clients naming them')
    .action(async (opts) => {
      await withAdmin(opts, async (ctx) => {
        const snapshot = (await ctx.store.config.current())?.snapshot;
        for (const p of snapshot?.policies ?? []) {
          const clients = (snapshot?.clients ?? []).filter((c) =>
            (c.authentication_policies ?? []).includes(p.id),
          );
          process.stdout.write(
            `${p.id}\t${policyAcr(p)}\t${p.steps.map((s) => s.join('|')).join(' then ')}\t${p.enrol ? 'enrol' : 'no-enrol'}\t${clients.map((c) => c.client_id).join(' ')}\n`,
          );
        }
      });
    });

  fieldOptions(editOptions(cmd.command('create <id>')))
    .description('create a policy, e.g. --step username-password --step app-codes')
    .action(async (id: string, opts: PolicyOpts) => {
      const message = opts.message ?? `create policy ${id}`;
      const { revision } = await cliEdit(opts, message, (service, who) =>
        service.createPolicy(who, { id, steps: [], ...fieldsOf(opts) }),
      );
      committed(revision, message);
    });

  fieldOptions(editOptions(cmd.command('update <id>')))
    .description('change the name, acr, steps (all of them, replacing the old ones) or enrolment of a policy')
    .action(async (id: string, opts: PolicyOpts) => {
      const message = opts.message ?? `update policy ${id}`;
      const { revision } = await cliEdit(opts, message, (service, who) =>
        service.updatePolicy(who, id, fieldsOf(opts)),
      );
      committed(revision, message);
    });

  editOptions(cmd.command('delete <id>'))
    .description('delete a policy (refused while a client names it)')
    .action(async (id: string, opts: EditOpts) => {
      const message = opts.message ?? `delete policy ${id}`;
      const { revision } = await cliEdit(opts, message, (service, who) => service.deletePolicy(who, id));
      committed(revision, message);
    });
  return cmd;
}
