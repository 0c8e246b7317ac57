/**
 * `/metrics` as Prometheus scrapes it (docs/operations.md § Metrics): well-formed text
 * exposition, and counts that follow what happened — charge steps by outcome, refusals by code,
 * sweeps, open streams, batch sizes from the charge engine's observer, the process's own metrics. Each
 * service instance has its own registry. On the engine of the run (CUTLINE_TEST_STORE).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, charge, grant, newUser } from '../helpers/client';
import { parsePrometheus, scrape, scrapeUntil } from '../helpers/prometheus';
import { startTestServer, type TestServer } from '../helpers/server';
import { openSse } from '../helpers/sse';
import { hold } from '../../src/service/charges/steps';

describe('/metrics', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ holdTtlMs: 1000, sweepMs: 50 });
  });
  afterAll(async () => {
    await s?.close();
  });

  it('is the Prometheus text format, with the process metrics prom-client collects', async () => {
    const res = await fetch(`${s.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const m = parsePrometheus(await res.text());
    expect(m.types.get('cutline_charge_step_seconds')).toBe('histogram');
    expect(m.types.get('cutline_charge_batch_size')).toBe('histogram');
    expect(m.types.get('cutline_refusals_total')).toBe('counter');
    expect(m.types.get('cutline_open_streams')).toBe('gauge');
    expect(m.types.get('cutline_job_runs_total')).toBe('counter');
    // prom-client counts CPU from the metric's first scrape: a counter, possibly still 0 on a busy machine
    expect(m.types.get('process_cpu_user_seconds_total')).toBe('counter');
    expect(m.value('process_cpu_user_seconds_total')).toBeGreaterThanOrEqual(0);
    expect(m.value('nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
    expect(m.types.get('nodejs_eventloop_lag_seconds')).toBe('gauge');
  });

  it('counts charge steps by outcome, refusals by code, sweeps and open streams', async () => {
    const u = await newUser(s.url);
    const token = u.tokens.access_token;
    await grant(s.url, u.id, 'purchased', 30, null);
    const before = await scrape(s.url);
    const count = (m: typeof before, step: string, outcome: string) => m.value('cutline_charge_step_seconds_count', { step, outcome }) ?? 0;
    const refusals = (m: typeof before, code: string, status: string) => m.value('cutline_refusals_total', { code, status }) ?? 0;

    // Two holds captured, one released, one refused (60 > 30 - 6), a quote.
    const h1 = await charge(s.url, token, 'auto-captions');
    const h2 = await charge(s.url, token, 'auto-captions');
    const h3 = await charge(s.url, token, 'auto-captions');
    for (const h of [h1, h2, h3]) expect(h.status).toBe(201);
    expect((await call(s.url, 'POST', `/v1/charges/${h1.body.charge.id}/capture`, { token })).status).toBe(200);
    expect((await call(s.url, 'POST', `/v1/charges/${h2.body.charge.id}/capture`, { token })).status).toBe(200);
    expect((await call(s.url, 'POST', `/v1/charges/${h3.body.charge.id}/release`, { token, body: { reason: 'failed' } })).status).toBe(200);
    expect((await charge(s.url, token, 'script-to-video')).status).toBe(402);
    expect((await call(s.url, 'POST', '/v1/quotes', { token, body: { tool: 'ai-image', quantity: 1 } })).status).toBe(200);
    // A capture of a released charge: 409; a call without a token: 401; no such route: 404.
    expect((await call(s.url, 'POST', `/v1/charges/${h3.body.charge.id}/capture`, { token })).status).toBe(409);
    expect((await call(s.url, 'GET', '/v1/balance')).status).toBe(401);
    expect((await call(s.url, 'GET', '/v1/nothing-here')).status).toBe(404);

    // A hold nobody settles: the sweep releases it once its second is up.
    const lapsing = await charge(s.url, token, 'auto-captions');
    const sse = await openSse(s.url, token);
    await sse.waitFor((e) => JSON.parse(e.data).cause.kind === 'release' && JSON.parse(e.data).cause.chargeId === lapsing.body.charge.id, 15_000);

    const after = await scrapeUntil(s.url, (m) => m.value('cutline_open_streams') === 1, 'the stream to count');
    expect(count(after, 'hold', 'ok') - count(before, 'hold', 'ok')).toBe(4);
    expect(count(after, 'hold', 'refused') - count(before, 'hold', 'refused')).toBe(1);
    expect(count(after, 'capture', 'ok') - count(before, 'capture', 'ok')).toBe(2);
    expect(count(after, 'capture', 'refused') - count(before, 'capture', 'refused')).toBe(1);
    expect(count(after, 'release', 'ok') - count(before, 'release', 'ok')).toBe(1);
    expect(count(after, 'quote', 'ok') - count(before, 'quote', 'ok')).toBe(1);
    expect(after.value('cutline_charge_step_seconds_sum', { step: 'hold', outcome: 'ok' })).toBeGreaterThan(0);
    expect(refusals(after, 'insufficient_credits', '402') - refusals(before, 'insufficient_credits', '402')).toBe(1);
    expect(refusals(after, 'conflict', '409') - refusals(before, 'conflict', '409')).toBe(1);
    expect(refusals(after, 'unauthorized', '401') - refusals(before, 'unauthorized', '401')).toBe(1);
    expect(refusals(after, 'not_found', '404') - refusals(before, 'not_found', '404')).toBe(1);
    expect(after.value('cutline_http_requests_total', { method: 'POST', route: '/v1/charges/:id/capture', status: '200' })).toBeGreaterThanOrEqual(2);
    // The sweeper ran here (one instance: it holds the lease) and did the release.
    expect(after.value('cutline_job_runs_total', { job: 'sweep', outcome: 'ran' })).toBeGreaterThan(0);
    expect(after.value('cutline_job_runs_total', { job: 'sweep', outcome: 'failed' }) ?? 0).toBe(0);
    expect(after.value('cutline_job_leader', { job: 'sweep' })).toBe(1);
    expect(after.value('cutline_job_pass_seconds_count', { job: 'sweep' })).toBeGreaterThan(0);

    sse.close();
    await scrapeUntil(s.url, (m) => m.value('cutline_open_streams') === 0, 'the closed stream to be gone');
  });

  it('shows the batch sizes the charge engine reports: steps that arrive together are one batch', async () => {
    const u = await newUser(s.url);
    await grant(s.url, u.id, 'purchased', 100, null);
    const before = await scrape(s.url);
    const device = { id: 'metrics-test', platform: 'desktop' as const };
    await Promise.all(Array.from({ length: 5 }, (_, i) => hold(s.ctx, u.id, `together-${i}`, { tool: 'auto-captions', quantity: 1, device })));
    const after = await scrape(s.url);
    const grew = (name: string, labels?: Record<string, string>) => (after.value(name, labels) ?? 0) - (before.value(name, labels) ?? 0);
    // Every step is in one committed batch (the sweep's may join); the five went in one of more than 4 steps.
    expect(grew('cutline_charge_batch_size_sum')).toBeGreaterThanOrEqual(5);
    expect(grew('cutline_charge_batch_size_count') - grew('cutline_charge_batch_size_bucket', { le: '4' })).toBeGreaterThanOrEqual(1);
    expect(grew('cutline_charge_step_seconds_count', { step: 'hold', outcome: 'ok' })).toBe(5);
  });

  it('keeps each instance to its own registry', async () => {
    const other = await startTestServer();
    try {
      for (let i = 0; i < 3; i++) expect((await call(other.url, 'GET', '/v1/tools')).status).toBe(200);
      const tools = (base: string) => scrape(base).then((m) => m.value('cutline_http_requests_total', { method: 'GET', route: '/v1/tools', status: '200' }) ?? 0);
      expect(await tools(other.url)).toBe(3);
      expect(await tools(s.url)).toBe(0);
    } finally {
      await other.close();
    }
  });
});

describe('/metrics with CUTLINE_METRICS_TOKEN', () => {
  const METRICS_TOKEN = 'metrics-token-0123456789';
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ metricsToken: METRICS_TOKEN });
  });
  afterAll(async () => {
    await s?.close();
  });

  it('answers only with that token as a Bearer (not the admin token), in the API error shape otherwise', async () => {
    for (const authorization of [undefined, `Bearer ${s.adminToken}`, 'Bearer wrong-token-0123456789', METRICS_TOKEN]) {
      const res = await fetch(`${s.url}/metrics`, authorization ? { headers: { authorization } } : {});
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer');
      expect(await res.json()).toEqual({ error: 'unauthorized', message: 'the metrics need "Authorization: Bearer $CUTLINE_METRICS_TOKEN"' });
    }
    const m = await scrape(s.url, METRICS_TOKEN);
    expect(m.value('cutline_refusals_total', { code: 'unauthorized', status: '401' })).toBe(4);
  });
});
