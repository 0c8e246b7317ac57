/**
 * Where the service is and who this device is. The service URL comes from the environment
 * (`CUTLINE_SERVICE_URL`) when set, else from the stored settings, else the local default; the
 * web origin (for handoff links and the URL allowlist) from `CUTLINE_WEB_URL`, else the service
 * URL. The device id is made once and kept.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { KeyValueStore } from './key-value-store';
import { transportProblem } from './transport';

export const DEFAULT_SERVICE_URL = 'http://127.0.0.1:4780';

export interface Settings {
  /** Base URL of the credit service API, without a trailing slash. */
  serviceUrl: string;
  /** Origin of the web pages (store, pricing, exchange, credits, handoff). */
  webOrigin: string;
  /** Stable id of this installation, sent with every charge. */
  deviceId: string;
}

const StoredSettingsSchema = z.object({
  serviceUrl: z.string().optional(),
  webUrl: z.string().optional(),
  deviceId: z.string().regex(/^[A-Za-z0-9-]{8,64}$/).optional(),
});

/**
 * A service or web URL as the app accepts it: https (plain http only on loopback, `transport.ts`),
 * without credentials, query or fragment; normalised without a trailing slash. The refusal says why.
 */
export function checkServiceUrl(raw: string): { ok: true; url: string } | { ok: false; reason: string } {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return { ok: false, reason: 'is not a URL' };
  }
  const transport = transportProblem(url);
  if (transport) return { ok: false, reason: transport };
  if (url.username || url.password || url.search || url.hash) return { ok: false, reason: 'must not carry credentials, a query or a fragment' };
  return { ok: true, url: `${url.origin}${url.pathname.replace(/\/+$/, '')}` };
}

export interface SettingsSources {
  store: KeyValueStore;
  env?: Record<string, string | undefined>;
  newDeviceId?: () => string;
  /** A stored URL that was refused (and ignored), with the reason in words. */
  onIgnored?: (message: string) => void;
}

/** A URL from the environment: refused with a clear error rather than quietly replaced. */
function fromEnvironment(env: Record<string, string | undefined>, name: 'CUTLINE_SERVICE_URL' | 'CUTLINE_WEB_URL' | 'CUTLINE_UPDATE_URL'): string | null {
  const raw = env[name];
  if (!raw) return null;
  const checked = checkServiceUrl(raw);
  if (!checked.ok) throw new Error(`${name} ${checked.reason}: ${JSON.stringify(raw)}`);
  return checked.url;
}

/**
 * The update feed's URL from `CUTLINE_UPDATE_URL` (a staging feed, a local test feed), with the
 * same transport rule; null means the feed electron-builder's `publish` setting baked into the
 * installed app (`app-update.yml`).
 */
export function updateFeedFromEnv(env: Record<string, string | undefined>): string | null {
  return fromEnvironment(env, 'CUTLINE_UPDATE_URL');
}

export function loadSettings({ store, env = {}, newDeviceId = randomUUID, onIgnored = () => {} }: SettingsSources): Settings {
  const parsed = StoredSettingsSchema.safeParse(store.get('settings') ?? {});
  const stored = parsed.success ? parsed.data : {};
  const fromStore = (key: 'serviceUrl' | 'webUrl'): string | null => {
    const raw = stored[key];
    if (!raw) return null;
    const checked = checkServiceUrl(raw);
    if (checked.ok) return checked.url;
    onIgnored(`The stored ${key} ${checked.reason}; it is ignored.`);
    return null;
  };

  const serviceUrl = fromEnvironment(env, 'CUTLINE_SERVICE_URL') ?? fromStore('serviceUrl') ?? DEFAULT_SERVICE_URL;
  const webUrl = fromEnvironment(env, 'CUTLINE_WEB_URL') ?? fromStore('webUrl') ?? serviceUrl;

  let deviceId = stored.deviceId;
  if (!deviceId) {
    deviceId = newDeviceId();
    store.set('settings', { ...stored, deviceId });
  }
  return { serviceUrl, webOrigin: new URL(webUrl).origin, deviceId };
}
