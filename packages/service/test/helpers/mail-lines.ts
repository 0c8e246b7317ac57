/** The printed mail lines (`cutline-mail to=<address> subject="…" link=<link>`), read back. */
export interface PrintedMail {
  to: string;
  subject: string;
  link: string;
}

export const MAIL_LINE = /^cutline-mail to=(\S+) subject="((?:[^"\\]|\\.)*)" link=(\S+)$/;

export function parseMailLine(line: string): PrintedMail | null {
  const m = MAIL_LINE.exec(line);
  return m ? { to: m[1], subject: m[2].replace(/\\(.)/g, '$1'), link: m[3] } : null;
}

/** Every printed mail in `lines`, oldest first. */
export function printedMails(lines: readonly string[]): PrintedMail[] {
  return lines.map(parseMailLine).filter((m): m is PrintedMail => m !== null);
}

/** Polls until `count` printed mails match `pred` (a worker sends after the request answered). */
export async function waitForPrinted(lines: readonly string[], pred: (m: PrintedMail) => boolean, count = 1, timeoutMs = 20_000): Promise<PrintedMail[]> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const hits = printedMails(lines).filter(pred);
    if (hits.length >= count) return hits;
    if (Date.now() > until) throw new Error(`${hits.length} of ${count} printed mails within ${timeoutMs} ms; printed: ${lines.join(' | ')}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
