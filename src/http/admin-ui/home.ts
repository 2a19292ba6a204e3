// The admin home: the Token Service and Authentication Service profiles with their endpoints.
import type { FastifyInstance } from 'fastify';
import { profiles } from '../../admin/service-profiles.ts';
import { principalOf, requireAdmin } from './auth.ts';
import { adminPage, type Ui } from './render.ts';

export function profileRoutes(app: FastifyInstance, ui: Ui): void {
  app.get(ui.base, { preHandler: requireAdmin(ui.deps) }, async (request, reply) => {
    const live = await ui.service.deps.config.current();
    const draft = await ui.service.draft(principalOf(request));
    return adminPage(ui, request, reply, 'profiles', {
      title: 'Profiles',
      section: 'profiles',
      revision: live?.id ?? null,
      profiles: profiles(ui.deps.endpoints, live?.snapshot ?? draft.snapshot),
      scopes: (live?.snapshot ?? draft.snapshot).scopes.length,
    });
  });
}
