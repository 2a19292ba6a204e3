// The selftest's checks, in the order they run: later ones use what earlier ones leave in the context.
import type { Check } from './check.ts';
import {
  badClientSecret,
  introspection,
  missingRedirectUri,
  revocation,
  unsupportedGrant,
  wrongRedirectUri,
} from './checks-endpoints.ts';
import { codeFlow, codeReuse, discovery, idToken, userinfo } from './checks-login.ts';
import {
  logout,
  pkceVerifier,
  promptNoneLoggedIn,
  promptNoneNoSession,
  refreshReuse,
  refreshRotation,
} from './checks-session.ts';

export const CHECKS = [
  discovery,
  promptNoneNoSession,
  wrongRedirectUri,
  missingRedirectUri,
  badClientSecret,
  unsupportedGrant,
  codeFlow,
  idToken,
  userinfo,
  pkceVerifier,
  refreshRotation,
  refreshReuse,
  codeReuse,
  promptNoneLoggedIn,
  introspection,
  revocation,
  logout,
] as const satisfies readonly Check[];
