// The New Client wizard as in the seed: id, capabilities, redirect URIs, client and user authentication, scopes, APIs, security.
import type { Snapshot } from '../config/schema.ts';
import { clientSchema, redirectUriSchema } from '../config/schema.ts';
import type { ConfigIssue } from '../config/validate.ts';
import { zodIssues } from '../config/validate.ts';
import type { SecretHasher } from '../keys/secrets.ts';
import type { ClientCreateInput } from './inputs.ts';
import { checkStep, parseJwks, type StepId, stepsFor, WIZARD_STEPS } from './wizard-steps.ts';

export { type StepId, stepsFor, WIZARD_STEPS } from './wizard-steps.ts';

/** generate and enter: a secret sent with HTTP Basic; the JWT methods sign an assertion (RFC 7523). */
export type ClientAuthChoice = 'generate' | 'enter' | 'none' | 'private_key_jwt' | 'client_secret_jwt';

/** Everything chosen so far; the pages carry it along in hidden fields (never a plaintext secret). */
export interface WizardState {
  client_id: string;
  name: string;
  capabilities: string[];
  redirect_uris: string[];
  auth: ClientAuthChoice;
  /** Keyed hash of a secret the admin typed in at the client-authentication step. */
  secret_hash: string;
  /** private_key_jwt: the public keys as pasted (JSON), or where the client publishes them. */
  jwks: string;
  jwks_uri: string;
  /** The one alg the client's assertions must use; '' for any the method allows. */
  auth_alg: string;
  authenticator: string;
  /** A sign-in policy id for the client's default, or '' (absent) for its authenticator alone. */
  policy?: string;
  scopes: string[];
  apis: string[];
  /** '' for none, or 'fapi2'. */
  profile: string;
  par: boolean;
  dpop: boolean;
  request_alg: string;
}

/** `next` may carry a redirect URI typed but not yet added: it is added first, as the admin meant. */
export type WizardAction =
  | { type: 'next'; uri?: string }
  | { type: 'back' }
  | { type: 'add_uri'; uri: string }
  | { type: 'remove_uri'; uri: string };

export interface WizardResult {
  step: StepId;
  state: WizardState;
  issues: ConfigIssue[];
  /** Set after the last step: the client to create, and the hash of an entered secret. */
  done?: { input: ClientCreateInput; secretHash?: string };
}

export function initialState(snapshot: Snapshot): WizardState {
  return {
    client_id: '',
    name: '',
    capabilities: ['code'],
    redirect_uris: [],
    auth: 'generate',
    secret_hash: '',
    jwks: '',
    jwks_uri: '',
    auth_alg: '',
    authenticator: snapshot.authenticators[0]?.id ?? '',
    scopes: ['openid'],
    apis: [],
    profile: '',
    par: false,
    dpop: false,
    request_alg: '',
  };
}

const issue = (path: string, message: string): ConfigIssue[] => [{ path, message }];

/** The applicable step after (or before) `step`, which may itself no longer apply. */
function neighbour(state: WizardState, step: StepId, direction: 1 | -1): StepId | undefined {
  const order = WIZARD_STEPS.map((s) => s.id);
  const applicable = new Set(stepsFor(state).map((s) => s.id));
  for (let i = order.indexOf(step) + direction; i >= 0 && i < order.length; i += direction) {
    if (applicable.has(order[i]!)) return order[i];
  }
  return undefined;
}

