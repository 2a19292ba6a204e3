// "Sign in with another provider" (oidc authenticators): the page that adds one or changes one, with the redirect
// URI to register at the provider and "Check provider" (its discovery document, fetched through the SSRF guard).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { notFound } from '../../admin/errors.ts';
import { labelIssues } from '../../admin/field-labels.ts';
import type { AuthenticatorPatch } from '../../admin/inputs.ts';
import type { ProviderCheck } from '../../admin/provider-check.ts';
import { upstreamRedirectUri } from '../../authn/authenticators/oidc/redirect-uri.ts';
import type { AuthenticatorConfig } from '../../config/schema.ts';
import type { ConfigIssue } from '../../config/validate.ts';
import { issuerProblem, MAPPABLE_CLAIMS } from '../../config/validate-oidc.ts';
import { principalOf, requireAdmin } from './auth.ts';
import { issuesOf } from './diff-view.ts';
import { checked, type Form, field, formOf, queryOf } from './forms.ts';
import { adminPage, type Ui } from './render.ts';

type Oidc = Extract<AuthenticatorConfig, { type: 'oidc' }>;

const METHODS = [
  { id: 'client_secret_basic', hint: 'What most providers expect.' },
  { id: 'client_secret_post', hint: '' },
  {
    id: 'none',
    hint: 'Only for a provider that registered Tessera as a public client (PKCE is always used).',
  },
] as const;
type Method = (typeof METHODS)[number]['id'];

/** The client authentication choices in the words of this page (how Tessera proves itself to the provider). */
const METHOD_WORDS: Record<Method, string> = {
  client_secret_basic: 'Send the secret in an HTTP Basic header',
  client_secret_post: 'Send the secret in the form body',
  none: 'No secret (a public client)',
};

/** The profile claims in the order the account page shows them, each in the words a person knows it by. */
const CLAIM_ROWS: readonly { name: string; label: string }[] = [
  { name: 'name', label: 'Full name' },
  { name: 'given_name', label: 'Given name' },
  { name: 'family_name', label: 'Family name' },
  { name: 'middle_name', label: 'Middle name' },
  { name: 'nickname', label: 'Nickname' },
  { name: 'preferred_username', label: 'Preferred username' },
  { name: 'email', label: 'Email' },
  { name: 'phone_number', label: 'Phone number' },
  { name: 'picture', label: 'Picture' },
  { name: 'profile', label: 'Profile page' },
  { name: 'website', label: 'Website' },
  { name: 'gender', label: 'Gender' },
  { name: 'birthdate', label: 'Birthdate' },
  { name: 'zoneinfo', label: 'Time zone' },
  { name: 'locale', label: 'Locale' },
  { name: 'address', label: 'Postal address' },
];
/** Every claim a mapping may fill has a row: one the list above missed still gets its own name. */
const CLAIMS = [
  ...CLAIM_ROWS.filter((r) => MAPPABLE_CLAIMS.includes(r.name)),
  ...MAPPABLE_CLAIMS.filter((c) => !CLAIM_ROWS.some((r) => r.name === c)).map((c) => ({ name: c, label: c })),
];

interface Values {
  id: string;
  name: string;
  issuer: string;
  client_id: string;
  token_endpoint_auth_method: Method;
  scopes: string;
  create_accounts: boolean;
  trust_upstream_authentication: boolean;
  claims: Record<string, string>;
}

const blank = (): Values => ({
  id: '',
  name: '',
  issuer: '',
  client_id: '',
  token_endpoint_auth_method: 'client_secret_basic',
  scopes: 'openid profile email',
  create_accounts: false,
  trust_upstream_authentication: false,
  claims: { name: 'name', given_name: 'given_name', family_name: 'family_name', email: 'email' },
});

const valuesOf = (a: Oidc): Values => ({
  ...a,
  scopes: a.scopes.join(' '),
  claims: { ...a.claims },
});

function valuesFrom(form: Form, id: string): Values {
  const method = field(form, 'token_endpoint_auth_method');
  return {
    id,
    name: field(form, 'name').trim(),
    issuer: field(form, 'issuer').trim(),
    client_id: field(form, 'client_id').trim(),
    token_endpoint_auth_method: METHODS.find((m) => m.id === method)?.id ?? 'client_secret_basic',
    scopes: field(form, 'scopes').trim(),
    create_accounts: checked(form, 'create_accounts'),
    trust_upstream_authentication: checked(form, 'trust_upstream_authentication'),
    claims: Object.fromEntries(
      MAPPABLE_CLAIMS.map((c) => [c, field(form, `claim_${c}`).trim()]).filter(([, v]) => v !== ''),
    ),
  };
}

/** The form's own refusals, in the page's words, before the config's rules see it. */
function blanks(values: Values, secretNeeded: boolean, secret: string): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  if (values.name === '') issues.push({ path: 'name', message: 'enter the name the button shows' });
  if (values.issuer === '') issues.push({ path: 'issuer', message: "enter the provider's issuer URL" });
  else {
    const problem = issuerProblem(values.issuer);
    if (problem) issues.push({ path: 'issuer', message: problem });
  }
  if (values.client_id === '')
    issues.push({ path: 'client_id', message: 'enter the client ID the provider gave you' });
  if (secretNeeded && secret === '' && values.token_endpoint_auth_method !== 'none')
    issues.push({ path: 'client_secret', message: 'enter the client secret the provider gave you' });
  return issues;
}

/** Which input an issue belongs next to: `claims.email` is the email row, `scopes[2]` the scopes field. */
const inputOf = (path: string) => {
  const bare = path.replace(/^authenticators\[[^\]]*\]\./, '');
  if (bare.startsWith('claims.')) return `claim_${bare.slice('claims.'.length)}`;
  return bare.replace(/\[\d+\]$/, '').replace(/\..*$/, '');
};

