// RFC 6749 §3.1: no parameter may appear twice; checked once the redirect URI can be trusted.
import { refuseRepeated } from '../params/parse.ts';
import type { AuthorizeCheck } from './request.ts';

export const repeatedCheck = {
  name: 'repeated parameters',
  section: 'RFC 6749 §3.1',
  redirectable: true,
  run: (ctx) => refuseRepeated(ctx.repeated),
} satisfies AuthorizeCheck;
