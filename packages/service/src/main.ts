/** `npm run server`: the credit service as a process (docs/operations.md § Configuration). */
import { readEnv } from './config';
import { flushLogger } from './http/logging';
import { startServer } from './start';

async function main(): Promise<void> {
  const env = readEnv(process.env);
  const server = await startServer(env);
  // stdout carries this line (other programs wait for it) and, with no SMTP server, the printed
  // mail lines; the log is JSON lines on stderr.
  process.stdout.write(`cutline-server listening on ${server.url}\n`);
  const { logger } = server;
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, `${signal}: closing`);
    const r = await server.close();
    const n = (k: number, one: string, many: string) => `${k} ${k === 1 ? one : many}`;
    logger.info(
      { signal, ms: r.ms, streams: r.streams, connections: r.connections },
      `${signal}: stopped in ${r.ms} ms (${n(r.streams, 'event stream', 'event streams')} ended, ${n(r.connections, 'connection', 'connections')} closed)`,
    );
    await flushLogger(logger);
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((e: unknown) => {
  process.stderr.write(`cutline-server failed to start: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
