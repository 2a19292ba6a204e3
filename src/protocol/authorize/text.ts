// Authorization parameters must be text: a control character (NUL included) or broken Unicode in any
// of them is invalid_request (RFC 6749 §4.1.2.1). Checked once the redirect URI is trusted, so the
// client hears of it by redirect; the claims parameter is JSON and may span lines (OIDC Core §5.5).
import { textProblem } from '../../shared/text.ts';
import { OAuthError } from '../errors.ts';
import type { AuthorizeCheck } from './request.ts';

export const textCheck = {
  name: 'parameter text',
  section: 'RFC 6749 §4.1.2.1',
  redirectable: true,
  run: (ctx) => {
    for (const [name, value] of Object.entries(ctx.params)) {
      const problem = typeof value === 'string' ? textProblem(value, name === 'claims') : undefined;
      if (problem) return new OAuthError('invalid_request', `${name} contains ${problem}`);
    }
    return undefined;
  },
} satisfies AuthorizeCheck;
