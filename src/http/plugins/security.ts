// Security headers on every response: a strict CSP, no framing, no referrer, HSTS on HTTPS.
import type { FastifyInstance } from 'fastify';
import helmet from 'helmet';

export type HeaderSetter = ReturnType<typeof helmet>;

/** Built once: the middleware only sets precomputed header values (@fastify/helmet rebuilds it per request). */
export function securityHeaders(https: boolean): HeaderSetter {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'none'"],
        styleSrc: ["'self'"],
        // Our own script files only (the passkey pages: the WebAuthn calls and the fetch of their options).
        scriptSrc: ["'self'"],
        connectSrc: ["'self'"],
        imgSrc: ["'self'"],
        baseUri: ["'none'"],
        frameAncestors: ["'none'"],
        // form-action is left out on purpose: browsers apply it to the redirect chain after a login
        // POST, which ends at the client's (foreign) redirect URI.
      },
    },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    strictTransportSecurity: https ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    crossOriginResourcePolicy: false,
    crossOriginOpenerPolicy: { policy: 'same-origin' },
  });
}

export function registerSecurityHeaders(app: FastifyInstance, setHeaders: HeaderSetter): void {
  app.addHook('onRequest', (request, reply, done) => {
    setHeaders(request.raw, reply.raw, (error) => done(error as Error | undefined));
  });
}
