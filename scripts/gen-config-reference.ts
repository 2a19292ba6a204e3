// Writes docs/config-reference.md from the zod schemas in src/config/schema*.ts (run: node --import tsx scripts/gen-config-reference.ts).
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import {
  apiSchema,
  clientSchema,
  fileSchema,
  htmlFormAuthenticatorSchema,
  MIN_SECRET_BITS,
  oidcAuthenticatorSchema,
  policySchema,
  STANDARD_SCOPES,
  scopeSchema,
  serverSchema,
  totpAuthenticatorSchema,
} from '../src/config/schema.ts';
import { passkeyAuthenticatorSchema } from '../src/config/schema-authn.ts';
import { trustedIssuerSchema } from '../src/config/schema-exchange.ts';
import { registrationSchema } from '../src/config/schema-registration.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
/** The files whose `export const ...Schema` blocks carry the doc comments. */
const SCHEMA_FILES = [
  'schema.ts',
  'schema-authn.ts',
  'schema-client.ts',
  'schema-api.ts',
  'schema-registration.ts',
  'schema-exchange.ts',
  'schema-cimd.ts',
  'schema-email.ts',
].map((f) => join(ROOT, 'src/config', f));
const OUT = join(ROOT, 'docs/config-reference.md');

type JsonSchema = {
  type?: string | string[];
  description?: string;
  default?: unknown;
  const?: unknown;
  enum?: unknown[];
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  pattern?: string;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
};

/**
 * Descriptions for fields whose schema carries neither `.describe()` nor a doc comment. Keyed by the
 * path as it appears in the reference. A schema field missing here and in the schema is reported.
 */
