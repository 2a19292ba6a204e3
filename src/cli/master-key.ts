// `tessera master-key status|rotate`: which master key each stored key is under, and re-encrypting them under the current one.
import { Command } from 'commander';
import type { MasterKeyStatus, ReencryptResult } from '../keys/reencrypt.ts';
import { commonOptions } from './common.ts';
import { openLocal, openUnlocked } from './local.ts';

const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;

function printStatus(status: MasterKeyStatus, dataKeyTotal: number): void {
  const out = (line: string) => process.stdout.write(`${line}\n`);
  out(`current master key:  fingerprint ${status.current} (TESSERA_MASTER_KEY)`);
  out(
    `previous master key: ${status.previous === null ? 'not set (TESSERA_MASTER_KEY_PREVIOUS)' : `fingerprint ${status.previous} (TESSERA_MASTER_KEY_PREVIOUS)`}`,
  );
  for (const item of status.items) {
    const under =
      item.under === 'unknown'
        ? `a master key this node does not have${item.keyId === null ? '' : ` (fingerprint ${item.keyId})`}`
        : `the ${item.under} master key`;
    out(`${item.what}\tunder ${under}`);
  }
  const by = (u: string) => status.items.filter((i) => i.under === u).length;
  out(
    `${count(status.items.length, 'key')}: ${by('current')} under the current master key, ${by('previous')} under the previous one, ${by('unknown')} under neither`,
  );
  const data = status.items.filter((i) => i.kind === 'data key').length;
  if (data < dataKeyTotal)
    out(`${count(dataKeyTotal - data, 'data key')} not stored yet: the next start or rotate creates them`);
}

function printResult(result: ReencryptResult, fingerprint: string): void {
  const signing = result.reencrypted.filter((w) => w.startsWith('signing key')).length;
  const data = result.reencrypted.length - signing;
  process.stdout.write(
    `re-encrypted under the current master key (fingerprint ${fingerprint}): ${count(signing, 'signing key')}, ${count(data, 'data key')}; ${result.unchanged} already under it\n`,
  );
  for (const f of result.failed) process.stderr.write(`not re-encrypted: ${f.what}: ${f.reason}\n`);
  if (result.failed.length === 0)
    process.stdout.write(
      'every key is under the current master key: restart the nodes with TESSERA_MASTER_KEY alone (drop TESSERA_MASTER_KEY_PREVIOUS)\n',
    );
}

export function masterKeyCommand(): Command {
  const cmd = new Command('master-key').description(
    'rotate the master key: see which key each stored key is under, re-encrypt them under the current one',
  );

  commonOptions(cmd.command('status'))
    .description('list the signing keys and data keys and the master key each is encrypted under')
    .action(async (opts) => {
      const { store, masterKey } = await openUnlocked(opts);
      try {
        const [{ masterKeyStatus }, { DATA_KEYS }] = await Promise.all([
          import('../keys/reencrypt.ts'),
          import('../keys/data-keys.ts'),
        ]);
        printStatus(await masterKeyStatus(store.keys, masterKey), Object.keys(DATA_KEYS).length);
      } finally {
        await store.close();
      }
    });

  commonOptions(cmd.command('rotate'))
    .description(
      're-encrypt every signing key and data key still under TESSERA_MASTER_KEY_PREVIOUS (or written before fingerprints) under TESSERA_MASTER_KEY; safe to run again',
    )
    .action(async (opts) => {
      // openLocal refuses, naming each key, if anything does not open with the keys given; it also
      // stores the data keys a database upgraded from before them lacks, from the key they came from.
      const { store, masterKey } = await openLocal(opts);
      try {
        const { reencryptUnderCurrent } = await import('../keys/reencrypt.ts');
        const result = await reencryptUnderCurrent(store.keys, masterKey);
        printResult(result, masterKey.fingerprint);
        if (result.failed.length > 0) process.exitCode = 1;
      } finally {
        await store.close();
      }
    });
  return cmd;
}
