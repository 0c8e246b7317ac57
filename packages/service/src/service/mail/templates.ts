/**
 * The mails the service sends, each in plain text and HTML (anything that comes from a person —
 * the address — is escaped in the HTML), with the one link it carries. Pure: a mail is rendered
 * when it is queued, in the transaction of the change that causes it (`outbox-mail.ts`).
 */
import { html, type Raw } from '../../html-template';

export interface Mail {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** The link the mail carries (what the printed line shows when no SMTP server is configured). */
  link: string;
}

function mail(to: string, subject: string, paragraphs: string[], action: { label: string; link: string }, after: string[] = []): Mail {
  const text = [...paragraphs, `${action.label}: ${action.link}`, ...after, '— Cutline'].join('\n\n');
  const body: Raw = html`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${subject}</title></head>
<body style="font:15px/1.5 system-ui,sans-serif;color:#1b1d22;max-width:560px;margin:24px auto;padding:0 16px">
${paragraphs.map((p) => html`<p>${p}</p>`)}
<p><a href="${action.link}" style="display:inline-block;padding:9px 16px;border-radius:6px;background:#5b4bff;color:#fff;text-decoration:none;font-weight:600">${action.label}</a></p>
<p style="color:#5b6170;font-size:13px">Or copy this link into your browser: ${action.link}</p>
${after.map((p) => html`<p>${p}</p>`)}
<p style="color:#5b6170">— Cutline</p>
</body></html>`;
  return { to, subject, text, html: body.html, link: action.link };
}

/** After a sign-up: confirm that the address is yours. */
export function verificationMail(to: string, link: string, validDays: number): Mail {
  return mail(
    to,
    'Confirm your email for Cutline',
    [`Welcome to Cutline! You created an account with ${to}.`, `Confirm that this address is yours with the link below. It works once, for ${validDays} days.`],
    { label: 'Confirm my email', link },
    ['If you did not create this account, you can ignore this mail.'],
  );
}

/** Someone tried to sign up with an address that already has an account (it is not said on the page). */
export function signUpAttemptMail(to: string, forgotLink: string): Mail {
  return mail(
    to,
    'Someone tried to create a Cutline account with your email',
    [
      `Someone — perhaps you — tried to create a Cutline account with ${to}, but this address already has one. No new account was made.`,
      'If it was you and you do not remember your password, you can set a new one.',
    ],
    { label: 'Reset my password', link: forgotLink },
    ['If it was not you, you can ignore this mail: nothing changed.'],
  );
}

/** A password-reset link, one time, for `validMinutes`. */
export function resetMail(to: string, link: string, validMinutes: number): Mail {
  return mail(
    to,
    'Reset your Cutline password',
    [`Someone — hopefully you — asked to reset the password of the Cutline account ${to}.`, `Set a new password with the link below. It works once, for ${validMinutes} minutes.`],
    { label: 'Set a new password', link },
    ['If you did not ask for this, ignore this mail: your password stays as it is.'],
  );
}

/** After a reset: the password changed and every device was signed out. */
export function passwordChangedMail(to: string, forgotLink: string): Mail {
  return mail(
    to,
    'Your Cutline password was changed',
    [`The password of the Cutline account ${to} was just changed, and every device and browser signed in to it was signed out.`],
    { label: 'Not you? Reset your password now', link: forgotLink },
  );
}
