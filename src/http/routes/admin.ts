// Mounts the admin service at /admin: the web UI (own session, CSRF, stricter CSP) and the REST API.
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { createAdminService } from '../../admin/service.ts';
import { sourceAsset } from '../../shared/paths.ts';
import type { TraceRing } from '../../tools/traces.ts';
import { adminApi } from '../admin-api/register.ts';
import { apiRoutes } from '../admin-ui/apis.ts';
import { auditRoutes } from '../admin-ui/audit.ts';
import { requireAdmin } from '../admin-ui/auth.ts';
import { authenticatorRoutes } from '../admin-ui/authenticators.ts';
import { changeRoutes } from '../admin-ui/changes.ts';
import { clientRoutes } from '../admin-ui/clients.ts';
import { adminErrorHandler } from '../admin-ui/errors.ts';
import { historyRoutes } from '../admin-ui/history.ts';
import { profileRoutes } from '../admin-ui/home.ts';
import { keyRoutes } from '../admin-ui/keys.ts';
import { loginRoutes } from '../admin-ui/login.ts';
import { policyRoutes } from '../admin-ui/policies.ts';
import { providerRoutes } from '../admin-ui/providers.ts';
import { registeredClientRoutes } from '../admin-ui/registered-clients.ts';
import { plainPage, type Ui } from '../admin-ui/render.ts';
import { scopeRoutes } from '../admin-ui/scopes.ts';
import { tokenRoutes } from '../admin-ui/tokens.ts';
import { toolRoutes } from '../admin-ui/tools.ts';
import { trustedIssuerRoutes } from '../admin-ui/trusted-issuers.ts';
import { userRoutes } from '../admin-ui/users.ts';
import { wizardRoutes } from '../admin-ui/wizard.ts';
import type { AppDeps } from '../context.ts';

const STYLESHEET = readFileSync(sourceAsset('http', 'static', 'admin.css'));
/** Copy buttons and "Check provider": every page works without it. */
const SCRIPT = readFileSync(sourceAsset('http', 'static', 'admin.js'));

/**
 * Stricter than the rest of the server: admin forms only ever post to admin pages, so form-action
 * can be pinned to 'self' here (the login pages cannot: they end at a client's redirect URI).
 */
const ADMIN_CSP =
  "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

export async function adminRoutes(app: FastifyInstance, deps: AppDeps, traces: TraceRing): Promise<void> {
  const base = `${deps.endpoints.prefix}/admin`;
  const ui: Ui = { deps, service: createAdminService(deps.admin), base, assets: `${base}/assets` };

  await app.register(async (admin) => {
    admin.addHook('onSend', async (_request, reply) => {
      reply.header('content-security-policy', ADMIN_CSP);
    });
    admin.setErrorHandler(adminErrorHandler(ui));
    admin.get(`${base}/assets/admin.css`, (_request, reply) =>
      reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(STYLESHEET),
    );
    admin.get(`${base}/assets/admin.js`, (_request, reply) =>
      reply
        .type('text/javascript; charset=utf-8')
        .header('cache-control', 'public, max-age=3600')
        .send(SCRIPT),
    );

    await adminApi(admin, deps, ui.service);
    loginRoutes(admin, ui);
    admin.get(`${base}/`, (_request, reply) => reply.redirect(base, 301));
    profileRoutes(admin, ui);
    clientRoutes(admin, ui);
    registeredClientRoutes(admin, ui);
    userRoutes(admin, ui);
    wizardRoutes(admin, ui);
    scopeRoutes(admin, ui);
    apiRoutes(admin, ui);
    trustedIssuerRoutes(admin, ui);
    authenticatorRoutes(admin, ui);
    providerRoutes(admin, ui);
    policyRoutes(admin, ui);
    changeRoutes(admin, ui);
    historyRoutes(admin, ui);
    auditRoutes(admin, ui);
    tokenRoutes(admin, ui);
    keyRoutes(admin, ui);
    toolRoutes(admin, ui, traces);
    // Unknown admin pages: the lowest-priority route under /admin, so a real page always wins.
    admin.get(`${base}/*`, { preHandler: requireAdmin(deps) }, (_request, reply) =>
      plainPage(
        ui,
        reply,
        'message',
        {
          title: 'Not found',
          heading: 'Not found',
          message: 'There is no admin page here.',
          isError: true,
          link: { href: base, label: 'Back to the profiles' },
        },
        404,
      ),
    );
  });
}
