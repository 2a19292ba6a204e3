// The reader's languages, best first, for a message sent on their behalf: the authorization request's ui_locales
// (OIDC Core §3.1.2.1) when the page continues one, then the browser's Accept-Language (RFC 9110 §12.5.4).
import type { FastifyRequest } from 'fastify';

const TAG = /^(?:[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*|\*)$/;
/** More than this many preferences says nothing more useful, and bounds the work. */
const MAX = 10;

export function acceptLanguage(header: string | undefined): string[] {
  if (header === undefined || header.length > 1000) return [];
  const ranked: { tag: string; q: number; at: number }[] = [];
  header.split(',', 50).forEach((part, at) => {
    const [range = '', ...params] = part.trim().split(';');
    const tag = range.trim();
    if (!TAG.test(tag)) return;
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const q = qParam === undefined ? 1 : Number(qParam.slice(2));
    if (!Number.isFinite(q) || q <= 0 || q > 1) return;
    ranked.push({ tag, q, at });
  });
  return ranked
    .sort((a, b) => b.q - a.q || a.at - b.at)
    .slice(0, MAX)
    .map((r) => r.tag);
}

/** ui_locales of the authorization request `returnTo` continues, if any (space-separated tags). */
export function uiLocales(returnTo: string): string[] {
  if (returnTo === '') return [];
  const value = new URL(returnTo, 'http://x').searchParams.get('ui_locales') ?? '';
  return value
    .split(' ')
    .filter((tag) => tag !== '*' && TAG.test(tag))
    .slice(0, MAX);
}

export function preferredLanguages(request: FastifyRequest, returnTo = ''): string[] {
  const header = request.headers['accept-language'];
  return [...uiLocales(returnTo), ...acceptLanguage(typeof header === 'string' ? header : undefined)].slice(
    0,
    MAX,
  );
}
