// Mail templates: one folder per language (<lang>/<template>.subject.eta, .text.eta, .html.eta), built in and
// from the operator's folder, the language picked from the reader's preferences; HTML escaped, text not.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Eta, type TemplateFunction } from 'eta';
import type { MailMessage, MailTemplate } from '../../authn/mail.ts';
import { sourceAsset } from '../../shared/paths.ts';

export const BUILT_IN_TEMPLATES = sourceAsset('runtime', 'mail', 'templates');
export const DEFAULT_LANGUAGE = 'en';

const PARTS = ['subject', 'text', 'html'] as const;
type Part = (typeof PARTS)[number];
/** A folder name that is a language tag (BCP 47 shape): en, pt-BR, zh-Hant. */
const LANGUAGE = /^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$/;
const FILE = /^([a-z0-9-]+)\.(subject|text|html)\.eta$/;

export interface RenderedMail {
  language: string;
  subject: string;
  text: string;
  html?: string;
}

export interface MailTemplates {
  render(message: Pick<MailMessage, 'template' | 'languages' | 'data'>): RenderedMail;
  /** The languages each template can be sent in, for doctor and tests. */
  languages(template: MailTemplate): string[];
}

export class TemplateError extends Error {}

// HTML: every interpolation escaped. Text and subject: plain, as the reader's mail program shows them.
const html = new Eta({ autoEscape: true, cache: false });
// No trimming in plain text: a line that ends in a tag (the link) keeps its line break.
const plain = new Eta({ autoEscape: false, autoTrim: false, cache: false });

/** template -> language (lower case) -> part -> compiled function. */
type Table = Map<string, Map<string, { tag: string; parts: Partial<Record<Part, TemplateFunction>> }>>;

function load(root: string, table: Table, source: string): void {
  for (const folder of readdirSync(root)) {
    const dir = join(root, folder);
    if (!statSync(dir).isDirectory()) continue;
    if (!LANGUAGE.test(folder))
      throw new TemplateError(`${source}: folder "${folder}" is not a language tag such as en or pt-BR`);
    for (const file of readdirSync(dir)) {
      const match = FILE.exec(file);
      if (!match) continue;
      const [, template, part] = match as unknown as [string, string, Part];
      const path = join(dir, file);
      let fn: TemplateFunction;
      try {
        fn = (part === 'html' ? html : plain).compile(readFileSync(path, 'utf8'));
      } catch (error) {
        throw new TemplateError(`${source}: ${folder}/${file} does not compile: ${(error as Error).message}`);
      }
      const byLanguage = table.get(template) ?? new Map();
      table.set(template, byLanguage);
      const entry = byLanguage.get(folder.toLowerCase()) ?? { tag: folder, parts: {} };
      byLanguage.set(folder.toLowerCase(), entry);
      entry.parts[part] = fn;
    }
  }
}

/**
 * The language to send in: for each preference in order its exact tag, then its primary subtag (de-AT finds de),
 * then `en`. A language counts once it has a subject and a text version.
 */
export function pickLanguage(available: readonly string[], preferences: readonly string[] = []): string {
  const have = new Map(available.map((tag) => [tag.toLowerCase(), tag]));
  for (const preference of preferences) {
    const wanted = preference.trim().toLowerCase();
    if (wanted === '' || wanted === '*') continue;
    const exact = have.get(wanted);
    if (exact) return exact;
    const primary = have.get(wanted.split('-')[0]!);
    if (primary) return primary;
  }
  return have.get(DEFAULT_LANGUAGE) ?? available[0] ?? DEFAULT_LANGUAGE;
}

/** Loads the built-in templates and, over them, the operator's folder; throws TemplateError naming what is wrong. */
export function loadTemplates(operatorDir?: string, builtIn = BUILT_IN_TEMPLATES): MailTemplates {
  const table: Table = new Map();
  load(builtIn, table, 'built-in mail templates');
  if (operatorDir !== undefined) {
    if (!existsSync(operatorDir) || !statSync(operatorDir).isDirectory())
      throw new TemplateError(`server.email.templates_dir: ${operatorDir} is not a folder`);
    load(operatorDir, table, `server.email.templates_dir (${operatorDir})`);
  }
  const complete = (template: string) =>
    [...(table.get(template)?.values() ?? [])]
      .filter((entry) => entry.parts.subject && entry.parts.text)
      .map((entry) => entry.tag);

  return {
    languages: complete,
    render(message) {
      const language = pickLanguage(complete(message.template), message.languages);
      const entry = table.get(message.template)?.get(language.toLowerCase());
      if (!entry?.parts.subject || !entry.parts.text)
        throw new TemplateError(`no mail template "${message.template}" (subject and text) in any language`);
      const data = { ...message.data, language };
      // A subject is one header line: line breaks inside it would start new headers.
      const subject = plain
        .render(entry.parts.subject, data)
        .replace(/[\r\n\t]+/g, ' ')
        .trim();
      const text = plain.render(entry.parts.text, data);
      const rendered: RenderedMail = { language: entry.tag, subject, text };
      if (entry.parts.html) rendered.html = html.render(entry.parts.html, data);
      return rendered;
    },
  };
}
