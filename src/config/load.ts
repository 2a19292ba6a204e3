// Reads the YAML config file and the environment into one validated, frozen server config and snapshot.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { mergeSnapshots } from './merge.ts';
import {
  type FileConfig,
  fileSchema,
  isLoopbackHost,
  type ServerConfig,
  type Snapshot,
  snapshotSchema,
} from './schema.ts';
import { secretsFromEnv } from './secret-env.ts';
import { type ConfigIssue, crossCheck, crossCheckRaw, zodIssues } from './validate.ts';

export class ConfigError extends Error {
  constructor(
    readonly source: string,
    readonly issues: ConfigIssue[],
  ) {
    super(
      `invalid configuration in ${source}:\n${issues.map((i) => `  - ${i.path}: ${i.message}`).join('\n')}`,
    );
    this.name = 'ConfigError';
  }
}

export interface Overrides {
  config?: string | undefined;
  port?: string | number | undefined;
  data?: string | undefined;
  host?: string | undefined;
  baseUrl?: string | undefined;
}

export interface LoadedConfig {
  /** The file the config came from, or null when running on defaults. */
  file: string | null;
  server: ServerConfig & { base_url: string };
  /** Clients, scopes and authenticators declared in the file (merged over the committed revision). */
  declared: Snapshot;
}

function readFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(path, [{ path: '(file)', message: (error as Error).message }]);
  }
  try {
    return parseYaml(text) ?? {};
  } catch (error) {
    const message = error instanceof YAMLParseError ? error.message : String(error);
    throw new ConfigError(path, [{ path: '(yaml)', message }]);
  }
}

/** Flags win over environment variables, which win over the file, which wins over defaults. */
export function loadConfig(overrides: Overrides = {}, env: NodeJS.ProcessEnv = process.env): LoadedConfig {
  const fileArg = overrides.config ?? env['TESSERA_CONFIG'];
  const file = fileArg ? resolve(fileArg) : null;
  const source = file ?? 'the environment';
  const raw = (file ? readFile(file) : {}) as Record<string, unknown>;
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError(source, [{ path: '(root)', message: 'must be a mapping' }]);
  }
  const rawServer = raw['server'] ?? {};
  if (typeof rawServer !== 'object' || Array.isArray(rawServer)) {
    throw new ConfigError(source, [{ path: 'server', message: 'must be a mapping of server settings' }]);
  }
  const server = { ...(rawServer as Record<string, unknown>) };
  const top = { ...raw };
  // An upstream provider's client secret may come from the environment rather than the file.
  const fromEnv = secretsFromEnv(top, env);
  if (top['authenticators'] !== undefined) top['authenticators'] = fromEnv.authenticators;
  // 0.x kept the registration policy under server:; it is committed config now, read from either place.
  if (server['registration'] !== undefined) {
    if (top['registration'] !== undefined) {
      throw new ConfigError(source, [
        {
          path: 'server.registration',
          message: 'the registration policy is set twice: keep only the top-level registration block',
        },
      ]);
    }
    top['registration'] = server['registration'];
    delete server['registration'];
  }
  const given = (value: string | number | undefined) => (value === '' ? undefined : value);
  const port = given(overrides.port) ?? given(env['TESSERA_PORT']);
  if (port !== undefined) server['port'] = Number(port);
  const data = given(overrides.data) ?? given(env['TESSERA_DATA']);
  if (data !== undefined) server['data_dir'] = data;
  const host = given(overrides.host) ?? given(env['TESSERA_HOST']);
  if (host !== undefined) server['host'] = host;
  const baseUrl = given(overrides.baseUrl) ?? given(env['TESSERA_BASE_URL']);
  if (baseUrl !== undefined) server['base_url'] = baseUrl;

  // The SMTP URL can hold a password: the environment keeps it out of the file.
  const smtpUrl = given(env['TESSERA_SMTP_URL']);
  if (smtpUrl !== undefined) {
    const email = server['email'] ?? {};
    server['email'] =
      typeof email === 'object' && email !== null && !Array.isArray(email)
        ? { ...email, smtp_url: smtpUrl }
        : email;
  }

  const parsed = fileSchema.safeParse({ ...top, server });
  if (!parsed.success) {
    // Every failure in one report: the schema's, and the references that can still be checked.
    const issues = zodIssues(parsed.error);
    const seen = new Set(issues.map((i) => i.path));
    const references = crossCheckRaw(raw, snapshotSchema.parse({})).filter((i) => !seen.has(i.path));
    throw new ConfigError(source, [...fromEnv.issues, ...issues, ...references]);
  }
  const config: FileConfig = parsed.data;
  const { server: serverConfig, ...parsedSnapshot } = config;
  // Only what the file names is declared: a default it did not write must not override a committed edit.
  const declared: Snapshot = {
    authenticators: raw['authenticators'] === undefined ? [] : parsedSnapshot.authenticators,
    scopes: parsedSnapshot.scopes,
    apis: parsedSnapshot.apis,
    clients: parsedSnapshot.clients,
    ...(parsedSnapshot.trusted_issuers === undefined
      ? {}
      : { trusted_issuers: parsedSnapshot.trusted_issuers }),
    ...(parsedSnapshot.policies === undefined ? {} : { policies: parsedSnapshot.policies }),
    ...(parsedSnapshot.registration === undefined ? {} : { registration: parsedSnapshot.registration }),
  };
  // References are checked against the built-in defaults here, and against the committed revision at start.
  const issues = [
    ...fromEnv.issues,
    ...crossCheck(mergeSnapshots(snapshotSchema.parse({}), declared)),
    ...checkServer(serverConfig),
  ];
  if (issues.length > 0) throw new ConfigError(source, issues);
  const base_url = (serverConfig.base_url ?? defaultBaseUrl(serverConfig)).replace(/\/+$/, '');
  return deepFreeze({ file, server: { ...serverConfig, base_url }, declared });
}

function defaultBaseUrl(server: ServerConfig): string {
  const scheme = server.tls ? 'https' : 'http';
  const host = server.host === '0.0.0.0' || server.host === '::' ? 'localhost' : server.host;
  return `${scheme}://${host.includes(':') ? `[${host}]` : host}:${server.port}`;
}

/** Refuse a plain-HTTP issuer reachable from other machines unless the operator says a proxy terminates TLS. */
function checkServer(server: ServerConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  if (server.base_url !== undefined) {
    let url: URL | undefined;
    try {
      url = new URL(server.base_url);
    } catch {
      issues.push({ path: 'server.base_url', message: 'must be an absolute http(s) URL' });
    }
    if (url && url.protocol !== 'https:' && url.protocol !== 'http:') {
      issues.push({ path: 'server.base_url', message: 'must use http or https' });
    }
    if (url && (url.search || url.hash)) {
      issues.push({ path: 'server.base_url', message: 'must not have a query or fragment' });
    }
    if (url?.protocol === 'http:' && !isLoopbackHost(url.hostname) && !server.allow_insecure_http) {
      issues.push({
        path: 'server.base_url',
        message: 'a non-loopback issuer must use https (set server.allow_insecure_http behind a TLS proxy)',
      });
    }
  }
  const exposed = !isLoopbackHost(server.host);
  if (exposed && !server.tls && !server.allow_insecure_http) {
    issues.push({
      path: 'server.host',
      message: `listening on "${server.host}" without TLS; configure server.tls or set server.allow_insecure_http`,
    });
  }
  return issues;
}

export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}
