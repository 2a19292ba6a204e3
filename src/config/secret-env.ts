// Upstream providers' client secrets from the environment: `client_secret_env: NAME` in the config file stands
// for `client_secret:` with the value of that variable, so the file itself can be shared without the secret.
import type { ConfigIssue } from './validate.ts';

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;

/**
 * Replaces each oidc authenticator's `client_secret_env` in the file's raw `authenticators` with the
 * variable's value as `client_secret`, in a copy; a missing, empty or doubly given secret is an issue.
 */
export function secretsFromEnv(
  top: Record<string, unknown>,
  env: NodeJS.ProcessEnv,
): { authenticators: unknown; issues: ConfigIssue[] } {
  const list = top['authenticators'];
  const issues: ConfigIssue[] = [];
  if (!Array.isArray(list)) return { authenticators: list, issues };
  const authenticators = list.map((entry: unknown, i) => {
    if (entry === null || typeof entry !== 'object' || !('client_secret_env' in entry)) return entry;
    const { client_secret_env: name, ...rest } = entry as Record<string, unknown>;
    const path = `authenticators[${i}].client_secret_env`;
    if (typeof name !== 'string' || !ENV_NAME.test(name)) {
      issues.push({ path, message: 'name an environment variable, such as ACME_CLIENT_SECRET' });
    } else if ('client_secret' in rest) {
      issues.push({ path, message: 'give the secret once: client_secret or client_secret_env, not both' });
    } else if (!env[name]) {
      issues.push({ path, message: `the environment variable ${name} is not set (or empty)` });
    } else {
      return { ...rest, client_secret: env[name] };
    }
    return rest;
  });
  return { authenticators, issues };
}
