/** The credit service as a child process (`packages/service/src/main.ts`), resolved once it prints its ready line. */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url));

export interface ServiceProcess {
  proc: ChildProcess;
  url: string;
  exited: Promise<number | null>;
  /** Everything the process wrote so far on stdout and on stderr. */
  output(): { stdout: string; stderr: string };
}

export function startProcess(env: Record<string, string>): Promise<ServiceProcess> {
  const proc = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((res) => proc.on('exit', (code) => res(code)));
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    proc.stderr!.on('data', (d) => (err += d));
    proc.stdout!.on('data', (d) => {
      out += d;
      const m = /^cutline-server listening on (http:\/\/127\.0\.0\.1:\d+)$/m.exec(out);
      if (m) resolve({ proc, url: m[1], exited, output: () => ({ stdout: out, stderr: err }) });
    });
    void exited.then((code) => reject(new Error(`server exited (${code}) before ready: ${err}`)));
  });
}
