/**
 * A real SMTP server on 127.0.0.1 for tests (smtp-server, nodemailer's companion): it accepts
 * every mail, keeps the SMTP envelope and the message as delivered (raw, and parsed by
 * mailparser), and can be told to refuse the next deliveries with a temporary error (451) — what
 * a mail server that is down for a moment answers.
 */
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  /** SMTP envelope: MAIL FROM and every RCPT TO, as the server saw them. */
  from: string;
  rcptTo: string[];
  /** The header section as delivered, unparsed. */
  rawHeaders: string;
  subject: string;
  to: string;
  text: string;
  html: string;
  /** Header names, lower-case, as parsed. */
  headerNames: string[];
}

export interface SmtpReceiver {
  port: number;
  url: string;
  mails: ReceivedMail[];
  /** Deliveries refused so far (451). */
  refused: number;
  /** Refuse the next `n` deliveries with 451. */
  refuseNext(n: number): void;
  /** Waits (polling, up to `timeoutMs`) until `count` mails match `pred`; returns them. */
  waitFor(pred: (m: ReceivedMail) => boolean, count?: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  close(): Promise<void>;
}

export async function startSmtpReceiver(port = 0): Promise<SmtpReceiver> {
  const mails: ReceivedMail[] = [];
  let refuse = 0;
  const state = { refused: 0 };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if (refuse > 0) {
          refuse--;
          state.refused++;
          const e = Object.assign(new Error('try again later'), { responseCode: 451 });
          return callback(e);
        }
        const raw = Buffer.concat(chunks);
        const text = raw.toString('utf8');
        const end = text.search(/\r?\n\r?\n/);
        void simpleParser(raw).then(
          (m) => {
            mails.push({
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
              rcptTo: session.envelope.rcptTo.map((r) => r.address),
              rawHeaders: end === -1 ? text : text.slice(0, end),
              subject: m.subject ?? '',
              to: Array.isArray(m.to) ? m.to.map((t) => t.text).join(', ') : (m.to?.text ?? ''),
              text: m.text ?? '',
              html: typeof m.html === 'string' ? m.html : '',
              headerNames: [...m.headers.keys()],
            });
            callback();
          },
          (e: Error) => callback(e),
        );
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const actual = (server.server.address() as AddressInfo).port;
  return {
    port: actual,
    url: `smtp://127.0.0.1:${actual}`,
    mails,
    get refused() {
      return state.refused;
    },
    refuseNext(n) {
      refuse = n;
    },
    async waitFor(pred, count = 1, timeoutMs = 30_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const hits = mails.filter(pred);
        if (hits.length >= count) return hits;
        if (Date.now() > until) throw new Error(`${hits.length} of ${count} mails within ${timeoutMs} ms; received: ${mails.map((m) => `${m.to}: ${m.subject}`).join(' | ')}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
