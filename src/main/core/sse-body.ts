import type { EventSourceParser } from 'eventsource-parser';

/**
 * Feeds a fetch response body (an SSE stream) into an eventsource-parser until the stream ends.
 * Resolves when the server ends it or the request is aborted; never rejects.
 */
export async function pipeSse(body: ReadableStream<Uint8Array>, parser: EventSourceParser): Promise<void> {
  const reader = body.getReader();
  const dec = new TextDecoder();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      parser.feed(dec.decode(value, { stream: true }));
    }
  } catch {
    // aborted or the connection dropped: the stream is over either way
  }
}