const FALLBACK: Record<string, string> = {
  'server.port': 'TCP port to listen on. Overridden by `--port` / `TESSERA_PORT`.',
  'server.host':
    'Address to listen on. Overridden by `--host` / `TESSERA_HOST`. A non-loopback address needs `tls` or `allow_insecure_http`.',
  'server.base_url':
    'Overridden by `--base-url` / `TESSERA_BASE_URL`. The issuer is `{base_url}/oauth/v2/oauth-anonymous`. When unset: `http(s)://{host}:{port}` (`0.0.0.0` and `::` become `localhost`; `https` when `tls` is set). Must be an absolute http(s) URL without query or fragment; a non-loopback `http:` URL needs `allow_insecure_http`.',
  'server.data_dir':
    'Directory for the SQLite database (`tessera.db`; not used when `DATABASE_URL` selects PostgreSQL) and, when `TESSERA_MASTER_KEY` is not set, the development `master.key`. Overridden by `--data` / `TESSERA_DATA`.',
  'server.allow_insecure_http': 'Also permits listening on a non-loopback `host` without `tls`.',
  'server.tls':
    'Serve HTTPS with this certificate and private key (PEM file paths, resolved against the working directory). When absent Tessera serves plain HTTP.',
  'server.tls.cert': 'Path to the PEM certificate (chain).',
  'server.tls.key': 'Path to the PEM private key.',
  'server.authorization_code_lifetime': 'Seconds an authorization code stays redeemable.',
  'server.session_lifetime':
    'Seconds an SSO session (the `tessera_sso` cookie) lasts after login; while it lasts the authorization endpoint issues codes without showing the login form.',
  'authenticators[].id':
    'Identifier; clients name it in `authenticator`. Appears in the login URL (`/authn/authenticate/{type}/{id}`) and the `acr` claim (`urn:tessera:authentication:{type}:{id}`).',
  'authenticators[].type':
    'Authenticator kind: html-form (signs users in), totp (a second factor), passkey (either) or oidc (another provider; signs users in).',
  'authenticators[].registration':
    'Whether the login page offers "Create account" and `/authn/register/html-form/{id}` accepts registrations.',
  'scopes[].name': `Scope token. Must not repeat a built-in scope (${Object.keys(STANDARD_SCOPES).join(', ')}) or another entry.`,
  'scopes[].description': 'Human-readable description, shown on the consent page.',
  'scopes[].claims': 'Account claims the UserInfo endpoint returns for an access token with this scope.',
  'clients[].client_id': 'The client identifier (`client_id`). Unique.',
  'clients[].name': 'Display name, shown on the consent and logout pages. Defaults to the `client_id`.',
  'clients[].token_endpoint_auth_method':
    'For a confidential client the token, introspection and revocation endpoints accept either HTTP Basic or body credentials, whichever of the two is configured; only `none` changes behaviour.',
  'clients[].require_pkce':
    'Default false for confidential clients. `false` is an error for a public client.',
  'clients[].allow_plain_pkce':
    'When any client allows it, discovery lists `plain` in `code_challenge_methods_supported`.',
  'clients[].consent_required':
    'Show a consent page naming the client and the requested scopes before issuing a code. The answer is remembered per user and client; a request for scopes not yet approved, or `prompt=consent`, asks again. Users can withdraw consent on their account page.',
  'clients[].access_token_format':
    'A JWT access token is signed with RS256 and typed `at+jwt`. Its hash is stored like an opaque token, so introspection and revocation work for both.',
  'clients[].userinfo_signed_response_alg': 'Without it, UserInfo answers with plain JSON.',
  'clients[].post_logout_redirect_uris':
    'Where RP-initiated logout (`end_session_endpoint`) may send the browser afterwards; exact match, same rules as `redirect_uris`.',
  'clients[].allowed_cors_origins':
    'Each is a bare origin such as `https://app.example.com`. CORS applies to the token, introspection, revocation and UserInfo endpoints.',
  'clients[].capabilities':
    'Flows the client may use: `client_credentials` in docs/apis.md, `device_code` in docs/device-flow.md.',
  'clients[].redirect_uris':
    'Registered redirect URIs, compared by exact string match (for a public client, a loopback `http` URI matches on any port, RFC 8252 §7.3). Each is absolute, has no fragment, and uses `https`, `http` on a loopback host (`http://localhost/callback`), or a private-use scheme in reverse-domain form (`com.example.app:/cb`). With more than one registered, every authorization request must send `redirect_uri`.',
  'clients[].secret': `A client needs \`secret\` or \`secret_hash\`. A secret with less than ${MIN_SECRET_BITS} bits of estimated entropy is refused.`,
  'clients[].secret_hash':
    'Format `hmac-sha256:{base64url}`; it only verifies under the `client-secret` data key it was made with, which a master-key rotation keeps.',
  'clients[].authenticator':
    'Id of the authenticator that logs users in for this client when it names no `authentication_policies`.',
  'clients[].scopes':
    'Scopes the client may request: built-in ones or names from `scopes`. A request for any other scope gets `invalid_scope`.',
  'clients[].refresh_token': 'Refresh-token settings.',
  'clients[].refresh_token.enabled':
    'Issue a refresh token with each code redemption. When false the token response has no `refresh_token` and `grant_type=refresh_token` answers `unauthorized_client`.',
  'clients[].refresh_token.lifetime': "With rotation, each successor keeps the family's original end.",
  'clients[].refresh_token.rotation':
    'Off by default for confidential clients. When a rotated-out token comes back after `reuse_grace`, every token of the grant is revoked.',
  'clients[].access_token_lifetime': 'Seconds an access token stays valid (`expires_in`).',
  'clients[].id_token_lifetime': "Seconds between an ID token's `iat` and `exp`.",
  'clients[].id_token_signed_response_alg': 'ID token signing algorithm.',
};

interface Section {
  title: string;
  /** Path prefix of its fields in the reference, e.g. `clients[]`. */
  path: string;
  schema: z.ZodType;
  /** The `export const ...Schema` in schema.ts whose doc comments describe it. */
  source: string;
  intro: string;
}

