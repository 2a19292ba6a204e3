// How a client's credential is kept, by its authentication method: a secret's hash, a sealed secret, or public keys.
import type { ClientConfig } from '../config/schema.ts';
import type { ConfigIssue } from '../config/validate.ts';
import type { SecretHasher } from '../keys/secrets.ts';
import { generateClientSecret } from '../keys/secrets.ts';
import type { Random } from '../shared/random.ts';
import { invalid } from './errors.ts';

export interface SecretTools {
  secrets: SecretHasher;
  random: Random;
  /** client_secret_jwt: the secret sealed under the master key, since an HMAC key cannot be a hash. */
  sealSecret(secret: string): string;
}

/** What is stored for a method: basic and post verify a hash; client_secret_jwt needs the key itself. */
export type SecretKind = 'hash' | 'sealed' | 'none';

export function secretKind(method: string | undefined): SecretKind {
  if (method === 'none' || method === 'private_key_jwt') return 'none';
  return method === 'client_secret_jwt' ? 'sealed' : 'hash';
}

const STORED = { hash: 'secret_hash', sealed: 'secret_sealed' } as const;

/** Replaces a plaintext `secret` by what its method stores; only a parsed, valid client gets here. */
export function keepSecret(client: ClientConfig, tools: SecretTools): ClientConfig {
  const { secret, ...rest } = client;
  if (secret === undefined) return client;
  const kind = secretKind(client.token_endpoint_auth_method);
  if (kind === 'sealed') return { ...rest, secret_sealed: tools.sealSecret(secret) };
  return { ...rest, secret_hash: tools.secrets.hash(secret) };
}

/**
 * Makes a candidate's stored secret fit its method: a form the method does not use is dropped, and a
 * method that needs a secret and has none gets a generated one (256 random bits need no strength
 * estimate, which is for secrets people type). Only a generated secret is handed back, to show once.
 */
export function fitSecret(candidate: Record<string, unknown>, tools: SecretTools): string | undefined {
  const kind = secretKind(candidate['token_endpoint_auth_method'] as string | undefined);
  for (const [k, field] of Object.entries(STORED)) if (k !== kind) delete candidate[field];
  if (kind === 'none' || candidate['secret'] !== undefined || candidate[STORED[kind]] !== undefined) {
    return undefined;
  }
  const secret = generateClientSecret(tools.random);
  candidate[STORED[kind]] = kind === 'sealed' ? tools.sealSecret(secret) : tools.secrets.hash(secret);
  return secret;
}

/** Members only a private (or symmetric) JWK has (RFC 7518 §6.2.2, §6.3.2, §6.4.1). */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

/**
 * The keys registered for private_key_jwt verify what the client signs: a private key pasted by
 * mistake would hand its secret to everyone who can read the configuration, so it is refused.
 */
export function publicKeyIssues(client: Pick<ClientConfig, 'jwks'>): ConfigIssue[] {
  return (client.jwks?.keys ?? []).flatMap((key, i) => {
    if (typeof key['kty'] !== 'string') {
      return [{ path: `jwks.keys[${i}]`, message: `key ${i + 1} has no "kty": it is not a JWK` }];
    }
    if (PRIVATE_MEMBERS.some((m) => m in key)) {
      return [
        {
          path: `jwks.keys[${i}]`,
          message: `key ${i + 1} is a private or symmetric key: register the client's public keys only`,
        },
      ];
    }
    return [];
  });
}

export function checkPublicKeys(client: Pick<ClientConfig, 'jwks'>): void {
  const issues = publicKeyIssues(client);
  if (issues.length > 0) throw invalid(issues);
}
