/**
 * Where mail goes: an SMTP server through nodemailer (`CUTLINE_SMTP_URL`, `smtp://host:port` or
 * `smtps://…`), or — with none configured — one printed line per mail on the service's stdout:
 * `cutline-mail to=<address> subject="…" link=<the link it carries>`.
 *
 * Headers are safe from injection whatever the caller passes: a recipient must be one plain
 * address (no line break, comma, space or other control character: a mail never goes to an
 * address smuggled in beside it), and a subject is one line (line breaks and control characters
 * become spaces) — so no header can ever be added.
 */
import nodemailer from 'nodemailer';
import type { Mail } from './templates';

export interface MailTransport {
  /** Sends one mail; throws on failure (`MailRefused` when retrying cannot help). */
  send(mail: Mail): Promise<void>;
  /** What `npm start` and the logs say about where mail goes. */
  readonly describe: string;
  close(): void;
}

/** A mail that can never be sent (a bad recipient): the outbox gives up on it at once. */
export class MailRefused extends Error {
  readonly permanent = true;
}

/** One plain address: local@domain, printable ASCII or any non-ASCII letter, none of the characters that separate or quote addresses. */
const ADDRESS = /^[^\s<>()[\]\\,;:"@\p{Cc}]{1,64}@[^\s<>()[\]\\,;:"@\p{Cc}]{1,253}$/u;

/** The recipient, checked: exactly one plain address, or `MailRefused`. */
export function safeRecipient(to: string): string {
  if (to.length > 254 || !ADDRESS.test(to)) throw new MailRefused('the recipient is not one plain email address');
  return to;
}

/** The subject on one line: line breaks and other control characters become single spaces. */
export function safeSubject(subject: string): string {
  return subject.replace(/[\p{Cc}\u2028\u2029]+/gu, ' ').trim().slice(0, 200);
}

/** The printed line of a mail (no SMTP server configured). */
export function mailLine(mail: Mail): string {
  const subject = safeSubject(mail.subject).replace(/["\\]/g, (c) => `\\${c}`);
  return `cutline-mail to=${safeRecipient(mail.to)} subject="${subject}" link=${mail.link.replace(/[\s"]/g, encodeURIComponent)}`;
}

/** `print` gets each line without its line break. */
export function printedTransport(print: (line: string) => void): MailTransport {
  return {
    describe: 'printed on the service’s output (no CUTLINE_SMTP_URL)',
    async send(mail) {
      print(mailLine(mail));
    },
    close() {},
  };
}

/** SMTP timeouts: a send gives up well within the outbox's claim on its row. */
const TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000 };

export function smtpTransport(url: string, from: string): MailTransport {
  const transporter = nodemailer.createTransport(url, { ...TIMEOUTS, disableFileAccess: true, disableUrlAccess: true });
  const where = new URL(url);
  return {
    describe: `sent through ${where.protocol}//${where.host}`,
    async send(mail) {
      await transporter.sendMail({
        from,
        to: safeRecipient(mail.to),
        subject: safeSubject(mail.subject),
        text: mail.text,
        html: mail.html,
        disableFileAccess: true,
        disableUrlAccess: true,
      });
    },
    close() {
      transporter.close();
    },
  };
}
