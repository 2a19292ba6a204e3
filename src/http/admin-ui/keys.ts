// Keys page: the signing keys and their state, the master key each stored key is under, and re-encryption under the current one.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ReencryptResult } from '../../keys/reencrypt.ts';
import type { StoredKey } from '../../store/ports/index.ts';
import { requireAdmin } from './auth.ts';
import { when } from './history.ts';
import { adminPage, type Ui } from './render.ts';

function state(k: StoredKey, now: number): string {
  if (k.retiredAt !== null && k.retiredAt <= now)
    return `retired ${when(k.retiredAt)}, published until its tokens expire`;
  if (k.activatesAt > now) return `published, signs from ${when(k.activatesAt)}`;
  return k.retiredAt === null ? 'signing' : `signing until ${when(k.retiredAt)}`;
}

const USES: Record<string, string> = {
  'admin-setup': 'the one-time link that creates the first admin',
  'client-secret': 'hashes client secrets (HMAC-SHA-256)',
  'cookie-signing': 'signs the CSRF cookie of forms',
  'dpop-nonce': 'DPoP nonces every node accepts',
  'secret-sealing': 'seals client_secret_jwt secrets in revisions',
};

const UNDER = {
  current: 'current master key',
  previous: 'previous master key',
  unknown: 'a key this node does not have',
};

export function keyRoutes(app: FastifyInstance, ui: Ui): void {
  const path = `${ui.base}/keys`;
  const keys = ui.deps.keys;

  const page = async (request: FastifyRequest, reply: FastifyReply, result?: ReencryptResult) => {
    const [signing, status] = await Promise.all([keys.signingKeys(), keys.status()]);
    const now = ui.deps.protocol.clock.nowSeconds();
    const underOf = (id: string) => status.items.find((i) => i.id === id);
    const describe = (id: string) => {
      const item = underOf(id);
      if (!item) return '';
      const name = UNDER[item.under];
      return item.under === 'current' && item.keyId === null ? `${name} (no fingerprint yet)` : name;
    };
    const count = (u: string) => status.items.filter((i) => i.under === u).length;
    // Under the current key but written before fingerprints: re-encrypting adds them.
    const toReencrypt = status.items.filter((i) => i.under !== 'current' || i.keyId === null).length;
    return adminPage(ui, request, reply, 'keys', {
      title: 'Keys',
      section: 'keys',
      signing: [...signing].reverse().map((k) => ({
        alg: k.alg,
        kid: k.kid,
        created: when(k.createdAt),
        state: state(k, now),
        under: describe(k.kid),
      })),
      dataKeys: status.items
        .filter((i) => i.kind === 'data key')
        .map((i) => ({ id: i.id, use: USES[i.id] ?? '', under: describe(i.id) })),
      current: status.current,
      previous: status.previous,
      counts: { current: count('current'), previous: count('previous'), unknown: count('unknown') },
      toReencrypt,
      action: `${path}/reencrypt`,
      result: result && {
        signing: result.reencrypted.filter((w) => w.startsWith('signing key')).length,
        data: result.reencrypted.filter((w) => w.startsWith('data key')).length,
        failed: result.failed,
      },
    });
  };

  app.get(path, { preHandler: requireAdmin(ui.deps) }, (request, reply) => page(request, reply));

  app.post(
    `${path}/reencrypt`,
    { preHandler: [requireAdmin(ui.deps), app.csrfProtection] },
    async (request, reply) => {
      const result = await keys.reencrypt();
      request.log.info(
        {
          event: 'master_key_reencrypted',
          reencrypted: result.reencrypted.length,
          failed: result.failed.length,
        },
        'stored keys re-encrypted under the current master key',
      );
      return page(request, reply, result);
    },
  );
}