const SECTIONS: Section[] = [
  {
    title: 'server',
    path: 'server',
    schema: serverSchema,
    source: 'serverSchema',
    intro:
      'How this process listens and where it keeps its data. Read from the file, then overridden by flags and environment variables; never committed to the database.',
  },
  {
    title: 'authenticators: html-form',
    path: 'authenticators[]',
    schema: htmlFormAuthenticatorSchema,
    source: 'htmlFormAuthenticatorSchema',
    intro:
      'A list; each entry is one of the types below, told apart by `type`. When the file has no `authenticators` key, the list is `[{ id: username-password, type: html-form, registration: true }]`. html-form is username and password on a form: it signs a user in (a first factor).',
  },
  {
    title: 'authenticators: totp',
    path: 'authenticators[]',
    schema: totpAuthenticatorSchema,
    source: 'totpAuthenticatorSchema',
    intro:
      'Codes from an authenticator app (RFC 6238): a second factor only, named in a later step of a policy (see [authentication.md](authentication.md#totp-authenticator-apps)).',
  },
  {
    title: 'authenticators: passkey',
    path: 'authenticators[]',
    schema: passkeyAuthenticatorSchema,
    source: 'passkeyAuthenticatorSchema',
    intro:
      'Passkeys (WebAuthn): in a first step they sign people in without a password (the login page of that step offers passkey autofill and a button), in a later step they follow a password. The relying party ID and origin come from `server.base_url` (see [authentication.md](authentication.md#passkeys)).',
  },
  {
    title: 'authenticators: oidc',
    path: 'authenticators[]',
    schema: oidcAuthenticatorSchema,
    source: 'oidcAuthenticatorSchema',
    intro:
      'Sign in with another OpenID Provider (a company IdP, Google): a first factor, in a first step only. Register `{base_url}/authn/callback/oidc/{id}` as its redirect URI at the provider. In the file, `client_secret_env: NAME` may stand for `client_secret` (read from that environment variable at load); committed entries hold only `client_secret_sealed` (see [authentication.md](authentication.md#sign-in-with-another-provider-openid-connect)).',
  },
  {
    title: 'policies',
    path: 'policies[]',
    schema: policySchema,
    source: 'policySchema',
    intro:
      'Authentication policies: steps in order, each a list of alternative authenticator ids, e.g. `[[username-password], [app-codes]]`. Clients name them in `authentication_policies`; see [authentication.md](authentication.md#authentication-policies).',
  },
  {
    title: 'scopes',
    path: 'scopes[]',
    schema: scopeSchema,
    source: 'scopeSchema',
    intro: `A list of scopes in addition to the built-in ones: ${Object.entries(STANDARD_SCOPES)
      .map(([name, claims]) => `\`${name}\`${claims.length > 0 ? ` (${claims.join(', ')})` : ''}`)
      .join('; ')}.`,
  },
  {
    title: 'apis',
    path: 'apis[]',
    schema: apiSchema,
    source: 'apiSchema',
    intro:
      'A list of APIs (resource servers, RFC 8707). A client names the ones it may ask tokens for in its `apis`; a token request with `resource` set to an API identifier gets an access token whose `aud` is that API, carrying only the scopes the API accepts.',
  },
  {
    title: 'trusted_issuers',
    path: 'trusted_issuers[]',
    schema: trustedIssuerSchema,
    source: 'trustedIssuerSchema',
    intro:
      'RFC 8693 token exchange: external issuers whose JWTs clients may exchange (see a client’s `token_exchange`).',
  },
  {
    title: 'registration',
    path: 'registration',
    schema: registrationSchema,
    source: 'registrationSchema',
    intro:
      'Dynamic client registration (RFC 7591, RFC 7592): committed config, edited on the Registered clients page, the admin API (`/registration/policy`) or `tessera registration policy set`, live on every node at the commit. A file may set it here; the file then wins over committed edits. The 0.x place, `server.registration`, is still read as this block (both at once are refused). See [registration.md](registration.md).',
  },
  {
    title: 'clients',
    path: 'clients[]',
    schema: clientSchema,
    source: 'clientSchema',
    intro:
      'A list of OAuth clients. `capabilities` says which flows a client may use: `code` (the authorization code flow, which needs `redirect_uris`), `client_credentials` (a machine acting for itself), `device_code` (RFC 8628: a TV or command-line tool whose user approves on another screen; public clients allowed) and `token_exchange` (RFC 8693). A client is public when `token_endpoint_auth_method` is `none` (it then must have no secret, and cannot set `require_pkce: false`); `client_secret_basic`, `client_secret_post` and `client_secret_jwt` clients need `secret` or `secret_hash` (`client_secret_jwt` needs the secret itself, kept sealed under the master key); `private_key_jwt` clients need `jwks` or `jwks_uri`. `profile: fapi2` holds the client to the FAPI 2.0 Security Profile: a configuration that breaks one of its rules is refused, naming the rule.',
  },
];

/** Doc comments (`/** ... *\/`) directly above `key:` lines, per exported schema in schema.ts. */
function docComments(): Map<string, Map<string, string>> {
  const text = SCHEMA_FILES.map((file) => readFileSync(file, 'utf8')).join('\n');
  const blocks = new Map<string, Map<string, string>>();
  const starts = [...text.matchAll(/^export const (\w+) = /gm)];
  starts.forEach((start, i) => {
    const body = text.slice(start.index, starts[i + 1]?.index ?? text.length);
    const docs = new Map<string, string>();
    for (const m of body.matchAll(/\/\*\*((?:[^*]|\*(?!\/))*)\*\/[ \t]*\n\s*(\w+)\s*:/g)) {
      docs.set(
        m[2]!,
        m[1]!
          .replace(/^\s*\*\s?/gm, '')
          .replace(/\s+/g, ' ')
          .trim(),
      );
    }
    blocks.set(start[1]!, docs);
  });
  for (const { source } of SECTIONS) {
    if (!blocks.has(source)) throw new Error(`no "export const ${source}" in ${SCHEMA_FILES.join(', ')}`);
  }
  return blocks;
}

