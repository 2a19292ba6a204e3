// The New Client wizard's steps: which apply to a client, and what each one checks before moving on.
import { clientSchema, redirectUriSchema, type Snapshot } from '../config/schema.ts';
import { CAPABILITIES } from '../config/schema-client.ts';
import type { ConfigIssue } from '../config/validate.ts';
import { zodIssues } from '../config/validate.ts';
import type { SecretHasher } from '../keys/secrets.ts';
import { CLIENT_ASSERTION_ALGS, HMAC_ALGS } from '../shared/algorithms.ts';
import { publicKeyIssues } from './client-auth.ts';
import { scopeChoices } from './views.ts';
import type { WizardState } from './wizard.ts';

export const WIZARD_STEPS = [
  { id: 'client', title: 'Client ID' },
  { id: 'capabilities', title: 'Capabilities' },
  { id: 'redirect_uris', title: 'Redirect URIs' },
  { id: 'client_authentication', title: 'Client authentication' },
  { id: 'user_authentication', title: 'User authentication' },
  { id: 'scopes', title: 'Scopes' },
  { id: 'apis', title: 'Allowed APIs' },
  { id: 'security', title: 'Security' },
] as const;

export type StepId = (typeof WIZARD_STEPS)[number]['id'];

/** Only a Code Flow client sends browsers back and logs users in: a machine client skips those steps. */
const CODE_ONLY: ReadonlySet<StepId> = new Set(['redirect_uris', 'user_authentication']);

export function stepsFor(state: Pick<WizardState, 'capabilities'>) {
  const code = state.capabilities.includes('code');
  // RFC 8628: a Device Flow client has no redirect URI, but its user logs in on the verification page.
  const device = state.capabilities.includes('device_code');
  return WIZARD_STEPS.filter(
    (s) => code || !CODE_ONLY.has(s.id) || (device && s.id === 'user_authentication'),
  );
}

const issue = (path: string, message: string): ConfigIssue[] => [{ path, message }];

/** The pasted JWK Set (or one JWK, taken as a set of one), or what is wrong with it. */
export function parseJwks(text: string): {
  jwks?: { keys: Record<string, unknown>[] };
  issues: ConfigIssue[];
} {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { issues: issue('jwks', `The JWKS is not valid JSON: ${(error as Error).message}.`) };
  }
  if (value !== null && typeof value === 'object' && 'kty' in value) value = { keys: [value] };
  const parsed = clientSchema.shape.jwks.safeParse(value);
  if (!parsed.success) return { issues: zodIssues(parsed.error, ['jwks']) };
  const jwks = parsed.data!;
  return { jwks, issues: publicKeyIssues({ jwks }) };
}

function checkKeys(state: WizardState): ConfigIssue[] {
  const text = state.jwks.trim();
  const uri = state.jwks_uri.trim();
  if (text === '' && uri === '') {
    return issue('jwks', "Paste the client's public keys (a JWK Set), or give the URL it publishes them at.");
  }
  if (text !== '' && uri !== '') {
    return issue('jwks', 'Give the keys one way: paste the JWK Set or give the JWKS URL, not both.');
  }
  if (text !== '') return parseJwks(text).issues;
  const parsed = clientSchema.shape.jwks_uri.safeParse(uri);
  return parsed.success ? [] : zodIssues(parsed.error, ['jwks_uri']);
}

function checkAlg(state: WizardState): ConfigIssue[] {
  const alg = state.auth_alg;
  if (alg === '') return [];
  if (!(CLIENT_ASSERTION_ALGS as readonly string[]).includes(alg)) {
    return issue('token_endpoint_auth_signing_alg', `"${alg}" is not an algorithm Tessera accepts.`);
  }
  const hmac = (HMAC_ALGS as readonly string[]).includes(alg);
  if (state.auth === 'private_key_jwt' && hmac) {
    return issue(
      'token_endpoint_auth_signing_alg',
      `A private key does not sign with ${alg}: that is an HMAC.`,
    );
  }
  if (state.auth === 'client_secret_jwt' && !hmac) {
    return issue('token_endpoint_auth_signing_alg', 'The client secret signs with HS256, HS384 or HS512.');
  }
  return [];
}

