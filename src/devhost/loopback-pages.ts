/**
 * The pages a browser tab lands on when the service sends it back to the browser host: the
 * sign-in callback (`/callback`, RFC 8252 §7.3 loopback redirect) and *Return to Cutline*
 * (`/return?to=cutline://…`). Each says in words what happened; neither carries a script.
 */
import type { CutlineApi, Notice } from '@cutline/contract/ipc';
import type { DeepLinkOutcome } from '../main/core/deep-link-router';

export type SignInResult = { ok: true; email: string } | { ok: false; message: string };

/**
 * Resolves with the outcome of the sign-in the callback starts: the core's `signed-in` notice
 * (with the email), its sign-in error, or a timeout. Subscribe before delivering the callback.
 */
export function waitForSignIn(api: Pick<CutlineApi, 'onNotice'>, timeoutMs: number): Promise<SignInResult> & { cancel(): void } {
  let stop = () => {};
  const promise = new Promise<SignInResult>((resolve) => {
    const timer = setTimeout(() => finish({ ok: false, message: 'Cutline did not finish signing in in time. Check the app, and sign in again if it asks.' }), timeoutMs);
    const off = api.onNotice((n: Notice) => {
      if (n.kind === 'signed-in') finish({ ok: true, email: n.email });
      else if (n.kind === 'error' && /^(Sign-in failed|Signed in, but)/.test(n.message)) finish({ ok: false, message: n.message });
    });
    function finish(r: SignInResult): void {
      clearTimeout(timer);
      off();
      resolve(r);
    }
    stop = () => finish({ ok: false, message: 'cancelled' });
  });
  return Object.assign(promise, { cancel: () => stop() });
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function frame(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(title)} · Cutline</title><style>
:root{color-scheme:light dark}body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif}
main{max-width:520px;margin:72px auto;padding:0 24px}h1{font-size:22px}.ok{color:#0f8a5f}.bad{color:#c62828}.muted{opacity:.75}
</style></head><body><main>${body}</main></body></html>`;
}

export function callbackPage(outcome: DeepLinkOutcome, result: SignInResult): { status: number; html: string } {
  if (outcome === 'delivered' && result.ok) {
    return {
      status: 200,
      html: frame(
        'Signed in',
        `<h1 class="ok" data-signed-in="${esc(result.email)}">You're signed in to Cutline as ${esc(result.email)} — you can close this tab</h1>
<p class="muted">Go back to the Cutline tab: your account and balance are already there.</p>`,
      ),
    };
  }
  if (outcome === 'queued') {
    return {
      status: 202,
      html: frame('Almost signed in', `<h1>Open Cutline to finish signing in</h1><p>Cutline is not open in a tab yet. Open it and the sign-in finishes by itself.</p>`),
    };
  }
  const why =
    outcome === 'dropped'
      ? 'This sign-in link was not started by this Cutline, or it was already used. Start again with <em>Sign in</em> in the app.'
      : esc(result.ok ? '' : result.message);
  return { status: outcome === 'dropped' ? 400 : 502, html: frame('Sign-in did not finish', `<h1 class="bad">Sign-in did not finish</h1><p>${why}</p>`) };
}

export function returnPage(outcome: DeepLinkOutcome): { status: number; html: string } {
  if (outcome === 'dropped') {
    return { status: 400, html: frame('Not a Cutline link', '<h1 class="bad">This is not a link Cutline accepts</h1><p>Nothing was done. Go back to the Cutline tab.</p>') };
  }
  return {
    status: 200,
    html: frame('Back to Cutline', `<h1 class="ok">Back to Cutline — you can close this tab</h1><p class="muted">The Cutline tab already shows the change.</p>`),
  };
}