const code = (value: unknown) => `\`${typeof value === 'string' ? value : JSON.stringify(value)}\``;

function typeOf(s: JsonSchema): string {
  if (s.const !== undefined) return code(s.const);
  if (s.enum) return s.enum.map(code).join(' | ');
  if (s.anyOf ?? s.oneOf) return (s.anyOf ?? s.oneOf)!.map(typeOf).join(' | ');
  const type = Array.isArray(s.type) ? s.type.join(' | ') : (s.type ?? 'any');
  const limits: string[] = [];
  const max = s.maximum !== undefined && s.maximum < Number.MAX_SAFE_INTEGER ? s.maximum : undefined;
  if (s.exclusiveMinimum !== undefined) limits.push(`> ${s.exclusiveMinimum}`);
  if (s.minimum !== undefined && max !== undefined) limits.push(`${s.minimum}–${max}`);
  else if (s.minimum !== undefined) limits.push(`≥ ${s.minimum}`);
  else if (max !== undefined) limits.push(`≤ ${max}`);
  if (s.minLength !== undefined) limits.push(`≥ ${s.minLength} chars`);
  if (s.maxLength !== undefined) limits.push(`≤ ${s.maxLength} chars`);
  if (s.pattern !== undefined) limits.push(`matches ${code(s.pattern)}`);
  if (type === 'array') {
    const count = s.minItems !== undefined ? `, at least ${s.minItems}` : '';
    return `list of ${s.items ? typeOf(s.items) : 'any'}${count}`;
  }
  if (type === 'object') return 'mapping';
  return limits.length > 0 ? `${type} (${limits.join(', ')})` : type;
}

