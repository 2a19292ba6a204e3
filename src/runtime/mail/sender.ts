// The MailSender main.ts passes to authn: renders a template and sends it over SMTP, or, without an SMTP server,
// writes it to the development outbox (an .eml file in {data_dir}/mail/ and a log line); never drops a message.
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import type { Transporter } from 'nodemailer';
import { isEmailAddress } from '../../authn/email/address.ts';
import type { MailMessage, MailSender } from '../../authn/mail.ts';
import type { EmailConfig } from '../../config/schema-email.ts';
import { createSmtpTransport, describeSmtp, loadNodemailer, smtpTarget } from './smtp.ts';
import { loadTemplates, type MailTemplates } from './templates.ts';

export interface MailLog {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
}

export interface MailService extends MailSender {
  /** Where messages go, in words without credentials: `smtp://mail.example.com:587` or the outbox folder. */
  readonly destination: { kind: 'smtp'; server: string } | { kind: 'outbox'; folder: string };
  close(): Promise<void>;
}

/** A send that takes longer than this fails, whatever the transport's own timeouts did. */
export const SEND_DEADLINE_MS = 20_000;

export class MailError extends Error {}

/** `Tessera <no-reply@host>` from the public URL; an IP address (no mail domain) becomes localhost. */
export function defaultFrom(baseUrl: string): string {
  const host = new URL(baseUrl).hostname.replace(/^\[(.*)\]$/, '$1');
  return `Tessera <no-reply@${isIP(host) === 0 && host !== '' ? host : 'localhost'}>`;
}

export interface MailServiceOptions {
  email: EmailConfig;
  baseUrl: string;
  dataDir: string;
  /** A function: the server's logger exists only once the app is built. */
  log(): MailLog;
  /** The SMTP transport; tests pass one. Default: nodemailer's pool from smtp_url. */
  transport?: Transporter;
}

export function createMailService(options: MailServiceOptions): MailService {
  const { email } = options;
  const templates: MailTemplates = loadTemplates(email.templates_dir);
  const from = email.from ?? defaultFrom(options.baseUrl);
  const site = new URL(options.baseUrl).host;
  const smtpUrl = email.smtp_url;
  const smtp = options.transport !== undefined || smtpUrl !== undefined;
  // Made on the first message (nodemailer loads then), and kept: the pool's connection is reused.
  let transport: Promise<Transporter> | undefined;
  const transportNow = () =>
    (transport ??=
      options.transport !== undefined
        ? Promise.resolve(options.transport)
        : createSmtpTransport({ ...email, smtp_url: smtpUrl! }));
  const folder = join(options.dataDir, 'mail');
  // The raw message, as SMTP would carry it: the outbox keeps exactly that.
  let composer: Promise<Transporter> | undefined;
  const composerNow = () =>
    (composer ??= loadNodemailer().then((nodemailer) =>
      nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' }),
    ));

  const compose = (message: MailMessage) => {
    if (!isEmailAddress(message.to)) throw new MailError('not an email address');
    const rendered = templates.render({ ...message, data: { site, ...message.data, email: message.to } });
    return {
      from,
      to: message.to,
      subject: rendered.subject,
      text: rendered.text,
      ...(rendered.html === undefined ? {} : { html: rendered.html }),
      // RFC 3834 §5: a machine wrote this; auto-responders should not answer it.
      headers: { 'Auto-Submitted': 'auto-generated' },
      language: rendered.language,
    };
  };

  async function toOutbox(mail: ReturnType<typeof compose>, template: string): Promise<void> {
    const { language, ...fields } = mail;
    const info = await (await composerNow()).sendMail({
      ...fields,
      headers: { ...fields.headers, 'Content-Language': language },
    });
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    chmodSync(folder, 0o700);
    const file = join(
      folder,
      `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomBytes(4).toString('hex')}.eml`,
    );
    writeFileSync(file, info.message as Buffer, { mode: 0o600, flag: 'wx' });
    // The link is a secret: the line names who, what and where, and the file holds the rest.
    options
      .log()
      .info(
        { event: 'mail_outbox', template, to: mail.to, subject: mail.subject, file },
        'no SMTP server configured (server.email.smtp_url): email written to the development outbox',
      );
  }

  async function toSmtp(mail: ReturnType<typeof compose>, template: string): Promise<void> {
    const { language, ...fields } = mail;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new MailError('the SMTP server did not answer in time')),
        SEND_DEADLINE_MS,
      );
      timer.unref();
    });
    try {
      await Promise.race([
        transportNow().then((t) =>
          t.sendMail({ ...fields, headers: { ...fields.headers, 'Content-Language': language } }),
        ),
        deadline,
      ]);
      options.log().info({ event: 'mail_sent', template, to: mail.to }, 'email sent');
    } catch (error) {
      // The reason from the transport (refused, timed out); never the message, which holds the link.
      options
        .log()
        .warn({ event: 'mail_failed', template, reason: (error as Error).message }, 'email not sent');
      throw new MailError('the email could not be sent');
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    destination: !smtp
      ? { kind: 'outbox', folder }
      : {
          kind: 'smtp',
          server: smtpUrl === undefined ? 'a transport given in code' : describeSmtp(smtpTarget(smtpUrl)),
        },
    async send(message) {
      const mail = compose(message);
      if (smtp) await toSmtp(mail, message.template);
      else await toOutbox(mail, message.template);
    },
    async close() {
      (await transport?.catch(() => undefined))?.close();
      (await composer?.catch(() => undefined))?.close();
    },
  };
}
