// One core's worth of a machine limit: signs RS256 ID tokens or hashes argon2id passwords for a while, then reports.
import { createSign, generateKeyPairSync, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { hashSync } from '@node-rs/argon2';

export type CeilingKind = 'rs256' | 'argon2id';

export interface CeilingRequest {
  durationMs: number;
  /** Epoch ms at which every worker starts measuring, so they all run at once; until then they warm up. */
  startAt: number;
}

export interface CeilingReport {
  count: number;
  seconds: number;
}

const ARGON2ID = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/** A typical ID token: the claims Tessera puts in one, signed with a 2048-bit key via node:crypto. */
function rs256(): () => void {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const header = b64({ alg: 'RS256', typ: 'JWT', kid: 'ceiling' });
  return () => {
    const now = Math.floor(Date.now() / 1000);
    const input = `${header}.${b64({
      iss: 'http://127.0.0.1:8443/oauth/v2/oauth-anonymous',
      sub: 'benchuser',
      aud: 'bench',
      azp: 'bench',
      exp: now + 3600,
      iat: now,
      nbf: now,
      jti: randomUUID(),
      auth_time: now,
      acr: 'urn:tessera:authentication:html-form:username-password',
      at_hash: 'x4Q8HQ4dcuKUcXwHGY6h1A',
      nonce: 'n-0S6_WzA2Mj',
    })}`;
    createSign('RSA-SHA256').update(input).sign(privateKey, 'base64url');
  };
}

function argon2id(): () => void {
  let i = 0;
  return () => {
    hashSync(`correct horse battery staple ${i++}`, ARGON2ID);
  };
}

function measure(work: () => void, request: CeilingRequest): CeilingReport {
  while (Date.now() < request.startAt) work();
  const began = performance.now();
  const end = began + request.durationMs;
  let count = 0;
  while (performance.now() < end) {
    work();
    count++;
  }
  return { count, seconds: (performance.now() - began) / 1000 };
}

const kind = process.argv[2] as CeilingKind;
const work = kind === 'rs256' ? rs256() : argon2id();
process.once('message', (request: CeilingRequest) => {
  process.send!(measure(work, request), () => process.exit(0));
});
process.once('disconnect', () => process.exit(0));
process.send!('ready');
