// runtime/mail/templates.ts: which language a message is sent in, HTML escaped and text not, operator templates.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { loadTemplates, pickLanguage, TemplateError } from '../../../../src/runtime/mail/templates.ts';

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** An operator folder holding the given files (path under the folder -> content). */
function operatorFolder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-templates-'));
  dirs.push(dir);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

const DATA = {
  link: 'https://login.example.com/authn/verify-email?token=abc&x=1',
  name: 'Tom & Jerry <b>',
  email: 'tom@example.com',
  hours: 24,
  site: 'login.example.com',
};

test('the language is the first preference that has the template: exact tag, then primary subtag, then en', () => {
  const available = ['en', 'de', 'pt-BR'];
  const cases: [string[], string][] = [
    [['pt-BR'], 'pt-BR'],
    [['pt-br'], 'pt-BR'],
    [['de-AT', 'pt-BR'], 'de'],
    [['fr', 'de'], 'de'],
    [['fr', 'it'], 'en'],
    [['*'], 'en'],
    [[], 'en'],
    [['pt'], 'en'],
  ];
  for (const [preferences, expected] of cases)
    assert.equal(pickLanguage(available, preferences), expected, preferences.join(','));
});

test('verify-email in English: the link in both parts, the HTML escaped, the text as typed, a one-line subject', () => {
  const mail = loadTemplates().render({ template: 'verify-email', languages: ['xx'], data: DATA });
  assert.equal(mail.language, 'en');
  assert.equal(mail.subject, 'Confirm your email address for login.example.com');
  assert.match(mail.text, /^Hello Tom & Jerry <b>,$/m);
  assert.ok(mail.text.includes(`\n${DATA.link}\n`), 'the link stands on a line of its own');
  assert.match(mail.text, /for 24 hours/);
  assert.ok(mail.html?.includes('Hello Tom &amp; Jerry &lt;b&gt;,'), 'the name is escaped in HTML');
  assert.ok(!mail.html?.includes('<b>,'));
  assert.ok(
    mail.html?.includes('href="https://login.example.com/authn/verify-email?token=abc&amp;x=1"'),
    'the button links to the same address',
  );
  assert.ok(
    mail.html?.includes('>https://login.example.com/authn/verify-email?token=abc&amp;x=1</a>'),
    'and shows it',
  );
  assert.match(mail.html ?? '', /<html lang="en">/);
});

test('an operator folder replaces a built-in part, adds a language, and a subject never spans lines', () => {
  const dir = operatorFolder({
    'en/verify-email.subject.eta': 'Please confirm <%= it.email %>',
    'nl/verify-email.subject.eta': 'Graag bevestigen\r\nBcc: someone@example.net',
    'nl/verify-email.text.eta': 'Hallo <%= it.name %>: <%= it.link %>',
    'fr/verify-email.html.eta': '<p>only HTML, no text: not a usable language</p>',
  });
  const templates = loadTemplates(dir);
  assert.deepEqual(templates.languages('verify-email').sort(), ['de', 'en', 'nl']);
  const en = templates.render({ template: 'verify-email', languages: ['fr', 'en-GB'], data: DATA });
  assert.equal(en.subject, 'Please confirm tom@example.com');
  assert.match(en.text, /Hello Tom & Jerry/, 'the built-in text stays');
  const nl = templates.render({ template: 'verify-email', languages: ['nl-BE'], data: DATA });
  assert.equal(nl.language, 'nl');
  assert.equal(nl.subject, 'Graag bevestigen Bcc: someone@example.net', 'no header can be injected');
  assert.equal(nl.text, `Hallo Tom & Jerry <b>: ${DATA.link}`);
  assert.equal(nl.html, undefined, 'a language without HTML sends text only');
});

test('a templates folder that is missing, or holds a folder that is not a language, is refused at load', () => {
  assert.throws(() => loadTemplates(join(tmpdir(), 'no-such-templates-folder')), TemplateError);
  const bad = operatorFolder({ 'English/verify-email.text.eta': 'x' });
  assert.throws(() => loadTemplates(bad), /folder "English" is not a language tag/);
  const broken = operatorFolder({ 'en/verify-email.text.eta': '<% if ( %>' });
  assert.throws(() => loadTemplates(broken), /en\/verify-email\.text\.eta does not compile/);
});

test('verify-email is built in in English and German; a German reader gets the German text, subject and HTML', () => {
  const templates = loadTemplates();
  assert.deepEqual(templates.languages('verify-email').sort(), ['de', 'en']);
  const de = templates.render({ template: 'verify-email', languages: ['de-AT', 'en'], data: DATA });
  assert.equal(de.language, 'de');
  assert.equal(de.subject, 'Bestätigen Sie Ihre E-Mail-Adresse für login.example.com');
  assert.ok(de.text.includes(`\n${DATA.link}\n`));
  assert.match(de.text, /24 Stunden lang/);
  assert.match(de.html ?? '', /<html lang="de">/);
  assert.ok(de.html?.includes('>E-Mail-Adresse bestätigen</a>'));
});
