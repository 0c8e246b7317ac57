/**
 * Where the service is and who this device is. The service URL comes from the environment
 * (`CUTLINE_SERVICE_URL`) when set, else from the stored settings, else the local default; the
 * web origin (for handoff links and the URL allowlist) from `CUTLINE_WEB_URL`, else the service
 * URL. The device id is made once and kept.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { KeyValueStore } from './key-value-store';

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

/** An http(s) URL without credentials, query or fragment, normalised without a trailing slash. */
export function normalizeServiceUrl(raw: string): string | null {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  if (url.username || url.password || url.search || url.hash) return null;
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

export interface SettingsSources {
  store: KeyValueStore;
  env?: Record<string, string | undefined>;
  newDeviceId?: () => string;
}

export function loadSettings({ store, env = {}, newDeviceId = randomUUID }: SettingsSources): Settings {
  const parsed = StoredSettingsSchema.safeParse(store.get('settings') ?? {});
  const stored = parsed.success ? parsed.data : {};

  const fromEnv = env.CUTLINE_SERVICE_URL ? normalizeServiceUrl(env.CUTLINE_SERVICE_URL) : null;
  if (env.CUTLINE_SERVICE_URL && !fromEnv) {
    throw new Error(`CUTLINE_SERVICE_URL is not an http(s) URL: ${JSON.stringify(env.CUTLINE_SERVICE_URL)}`);
  }
  const serviceUrl = fromEnv ?? (stored.serviceUrl && normalizeServiceUrl(stored.serviceUrl)) ?? DEFAULT_SERVICE_URL;

  const webFromEnv = env.CUTLINE_WEB_URL ? normalizeServiceUrl(env.CUTLINE_WEB_URL) : null;
  const webUrl = webFromEnv ?? (stored.webUrl && normalizeServiceUrl(stored.webUrl)) ?? serviceUrl;

  let deviceId = stored.deviceId;
  if (!deviceId) {
    deviceId = newDeviceId();
    store.set('settings', { ...stored, deviceId });
  }
  return { serviceUrl, webOrigin: new URL(webUrl).origin, deviceId };
}
