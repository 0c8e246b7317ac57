/** `npm run server`: the credit service as a process (docs/operations.md § Configuration). */
import { readEnv } from './config';
import { startServer } from './start';

async function main(): Promise<void> {
  const env = readEnv(process.env);
  const server = await startServer(env);
  process.stdout.write(`cutline-server listening on ${server.url}\n`);
  process.stderr.write(`[cutline-server] mail: ${server.mail}\n`);
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`[cutline-server] ${signal}: closing\n`);
    const r = await server.close();
    const n = (k: number, one: string, many: string) => `${k} ${k === 1 ? one : many}`;
    process.stderr.write(
      `[cutline-server] ${signal}: stopped in ${r.ms} ms (${n(r.streams, 'event stream', 'event streams')} ended, ${n(r.connections, 'connection', 'connections')} closed)\n`,
    );
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((e: unknown) => {
  process.stderr.write(`cutline-server failed to start: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
