// Sign-in policies page: list, add and edit policies (name, acr, steps picked from the configured
// authenticators, enrolment at login), and delete them; the commit checks what the page cannot.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { authenticatorKind } from '../../admin/field-labels.ts';
import { factorRole, policyAcr, type Snapshot } from '../../config/schema.ts';
import type { ConfigIssue } from '../../config/validate.ts';
import { principalOf, requireAdmin } from './auth.ts';
import { issuesOf } from './diff-view.ts';
import { type Form, field, fields, formOf, queryOf } from './forms.ts';
import { adminPage, type Ui } from './render.ts';

/** Steps the form offers: the first signs in, the others add a factor. */
const STEPS = 3;

/** The steps as the form posted them: step1, step2, ... each a checkbox group; empty later steps dropped. */
function stepsOf(form: Form): string[][] {
  const steps: string[][] = [];
  for (let i = 1; i <= STEPS; i++) {
    const ids = fields(form, `step${i}`);
    if (ids.length > 0 || i === 1) steps.push(ids);
  }
  return steps;
}

function inputOf(form: Form, id: string) {
  const name = field(form, 'name').trim();
  const acr = field(form, 'acr').trim();
  return {
    id,
    ...(name === '' ? {} : { name }),
    ...(acr === '' ? {} : { acr }),
    steps: stepsOf(form),
    enrol: field(form, 'enrol') === 'on',
  };
}

export function policyRoutes(app: FastifyInstance, ui: Ui): void {
  const { base, service } = ui;
  const path = `${base}/policies`;
  const guard = { preHandler: requireAdmin(ui.deps) };
  const guardPost = { preHandler: [requireAdmin(ui.deps), app.csrfProtection] };

  const view = (snapshot: Snapshot) => {
    const name = (id: string) => {
      const a = snapshot.authenticators.find((x) => x.id === id);
      return a ? `${id} (${authenticatorKind(a)})` : id;
    };
    return (snapshot.policies ?? []).map((p) => ({
      ...p,
      label: p.name ?? p.id,
      acrValue: policyAcr(p),
      stepText: p.steps.map((s) => s.map(name).join(' or ')),
      clients: snapshot.clients
        .filter((c) => (c.authentication_policies ?? []).includes(p.id))
        .map((c) => c.client_id),
      action: `${path}/${encodeURIComponent(p.id)}`,
    }));
  };

  const list = async (
    request: FastifyRequest,
    reply: FastifyReply,
    extra: { issues?: ConfigIssue[]; editing?: string; values?: ReturnType<typeof inputOf> } = {},
  ) => {
    const { snapshot } = await service.draft(principalOf(request));
    const editing = extra.editing ?? field(queryOf(request), 'edit');
    const current = (snapshot.policies ?? []).find((p) => p.id === editing);
    const values = extra.values ?? current ?? { id: '', steps: [[]], enrol: true };
    return adminPage(
      ui,
      request,
      reply,
      'policies',
      {
        title: 'Sign-in policies',
        section: 'policies',
        policies: view(snapshot),
        authenticators: snapshot.authenticators.map((a) => ({
          id: a.id,
          kind: authenticatorKind(a),
          first: factorRole(a.type) !== 'second',
          later: factorRole(a.type) !== 'first',
        })),
        steps: Array.from({ length: STEPS }, (_, i) => i + 1),
        editing: current ? editing : '',
        values: { name: '', acr: '', ...values, steps: values.steps },
        issues: extra.issues ?? [],
        saved: field(queryOf(request), 'saved'),
      },
      extra.issues ? 400 : 200,
    );
  };

  app.get(path, guard, (request, reply) => list(request, reply));

  app.post(path, guardPost, async (request, reply) => {
    const form = formOf(request);
    const editing = field(form, 'editing');
    const input = inputOf(form, editing || field(form, 'id').trim());
    try {
      if (editing) {
        const { id: _id, ...patch } = input;
        await service.updatePolicy(principalOf(request), editing, {
          name: patch.name ?? null,
          acr: patch.acr ?? null,
          steps: patch.steps,
          enrol: patch.enrol,
        });
      } else await service.createPolicy(principalOf(request), input);
    } catch (error) {
      return list(request, reply, { issues: issuesOf(error), editing, values: input });
    }
    return reply.redirect(`${path}?saved=${encodeURIComponent(input.id)}`, 303);
  });

  app.post(`${path}/:id/delete`, guardPost, async (request, reply) => {
    const { id } = request.params as { id: string };
    try {
      await service.deletePolicy(principalOf(request), id);
    } catch (error) {
      return list(request, reply, { issues: issuesOf(error) });
    }
    return reply.redirect(path, 303);
  });
}
