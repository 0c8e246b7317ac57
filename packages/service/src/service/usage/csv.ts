/**
 * `GET /v1/usage.csv` (docs/api.md § Usage): one header line, then one line per captured charge,
 * written by csv-stringify (RFC 4180: CRLF line ends, a field with a comma, quote or line break
 * quoted, quotes doubled) as the pages are read — a long period is never held in memory. A text
 * cell that starts with `=`, `+`, `-` or `@` gets a `'` in front, so a spreadsheet shows it instead
 * of running it as a formula.
 */
import { pipeline, Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import { USAGE_CSV_COLUMNS } from '@cutline/contract/usage';
import type { Ctx } from '../kernel/context';
import { iso } from '../kernel/rows';
import { capturedCharges, type Period } from './report';
import type { CapturedCharge, UsageFilter } from './records';

/** The formula-injection guard: `'` before a cell a spreadsheet would read as a formula. */
export const guardCell = (s: string): string => (/^[=+\-@]/.test(s) ? `'${s}` : s);

function csvRecord(c: CapturedCharge): (string | number)[] {
  return [
    iso(c.capturedAt),
    c.id,
    c.email,
    c.tool,
    c.projectId ?? '',
    c.projectName ?? '',
    c.credits,
    c.byType.subscription,
    c.byType.activity,
    c.byType.purchased,
    c.proUses,
    c.devicePlatform ?? '',
    c.deviceId ?? '',
  ];
}

/** The CSV as a stream of text: records are read page by page while it is sent. */
export function usageCsv(ctx: Ctx, f: UsageFilter, p: Period): Readable {
  async function* records() {
    for await (const page of capturedCharges(ctx, f, p)) for (const c of page) yield csvRecord(c);
  }
  const csv = stringify({
    header: true,
    columns: [...USAGE_CSV_COLUMNS],
    record_delimiter: 'windows',
    cast: { string: guardCell },
  });
  // A failed read destroys the stream (the answer is cut short rather than ending as if complete).
  return pipeline(Readable.from(records()), csv, () => undefined);
}

/** The file name a browser saves it as: `cutline-usage-<from>-<to>.csv` (UTC days). */
export const csvFileName = (p: Period): string => `cutline-usage-${iso(p.from).slice(0, 10)}-${iso(p.to).slice(0, 10)}.csv`;
