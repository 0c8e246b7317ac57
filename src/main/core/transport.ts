/**
 * Which URLs may use plain `http:`: only ones on this computer's loopback (127.0.0.0/8, ::1 and
 * `localhost`), where nobody on the network can read or change the traffic. Every other host
 * must be `https:` — the app sends tokens to the service and opens sign-in and handoff pages.
 * Pure rules; settings and the external-URL allowlist use them.
 */
import { BlockList, isIP } from 'node:net';

const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');
// ::ffff:127.x.y.z, which the URL parser writes as ::ffff:7f00:1
loopback.addSubnet('::ffff:127.0.0.0', 104, 'ipv6');

/** `hostname` as `URL#hostname` gives it (IPv6 in brackets, IPv4 already normalised). */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (host === 'localhost') return true;
  const family = isIP(host);
  if (family === 4) return loopback.check(host, 'ipv4');
  if (family === 6) return loopback.check(host, 'ipv6');
  return false;
}

export const HTTPS_REQUIRED = 'must use https (plain http is accepted only for this computer: 127.0.0.0/8, ::1, localhost)';

/** Why this URL's scheme is not acceptable, or null: https anywhere, http only on loopback. */
export function transportProblem(url: URL): string | null {
  if (url.protocol === 'https:') return null;
  if (url.protocol === 'http:') return isLoopbackHost(url.hostname) ? null : HTTPS_REQUIRED;
  return 'must be an https URL';
}