export function providerRoutes(app: FastifyInstance, ui: Ui): void {
  const { base, service } = ui;
  const path = `${base}/providers`;
  const guard = { preHandler: requireAdmin(ui.deps) };
  const guardPost = { preHandler: [requireAdmin(ui.deps), app.csrfProtection] };
  const redirectUri = (id: string) => upstreamRedirectUri(ui.deps.endpoints.base, id);

  const find = async (request: FastifyRequest, id: string): Promise<Oidc> => {
    const found = (await service.draft(principalOf(request))).snapshot.authenticators.find(
      (a) => a.id === id,
    );
    if (found?.type !== 'oidc') throw notFound(`provider "${id}"`);
    return found;
  };

  const page = (
    request: FastifyRequest,
    reply: FastifyReply,
    values: Values,
    extra: { existing?: Oidc; issues?: ConfigIssue[]; check?: ProviderCheck; secretTyped?: boolean } = {},
  ) => {
    const issues = labelIssues(extra.issues ?? [], 'authenticator', () => 'oidc').map((i) => ({
      ...i,
      input: inputOf(i.path),
    }));
    const errors: Record<string, string[]> = {};
    for (const i of issues) errors[i.input] = [...(errors[i.input] ?? []), i.message];
    const existing = extra.existing;
    return adminPage(
      ui,
      request,
      reply,
      'provider',
      {
        title: existing ? `Provider ${existing.id}` : 'Add a sign-in provider',
        section: 'authenticators',
        existing: existing
          ? {
              id: existing.id,
              hasSecret: existing.client_secret_sealed !== undefined || existing.client_secret !== undefined,
            }
          : null,
        values,
        action: existing ? `${path}/${encodeURIComponent(existing.id)}` : path,
        deleteAction: existing ? `${base}/authenticators/${encodeURIComponent(existing.id)}/delete` : '',
        redirectPrefix: redirectUri(''),
        redirectUri: values.id === '' ? '' : redirectUri(values.id),
        methods: METHODS.map((m) => ({ ...m, label: METHOD_WORDS[m.id] })),
        claims: CLAIMS.map((c) => ({ ...c, value: values.claims[c.name] ?? '' })),
        issues,
        errors,
        check: extra.check ?? null,
        secretTyped: extra.secretTyped ?? false,
        saved: field(queryOf(request), 'saved') !== '',
      },
      issues.length > 0 ? 400 : 200,
    );
  };

  /** "Check provider": JSON for the page's script, else the page again with the result by the issuer field. */
  const check = async (request: FastifyRequest, reply: FastifyReply, values: Values, existing?: Oidc) => {
    const result = await service.checkProvider(values.issuer, values.token_endpoint_auth_method);
    if ((request.headers.accept ?? '').includes('application/json')) return reply.send(result);
    const secretTyped = field(formOf(request), 'client_secret') !== '';
    return page(request, reply, values, { ...(existing ? { existing } : {}), check: result, secretTyped });
  };

  const fieldsOf = (values: Values, secret: string) => ({
    name: values.name,
    issuer: values.issuer,
    client_id: values.client_id,
    token_endpoint_auth_method: values.token_endpoint_auth_method,
    scopes: values.scopes.split(/\s+/).filter((s) => s !== ''),
    create_accounts: values.create_accounts,
    trust_upstream_authentication: values.trust_upstream_authentication,
    claims: values.claims,
    ...(secret === '' ? {} : { client_secret: secret }),
  });

  app.get(path, guard, (request, reply) => page(request, reply, blank()));

  app.get(`${path}/:id`, guard, async (request, reply) => {
    const existing = await find(request, (request.params as { id: string }).id);
    return page(request, reply, valuesOf(existing), { existing });
  });

  app.post(path, guardPost, async (request, reply) => {
    const form = formOf(request);
    const values = valuesFrom(form, field(form, 'id').trim());
    if (field(form, 'action') === 'check') return check(request, reply, values);
    const secret = field(form, 'client_secret').trim();
    const refuse = (issues: ConfigIssue[]) =>
      page(request, reply, values, { issues, secretTyped: secret !== '' });
    const problems = blanks(values, true, secret);
    if (values.id === '') problems.unshift({ path: 'id', message: 'enter an identifier, such as acme' });
    if (problems.length > 0) return refuse(problems);
    try {
      await service.createAuthenticator(principalOf(request), {
        id: values.id,
        type: 'oidc',
        ...fieldsOf(values, secret),
      });
    } catch (error) {
      return refuse(issuesOf(error));
    }
    return reply.redirect(`${path}/${encodeURIComponent(values.id)}?saved=1`, 303);
  });

  app.post(`${path}/:id`, guardPost, async (request, reply) => {
    const existing = await find(request, (request.params as { id: string }).id);
    const form = formOf(request);
    const values = valuesFrom(form, existing.id);
    if (field(form, 'action') === 'check') return check(request, reply, values, existing);
    const secret = field(form, 'client_secret').trim();
    const hadSecret = existing.client_secret_sealed !== undefined || existing.client_secret !== undefined;
    const refuse = (issues: ConfigIssue[]) =>
      page(request, reply, values, { existing, issues, secretTyped: secret !== '' });
    const problems = blanks(values, !hadSecret, secret);
    if (problems.length > 0) return refuse(problems);
    try {
      await service.updateAuthenticator(
        principalOf(request),
        existing.id,
        fieldsOf(values, secret) as AuthenticatorPatch,
      );
    } catch (error) {
      return refuse(issuesOf(error));
    }
    return reply.redirect(`${path}/${encodeURIComponent(existing.id)}?saved=1`, 303);
  });
}
