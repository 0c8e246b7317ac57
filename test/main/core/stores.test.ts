import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AppDataStore } from '../../../src/main/core/app-data-store';
import { idempotencyKeyFor } from '../../../src/main/core/idempotency';
import { JsonFileStore, MemoryStore } from '../../../src/main/core/key-value-store';
import { memoryLogger } from '../../../src/main/core/logger';
import { DEFAULT_SERVICE_URL, loadSettings } from '../../../src/main/core/settings';
import { IdempotencyKeySchema } from '@cutline/contract/api';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'cutline-main-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('JsonFileStore', () => {
  it('persists across instances', () => {
    const file = join(tempDir(), 'data.json');
    new JsonFileStore(file).set('a', { b: [1, 2] });
    expect(new JsonFileStore(file).get('a')).toEqual({ b: [1, 2] });
  });

  it('starts empty on a corrupt file and keeps the bad file aside', () => {
    const dir = tempDir();
    const file = join(dir, 'data.json');
    writeFileSync(file, '{not json');
    const store = new JsonFileStore(file);
    expect(store.get('a')).toBeUndefined();
    store.set('a', 1);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ a: 1 });
    expect(readdirSync(dir).some((f) => f.startsWith('data.json.corrupt-'))).toBe(true);
  });
});

describe('loadSettings', () => {
  it('makes a device id once and keeps it', () => {
    const store = new MemoryStore();
    const first = loadSettings({ store, newDeviceId: () => 'device-0001' });
    const second = loadSettings({ store, newDeviceId: () => 'device-0002' });
    expect(first.deviceId).toBe('device-0001');
    expect(second.deviceId).toBe('device-0001');
    expect(first.serviceUrl).toBe(DEFAULT_SERVICE_URL);
  });

  it('takes the service URL from the environment, then the store', () => {
    const store = new MemoryStore();
    store.set('settings', { serviceUrl: 'https://stored.cutline.test/' });
    expect(loadSettings({ store }).serviceUrl).toBe('https://stored.cutline.test');
    const fromEnv = loadSettings({ store, env: { CUTLINE_SERVICE_URL: 'http://127.0.0.1:9/', CUTLINE_WEB_URL: 'https://web.cutline.test/x' } });
    expect(fromEnv.serviceUrl).toBe('http://127.0.0.1:9');
    expect(fromEnv.webOrigin).toBe('https://web.cutline.test');
  });

  it('refuses a service URL that is not http(s)', () => {
    expect(() => loadSettings({ store: new MemoryStore(), env: { CUTLINE_SERVICE_URL: 'file:///etc' } })).toThrow(/CUTLINE_SERVICE_URL/);
  });

  it('refuses plain http for anything but this computer, from the environment with a clear error', () => {
    const store = new MemoryStore();
    expect(() => loadSettings({ store, env: { CUTLINE_SERVICE_URL: 'http://api.cutline.test' } })).toThrow(
      'CUTLINE_SERVICE_URL must use https (plain http is accepted only for this computer: 127.0.0.0/8, ::1, localhost): "http://api.cutline.test"',
    );
    expect(() => loadSettings({ store, env: { CUTLINE_SERVICE_URL: 'http://192.168.1.5:4780' } })).toThrow(/CUTLINE_SERVICE_URL must use https/);
    expect(() => loadSettings({ store, env: { CUTLINE_WEB_URL: 'http://cutline.test' } })).toThrow(/CUTLINE_WEB_URL must use https/);
    for (const local of ['http://127.0.0.1:4780', 'http://127.9.9.9:1', 'http://[::1]:4780', 'http://localhost:4780']) {
      expect(loadSettings({ store, env: { CUTLINE_SERVICE_URL: local, CUTLINE_WEB_URL: local } }).serviceUrl).toBe(local);
    }
    expect(loadSettings({ store, env: { CUTLINE_SERVICE_URL: 'https://api.cutline.test' } }).serviceUrl).toBe('https://api.cutline.test');
  });

  it('ignores a stored plain-http URL to another host, and says so', () => {
    const store = new MemoryStore();
    store.set('settings', { serviceUrl: 'http://api.cutline.test', webUrl: 'http://cutline.test' });
    const ignored: string[] = [];
    const settings = loadSettings({ store, onIgnored: (m) => ignored.push(m) });
    expect(settings.serviceUrl).toBe(DEFAULT_SERVICE_URL);
    expect(settings.webOrigin).toBe(new URL(DEFAULT_SERVICE_URL).origin);
    expect(ignored).toEqual([
      'The stored serviceUrl must use https (plain http is accepted only for this computer: 127.0.0.0/8, ::1, localhost); it is ignored.',
      'The stored webUrl must use https (plain http is accepted only for this computer: 127.0.0.0/8, ::1, localhost); it is ignored.',
    ]);
  });
});

describe('AppDataStore', () => {
  it('round-trips projects and merges prefs', () => {
    const data = new AppDataStore(new MemoryStore(), memoryLogger());
    expect(data.loadProjects()).toEqual({ projects: [], openProjectId: null });
    const state = {
      projects: [{ id: 'p1', name: 'Trip', createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z', clips: [] }],
      openProjectId: 'p1',
    };
    expect(data.saveProjects(state)).toEqual({ ok: true, value: undefined });
    expect(data.loadProjects()).toEqual(state);
    // asking before personal credits is on until the user turns it off
    expect(data.getPrefs()).toEqual({ exchangePromptDismissed: false, askBeforePersonalCredits: true });
    expect(data.setPrefs({ exchangePromptDismissed: true })).toEqual({ exchangePromptDismissed: true, askBeforePersonalCredits: true });
    expect(data.getPrefs()).toEqual({ exchangePromptDismissed: true, askBeforePersonalCredits: true });
    expect(data.setPrefs({ askBeforePersonalCredits: false }, 'u1')).toEqual({ exchangePromptDismissed: false, askBeforePersonalCredits: false });
    expect(data.getPrefs('u1').askBeforePersonalCredits).toBe(false);
    expect(data.getPrefs('u2').askBeforePersonalCredits).toBe(true); // per account
  });

  it('falls back to empty projects when what is stored is unreadable', () => {
    const store = new MemoryStore();
    store.set('projects', { projects: 'nope' });
    const logger = memoryLogger();
    expect(new AppDataStore(store, logger).loadProjects()).toEqual({ projects: [], openProjectId: null });
    expect(logger.records[0].message).toMatch(/unreadable/);
  });
});

describe('idempotencyKeyFor', () => {
  it('is stable for one action, distinct across actions and devices, and a valid key', () => {
    const key = idempotencyKeyFor('device-1', 'action-0001');
    expect(idempotencyKeyFor('device-1', 'action-0001')).toBe(key);
    expect(idempotencyKeyFor('device-1', 'action-0002')).not.toBe(key);
    expect(idempotencyKeyFor('device-2', 'action-0001')).not.toBe(key);
    expect(IdempotencyKeySchema.safeParse(key).success).toBe(true);
  });
});
