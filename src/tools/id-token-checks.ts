// The flow explorer's checks of an ID token, each with its result: signature against the JWKS, iss, aud, azp, exp, nonce, at_hash.
import { compactVerify, createLocalJWKSet, decodeProtectedHeader, type JWK } from 'jose';
import { leftHalfHash } from '../protocol/tokens/left-half-hash.ts';
import { SIGNING_ALGS, type SigningAlg } from '../shared/algorithms.ts';

export interface IdTokenCheck {
  check: string;
  ok: boolean;
  detail: string;
  section: string;
}

export interface IdTokenInput {
  idToken: string;
  accessToken: string | undefined;
  jwks: { keys: JWK[] };
  issuer: string;
  clientId: string;
  nonce: string | undefined;
  nowSeconds: number;
}

export interface IdTokenReport {
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
  checks: IdTokenCheck[];
}

const decodePart = (part: string | undefined): Record<string, unknown> => {
  try {
    return JSON.parse(Buffer.from(part ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    return {};
  }
};

/** OIDC Core §3.1.3.7: the ID token validation a relying party must do, step by step. */
export async function checkIdToken(input: IdTokenInput): Promise<IdTokenReport> {
  const parts = input.idToken.split('.');
  const header = (() => {
    try {
      return decodeProtectedHeader(input.idToken) as Record<string, unknown>;
    } catch {
      return {};
    }
  })();
  const claims = decodePart(parts[1]);
  const checks: IdTokenCheck[] = [];
  const add = (check: string, ok: boolean, detail: string, section: string) =>
    checks.push({ check, ok, detail, section });

  try {
    await compactVerify(input.idToken, createLocalJWKSet(input.jwks));
    add(
      'signature',
      true,
      `${String(header['alg'])} with key ${String(header['kid'])} from the JWKS`,
      'OIDC Core §3.1.3.7 (6)',
    );
  } catch (error) {
    add(
      'signature',
      false,
      `not verified against the JWKS: ${(error as Error).message}`,
      'OIDC Core §3.1.3.7 (6)',
    );
  }
  add(
    'iss',
    claims['iss'] === input.issuer,
    `${String(claims['iss'])}, expected ${input.issuer}`,
    'OIDC Core §3.1.3.7 (2)',
  );
  const aud = Array.isArray(claims['aud']) ? (claims['aud'] as unknown[]) : [claims['aud']];
  add(
    'aud',
    aud.includes(input.clientId),
    `${aud.join(' ')}, must contain ${input.clientId}`,
    'OIDC Core §3.1.3.7 (3)',
  );
  const azp = claims['azp'];
  if (azp !== undefined || aud.length > 1)
    add(
      'azp',
      azp === input.clientId,
      `${String(azp)}, must be ${input.clientId}`,
      'OIDC Core §3.1.3.7 (4-5)',
    );
  else add('azp', true, 'absent, and aud names one audience: nothing to check', 'OIDC Core §3.1.3.7 (4-5)');
  const exp = typeof claims['exp'] === 'number' ? claims['exp'] : undefined;
  add(
    'exp',
    exp !== undefined && exp > input.nowSeconds,
    exp === undefined
      ? 'missing'
      : `${new Date(exp * 1000).toISOString()} (${exp - input.nowSeconds} s from now)`,
    'OIDC Core §3.1.3.7 (9)',
  );
  if (input.nonce !== undefined)
    add(
      'nonce',
      claims['nonce'] === input.nonce,
      claims['nonce'] === input.nonce
        ? 'matches the nonce sent'
        : `${String(claims['nonce'])} differs from the nonce sent`,
      'OIDC Core §3.1.3.7 (11)',
    );
  else add('nonce', claims['nonce'] === undefined, 'no nonce was sent', 'OIDC Core §3.1.3.7 (11)');
  const alg = header['alg'];
  if (
    input.accessToken !== undefined &&
    typeof alg === 'string' &&
    (SIGNING_ALGS as readonly string[]).includes(alg)
  ) {
    const expected = leftHalfHash(input.accessToken, alg as SigningAlg);
    const atHash = claims['at_hash'];
    add(
      'at_hash',
      atHash === undefined || atHash === expected,
      atHash === undefined
        ? 'absent (optional in the code flow)'
        : atHash === expected
          ? 'matches the access token'
          : `${String(atHash)}, expected ${expected}`,
      'OIDC Core §3.2.2.9, §3.1.3.8',
    );
  }
  return { header, claims, checks };
}
