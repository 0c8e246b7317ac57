/**
 * How an event stream's bytes reach its socket (the SSE route, routes-events.ts).
 *
 * A committed event is encoded once for every connection that receives it: its SSE frame
 * (`sseFrame`), and the same frame as one HTTP/1.1 chunk (`sseChunk`: `<size>\r\n<frame>\r\n`).
 * A stream writes that one pre-framed chunk Buffer straight to its socket — no per-write
 * framing, no cork, no copy — when it safely can.
 *
 * INVARIANT (when a direct socket write is the body's next bytes): (1) the response's body is
 * chunked; (2) the socket is this response's — Node is writing this response on that connection
 * now (the response to a pipelined request waits until the one before it ended: until then the
 * connection's bytes are that one's); (3) the response holds none of its own bytes back: its
 * headers were sent and its output buffer (`outputData`, where Node queues a response's writes
 * while it cannot write them yet) is empty. Then socket order is body order.
 *
 * HOW A BREACH IS CAUGHT: every direct write checks the three conditions first (`canWriteDirect`);
 * when one fails the frame goes through `res.write`, which frames and queues it behind whatever
 * the response or the connection still owes, and is counted (`framed`).
 */
import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { HubEvent } from '../events';

/** The SSE frame of one committed event, encoded once and written as the same Buffer to every connection. */
const frames = new WeakMap<HubEvent, Buffer>();
export function sseFrame(e: HubEvent): Buffer {
  let f = frames.get(e);
  if (!f) frames.set(e, (f = Buffer.from(`id: ${e.version}\nevent: balance\ndata: ${e.payload}\n\n`)));
  return f;
}

/** The same frame as one HTTP/1.1 chunk (`<size hex>\r\n<frame>\r\n`), encoded once. */
const chunks = new WeakMap<HubEvent, Buffer>();
export function sseChunk(e: HubEvent): Buffer {
  let c = chunks.get(e);
  if (!c) {
    const f = sseFrame(e);
    chunks.set(e, (c = Buffer.concat([Buffer.from(`${f.length.toString(16)}\r\n`), f, CRLF])));
  }
  return c;
}
const CRLF = Buffer.from('\r\n');

/** What Node keeps on a response that the invariant reads (not in its public types). */
type ResponseState = ServerResponse & {
  chunkedEncoding?: boolean;
  outputData?: unknown[];
  socket: (Socket & { _httpMessage?: unknown }) | null;
};

export class SseWriter {
  /** Events written straight to the socket, and through the response. */
  direct = 0;
  framed = 0;

  constructor(private readonly res: ServerResponse) {}

  /** Whether the next direct socket write would be the body's next bytes (the invariant above). */
  canWriteDirect(): boolean {
    const res = this.res as ResponseState;
    const socket = res.socket;
    return (
      res.chunkedEncoding === true &&
      socket !== null &&
      socket._httpMessage === res &&
      res.headersSent &&
      (res.outputData?.length ?? 0) === 0 &&
      !socket.destroyed
    );
  }

  /** One committed event. */
  event(e: HubEvent): void {
    if (this.canWriteDirect()) {
      this.res.socket!.write(sseChunk(e));
      this.direct++;
    } else {
      this.res.write(sseFrame(e));
      this.framed++;
    }
  }

  /** Anything else of the stream (`retry:`, pings, the closing error event), through the response. */
  text(t: string): void {
    this.res.write(t);
  }
}
