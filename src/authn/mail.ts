// The Authentication Service's outgoing mail, as a port: main.ts passes a sender (runtime/mail/), authn
// never sees SMTP. The sender renders the named template in the reader's language, plain text and HTML.

/** The messages authn sends; each is a template folder per language under runtime/mail/templates/. */
export type MailTemplate = 'verify-email' | 'reset-password';

export interface MailMessage {
  to: string;
  template: MailTemplate;
  /** Preferred languages, best first (BCP 47: ui_locales, Accept-Language, the account's locale claim). */
  languages?: readonly string[];
  /** The template's values: the link, the account's name, minutes until it expires. */
  data: Record<string, string | number>;
}

export interface MailSender {
  /** Sends (or, without SMTP, writes to the log and the data folder's outbox); rejects when the transport fails. */
  send(message: MailMessage): Promise<void>;
}
