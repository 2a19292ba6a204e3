// prompt (OIDC Core §3.1.2.1): known values only, and "none" never combined with another.
import { OAuthError } from '../errors.ts';
import type { AuthorizeCheck } from './request.ts';

const KNOWN = new Set(['none', 'login', 'consent', 'select_account']);

export const promptCheck = {
  name: 'prompt',
  section: 'OIDC Core §3.1.2.1',
  redirectable: true,
  run(ctx) {
    const values = new Set((ctx.params.prompt ?? '').split(' ').filter((v) => v !== ''));
    const unknown = [...values].filter((v) => !KNOWN.has(v));
    if (unknown.length > 0)
      return new OAuthError('invalid_request', `unsupported prompt value: ${unknown.join(' ')}`);
    if (values.has('none') && values.size > 1) {
      return new OAuthError('invalid_request', 'prompt=none must not be combined with other values');
    }
    ctx.request.prompt = values;
    ctx.request.state = ctx.params.state;
    ctx.request.nonce = ctx.params.nonce;
    return undefined;
  },
} satisfies AuthorizeCheck;
