/**
 * What the device CLI's test files share: one real service on a free port for the file, fresh
 * home folders (CUTLINE_DEVICE_HOME) removed after the last test, and the CLI run in-process
 * through its `run(argv, io)` against that service, its output collected.
 * Call `useCliSuite` at the top level of the test file.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { run } from '../src/run';
import { startTestServer, type TestServer } from '@cutline/service/test/helpers/server';

export interface CliOutcome {
  code: number;
  out: string;
  err: string;
}

export interface CliOptions {
  /** Extra environment besides CUTLINE_DEVICE_HOME. */
  env?: Record<string, string>;
  signal?: AbortSignal;
  /** Called with all of stdout so far, each time it grows. */
  onOut?: (all: string) => void;
  /** Called with all of stderr so far, each time it grows. */
  onErr?: (all: string) => void;
}

export interface CliSuite {
  /** The file's credit service (started before the first test, closed after the last). */
  readonly server: TestServer;
  /** A new, empty home folder for the CLI's session. */
  home(): string;
  /** `device --server <the suite's service> …args` with `home` as its home folder. */
  cli(home: string, args: string[], opts?: CliOptions): Promise<CliOutcome>;
}

export function useCliSuite(homePrefix: string): CliSuite {
  let server: TestServer | undefined;
  const homes: string[] = [];
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.close();
    for (const h of homes) rmSync(h, { recursive: true, force: true });
  });
  const suite: CliSuite = {
    get server() {
      if (!server) throw new Error("the suite's service is not started yet (use it inside a test or hook)");
      return server;
    },
    home() {
      const h = mkdtempSync(join(tmpdir(), homePrefix));
      homes.push(h);
      return h;
    },
    cli(home, args, opts = {}) {
      let out = '';
      let err = '';
      return run(['--server', suite.server.url, ...args], {
        stdout: { write: (s: string) => ((out += s), opts.onOut?.(out)) },
        stderr: { write: (s: string) => ((err += s), opts.onErr?.(err)) },
        env: { CUTLINE_DEVICE_HOME: home, ...(opts.env ?? {}) },
        signal: opts.signal,
      }).then((code) => ({ code, out, err }));
    },
  };
  return suite;
}
