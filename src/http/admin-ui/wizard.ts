// The New Client wizard pages: one step per page, choices carried in hidden fields, the client created at the end.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AdminError } from '../../admin/errors.ts';
import { scopeChoices } from '../../admin/views.ts';
import {
  advance,
  type ClientAuthChoice,
  initialState,
  type StepId,
  WIZARD_STEPS,
  type WizardAction,
  type WizardState,
} from '../../admin/wizard.ts';
import type { Snapshot } from '../../config/schema.ts';
import type { ConfigIssue } from '../../config/validate.ts';
import { principalOf, requireAdmin } from './auth.ts';
import { AUTH_METHODS, CAPABILITIES } from './clients.ts';
import { type Form, field, fields, formOf } from './forms.ts';
import { adminPage, type Ui } from './render.ts';
import { showSecret } from './secret.ts';

const stateOf = (form: Form): WizardState => ({
  client_id: field(form, 'client_id').trim(),
  name: field(form, 'name').trim(),
  capabilities: fields(form, 'capabilities'),
  redirect_uris: fields(form, 'redirect_uris'),
  auth: field(form, 'auth') as ClientAuthChoice,
  secret_hash: field(form, 'secret_hash'),
  authenticator: field(form, 'authenticator'),
  scopes: fields(form, 'scopes'),
});

function actionOf(form: Form): WizardAction {
  const remove = field(form, 'remove_uri');
  if (remove !== '') return { type: 'remove_uri', uri: remove };
  const action = field(form, 'action');
  if (action === 'add_uri') return { type: 'add_uri', uri: field(form, 'new_uri') };
  return action === 'back' ? { type: 'back' } : { type: 'next', uri: field(form, 'new_uri') };
}

export function wizardRoutes(app: FastifyInstance, ui: Ui): void {
  const path = `${ui.base}/new-client`;

  const page = (
    request: FastifyRequest,
    reply: FastifyReply,
    snapshot: Snapshot,
    step: StepId,
    state: WizardState,
    issues: ConfigIssue[] = [],
  ) => {
    const index = WIZARD_STEPS.findIndex((s) => s.id === step);
    return adminPage(
      ui,
      request,
      reply,
      'wizard',
      {
        title: 'New client',
        section: 'clients',
        action: path,
        step,
        stepTitle: WIZARD_STEPS[index]!.title,
        steps: WIZARD_STEPS.map((s, i) => ({ ...s, done: i < index, current: i === index })),
        first: index === 0,
        last: index === WIZARD_STEPS.length - 1,
        state,
        issues,
        capabilities: CAPABILITIES,
        authMethods: AUTH_METHODS,
        authenticators: snapshot.authenticators,
        scopes: scopeChoices(snapshot),
      },
      issues.length > 0 ? 400 : 200,
    );
  };

  app.get(path, { preHandler: requireAdmin(ui.deps) }, async (request, reply) => {
    const { snapshot } = await ui.service.draft(principalOf(request));
    return page(request, reply, snapshot, 'client', initialState(snapshot));
  });

  app.post(path, { preHandler: [requireAdmin(ui.deps), app.csrfProtection] }, async (request, reply) => {
    const principal = principalOf(request);
    const form = formOf(request);
    const { snapshot } = await ui.service.draft(principal);
    const submitted = field(form, 'step');
    const step = WIZARD_STEPS.some((s) => s.id === submitted) ? (submitted as StepId) : 'client';
    const result = advance(
      snapshot,
      ui.deps.admin.secrets,
      step,
      stateOf(form),
      actionOf(form),
      field(form, 'secret'),
    );
    if (!result.done) return page(request, reply, snapshot, result.step, result.state, result.issues);
    try {
      const created = await ui.service.createClient(principal, result.done.input, {
        ...(result.done.secretHash === undefined ? {} : { secretHash: result.done.secretHash }),
      });
      request.log.info(
        { event: 'client_drafted', client_id: created.client.client_id },
        'client added to a draft',
      );
      return showSecret(ui, request, reply, {
        clientId: created.client.client_id,
        secret: created.secret,
        reason: 'created',
      });
    } catch (error) {
      if (!(error instanceof AdminError)) throw error;
      const issues = error.issues.length > 0 ? error.issues : [{ path: '', message: error.message }];
      return page(request, reply, snapshot, step, result.state, issues);
    }
  });
}