function checkAuthentication(state: WizardState, enteredSecret: string, secrets: SecretHasher) {
  const problems: ConfigIssue[] = [];
  if (state.auth !== 'enter') state.secret_hash = '';
  if (state.auth !== 'private_key_jwt') state.jwks = state.jwks_uri = '';
  if (state.auth !== 'private_key_jwt' && state.auth !== 'client_secret_jwt') state.auth_alg = '';
  switch (state.auth) {
    case 'enter':
      if (enteredSecret !== '') {
        const parsed = clientSchema.shape.secret.safeParse(enteredSecret);
        if (!parsed.success) return zodIssues(parsed.error, ['secret']);
        state.secret_hash = secrets.hash(enteredSecret);
      }
      if (state.secret_hash === '')
        problems.push(...issue('secret', 'Enter the secret, or let Tessera generate one.'));
      break;
    case 'none':
      if (state.capabilities.includes('client_credentials')) {
        problems.push(
          ...issue(
            'auth',
            'A machine client (Client Credentials) must authenticate: choose a secret or a signed JWT.',
          ),
        );
      }
      break;
    case 'private_key_jwt': {
      const keys = checkKeys(state);
      problems.push(...keys);
      // Carried on in a hidden field from here: one line, as the JWK Set will be stored.
      if (keys.length === 0 && state.jwks.trim() !== '')
        state.jwks = JSON.stringify(parseJwks(state.jwks).jwks);
      break;
    }
    case 'generate':
    case 'client_secret_jwt':
      break;
    default:
      return issue('auth', 'Choose how the client authenticates.');
  }
  return [...problems, ...checkAlg(state)];
}

export function checkStep(
  step: StepId,
  state: WizardState,
  snapshot: Snapshot,
  enteredSecret: string,
  secrets: SecretHasher,
): ConfigIssue[] {
  switch (step) {
    case 'client': {
      const parsed = clientSchema.shape.client_id.safeParse(state.client_id);
      if (state.client_id === '') return issue('client_id', 'Enter a client id, such as www.');
      if (!parsed.success) return zodIssues(parsed.error, ['client_id']);
      if (snapshot.clients.some((c) => c.client_id === state.client_id)) {
        return issue('client_id', `A client "${state.client_id}" exists already.`);
      }
      return state.name.length > 200 ? issue('name', 'Use at most 200 characters.') : [];
    }
    case 'capabilities':
      return state.capabilities.length === 0 ||
        state.capabilities.some((c) => !(CAPABILITIES as readonly string[]).includes(c))
        ? issue('capabilities', 'Choose at least one capability.')
        : [];
    case 'redirect_uris':
      if (state.redirect_uris.length === 0) return issue('redirect_uris', 'Add at least one redirect URI.');
      return state.redirect_uris.flatMap((uri, i) => {
        const parsed = redirectUriSchema.safeParse(uri);
        return parsed.success ? [] : zodIssues(parsed.error, ['redirect_uris', i]);
      });
    case 'client_authentication':
      return checkAuthentication(state, enteredSecret, secrets);
    case 'user_authentication':
      if (!snapshot.authenticators.some((a) => a.id === state.authenticator))
        return issue('authenticator', 'Choose an authenticator.');
      return state.policy && !(snapshot.policies ?? []).some((p) => p.id === state.policy)
        ? issue('authentication_policies', `There is no sign-in policy "${state.policy}".`)
        : [];
    case 'scopes': {
      const known = new Set(scopeChoices(snapshot).map((s) => s.name));
      return state.scopes
        .filter((s) => !known.has(s))
        .flatMap((s) => issue('scopes', `Unknown scope "${s}".`));
    }
    case 'apis':
      return state.apis
        .filter((a) => !snapshot.apis.some((api) => api.identifier === a))
        .flatMap((a) => issue('apis', `There is no API "${a}".`));
    case 'security':
      if (state.profile !== '' && state.profile !== 'fapi2')
        return issue('profile', 'Choose a security profile.');
      if (
        state.request_alg !== '' &&
        !(CLIENT_ASSERTION_ALGS as readonly string[]).includes(state.request_alg)
      ) {
        return issue(
          'request_object_signing_alg',
          `"${state.request_alg}" is not an algorithm Tessera accepts.`,
        );
      }
      return [];
  }
}
