// The New Client wizard as in the seed: id, capabilities, redirect URIs, client and user authentication, scopes.
import { clientSchema, redirectUriSchema, type Snapshot } from '../config/schema.ts';
import type { ConfigIssue } from '../config/validate.ts';
import { zodIssues } from '../config/validate.ts';
import type { SecretHasher } from '../keys/secrets.ts';
import type { ClientCreateInput } from './inputs.ts';
import { scopeChoices } from './views.ts';

export const WIZARD_STEPS = [
  { id: 'client', title: 'Client ID' },
  { id: 'capabilities', title: 'Capabilities' },
  { id: 'redirect_uris', title: 'Redirect URIs' },
  { id: 'client_authentication', title: 'Client authentication' },
  { id: 'user_authentication', title: 'User authentication' },
  { id: 'scopes', title: 'Scopes' },
] as const;

export type StepId = (typeof WIZARD_STEPS)[number]['id'];
export type ClientAuthChoice = 'generate' | 'enter' | 'none';

/** Everything chosen so far; the pages carry it along in hidden fields (never a plaintext secret). */
export interface WizardState {
  client_id: string;
  name: string;
  capabilities: string[];
  redirect_uris: string[];
  auth: ClientAuthChoice;
  /** Keyed hash of a secret the admin typed in at the client-authentication step. */
  secret_hash: string;
  authenticator: string;
  scopes: string[];
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
    authenticator: snapshot.authenticators[0]?.id ?? '',
    scopes: ['openid'],
  };
}

const issue = (path: string, message: string): ConfigIssue[] => [{ path, message }];

function checkStep(
  step: StepId,
  state: WizardState,
  snapshot: Snapshot,
  enteredSecret: string,
  secrets: SecretHasher,
) {
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
      return state.capabilities.length === 0 || state.capabilities.some((c) => c !== 'code')
        ? issue('capabilities', 'Choose at least one capability.')
        : [];
    case 'redirect_uris':
      if (state.redirect_uris.length === 0) return issue('redirect_uris', 'Add at least one redirect URI.');
      return state.redirect_uris.flatMap((uri, i) => {
        const parsed = redirectUriSchema.safeParse(uri);
        return parsed.success ? [] : zodIssues(parsed.error, ['redirect_uris', i]);
      });
    case 'client_authentication':
      if (state.auth === 'enter') {
        if (enteredSecret !== '') {
          const parsed = clientSchema.shape.secret.safeParse(enteredSecret);
          if (!parsed.success) return zodIssues(parsed.error, ['secret']);
          state.secret_hash = secrets.hash(enteredSecret);
        }
        return state.secret_hash === ''
          ? issue('secret', 'Enter the secret, or let Tessera generate one.')
          : [];
      }
      state.secret_hash = '';
      return ['generate', 'none'].includes(state.auth)
        ? []
        : issue('auth', 'Choose how the client authenticates.');
    case 'user_authentication':
      return snapshot.authenticators.some((a) => a.id === state.authenticator)
        ? []
        : issue('authenticator', 'Choose an authenticator.');
    case 'scopes': {
      const known = new Set(scopeChoices(snapshot).map((s) => s.name));
      return state.scopes
        .filter((s) => !known.has(s))
        .flatMap((s) => issue('scopes', `Unknown scope "${s}".`));
    }
  }
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
  const index = WIZARD_STEPS.findIndex((s) => s.id === step);
  if (action.type === 'back') return { step: WIZARD_STEPS[Math.max(index - 1, 0)]!.id, state, issues: [] };
  if (action.type === 'remove_uri') {
    return {
      step,
      state: { ...state, redirect_uris: state.redirect_uris.filter((u) => u !== action.uri) },
      issues: [],
    };
  }
  if (action.type === 'add_uri') {
    const uri = action.uri.trim();
    const parsed = redirectUriSchema.safeParse(uri);
    if (uri === '') return { step, state, issues: issue('new_uri', 'Enter a redirect URI to add.') };
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
  const next = WIZARD_STEPS[index + 1];
  if (next) return { step: next.id, state, issues: [] };
  // The last step re-checks every earlier one: hidden fields come back from the browser.
  for (const s of WIZARD_STEPS) {
    const problems = checkStep(s.id, state, snapshot, '', secrets);
    if (problems.length > 0) return { step: s.id, state, issues: problems };
  }
  return { step, state, issues: [], done: finish(state) };
}

function finish(state: WizardState): NonNullable<WizardResult['done']> {
  const input: ClientCreateInput = {
    client_id: state.client_id,
    ...(state.name === '' ? {} : { name: state.name }),
    capabilities: state.capabilities as ClientCreateInput['capabilities'],
    redirect_uris: state.redirect_uris,
    token_endpoint_auth_method: state.auth === 'none' ? 'none' : 'client_secret_basic',
    authenticator: state.authenticator,
    scopes: state.scopes,
  };
  return state.auth === 'enter' ? { input, secretHash: state.secret_hash } : { input };
}
