// Config loading rules: every failure reported with file, path and reason; precedence flags > env > file.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { stringify } from 'yaml';
import { ConfigError, loadConfig } from '../../../src/config/load.ts';

const dir = mkdtempSync(join(tmpdir(), 'tessera-config-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const SECRET = 'load-Secret_K3p9Qz7Tx2Wm5Nb8Rv4Lc1Yh6Jd0Fs-Ga7Ue2Io9';
let files = 0;

/** Writes a config file (an object as YAML, or raw text) and returns its absolute path. */
function file(content: Record<string, unknown> | string): string {
  const path = join(dir, `config-${++files}.yaml`);
  writeFileSync(path, typeof content === 'string' ? content : stringify(content));
  return path;
}

const client = (overrides: Record<string, unknown> = {}) => ({
  client_id: 'app',
  redirect_uris: ['https://app.example/cb'],
  secret: SECRET,
  ...overrides,
});

/** Loads the file with no environment, expecting a ConfigError. */
function failure(content: Record<string, unknown> | string): { path: string; error: ConfigError } {
  const path = file(content);
  try {
    loadConfig({ config: path }, {});
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return { path, error };
  }
  assert.fail('the config was accepted');
}

/** The issue reported at `path`, failing the test when there is none. */
function issueAt(error: ConfigError, path: string): string {
  const issue = error.issues.find((i) => i.path === path);
  assert.ok(issue, `no issue at ${path}; got ${JSON.stringify(error.issues)}`);
  return issue.message;
}

describe('config errors name the file, the field and what is wrong', () => {
  test('the error names the file it came from', () => {
    const { path, error } = failure({ clients: [client({ secret: 'short' })] });
    assert.equal(error.source, path);
    assert.match(
      error.message,
      new RegExp(`invalid configuration in ${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`),
    );
  });

  test('the error names the path of the field and says what is wrong with it', () => {
    const { error } = failure({ clients: [client(), client({ client_id: 'b', access_token_lifetime: -5 })] });
    assert.match(issueAt(error, 'clients[1].access_token_lifetime'), /[Tt]oo small|>0|positive/);
    assert.match(error.message, /- clients\[1\]\.access_token_lifetime: /);
  });

  test('every failure in the file is listed, not only the first', () => {
    const { error } = failure({
      server: { port: 70_000 },
      scopes: [{ name: 'bad scope' }],
      clients: [
        client({ secret: 'short' }),
        client({ client_id: 'b', redirect_uris: ['https://b.example/#x'] }),
      ],
    });
    const paths = error.issues.map((i) => i.path).sort();
    assert.deepEqual(paths, [
      'clients[0].secret',
      'clients[1].redirect_uris[0]',
      'scopes[0].name',
      'server.port',
    ]);
    for (const path of paths) assert.ok(error.message.includes(`- ${path}: `), `${path} is in the message`);
  });

  test('every cross-reference failure is listed, not only the first', () => {
    const { error } = failure({
      clients: [
        client({ authenticator: 'nope' }),
        client({ client_id: 'b', scopes: ['openid', 'missing-1', 'missing-2'] }),
      ],
    });
    issueAt(error, 'clients[0].authenticator');
    issueAt(error, 'clients[1].scopes[1]');
    issueAt(error, 'clients[1].scopes[2]');
  });

  test('schema failures and cross-reference failures are reported together', () => {
    const { error } = failure({ clients: [client({ secret: 'short', authenticator: 'nope' })] });
    issueAt(error, 'clients[0].secret');
    issueAt(error, 'clients[0].authenticator');
  });

  test('a YAML syntax error names the file and the line', () => {
    const { path, error } = failure('clients:\n  - client_id: [unclosed\n');
    assert.equal(error.source, path);
    assert.match(issueAt(error, '(yaml)'), /line/i);
  });

  test('a missing file is reported as such, naming it', () => {
    const path = join(dir, 'does-not-exist.yaml');
    assert.throws(
      () => loadConfig({ config: path }, {}),
      (error: unknown) =>
        error instanceof ConfigError && error.source === path && error.issues[0]?.path === '(file)',
    );
  });

  test('a file whose top level is not a mapping is refused', () => {
    issueAt(failure('- just\n- a list\n').error, '(root)');
  });

  test('a server section that is not a mapping is refused, naming server', () => {
    issueAt(failure('server: 8443\n').error, 'server');
  });
});

describe('config: unknown keys are refused', () => {
  const cases: { rule: string; content: Record<string, unknown>; path: string }[] = [
    { rule: 'at the top level', content: { client: [client()] }, path: '(root)' },
    { rule: 'in server', content: { server: { prot: 8443 } }, path: 'server' },
    {
      rule: 'in a client',
      content: { clients: [client({ redirect_uri: 'https://x.example' })] },
      path: 'clients[0]',
    },
    { rule: 'in a scope', content: { scopes: [{ name: 'x', claim: ['a'] }] }, path: 'scopes[0]' },
    {
      rule: 'in an authenticator',
      content: { authenticators: [{ id: 'a', type: 'html-form', mfa: true }] },
      path: 'authenticators[0]',
    },
  ];
  for (const { rule, content, path } of cases) {
    test(`an unknown key ${rule} is refused and named`, () => {
      const unknown = Object.keys(JSON.parse(JSON.stringify(content)));
      const message = issueAt(failure(content).error, path);
      assert.match(message, /[Uu]nrecognized key/);
      if (path === '(root)') assert.ok(message.includes(unknown[0]!));
    });
  }
});

describe('config: client references', () => {
  test('a client naming an authenticator that does not exist is refused', () => {
    const message = issueAt(
      failure({ clients: [client({ authenticator: 'sso' })] }).error,
      'clients[0].authenticator',
    );
    assert.match(message, /"sso"/);
  });

  test('a client naming a declared authenticator is accepted', () => {
    const path = file({
      authenticators: [{ id: 'sso', type: 'html-form' }],
      clients: [client({ authenticator: 'sso' })],
    });
    assert.equal(loadConfig({ config: path }, {}).declared.clients[0]?.authenticator, 'sso');
  });

  test('a client naming a scope that does not exist is refused', () => {
    const message = issueAt(
      failure({ clients: [client({ scopes: ['openid', 'reports'] })] }).error,
      'clients[0].scopes[1]',
    );
    assert.match(message, /"reports"/);
  });

  test('a client naming a declared scope or a standard one is accepted', () => {
    const path = file({
      scopes: [{ name: 'reports' }],
      clients: [client({ scopes: ['openid', 'email', 'reports'] })],
    });
    assert.deepEqual(loadConfig({ config: path }, {}).declared.clients[0]?.scopes, [
      'openid',
      'email',
      'reports',
    ]);
  });
});

describe('config: redirect URIs (RFC 6749 §3.1.2, RFC 8252 §7)', () => {
  const refused: [string, string, RegExp][] = [
    ['a fragment', 'https://app.example/cb#top', /fragment/],
    ['an empty fragment', 'https://app.example/cb#', /fragment/],
    ['http to a non-loopback host', 'http://app.example/cb', /https/],
    ['http to a private address', 'http://192.168.1.10/cb', /https/],
    ['a relative URI', '/cb', /absolute/],
    ['a private-use scheme that is not a reverse domain name', 'myapp:/cb', /reverse domain/],
  ];
  for (const [rule, uri, says] of refused) {
    test(`a redirect URI with ${rule} is refused`, () => {
      assert.match(
        issueAt(
          failure({ clients: [client({ redirect_uris: [uri] })] }).error,
          'clients[0].redirect_uris[0]',
        ),
        says,
      );
    });
  }

  const accepted: [string, string][] = [
    ['https', 'https://app.example/cb?x=1'],
    ['http to localhost', 'http://localhost:3000/cb'],
    ['http to 127.0.0.1', 'http://127.0.0.1:8080/cb'],
    ['http to [::1]', 'http://[::1]:8080/cb'],
    ['a reverse-domain private-use scheme', 'com.example.app:/oauth2redirect'],
  ];
  for (const [rule, uri] of accepted) {
    test(`a redirect URI with ${rule} is accepted`, () => {
      const loaded = loadConfig({ config: file({ clients: [client({ redirect_uris: [uri] })] }) }, {});
      assert.deepEqual(loaded.declared.clients[0]?.redirect_uris, [uri]);
    });
  }
});

describe('config: client secrets', () => {
  test('a secret with less than 256 bits of estimated entropy is refused, saying how strong it must be', () => {
    for (const weak of ['s'.repeat(64), 'short', 'correct-horse-battery-staple-01']) {
      assert.match(
        issueAt(failure({ clients: [client({ secret: weak })] }).error, 'clients[0].secret'),
        /256 bits/,
      );
    }
  });

  test('a generated-strength secret (43 random base64url characters) is accepted', () => {
    loadConfig(
      { config: file({ clients: [client({ secret: 'Dk2FT01jWB12tQLlKP_tS9dvMPOonrBhyJFieO2B-Og' })] }) },
      {},
    );
  });

  test('a client with neither secret nor secret_hash is refused', () => {
    issueAt(failure({ clients: [client({ secret: undefined })] }).error, 'clients[0].secret');
  });
});

describe('config precedence: flags over environment over file over defaults', () => {
  const fromFile = () =>
    file({
      server: { port: 9000, host: '127.0.0.2', data_dir: '/file/data', base_url: 'https://file.example' },
    });
  const env = {
    TESSERA_PORT: '9100',
    TESSERA_HOST: '127.0.0.3',
    TESSERA_DATA: '/env/data',
    TESSERA_BASE_URL: 'https://env.example',
  };
  const flags = { port: 9200, host: '127.0.0.4', data: '/flag/data', baseUrl: 'https://flag.example' };
  const pick = (s: { port: number; host: string; data_dir: string; base_url: string }) => [
    s.port,
    s.host,
    s.data_dir,
    s.base_url,
  ];

  test('with nothing set, the defaults apply', () => {
    const { server } = loadConfig({}, {});
    assert.deepEqual(pick(server), [8443, 'localhost', './data', 'http://localhost:8443']);
  });

  test('the file overrides the defaults', () => {
    assert.deepEqual(pick(loadConfig({ config: fromFile() }, {}).server), [
      9000,
      '127.0.0.2',
      '/file/data',
      'https://file.example',
    ]);
  });

  test('environment variables override the file', () => {
    assert.deepEqual(pick(loadConfig({ config: fromFile() }, env).server), [
      9100,
      '127.0.0.3',
      '/env/data',
      'https://env.example',
    ]);
  });

  test('flags override environment variables and the file', () => {
    assert.deepEqual(pick(loadConfig({ config: fromFile(), ...flags }, env).server), [
      9200,
      '127.0.0.4',
      '/flag/data',
      'https://flag.example',
    ]);
  });

  test('the config flag overrides TESSERA_CONFIG', () => {
    const envFile = file({ server: { port: 9001 } });
    const flagFile = file({ server: { port: 9002 } });
    assert.equal(loadConfig({}, { TESSERA_CONFIG: envFile }).server.port, 9001);
    assert.equal(loadConfig({ config: flagFile }, { TESSERA_CONFIG: envFile }).server.port, 9002);
  });

  test('a bad value from the environment is refused like one from the file', () => {
    assert.throws(
      () => loadConfig({ config: fromFile() }, { TESSERA_PORT: 'eighty' }),
      (error: unknown) => error instanceof ConfigError && error.issues.some((i) => i.path === 'server.port'),
    );
  });

  test('the loaded config is frozen', () => {
    const loaded = loadConfig({ config: file({ clients: [client()] }) }, {});
    assert.ok(Object.isFrozen(loaded.server));
    assert.ok(Object.isFrozen(loaded.declared.clients[0]?.redirect_uris));
  });
});