function defaultOf(s: JsonSchema, required: boolean): string {
  if (s.default !== undefined) {
    if (
      typeof s.default === 'object' &&
      s.default !== null &&
      Object.keys(s.default).length === 0 &&
      !Array.isArray(s.default)
    ) {
      return 'see fields below';
    }
    return code(s.default);
  }
  return required ? '**required**' : '—';
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

interface Collected {
  heading: string;
  rows: string[];
}

function collect(
  path: string,
  object: JsonSchema,
  docs: Map<string, string>,
  out: Collected[],
  seen: Set<string>,
  missing: string[],
): void {
  const rows: string[] = [];
  const nested: [string, JsonSchema][] = [];
  const required = new Set(object.required ?? []);
  for (const [name, field] of Object.entries(object.properties ?? {})) {
    const full = `${path}.${name}`;
    seen.add(full);
    const parts = [field.description, docs.get(name), FALLBACK[full]].filter((d): d is string => !!d);
    if (parts.length === 0) missing.push(full);
    const description = parts.length > 0 ? [...new Set(parts)].join(' ') : '(no description)';
    const link = field.properties ? ` (see [\`${full}\`](#${anchor(full)}))` : '';
    rows.push(
      `| \`${name}\` | ${cell(typeOf(field))} | ${cell(defaultOf(field, required.has(name)))} | ${cell(description)}${link} |`,
    );
    if (field.properties) nested.push([full, field]);
  }
  const strict = object.additionalProperties === false;
  out.push({
    heading: path,
    rows: [
      ...(strict ? [] : ['Unknown keys here are ignored, not reported.', '']),
      '| field | type | default | description |',
      '|---|---|---|---|',
      ...rows,
    ],
  });
  for (const [full, field] of nested) collect(full, field, NESTED_DOCS.get(full) ?? docs, out, seen, missing);
}

const anchor = (heading: string) =>
  heading
    .toLowerCase()
    .replace(/[^a-z0-9 _-]/g, '')
    .replace(/ /g, '-');

/** Nested objects whose doc comments live in a schema of their own file, by path. */
const NESTED_SOURCES: Record<string, string> = {
  'server.registration': 'registrationSchema',
  'server.client_id_metadata_documents': 'clientIdMetadataSchema',
  'server.email': 'emailSchema',
  'server.email.tls': 'emailSchema',
};
const NESTED_DOCS = new Map<string, Map<string, string>>();

function main(): void {
  const docsBySchema = docComments();
  for (const [path, source] of Object.entries(NESTED_SOURCES)) {
    const docs = docsBySchema.get(source);
    if (docs) NESTED_DOCS.set(path, docs);
  }
  const top = z.toJSONSchema(fileSchema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  const covered = new Set(SECTIONS.map((s) => s.path.replace(/\[\]$/, '')));
  const uncovered = Object.keys(top.properties ?? {}).filter((k) => !covered.has(k));
  if (uncovered.length > 0) {
    throw new Error(`top-level config keys without a section in this script: ${uncovered.join(', ')}`);
  }

  const seen = new Set<string>();
  const missing: string[] = [];
  const lines: string[] = [
    '# Configuration reference',
    '',
    '<!-- Generated by scripts/gen-config-reference.ts from src/config/schema.ts. Do not edit by hand:',
    '     run `node --import tsx scripts/gen-config-reference.ts`. -->',
    '',
    'Every key the YAML config file accepts, section by section. Types and defaults come from the',
    'zod schema the server validates the file with; see [configuration.md](configuration.md) for how',
    'the file, flags, environment variables and committed revisions combine. Unknown keys are',
    'rejected (`Unrecognized key`) except where a section says otherwise. Durations are in seconds.',
    '',
    '```yaml',
    'server: { ... }       # mapping',
    'authenticators: [ ... ]',
    'policies: [ ... ]',
    'scopes: [ ... ]',
    'apis: [ ... ]',
    'clients: [ ... ]',
    '```',
    '',
  ];
  for (const section of SECTIONS) {
    const json = z.toJSONSchema(section.schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
    const collected: Collected[] = [];
    collect(section.path, json, docsBySchema.get(section.source) ?? new Map(), collected, seen, missing);
    // The section's own table is headed by its title; nested objects get their path as heading.
    collected.forEach((c, i) => {
      lines.push(i === 0 ? `## ${section.title}` : `### ${c.heading}`, '');
      if (i === 0) lines.push(section.intro, '');
      lines.push(...c.rows, '');
    });
  }
  lines.push(
    '## Checks beyond the field types',
    '',
    '(Written by hand in the generator; see `src/config/validate.ts` and `src/config/load.ts`.)',
    'They run once the file passes the schema, and report one line per failure with its path:',
    '',
    '- `authenticators[].id`, `scopes[].name` and `clients[].client_id` are unique within their list.',
    '- `scopes[].name` is not a built-in scope.',
    '- `clients[].authenticator` names an authenticator declared in the same file, and not a second factor (totp).',
    '- `policies[].id` is unique; every id in `policies[].steps` names an authenticator; the first step holds no',
    '  second-factor type (totp), later steps no sign-in type (html-form); `policies[].acr` values (and the',
    '  `urn:tessera:authentication:<type>:<id>` of each sign-in authenticator) are unique.',
    "- a passkey with `passwordless: false` is never in a first step, nor a client's `authenticator`.",
    '- an oidc `issuer` is `https` (plain `http` only on a loopback host) without query, fragment or credentials;',
    '  `client_secret` (or `client_secret_env`) is given unless `token_endpoint_auth_method` is `none`, which takes',
    '  none; `claims` keys are profile claims Tessera keeps (the claims of the profile, email, address and phone',
    '  scopes), never `sub`, `email_verified`, `phone_number_verified` or `updated_at`.',
    '- `clients[].authentication_policies` name declared policies.',
    '- every entry of `clients[].scopes` is a built-in scope or a `scopes[].name` declared in the same file.',
    '- `server.base_url` is an absolute `http`/`https` URL without query or fragment; plain `http` on a',
    '  non-loopback host needs `server.allow_insecure_http`.',
    '- a non-loopback `server.host` needs `server.tls` or `server.allow_insecure_http`.',
    '- `server.email.smtp_url` (or `TESSERA_SMTP_URL`) is an `smtp://` or `smtps://` URL naming a host, without',
    '  path, query or fragment, whose user and password are valid percent-encoding; the message never repeats it.',
    '',
  );

  const stale = Object.keys(FALLBACK).filter((k) => !seen.has(k));
  for (const k of stale)
    process.stderr.write(`warning: description for "${k}", which the schema no longer has\n`);
  for (const k of missing) process.stderr.write(`warning: no description for "${k}"\n`);
  writeFileSync(OUT, lines.join('\n'));
  process.stdout.write(`wrote ${OUT}\n`);
}

main();
