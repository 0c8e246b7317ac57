/**
 * Starts the real credit service (the built `packages/service/src/main.ts`, as `npm run server` does: `scripts/run-built.mjs` at the root) in a child
 * process on a free port, on a given database file, and stops it with SIGTERM.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

export interface ServerProc {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

export function startServerProcess(db: string, env: Record<string, string> = {}): Promise<ServerProc> {
  const child: ChildProcess = spawn(process.execPath, ['scripts/run-built.mjs', 'server'], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', CUTLINE_DB: db, CUTLINE_ACCESS_TTL_S: '86400', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /cutline-server listening on (http:\/\/\S+)/.exec(out);
      if (!m) return;
      child.stdout!.off('data', onData);
      child.stdout!.resume();
      // Ready: the log (a JSON line per request on stderr) is drained, not kept.
      child.stderr!.removeAllListeners('data');
      child.stderr!.resume();
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      resolve({
        url: m[1],
        pid: child.pid!,
        async stop() {
          if (child.exitCode === null) child.kill('SIGTERM');
          await exited;
        },
      });
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`the server exited (${code}) before it was ready:\n${stderr}`)));
  });
}
