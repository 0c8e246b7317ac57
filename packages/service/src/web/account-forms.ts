/**
 * What the account pages share (sign-up, forgot and reset password): the card they sit in, the
 * way back into the desktop's sign-in (`return=/oauth/authorize?…`, checked by
 * `authorizeReturn`), and the email and password rules of their forms.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { text } from '@cutline/contract/text';
import { authorizeReturn } from '../http/authorize-request';
import { html, type Raw } from '../http/html';
import type { Ctx } from '../service/kernel/context';
import { sendHtml, webPage } from './layout';
import { formOf, formToken, formTokenMatches } from './session';

export const MIN_PASSWORD = 10;

export const EmailField = text()
  .trim()
  .min(1, 'Enter your email.')
  .max(254, 'That email is too long.')
  .pipe(z.email('Enter an email address like name@example.com.'))
  .transform((e) => e.toLowerCase());

export const NewPasswordField = text()
  .min(MIN_PASSWORD, `Use at least ${MIN_PASSWORD} characters for your password.`)
  .max(1024, 'That password is too long (at most 1,024 characters).');

/** The first problem of a parse, as the sentence the form shows. */
export const firstIssue = (e: z.ZodError): string => e.issues[0].message;

/** The desktop sign-in this page was opened from (query or form field `return`), or null. */
export function returnOf(req: FastifyRequest, form: Record<string, unknown> = {}): string | null {
  return authorizeReturn(form.return ?? (req.query as Record<string, unknown> | undefined)?.return);
}

/** `path` with the way back into the desktop's sign-in, when there is one. */
export function withReturn(path: string, back: string | null): string {
  return back ? `${path}?${new URLSearchParams({ return: back })}` : path;
}

/** Hidden fields every account form carries. */
export function hiddenFields(csrf: string, back: string | null): Raw {
  return html`<input type="hidden" name="csrf" value="${csrf}">${back ? html`<input type="hidden" name="return" value="${back}">` : ''}`;
}

/** A narrow card with a title, an optional status or error line, and the body. */
export function accountPage(title: string, body: Raw, opts: { error?: string; info?: string; lead?: string } = {}): string {
  return webPage(
    title,
    html`<div class="card" style="max-width:440px;margin:48px auto">
  <h1>${title}</h1>
  ${opts.lead ? html`<p class="muted">${opts.lead}</p>` : ''}
  ${opts.info ? html`<p class="ok" role="status">${opts.info}</p>` : ''}
  ${opts.error ? html`<p class="error" role="alert">${opts.error}</p>` : ''}
  ${body}</div>`,
    null,
  );
}

/** Where "sign in" leads from an account page: back into the desktop's sign-in, or the web's. */
export function signInLink(back: string | null): Raw {
  return back ? html`<a href="${back}">Back to signing in to the Cutline app</a>` : html`<a href="/signin">Sign in</a>`;
}

/** Renders an account form: its token, the way back, what was typed and what went wrong. */
export type FormRender = (csrf: string, back: string | null, opts: { email?: string; error?: string }) => string;

export interface PostedForm {
  form: Record<string, unknown>;
  back: string | null;
  /** The form's token (it matched this browser's): what the form shown again carries. */
  csrf: string;
  /** The email as typed, to show it back. */
  email: string;
}

/**
 * A posted account form whose token is this browser's, or null — the form already sent again,
 * with a fresh token, as a 403 (a form from elsewhere, or one whose cookie expired, does nothing).
 */
export function acceptForm(ctx: Ctx, req: FastifyRequest, reply: FastifyReply, render: FormRender): PostedForm | null {
  const form = formOf(req);
  const back = returnOf(req, form);
  if (!formTokenMatches(ctx, req, form)) {
    sendHtml(reply, 403, render(formToken(ctx, req, reply, true), back, { error: 'This form expired or did not come from Cutline. Please fill it in again.' }));
    return null;
  }
  return { form, back, csrf: String(form.csrf), email: typeof form.email === 'string' ? form.email : '' };
}
