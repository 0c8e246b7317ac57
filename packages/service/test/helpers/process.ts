/**
 * The credit service as a child process, resolved once it prints its ready line: from its
 * TypeScript sources through tsx, or — `built: true` — exactly as `npm run server` runs it (the
 * esbuild bundle `scripts/run-built.mjs` keeps fresh). Everything it prints is kept: stdout line
 * by line (the printed mail lines among them), stderr as text (the JSON log).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

export interface ServiceProcess {
  proc: ChildProcess;
  url: string;
  exited: Promise<number | null>;
  /** Every line printed on stdout so far (the ready line first). */
  stdout: string[];
  /** What it printed on stderr so far. */
  stderr(): string;
  /** Everything the process wrote so far on stdout and on stderr. */
  output(): { stdout: string; stderr: string };
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
}

export function startProcess(env: Record<string, string>, opts: { built?: boolean } = {}): Promise<ServiceProcess> {
  const proc = opts.built
    ? spawn(process.execPath, ['scripts/run-built.mjs', 'server'], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
    : spawn(process.execPath, ['--import', 'tsx', MAIN], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  // 'close', not 'exit': 'exit' can come before the last of stdout and stderr has been read
  const exited = new Promise<number | null>((res) => proc.on('close', (code) => res(code)));
  const stdout: string[] = [];
  let out = '';
  let partial = '';
  let err = '';
  proc.stderr!.on('data', (d) => (err += d));
  return new Promise((resolve, reject) => {
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const lines = (partial + d.toString()).split('\n');
      partial = lines.pop()!;
      for (const line of lines) {
        stdout.push(line);
        const m = /^cutline-server listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(line);
        if (m) {
          resolve({
            proc,
            url: m[1],
            exited,
            stdout,
            stderr: () => err,
            output: () => ({ stdout: out, stderr: err }),
            async stop() {
              if (proc.exitCode === null) proc.kill('SIGTERM');
              return exited;
            },
          });
        }
      }
    });
    void exited.then((code) => reject(new Error(`server exited (${code}) before ready: ${err}`)));
  });
}
