// resource (RFC 8707 §2): each API named must be configured and allowed for the client, or invalid_target.
import { OAuthError } from '../errors.ts';
import { allowedApis, checkResources } from '../tokens/audience.ts';
import type { AuthorizeCheck } from './request.ts';

export const resourceCheck = {
  name: 'resource',
  section: 'RFC 8707 §2',
  redirectable: true,
  run(ctx) {
    const resources = ctx.multi.resource;
    const malformed = checkResources(resources);
    if (malformed) return malformed;
    const apis = allowedApis(ctx.request.client!, ctx.config, resources);
    if (apis instanceof OAuthError) return apis;
    ctx.request.resources = resources;
    return undefined;
  },
} satisfies AuthorizeCheck;
