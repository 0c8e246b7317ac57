/**
 * `npm run device -- …`: a second device (web or mobile) for a Cutline account, so a person can
 * watch the desktop app react to spending, grants and balance changes made elsewhere.
 * See `npm run device -- --help`; the logic lives in run.ts (testable in-process).
 */
import { run } from './run';

export { run } from './run';

const ac = new AbortController();
let interrupted = false;
process.on('SIGINT', () => {
  if (interrupted) process.exit(130);
  interrupted = true;
  ac.abort();
});

run(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env, signal: ac.signal }).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`device: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  },
);
