// Structured JSON logs that never carry credentials: headers and bodies with secrets are redacted.
import type { FastifyServerOptions } from 'fastify';

export function createLogger(
  level = process.env['TESSERA_LOG_LEVEL'] ?? 'info',
): FastifyServerOptions['logger'] {
  return {
    level,
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'res.headers["set-cookie"]',
        '*.password',
        '*.client_secret',
      ],
      censor: '[redacted]',
    },
    serializers: {
      // Query strings can carry state, nonce and return_to; log the path only.
      req: (req: { method: string; url: string; id: string }) => ({
        id: req.id,
        method: req.method,
        path: req.url.split('?')[0],
      }),
    },
  };
}
