/**
 * Crash reports from the real core to the real service: nothing leaves the app until the user
 * agrees (the choice kept per installation, the native reporter told); then the window's and
 * main's uncaught errors — planted with the signed-in user's real tokens, a cookie, an e-mail
 * address and file paths — go out already scrubbed (the bodies on the wire are checked) and are
 * stored scrubbed; the same error is sent once, and the budget caps a flood.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { invokeValidated } from '../../../src/main/core/bridge';
import { MemoryStore } from '../../../src/main/core/key-value-store';
import { useCoreSuite } from '../helpers/core-harness';

const suite = useCoreSuite();

/** The core's fetch, passing through to the service, with every crash-report body kept. */
function recordingFetch() {
  const bodies: string[] = [];
  const fetchImpl = (async (input: RequestInfo | URL, init?: RequestInit) => {
    if (String(input).endsWith('/v1/crash-reports')) bodies.push(String(init?.body));
    return fetch(input, init);
  }) as typeof fetch;
  return { bodies, fetchImpl };
}

/** The service's stored reports (its folder is made with the first one). */
const stored = () =>
  (existsSync(suite.server.crashReportsDir) ? readdirSync(suite.server.crashReportsDir) : [])
    .filter((n) => n.endsWith('.json'))
    .map((n) => readFileSync(join(suite.server.crashReportsDir, n), 'utf8'));

describe('crash reports from the core', () => {
  it('sends nothing until the user agrees; then scrubbed reports of both processes reach the service', async () => {
    const { bodies, fetchImpl } = recordingFetch();
    const consent: boolean[] = [];
    const h = await suite.signedIn('pro@cutline.test', undefined, { fetch: fetchImpl, onCrashReportingChange: (on) => consent.push(on) });
    const tokens = h.vault.load()!;
    const planted = [tokens.accessToken, tokens.refreshToken, 'cutline_session=abc123secret', 'pro@cutline.test', '/home/jonas/', 'C:\\Users\\Jonas Berg'];
    const rendererError = {
      event: 'error' as const,
      name: 'TypeError',
      message: `cannot read 'clips' of undefined (token ${tokens.accessToken}) for pro@cutline.test`,
      stack: [
        `TypeError: cannot read 'clips' of undefined (token ${tokens.accessToken})`,
        '    at applyEffect (app://cutline/assets/index-N_zzOvpN.js:1:2345)',
        '    at read (file:///home/jonas/Videos/holiday.mp4:1:1)',
        `    at fetch (http://127.0.0.1:4780/v1/balance?refresh_token=${tokens.refreshToken})`,
      ].join('\n'),
    };

    expect(await h.core.cutline.getCrashReporting()).toEqual({ enabled: false });
    expect(consent).toEqual([false]);
    await invokeValidated(h.core.cutline, 'reportRendererError', [rendererError]);
    expect(await h.core.crashReports.reportMain('uncaughtException', new Error('off'))).toBe('off');
    expect(bodies).toEqual([]);
    expect(stored()).toEqual([]);

    expect(await invokeValidated(h.core.cutline, 'setCrashReporting', [{ enabled: true }])).toEqual({ ok: true, value: { enabled: true } });
    expect(consent).toEqual([false, true]);
    expect(await h.core.crashReports.reportRenderer(rendererError)).toBe('sent');
    const mainError = new Error(`refresh failed: Cookie: cutline_session=abc123secret; Authorization: Bearer ${tokens.accessToken}`);
    mainError.stack = `Error: refresh failed\n    at refresh (C:\\Users\\Jonas Berg\\AppData\\Local\\Programs\\Cutline\\resources\\app.asar\\out\\main\\index.js:88:9)`;
    expect(await h.core.crashReports.reportMain('unhandledRejection', mainError)).toBe('sent');

    expect(bodies).toHaveLength(2);
    for (const text of [...bodies, ...stored()]) for (const secret of planted) expect(text, secret).not.toContain(secret);
    const [renderer, main] = bodies.map((b) => JSON.parse(b) as { process: string; event: string; error: { stack: string[] }; installation: string });
    expect(renderer).toMatchObject({ process: 'renderer', event: 'error' });
    expect(renderer.error.stack).toEqual([
      'at applyEffect (app://cutline/assets/index-N_zzOvpN.js:1:2345)',
      'at read (file:/<user path>:1:1)',
      'at fetch (http://127.0.0.1:4780/v1/balance?refresh_token=[redacted])',
    ]);
    expect(main).toMatchObject({ process: 'main', event: 'unhandledRejection', error: { stack: ['at refresh (<app>\\out\\main\\index.js:88:9)'] } });
    // the reports' installation id is their own, not the device id charges carry
    expect(renderer.installation).not.toBe(h.core.settings.deviceId);
    expect(stored()).toHaveLength(2);
  });

  it('the same error is sent once, a flood stops at the budget, and turning it off stops everything', async () => {
    const { bodies, fetchImpl } = recordingFetch();
    const h = await suite.core({ fetch: fetchImpl });
    h.core.crashReports.setEnabled(true);
    const error = { event: 'unhandledrejection' as const, name: 'Error', message: 'export failed', stack: null };
    expect(await h.core.crashReports.reportRenderer(error)).toBe('sent');
    expect(await h.core.crashReports.reportRenderer(error)).toBe('repeated');
    const outcomes = [];
    for (let i = 0; i < 12; i++) outcomes.push(await h.core.crashReports.reportRenderer({ ...error, message: `export failed ${i}` }));
    expect(outcomes.filter((o) => o === 'sent')).toHaveLength(9);
    expect(outcomes.slice(9)).toEqual(['over-budget', 'over-budget', 'over-budget']);
    expect(bodies).toHaveLength(10);

    expect(await h.core.cutline.setCrashReporting({ enabled: false })).toEqual({ ok: true, value: { enabled: false } });
    expect(await h.core.crashReports.reportRenderer({ ...error, message: 'after' })).toBe('off');
    expect(bodies).toHaveLength(10);
  });

  it('the choice is kept for the installation, with the same report id', async () => {
    const settingsStore = new MemoryStore();
    const { bodies, fetchImpl } = recordingFetch();
    const first = await suite.core({ settingsStore, fetch: fetchImpl });
    first.core.crashReports.setEnabled(true);
    await first.core.crashReports.reportMain('uncaughtException', new Error('first run'));
    first.stop();
    const consent: boolean[] = [];
    const second = await suite.core({ settingsStore, fetch: fetchImpl, onCrashReportingChange: (on) => consent.push(on) });
    expect(await second.core.cutline.getCrashReporting()).toEqual({ enabled: true });
    expect(consent).toEqual([true]); // the native reporter starts with uploads on
    await second.core.crashReports.reportMain('uncaughtException', new Error('second run'));
    const [a, b] = bodies.map((x) => (JSON.parse(x) as { installation: string }).installation);
    expect(a).toBe(b);
  });

  it('main refuses a renderer report that does not fit the schema', async () => {
    const h = await suite.core();
    await expect(invokeValidated(h.core.cutline, 'reportRendererError', [{ event: 'error', name: 'E', message: 'x'.repeat(5000), stack: null }])).rejects.toThrow();
    await expect(invokeValidated(h.core.cutline, 'setCrashReporting', [{ enabled: 'yes' }])).rejects.toThrow();
  });
});
