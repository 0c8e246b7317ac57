/**
 * Who may talk to the browser host. It listens on 127.0.0.1, but a page on any web site can still
 * reach it through DNS rebinding (a name that first resolves to the attacker, then to 127.0.0.1)
 * or simply by sending requests there. So:
 * - the `Host` header of every request and WebSocket upgrade must name the host itself
 *   (`127.0.0.1:<port>` or `localhost:<port>`) — a rebound name fails here;
 * - a WebSocket upgrade must come from a page of the host's own origin (`Origin`, which browsers
 *   always send on WebSockets);
 * - anything but GET/HEAD carrying an `Origin` must carry the host's own; a request without one
 *   is not from a web page (curl, the tests' fetch) and may post.
 * Pure rules: each returns the refusal in words, or null.
 */

/** The host's own origins for a port. */
export const ownOrigins = (port: number): string[] => [`http://127.0.0.1:${port}`, `http://localhost:${port}`];

export function hostProblem(host: string | undefined, port: number): string | null {
  const allowed = [`127.0.0.1:${port}`, `localhost:${port}`];
  if (host !== undefined && allowed.includes(host.toLowerCase())) return null;
  return `This browser host answers only to ${allowed.join(' or ')}; the request named ${host === undefined ? 'no host' : JSON.stringify(host)}.`;
}

export function originProblem(origin: string | undefined, port: number, required: boolean): string | null {
  if (origin === undefined) return required ? 'Only pages served by this browser host may connect (the request has no Origin).' : null;
  if (ownOrigins(port).includes(origin.toLowerCase())) return null;
  return `Only pages served by this browser host may do this; the request came from ${JSON.stringify(origin)}.`;
}

/** Query parameters of an opened URL that are one-time secrets (handoff and sign-in `code`, sign-in `state`). */
const SECRET_PARAMS = ['code', 'state'];

/** An opened URL as `GET /__cutline/opened` lists it: the secrets' values replaced. */
export function redactOpenedUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return '[not a URL]';
  }
  for (const name of SECRET_PARAMS) if (url.searchParams.has(name)) url.searchParams.set(name, 'redacted');
  return url.toString();
}
