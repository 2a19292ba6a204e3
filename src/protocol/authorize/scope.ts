// scope: every requested scope must be one the client is allowed (RFC 6749 §3.3, §4.1.2.1 invalid_scope).
import { OAuthError } from '../errors.ts';
import { parseScope } from '../params/parse.ts';
import type { AuthorizeCheck } from './request.ts';

export const scopeCheck = {
  name: 'scope',
  section: 'RFC 6749 §3.3',
  redirectable: true,
  run(ctx) {
    const scope = parseScope(ctx.params.scope);
    if (scope instanceof OAuthError) return scope;
    const client = ctx.request.client!;
    const refused = scope.filter((s) => !client.scopes.has(s) || !ctx.config.scopes.has(s));
    if (refused.length > 0) {
      return new OAuthError('invalid_scope', `scope not allowed for this client: ${refused.join(' ')}`);
    }
    ctx.request.scope = scope;
    return undefined;
  },
} satisfies AuthorizeCheck;