/** One wizard round: check the step just submitted, then move on, back, or stay with the problems listed. */
export function advance(
  snapshot: Snapshot,
  secrets: SecretHasher,
  step: StepId,
  submitted: WizardState,
  action: WizardAction,
  enteredSecret = '',
): WizardResult {
  const state: WizardState = { ...submitted };
  if (action.type === 'back') return { step: neighbour(state, step, -1) ?? 'client', state, issues: [] };
  if (action.type === 'remove_uri') {
    return {
      step,
      state: { ...state, redirect_uris: state.redirect_uris.filter((u) => u !== action.uri) },
      issues: [],
    };
  }
  if (action.type === 'add_uri') {
    const uri = action.uri.trim();
    if (uri === '') return { step, state, issues: issue('new_uri', 'Enter a redirect URI to add.') };
    const parsed = redirectUriSchema.safeParse(uri);
    if (!parsed.success) return { step, state, issues: zodIssues(parsed.error, ['new_uri']) };
    if (state.redirect_uris.includes(uri))
      return { step, state, issues: issue('new_uri', `"${uri}" is in the list already.`) };
    return { step, state: { ...state, redirect_uris: [...state.redirect_uris, uri] }, issues: [] };
  }
  if (step === 'redirect_uris' && action.uri?.trim()) {
    const added = advance(snapshot, secrets, step, state, { type: 'add_uri', uri: action.uri });
    if (added.issues.length > 0) return added;
    state.redirect_uris = added.state.redirect_uris;
  }
  const issues = checkStep(step, state, snapshot, enteredSecret, secrets);
  if (issues.length > 0) return { step, state, issues };
  // A machine client logs no one in: the sign-in scope preselected for the Code Flow goes.
  const signsIn = state.capabilities.includes('code') || state.capabilities.includes('device_code');
  if (step === 'capabilities' && !signsIn && state.scopes.join() === 'openid') {
    state.scopes = [];
  }
  const next = neighbour(state, step, 1);
  if (next) return { step: next, state, issues: [] };
  // The last step re-checks every earlier one: hidden fields come back from the browser.
  for (const s of stepsFor(state)) {
    const problems = checkStep(s.id, state, snapshot, '', secrets);
    if (problems.length > 0) return { step: s.id, state, issues: problems };
  }
  const done = finish(state);
  // What only the whole client shows, a security profile's rules above all, is listed at this step.
  const whole = clientSchema.safeParse({ ...done.input, ...placeholderSecret(done.input) });
  if (!whole.success) return { step, state, issues: zodIssues(whole.error) };
  return { step, state, issues: [], done };
}

/** A stand-in for the secret created with the client, so the rest of it can be checked first. */
function placeholderSecret(input: ClientCreateInput) {
  const method = input.token_endpoint_auth_method;
  if (method === 'client_secret_jwt') return { secret_sealed: 'v1.placeholder' };
  return method === 'none' || method === 'private_key_jwt' ? {} : { secret_hash: 'hmac-sha256:placeholder' };
}

const METHOD = {
  generate: 'client_secret_basic',
  enter: 'client_secret_basic',
  none: 'none',
  private_key_jwt: 'private_key_jwt',
  client_secret_jwt: 'client_secret_jwt',
} as const;

function finish(state: WizardState): NonNullable<WizardResult['done']> {
  const code = state.capabilities.includes('code');
  const keys =
    state.auth !== 'private_key_jwt'
      ? {}
      : state.jwks.trim() !== ''
        ? { jwks: parseJwks(state.jwks.trim()).jwks! }
        : { jwks_uri: state.jwks_uri.trim() };
  const input: ClientCreateInput = {
    client_id: state.client_id,
    ...(state.name === '' ? {} : { name: state.name }),
    capabilities: state.capabilities as ClientCreateInput['capabilities'],
    redirect_uris: code ? state.redirect_uris : [],
    token_endpoint_auth_method: METHOD[state.auth],
    ...(state.auth_alg === ''
      ? {}
      : {
          token_endpoint_auth_signing_alg:
            state.auth_alg as ClientCreateInput['token_endpoint_auth_signing_alg'],
        }),
    ...keys,
    authenticator: state.authenticator,
    ...(state.policy ? { authentication_policies: [state.policy] } : {}),
    scopes: state.scopes,
    ...(state.apis.length === 0 ? {} : { apis: state.apis }),
    ...(state.par ? { require_pushed_authorization_requests: true } : {}),
    ...(state.dpop ? { dpop_bound_access_tokens: true } : {}),
    ...(state.request_alg === ''
      ? {}
      : { request_object_signing_alg: state.request_alg as ClientCreateInput['request_object_signing_alg'] }),
    // FAPI 2.0 SP §5.4.1 rules out RS256, the default for ID tokens: PS256 signs with the same RSA key.
    ...(state.profile === 'fapi2'
      ? { profile: 'fapi2' as const, id_token_signed_response_alg: 'PS256' as const }
      : {}),
  };
  return state.auth === 'enter' ? { input, secretHash: state.secret_hash } : { input };
}
