// SMTP through nodemailer: a pooled transport from server.email, with timeouts so a dead server never hangs a request.
import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import type { Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import type { EmailConfig } from '../../config/schema-email.ts';

/** Milliseconds: connecting, waiting for the greeting, and any silence on the socket afterwards. */
export const SMTP_TIMEOUTS = { connectionTimeout: 5_000, greetingTimeout: 5_000, socketTimeout: 10_000 };

export interface SmtpTarget {
  host: string;
  port: number;
  /** smtps://: TLS from the first byte; smtp:// upgrades with STARTTLS when the server offers it. */
  secure: boolean;
  auth?: { user: string; pass: string };
}

/** The URL's parts; credentials percent-decoded. The schema already checked its shape. */
export function smtpTarget(smtpUrl: string): SmtpTarget {
  const url = new URL(smtpUrl);
  const secure = url.protocol === 'smtps:';
  const target: SmtpTarget = {
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port === '' ? (secure ? 465 : 587) : Number(url.port),
    secure,
  };
  if (url.username !== '')
    target.auth = { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) };
  return target;
}

/** What the log, the banner and doctor may say about the server: never the credentials. */
export const describeSmtp = (t: SmtpTarget) =>
  `${t.secure ? 'smtps' : 'smtp'}://${t.host.includes(':') ? `[${t.host}]` : t.host}:${t.port}`;

/** The connection options for server.email: server, credentials, TLS, timeouts. */
export function smtpOptions(
  email: EmailConfig & { smtp_url: string },
  timeouts = SMTP_TIMEOUTS,
): SMTPTransport.Options {
  const target = smtpTarget(email.smtp_url);
  const extra = email.tls.ca_files.map((file) => {
    try {
      return readFileSync(file, 'utf8');
    } catch (error) {
      throw new Error(`server.email.tls.ca_files: cannot read ${file}: ${(error as Error).message}`);
    }
  });
  return {
    host: target.host,
    port: target.port,
    secure: target.secure,
    ...(target.auth ? { auth: target.auth } : {}),
    requireTLS: !target.secure && email.tls.require_starttls,
    ...timeouts,
    dnsTimeout: timeouts.connectionTimeout,
    tls: {
      rejectUnauthorized: email.tls.reject_unauthorized,
      // Node replaces its CA list with `ca`: keep the system's and add the operator's.
      ...(extra.length > 0 ? { ca: [...rootCertificates, ...extra] } : {}),
      minVersion: 'TLSv1.2',
    },
    // nodemailer's own logger stays off: it would print the conversation, AUTH included.
    logger: false,
    debug: false,
  };
}

/**
 * nodemailer is loaded when the first message is composed, not at start: a server that sends no mail
 * never compiles it, and start-up compiles everything it imports (issue 15: ready in under 1 s).
 */
export const loadNodemailer = async () => (await import('nodemailer')).default;

/** Pooled: a connection stays open between messages; two at most is plenty for account mail. */
export async function createSmtpTransport(email: EmailConfig & { smtp_url: string }): Promise<Transporter> {
  const nodemailer = await loadNodemailer();
  return nodemailer.createTransport({
    ...smtpOptions(email),
    pool: true,
    maxConnections: 2,
    maxMessages: 100,
  });
}

/** Whether the SMTP server answers and accepts the credentials, within a few seconds; the reason when not. */
export async function checkSmtp(
  email: EmailConfig & { smtp_url: string },
  timeoutMs = 3_000,
): Promise<{ ok: true } | { ok: false; reason: string }> {
  const nodemailer = await loadNodemailer();
  const transport = nodemailer.createTransport(
    smtpOptions(email, {
      connectionTimeout: timeoutMs,
      greetingTimeout: timeoutMs,
      socketTimeout: timeoutMs,
    }),
  );
  try {
    await transport.verify();
    return { ok: true };
  } catch (error) {
    return { ok: false, reason: (error as Error).message };
  } finally {
    transport.close();
  }
}
