/**
 * Where a webhook may be sent (docs/api.md § Webhooks for team admins): an `https:` URL whose host
 * resolves only to public addresses. Loopback, private, link-local, carrier-grade NAT, multicast,
 * broadcast, unspecified, documentation and other reserved ranges — IPv4 and IPv6, and IPv6 forms
 * that carry an IPv4 address (IPv4-mapped, NAT64, 6to4, Teredo) — are refused. The ranges are
 * ipaddr.js's; only its `unicast` range (public) is allowed.
 *
 * The check runs when a webhook is added and again before every attempt, whose connection goes to
 * the very address checked (deliver.ts): a name that resolves to a public address when checked and
 * to 127.0.0.1 a moment later (DNS rebinding) never reaches 127.0.0.1.
 *
 * `allowPrivate` (CUTLINE_WEBHOOK_ALLOW_PRIVATE=1, tests and private installs) allows every address,
 * and plain `http:` when every address the host resolves to is a loopback one.
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/** A host name → its addresses (the system resolver by default; tests inject their own). */
export type HostResolver = (host: string) => Promise<string[]>;

export const systemResolver: HostResolver = async (host) => (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);

/** The non-public range an address is in (ipaddr.js's name: `loopback`, `private`, …), or null when it is public. */
export function nonPublicRange(address: string): string | null {
  if (!ipaddr.isValid(address)) return 'not an IP address';
  const range = ipaddr.parse(address).range();
  return range === 'unicast' ? null : range;
}

const isLoopback = (address: string) => ipaddr.isValid(address) && ipaddr.parse(address).range() === 'loopback';

/** A webhook URL refused, with the sentence the API answers (400 invalid_request). */
export class WebhookUrlRefused extends Error {}

export interface CheckedTarget {
  url: URL;
  /** The address the connection goes to (the first of those the host resolved to, all checked). */
  address: string;
  family: 4 | 6;
}

export interface AddressPolicy {
  allowPrivate: boolean;
  resolve: HostResolver;
}

/** The URL's syntax: absolute http(s), no credentials, at most 2,000 characters. */
export function parseWebhookUrl(raw: string): URL {
  if (raw.length > 2000) throw new WebhookUrlRefused('url: at most 2,000 characters');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new WebhookUrlRefused('url: not an absolute URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new WebhookUrlRefused('url: must be https:');
  if (url.username || url.password) throw new WebhookUrlRefused('url: must not carry a user name or password');
  return url;
}

/**
 * Resolves the URL's host and checks every address it gives (and the scheme). Throws
 * `WebhookUrlRefused` with the reason; answers the address to connect to.
 */
export async function checkTarget(raw: string | URL, policy: AddressPolicy): Promise<CheckedTarget> {
  const url = typeof raw === 'string' ? parseWebhookUrl(raw) : raw;
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  let addresses: string[];
  if (isIP(host)) addresses = [host];
  else {
    try {
      addresses = await policy.resolve(host);
    } catch {
      throw new WebhookUrlRefused(`url: the host "${host}" does not resolve`);
    }
    if (!addresses.length) throw new WebhookUrlRefused(`url: the host "${host}" does not resolve`);
  }
  if (!policy.allowPrivate) {
    if (url.protocol !== 'https:') throw new WebhookUrlRefused('url: must be https:');
    for (const a of addresses) {
      const range = nonPublicRange(a);
      if (range) throw new WebhookUrlRefused(`url: ${host === a ? a : `"${host}" resolves to ${a}, which`} is not a public address (${range})`);
    }
  } else if (url.protocol === 'http:' && !addresses.every(isLoopback)) {
    throw new WebhookUrlRefused('url: must be https: (plain http: only for a loopback address)');
  }
  const address = addresses[0];
  return { url, address, family: isIP(address) === 6 ? 6 : 4 };
}
