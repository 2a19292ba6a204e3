// Outgoing email (verification and password-reset links): the SMTP server, the sender address, TLS, templates.
import { z } from 'zod';

/** What `smtp_url` may say; the message never repeats the URL, which can hold a password. */
export function smtpUrlProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an absolute URL such as smtp://user:password@mail.example.com:587';
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:')
    return 'must start with smtp:// (STARTTLS when the server offers it) or smtps:// (TLS from the start)';
  if (url.hostname === '') return 'must name the mail server host';
  if (url.pathname !== '' && url.pathname !== '/') return 'must not have a path';
  if (url.search !== '' || url.hash !== '') return 'must not have a query or fragment';
  if (url.password !== '' && url.username === '') return 'names a password without a user name';
  try {
    decodeURIComponent(url.username);
    decodeURIComponent(url.password);
  } catch {
    return 'has a user name or password that is not valid percent-encoding';
  }
  return undefined;
}

/** `Name <address>` or a bare address; no line breaks, so a header can never be injected through it. */
const fromSchema = z
  .string()
  .max(320)
  .regex(
    /^(?:[^<>\r\n\0"]*<[^\s<>@"]+@[^\s<>@"]+>|[^\s<>@"]+@[^\s<>@"]+)$/,
    'use an address such as no-reply@example.com or Example <no-reply@example.com>',
  );

export const emailSchema = z
  .object({
    /**
     * The SMTP server, as smtp://user:password@host:587 (STARTTLS when offered) or smtps://host:465 (TLS from the
     * start); user and password percent-encoded. Overridden by `TESSERA_SMTP_URL`. Never logged or printed. When
     * unset, messages are written to the log (recipient and subject) and as .eml files to `{data_dir}/mail/`.
     */
    smtp_url: z
      .string()
      .max(2048)
      .optional()
      .superRefine((value, ctx) => {
        const problem = value === undefined ? undefined : smtpUrlProblem(value);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      }),
    /** The From header; default `Tessera <no-reply@{host of base_url}>` (`localhost` when that host is an IP address). */
    from: fromSchema.optional(),
    /** TLS towards the SMTP server. */
    tls: z
      .object({
        /** Refuse a server whose certificate does not verify; turn off only to test against a self-signed server. */
        reject_unauthorized: z.boolean().default(true),
        /** Extra CA certificate files (PEM) trusted beside the system's, for a server with a private CA. */
        ca_files: z.array(z.string().min(1)).default([]),
        /** With smtp://, refuse to send unless the server upgrades the connection with STARTTLS. */
        require_starttls: z.boolean().default(false),
      })
      .strict()
      .prefault({}),
    /**
     * A folder of your own templates, `{lang}/{template}.subject.eta`, `.text.eta` and `.html.eta` (e.g.
     * `de/verify-email.text.eta`): each file found there replaces the built-in one or adds a language.
     */
    templates_dir: z.string().min(1).optional(),
  })
  .strict();

export type EmailConfig = z.output<typeof emailSchema>;
