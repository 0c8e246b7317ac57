/**
 * Crash reports (an extension, docs/api.md § Crash reports):
 *
 * - `POST /v1/crash-reports` — no token (a crash may come before or without a sign-in):
 *   `application/json` (the desktop core's report of an uncaught JavaScript error, at most
 *   64 KiB) or `multipart/form-data` (crashpad's native minidump upload: its fields plus the file
 *   `upload_file_minidump`, at most 8 MiB), either optionally `Content-Encoding: gzip` (crashpad
 *   compresses). JSON → 201 `{"id","kind"}`; multipart → 200 with the report id as plain text,
 *   which is what crashpad records. Over a client's allowance → 429 with `Retry-After`.
 * - With the admin token: `GET /admin/v1/crash-reports?limit&before` (newest first),
 *   `GET /admin/v1/crash-reports/:id`, `GET /admin/v1/crash-reports/:id/minidump`, and the page
 *   `GET /admin/crash-reports` (Bearer, or Basic with the token as password so a browser can
 *   open it).
 */
import { Transform, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import Busboy from '@fastify/busboy';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { CRASH_REPORT_JSON_LIMIT, CrashReportSchema, MINIDUMP_FIELD, MINIDUMP_LIMIT } from '@cutline/contract/crash-reports';
import { text } from '@cutline/contract/text';
import type { CrashReportInbox, StoredCrashReport } from '../service/crash-reports/inbox';
import { ServiceError } from '../service/kernel/errors';
import { adminAuth } from './admin-auth';
import { html, page, PAGE_CSP } from './html';
import { parse } from './validate';

export const CRASH_REPORTS_PATH = '/v1/crash-reports';

/** Form fields crashpad sends beside the dump (product, version, platform, process type, annotations). */
const MAX_FIELDS = 64;
const MAX_FIELD_BYTES = 4096;

const ListQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  before: text().max(64).optional(),
});
const IdParam = z.object({ id: text().min(1).max(64) });

/** The form crashpad posted, its minidump kept out of the body the control-character check walks. */
class MinidumpForm {
  readonly #minidump: Buffer;
  constructor(
    readonly fields: Record<string, string>,
    minidump: Buffer,
  ) {
    this.#minidump = minidump;
  }
  get minidump(): Buffer {
    return this.#minidump;
  }
}

/** Counts what flows through and fails once more than `limit` bytes came (a gzip bomb, an endless form). */
function limited(limit: number, onOver: () => Error): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      seen += chunk.length;
      if (seen > limit) callback(onOver());
      else callback(null, chunk);
    },
  });
}

const tooLarge = (limit: number) => new ServiceError('invalid_request', `the crash report is larger than ${limit} bytes`, {}, 413);

function readMinidumpForm(req: FastifyRequest, payload: Readable): Promise<MinidumpForm> {
  return new Promise((resolve, reject) => {
    const fields: Record<string, string> = {};
    let minidump: Buffer | null = null;
    let failed = false;
    const fail = (error: Error) => {
      if (failed) return;
      failed = true;
      payload.unpipe();
      payload.resume();
      reject(error);
    };
    let form: ReturnType<typeof Busboy>;
    try {
      form = Busboy({
        headers: req.headers as { 'content-type': string },
        limits: { files: 1, fileSize: MINIDUMP_LIMIT, fields: MAX_FIELDS, fieldSize: MAX_FIELD_BYTES, parts: MAX_FIELDS + 1 },
      });
    } catch {
      reject(new ServiceError('invalid_request', 'the form could not be read (multipart/form-data needs a boundary)'));
      return;
    }
    form.on('field', (name, value, nameTruncated, valueTruncated) => {
      if (nameTruncated || valueTruncated) fail(new ServiceError('invalid_request', `form field ${name.slice(0, 64)} is longer than ${MAX_FIELD_BYTES} bytes`));
      else fields[name] = value;
    });
    form.on('file', (name, stream) => {
      if (name !== MINIDUMP_FIELD) {
        stream.resume();
        fail(new ServiceError('invalid_request', `the only file a crash report takes is ${MINIDUMP_FIELD}`));
        return;
      }
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('limit', () => fail(tooLarge(MINIDUMP_LIMIT)));
      stream.on('end', () => {
        minidump = Buffer.concat(chunks);
      });
    });
    for (const limit of ['partsLimit', 'filesLimit', 'fieldsLimit'] as const) {
      form.on(limit, () => fail(new ServiceError('invalid_request', `a crash report takes one minidump and at most ${MAX_FIELDS} fields`)));
    }
    form.on('error', (error: unknown) => fail(error instanceof ServiceError ? error : new ServiceError('invalid_request', 'the form could not be read')));
    form.on('finish', () => {
      if (failed) return;
      if (!minidump) fail(new ServiceError('invalid_request', `the form has no ${MINIDUMP_FIELD} file`));
      else resolve(new MinidumpForm(fields, minidump));
    });
    payload.on('error', (error) => fail(error instanceof ServiceError ? error : new ServiceError('invalid_request', 'the upload could not be read')));
    payload.pipe(limited(MINIDUMP_LIMIT + MAX_FIELDS * (MAX_FIELD_BYTES + 512), () => tooLarge(MINIDUMP_LIMIT))).on('error', fail).pipe(form);
  });
}

const clientAddress = (req: FastifyRequest) => req.socket.remoteAddress ?? 'unknown';

