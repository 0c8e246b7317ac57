/**
 * The signed-in account's credentials (docs/api.md § Sign-in).
 *
 * Sign-in is OAuth 2.0 authorization code + PKCE S256 with a single-use `state`; the access and
 * refresh tokens live here and in the vault only. A refresh rotates both tokens; concurrent
 * callers share one refresh in flight, and a caller holding an access token that was already
 * replaced gets the new one without another refresh (the old refresh token is spent).
 */
import ky, { type KyInstance } from 'ky';
import { TokenResponseSchema } from '@cutline/contract/api';
import { CLIENT_ID, REDIRECT_URI } from '@cutline/contract/oauth-client';
import { err, ok, type Result } from '@cutline/contract/result';
import { toAppError } from './http-errors';
import type { Logger } from './logger';
import { PendingSignIns } from './pending-sign-ins';
import { codeChallengeS256, createCodeVerifier, createState, type RandomBytes } from './pkce';
import type { Settings } from './settings';
import type { StoredTokens, TokenVault } from './vault';


export interface SessionDeps {
  settings: Settings;
  fetch: typeof fetch;
  vault: TokenVault;
  logger: Logger;
  now: () => number;
  random?: RandomBytes;
  timeoutMs?: number;
  /** Where the service sends the browser back: the deep link (default) or a loopback page (browser host). */
  redirectUri?: string;
}

export class Session {
  private tokens: StoredTokens | null;
  private refreshing: Promise<Result<string>> | null = null;
  /** Bumped on every sign-in and sign-out, so a refresh that outlives its session is dropped. */
  private generation = 0;
  private readonly pending: PendingSignIns;
  private readonly http: KyInstance;
  private readonly endedListeners = new Set<() => void>();

  constructor(private readonly deps: SessionDeps) {
    this.tokens = deps.vault.load();
    this.pending = new PendingSignIns(deps.now);
    this.http = ky.create({
      prefixUrl: deps.settings.serviceUrl,
      fetch: deps.fetch,
      timeout: deps.timeoutMs ?? 15_000,
      // never retried: a refresh token is single-use, and a code is too
      retry: 0,
    });
  }

  get signedIn(): boolean {
    return this.tokens !== null;
  }

  /** The current access token, or null when signed out. */
  accessToken(): string | null {
    return this.tokens?.accessToken ?? null;
  }

  /** Called when the session ends on its own (refresh token refused). */
  onEnded(listener: () => void): () => void {
    this.endedListeners.add(listener);
    return () => this.endedListeners.delete(listener);
  }

  /** Starts a sign-in: remembers a fresh state + verifier and returns the authorize URL. */
  beginSignIn(): string {
    const verifier = createCodeVerifier(this.deps.random);
    const state = createState(this.deps.random);
    this.pending.add(state, verifier);
    const url = new URL(`${this.deps.settings.serviceUrl}/oauth/authorize`);
    url.search = new URLSearchParams({
      response_type: 'code',
      client_id: CLIENT_ID,
      redirect_uri: this.deps.redirectUri ?? REDIRECT_URI,
      state,
      code_challenge: codeChallengeS256(verifier),
      code_challenge_method: 'S256',
    }).toString();
    return url.toString();
  }

  /** Cancels every sign-in started and not finished: their callbacks are refused from now on. */
  cancelSignIns(): void {
    this.pending.clear();
  }

  /** True for a state this app issued that is still unused and unexpired. */
  isIssuedState(state: string): boolean {
    return this.pending.has(state);
  }

  /** Finishes a sign-in from the callback deep link: consumes the state, exchanges the code. */
  async completeSignIn(code: string, state: string): Promise<Result<void>> {
    const verifier = this.pending.take(state);
    if (!verifier) return err('forbidden', 'This sign-in link was not started by this app or has expired.');
    try {
      const body = await this.http
        .post('oauth/token', {
          json: { grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: this.deps.redirectUri ?? REDIRECT_URI, client_id: CLIENT_ID },
        })
        .json();
      const tokens = TokenResponseSchema.parse(body);
      this.generation++;
      this.refreshing = null;
      this.store({ accessToken: tokens.access_token, refreshToken: tokens.refresh_token });
      this.deps.logger.info('signed in');
      return ok(undefined);
    } catch (error) {
      const appError = await toAppError(error);
      this.deps.logger.warn('sign-in code exchange failed', { code: appError.code });
      return { ok: false, error: appError };
    }
  }

  /**
   * A fresh access token. `usedToken` is the token a request was refused with: if it has already
   * been replaced, the current token is returned without refreshing again.
   */
  refresh(usedToken?: string): Promise<Result<string>> {
    if (!this.tokens) return Promise.resolve(err('signed_out', 'Sign in to continue.'));
    if (usedToken !== undefined && usedToken !== this.tokens.accessToken) {
      return Promise.resolve(ok(this.tokens.accessToken));
    }
    this.refreshing ??= this.runRefresh().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  private async runRefresh(): Promise<Result<string>> {
    const generation = this.generation;
    const refreshToken = this.tokens!.refreshToken;
    let body: unknown;
    try {
      body = await this.http
        .post('oauth/token', { json: { grant_type: 'refresh_token', refresh_token: refreshToken, client_id: CLIENT_ID } })
        .json();
    } catch (error) {
      const appError = await toAppError(error);
      if (generation !== this.generation) return err('signed_out', 'Signed out.');
      if (appError.code === 'offline' || appError.code === 'timeout' || appError.code === 'server_error' || appError.code === 'rate_limited') {
        // the refresh token may still be good: keep it for the next attempt
        this.deps.logger.warn('token refresh failed, will retry later', { code: appError.code });
        return { ok: false, error: appError };
      }
      this.deps.logger.warn('refresh token refused, signing out', { code: appError.code });
      this.end();
      return err('signed_out', 'Your session has ended. Sign in again.');
    }
    if (generation !== this.generation) return err('signed_out', 'Signed out.');
    const parsed = TokenResponseSchema.safeParse(body);
    if (!parsed.success) return err('server_error', 'The sign-in service sent an unexpected answer.');
    this.store({ accessToken: parsed.data.access_token, refreshToken: parsed.data.refresh_token });
    this.deps.logger.info('access token refreshed');
    return ok(parsed.data.access_token);
  }

  /** Revokes both tokens at the service (best effort) and forgets them here. */
  async signOut(): Promise<void> {
    const tokens = this.tokens;
    this.generation++;
    this.refreshing = null;
    this.tokens = null;
    this.deps.vault.clear();
    if (!tokens) return;
    const revoke = (token: string) =>
      this.http.post('oauth/revoke', { json: { token, client_id: CLIENT_ID } }).then(
        () => true,
        async (error: unknown) => {
          this.deps.logger.warn('token revocation failed', { code: (await toAppError(error)).code });
          return false;
        },
      );
    await Promise.all([revoke(tokens.refreshToken), revoke(tokens.accessToken)]);
    this.deps.logger.info('signed out');
  }

  private store(tokens: StoredTokens): void {
    this.tokens = tokens;
    this.deps.vault.save(tokens);
  }

  private end(): void {
    this.generation++;
    this.tokens = null;
    this.deps.vault.clear();
    for (const listener of this.endedListeners) listener();
  }
}
