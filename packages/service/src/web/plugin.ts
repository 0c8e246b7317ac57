/**
 * The web side of the credit service: server-rendered pages for the browser, usable without
 * JavaScript (the CSP forbids scripts; `/credits` alone loads the service's own live-update script). Registered by `startServer` after the API, in its own
 * encapsulated context: the cookie parser and an error handler that answers every failure —
 * GET or POST — with a page a person understands, never JSON or a stack trace.
 */
import cookie from '@fastify/cookie';
import type { FastifyError, FastifyInstance } from 'fastify';
import type { Ctx } from '../service/kernel/context';
import { ServiceError } from '../service/kernel/errors';
import { MAX_PARAM_LENGTH, sendError, wantsHtml } from '../http/app';
import { loggableUrl, noteErrorCode } from '../http/logging';
import { html } from '../http/html';
import { messagePage, sendHtml } from './layout';
import { authRoutes } from './routes-auth';
import { creditsRoutes } from './routes-credits';
import { usageRoutes } from './usage-card';
import { liveRoutes } from './live';
import { exchangeRoutes } from './routes-exchange';
import { pricingRoutes } from './routes-pricing';
import { storeRoutes } from './routes-store';
import { upgradeRoutes } from './routes-upgrade';
import { passwordRoutes } from './routes-password';
import { signUpRoutes } from './routes-signup';
import { teamRoutes } from './routes-team';
import { viewerOf } from './session';

const TITLES: Record<string, string> = {
  invalid_request: 'That request was not right',
  unauthorized: 'Please sign in',
  forbidden: 'Not allowed',
  not_found: 'Not found',
  conflict: 'That cannot be done now',
  insufficient_credits: 'Not enough credits',
  idempotency_mismatch: 'This form was already used',
  rate_limited: 'Too many attempts',
};

export function webPlugin() {
  return async function registerWeb(app: FastifyInstance, ctx: Ctx): Promise<void> {
    await app.register(async (web) => {
      await web.register(cookie);
      web.setErrorHandler(async (error: FastifyError | ServiceError, req, reply) => {
        if (error instanceof ServiceError) {
          noteErrorCode(reply, error.code);
          const viewer = await viewerOf(ctx, req).catch(() => null);
          return sendHtml(reply, error.status, messagePage(viewer, TITLES[error.code] ?? 'Something went wrong', error.message));
        }
        const status = (error as FastifyError).statusCode ?? 500;
        if (status >= 400 && status < 500) {
          const message = status === 413 ? 'That form was far too large.' : status === 415 ? 'Send the form as a normal web form.' : 'The page could not understand that request.';
          return sendHtml(reply, status, messagePage(null, 'That request was not right', `${message} Nothing was changed.`));
        }
        req.log.error({ err: error, url: loggableUrl(req.url) }, 'internal error');
        return sendHtml(reply, 500, messagePage(null, 'Something went wrong on our side', 'Nothing was changed. Please try again in a moment.'));
      });
      await authRoutes(web, ctx);
      await creditsRoutes(web, ctx);
      await usageRoutes(web, ctx);
      await liveRoutes(web, ctx);
      await storeRoutes(web, ctx);
      await exchangeRoutes(web, ctx);
      await pricingRoutes(web, ctx);
      await upgradeRoutes(web, ctx);
      await teamRoutes(web, ctx);
      await signUpRoutes(web, ctx);
      await passwordRoutes(web, ctx);
      // Any other GET: a page a person understands for a browser; the API's JSON 404 otherwise.
      web.get('/*', async (req, reply) => {
        const path = req.url.split('?')[0];
        // The router skips a route whose path segment is over its limit and lands here: that is
        // the framework's refusal of the URL (400), not a missing page.
        if (path.split('/').some((segment) => segment.length > MAX_PARAM_LENGTH)) {
          return sendError(req, reply, new ServiceError('invalid_request', 'a path segment of the URL is far too long'));
        }
        if (!wantsHtml(req) || /^\/(v1|admin|oauth)(\/|$)/.test(path)) {
          return sendError(req, reply, new ServiceError('not_found', `no route for ${req.method} ${path}`));
        }
        const viewer = await viewerOf(ctx, req).catch(() => null);
        const actions = viewer
          ? html`<a class="button" href="/credits">Go to your credits</a><a href="/store">Store</a><a href="/pricing">Pricing</a>`
          : html`<a class="button" href="/pricing">See the plans</a><a href="/signin">Sign in</a>`;
        return sendHtml(reply, 404, messagePage(viewer, 'Page not found', `There is no page at ${path} on Cutline. The link may be old or mistyped.`, actions));
      });
    });
  };
}