export async function crashReportRoutes(app: FastifyInstance, inbox: CrashReportInbox, opts: { adminToken: string | null }): Promise<void> {
  await app.register(async (scope) => {
    // crashpad's upload; only this route reads forms of that kind
    scope.addContentTypeParser('multipart/form-data', (req, payload, done) => {
      readMinidumpForm(req, payload as Readable).then((form) => done(null, form), (error: Error) => done(error, undefined));
    });
    // crashpad compresses: undo it before any parser reads, counting what came over the wire
    scope.addHook('preParsing', async (req, _reply, payload) => {
      const encoding = String(req.headers['content-encoding'] ?? 'identity').toLowerCase();
      if (encoding === 'identity') return payload;
      if (encoding !== 'gzip') throw new ServiceError('invalid_request', 'crash reports take Content-Encoding gzip or none', {}, 415);
      // Fastify compares what came over the wire, not what it became, with Content-Length
      const body = limited(MINIDUMP_LIMIT + 1024 * 1024, () => tooLarge(MINIDUMP_LIMIT)) as Transform & { receivedEncodedLength: number };
      body.receivedEncodedLength = 0;
      payload.on('data', (chunk: Buffer) => {
        body.receivedEncodedLength += chunk.length;
      });
      const gunzip = createGunzip();
      gunzip.on('error', () => body.destroy(new ServiceError('invalid_request', 'the body is not valid gzip')));
      payload.on('error', (error) => body.destroy(error));
      payload.pipe(gunzip).pipe(body);
      return body as unknown as typeof payload;
    });

    scope.post(CRASH_REPORTS_PATH, { bodyLimit: CRASH_REPORT_JSON_LIMIT }, async (req, reply) => {
      try {
        if (req.body instanceof MinidumpForm) {
          const { id } = await inbox.accept({ kind: 'minidump', fields: req.body.fields, minidump: req.body.minidump }, { address: clientAddress(req) });
          return reply.status(200).type('text/plain; charset=utf-8').send(id);
        }
        const report = parse(CrashReportSchema, req.body ?? {});
        return reply.status(201).send(await inbox.accept({ kind: 'js-error', report }, { address: clientAddress(req) }));
      } catch (error) {
        if (error instanceof ServiceError && error.code === 'rate_limited') reply.header('retry-after', String(error.extra.retryAfterSeconds ?? 3600));
        throw error;
      }
    });
  });

  if (!opts.adminToken) return; // like the admin API: off without a token
  const token = opts.adminToken;
  await app.register(async (admin) => {
    admin.addHook('onRequest', adminAuth(token));
    admin.get('/admin/v1/crash-reports', async (req) => inbox.list(parse(ListQuery, req.query ?? {}, 'query')));
    admin.get('/admin/v1/crash-reports/:id', async (req) => inbox.get(parse(IdParam, req.params, 'path').id));
    admin.get('/admin/v1/crash-reports/:id/minidump', async (req, reply) => {
      const { id } = parse(IdParam, req.params, 'path');
      const bytes = await inbox.minidump(id);
      return reply.type('application/octet-stream').header('content-disposition', `attachment; filename="${id}.dmp"`).header('cache-control', 'no-store').send(bytes);
    });
  });
  await app.register(async (pages) => {
    pages.addHook('onRequest', adminAuth(token, { basic: true }));
    pages.get('/admin/crash-reports', async (req, reply) => {
      const query = parse(ListQuery, req.query ?? {}, 'query');
      const listing = await inbox.list(query);
      return reply
        .type('text/html; charset=utf-8')
        .header('content-security-policy', PAGE_CSP)
        .header('cache-control', 'no-store')
        .header('x-frame-options', 'DENY')
        .header('referrer-policy', 'no-referrer')
        .send(page('Crash reports', reportsPage(listing.reports, listing.next, query.limit)));
    });
  });
}

function summary(r: StoredCrashReport): { what: string; where: string; detail: string[] } {
  if (r.kind === 'js-error' && r.report) {
    const { report } = r;
    return {
      what: `${report.error.name}: ${report.error.message}`,
      where: `${report.process} process · ${report.event} · Cutline ${report.app.version} · ${report.app.platform} ${report.app.arch}${report.app.electron ? ` · Electron ${report.app.electron}` : ''}`,
      detail: report.error.stack,
    };
  }
  const f = r.fields ?? {};
  return {
    what: `Native crash (${f.ptype ?? f.process_type ?? 'process unknown'})`,
    where: `${f.prod ?? f._productName ?? 'product unknown'} ${f.ver ?? f._version ?? ''} · ${f.platform ?? ''}`.trim(),
    detail: Object.entries(f).map(([k, v]) => `${k} = ${v}`),
  };
}

function reportsPage(reports: StoredCrashReport[], next: string | null, limit: number) {
  const rows = reports.map((r) => {
    const s = summary(r);
    return html`<li class="card" data-report="${r.id}" data-kind="${r.kind}">
      <h2>${s.what}</h2>
      <p class="muted">${r.receivedAt} · ${s.where}</p>
      ${r.minidump ? html`<p><a href="/admin/v1/crash-reports/${r.id}/minidump">Download the minidump</a> (${r.minidump.bytes} bytes, ${r.minidump.masked} passages masked)</p>` : ''}
      <details><summary>${r.kind === 'js-error' ? 'Stack' : 'Fields'} (${s.detail.length})</summary><pre>${s.detail.join('\n')}</pre></details>
    </li>`;
  });
  return html`<h1>Crash reports</h1>
    <p class="muted">Newest first. Reports are sent only by installations whose user agreed, and are scrubbed of tokens, cookies, e-mail addresses and the user's file paths before they are stored.</p>
    ${reports.length === 0 ? html`<p>No crash reports.</p>` : html`<ol class="reports" style="list-style:none;padding:0">${rows}</ol>`}
    ${next ? html`<p><a href="/admin/crash-reports?${new URLSearchParams({ limit: String(limit), before: next }).toString()}">Older reports</a></p>` : ''}`;
}
