// The New Client wizard pages: one step per page, choices carried in hidden fields, the client created at the end.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AdminError } from '../../admin/errors.ts';
import { authenticatorKind, labelIssues } from '../../admin/field-labels.ts';
import { apiChoices, scopeChoices } from '../../admin/views.ts';
import {
  advance,
  type ClientAuthChoice,
  initialState,
  type StepId,
  stepsFor,
  WIZARD_STEPS,
  type WizardAction,
  type WizardState,
} from '../../admin/wizard.ts';
import { factorRole, type Snapshot } from '../../config/schema.ts';
import type { ConfigIssue } from '../../config/validate.ts';
import { principalOf, requireAdmin } from './auth.ts';
import { ASSERTION_ALG_GROUPS, CAPABILITIES, REQUEST_OBJECT_ALGS } from './client-choices.ts';
import { checked, type Form, field, fields, formOf } from './forms.ts';
import { adminPage, type Ui } from './render.ts';
import { showSecret } from './secret.ts';

const stateOf = (form: Form): WizardState => ({
  client_id: field(form, 'client_id').trim(),
  name: field(form, 'name').trim(),
  capabilities: fields(form, 'capabilities'),
  redirect_uris: fields(form, 'redirect_uris'),
  auth: field(form, 'auth') as ClientAuthChoice,
  secret_hash: field(form, 'secret_hash'),
  jwks: field(form, 'jwks'),
  jwks_uri: field(form, 'jwks_uri').trim(),
  auth_alg: field(form, 'auth_alg'),
  authenticator: field(form, 'authenticator'),
  policy: field(form, 'policy'),
  scopes: fields(form, 'scopes'),
  apis: fields(form, 'apis'),
  profile: field(form, 'profile'),
  par: checked(form, 'par'),
  dpop: checked(form, 'dpop'),
  request_alg: field(form, 'request_alg'),
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
    // A step the client no longer has (a tampered form) still renders, among all the steps.
    const applicable = stepsFor(state);
    const steps = applicable.some((s) => s.id === step) ? applicable : WIZARD_STEPS;
    const index = steps.findIndex((s) => s.id === step);
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
        stepTitle: steps[index]!.title,
        steps: steps.map((s, i) => ({ ...s, done: i < index, current: i === index })),
        first: index === 0,
        last: index === steps.length - 1,
        state,
        issues: labelIssues(issues, 'client'),
        // Token exchange needs its own settings: turned on afterwards, on the client's page.
        capabilities: CAPABILITIES.filter((c) => c.id !== 'token_exchange'),
        assertionAlgs: ASSERTION_ALG_GROUPS,
        requestAlgs: REQUEST_OBJECT_ALGS,
        authenticators: snapshot.authenticators
          .filter((a) => factorRole(a.type) !== 'second')
          .map((a) => ({ id: a.id, type: a.type, kind: authenticatorKind(a) })),
        policies: snapshot.policies ?? [],
        scopes: scopeChoices(snapshot),
        apis: apiChoices(snapshot),
      },
      issues.length > 0 ? 400 : 200,
    );
  };

  app.get(path, { preHandler: requireAdmin(ui.deps) }, async (request, reply) => {
    const { snapshot } = await ui.service.draft(principalOf(request));
    return page(request, reply, snapshot, 'client', initialState(snapshot));
  });

  // A pasted JWK Set spans lines: the edge lets line breaks through in that field only.
  const post = { preHandler: [requireAdmin(ui.deps), app.csrfProtection], config: { multiline: ['jwks'] } };
  app.post(path, post, async (request, reply) => {
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
        method: created.client.token_endpoint_auth_method,
      });
    } catch (error) {
      if (!(error instanceof AdminError)) throw error;
      const issues = error.issues.length > 0 ? error.issues : [{ path: '', message: error.message }];
      return page(request, reply, snapshot, step, result.state, issues);
    }
  });
}
