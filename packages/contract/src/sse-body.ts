/**
 * `pipeSse`: feeds a fetch response body (an SSE stream, docs/api.md § Real-time push) into a parser
 * (eventsource-parser's `createParser`, or anything with `feed`) until the stream ends. One home
 * for both programs: the desktop core's stream client, the device CLI's `watch`, the service's
 * test helper and the UI bench. Resolves when the server ends it or the request is aborted;
 * never rejects. No dependency (the parser is passed in) and no environment: the contract is
 * compiled without DOM or Node types, so the two web globals used are typed here.
 */
interface ByteStream {
  getReader(): { read(): Promise<{ done: boolean; value?: Uint8Array }> };
}
declare const TextDecoder: new () => { decode(input?: Uint8Array, options?: { stream?: boolean }): string };

export async function pipeSse(body: ByteStream, parser: { feed(chunk: string): void }): Promise<void> {
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
