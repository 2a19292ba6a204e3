// `tessera keys list|rotate`: signing keys in the local database; a rotated key is published before it signs.
import { Command } from 'commander';
import { endpointsFor } from '../config/endpoints.ts';
import { SIGNING_ALGS, type SigningAlg } from '../shared/algorithms.ts';
import { systemClock } from '../shared/clock.ts';
import { commonOptions, fail } from './common.ts';
import { openLocal } from './local.ts';

const iso = (seconds: number) => new Date(seconds * 1000).toISOString();

export function keysCommand(): Command {
  const cmd = new Command('keys').description('manage signing keys');

  commonOptions(cmd.command('list'))
    .description('list signing keys and their state')
    .action(async (opts) => {
      const { store } = await openLocal(opts);
      try {
        const now = systemClock.nowSeconds();
        for (const k of await store.keys.list()) {
          const state =
            k.retiredAt !== null && k.retiredAt <= now
              ? `retired ${iso(k.retiredAt)} (published until its tokens expire)`
              : k.activatesAt > now
                ? `published, signs from ${iso(k.activatesAt)}`
                : k.retiredAt !== null
                  ? `signing until ${iso(k.retiredAt)}`
                  : 'signing';
          process.stdout.write(`${k.alg}\t${k.kid}\tcreated ${iso(k.createdAt)}\t${state}\n`);
        }
      } finally {
        await store.close();
      }
    });

  commonOptions(cmd.command('rotate'))
    .description('create a new signing key; it is published at once and signs after the publish delay')
    .option('--alg <alg>', `algorithm to rotate (${SIGNING_ALGS.join(', ')}), or "all"`, 'all')
    .option(
      '--publish-delay <seconds>',
      'seconds the new key is published before it signs (let JWKS caches refresh)',
      '300',
    )
    .action(async (opts) => {
      const algs = opts.alg === 'all' ? [...SIGNING_ALGS] : [opts.alg as SigningAlg];
      if (!algs.every((a) => (SIGNING_ALGS as readonly string[]).includes(a)))
        fail(`unknown algorithm "${opts.alg}"`);
      const delay = Number(opts.publishDelay);
      if (!Number.isInteger(delay) || delay < 0) fail('--publish-delay must be a whole number of seconds');
      const { store, masterKey, config } = await openLocal(opts);
      const { ensureKeys, rotateKey } = await import('../keys/keyring.ts');
      try {
        const now = systemClock.nowSeconds();
        const issuer = endpointsFor(config.server.base_url).issuer;
        await ensureKeys(store.keys, masterKey, now, issuer);
        for (const alg of algs) {
          const key = await rotateKey(store.keys, masterKey, { alg, now, publishDelay: delay, issuer });
          process.stdout.write(`${alg}\t${key.kid}\tpublished now, signs from ${iso(key.activatesAt)}\n`);
        }
      } finally {
        await store.close();
      }
    });
  return cmd;
}
