// Renders an admin page inside the admin layout: navigation, the pending-changes count, the CSRF token.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AdminService } from '../../admin/service.ts';
import type { AppDeps } from '../context.ts';
import { renderPage } from '../pages.ts';
import { principalOf } from './auth.ts';

export const NAV = [
  { id: 'profiles', label: 'Profiles', path: '' },
  { id: 'clients', label: 'Clients', path: '/clients' },
  { id: 'registered', label: 'Registered clients', path: '/registered-clients' },
  { id: 'users', label: 'Users', path: '/users' },
  { id: 'posture', label: 'Posture', path: '/posture' },
  { id: 'scopes', label: 'Scopes', path: '/scopes' },
  { id: 'apis', label: 'APIs', path: '/apis' },
  { id: 'authenticators', label: 'Authenticators', path: '/authenticators' },
  { id: 'policies', label: 'Sign-in policies', path: '/policies' },
  { id: 'changes', label: 'Changes', path: '/changes' },
  { id: 'history', label: 'History', path: '/history' },
  { id: 'audit', label: 'Audit log', path: '/audit' },
  { id: 'tokens', label: 'API tokens', path: '/tokens' },
  { id: 'keys', label: 'Keys', path: '/keys' },
  { id: 'tools', label: 'Flow explorer', path: '/tools' },
] as const;

export type Section = (typeof NAV)[number]['id'];

export interface Ui {
  deps: AppDeps;
  service: AdminService;
  /** `/admin` under the configured path prefix. */
  base: string;
  assets: string;
}

/** A page for a logged-in admin. */
export async function adminPage(
  ui: Ui,
  request: FastifyRequest,
  reply: FastifyReply,
  view: string,
  data: Record<string, unknown> & { title: string; section: Section },
  status = 200,
): Promise<FastifyReply> {
  const principal = principalOf(request);
  const draft = await ui.service.draft(principal);
  return renderPage(
    reply,
    `admin-ui/${view}`,
    {
      ...data,
      base: ui.base,
      assets: ui.assets,
      csrf: reply.generateCsrf(),
      adminName: principal.username,
      pending: draft.changes.length,
      stale: draft.stale,
      nav: NAV.map((n) => ({ ...n, href: ui.base + n.path, current: n.id === data.section })),
    },
    status,
  );
}

/** A page without navigation: login, setup, messages to someone not logged in. */
export function plainPage(
  ui: Ui,
  reply: FastifyReply,
  view: string,
  data: Record<string, unknown> & { title: string },
  status = 200,
): FastifyReply {
  return renderPage(
    reply,
    `admin-ui/${view}`,
    { ...data, base: ui.base, assets: ui.assets, csrf: reply.generateCsrf(), nav: null, adminName: null },
    status,
  );
}
