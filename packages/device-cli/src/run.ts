/**
 * The device CLI's main function, with its world injected (output streams, environment, abort
 * signal) so tests run it in-process. Exit codes: 0 done, 1 failed, 2 bad arguments.
 */
import { CliError } from './api';
import { parse, USAGE, UsageError } from './args';
import * as cmd from './commands';
import { configDir, TokenStore } from './token-store';

export interface Io {
  stdout: { write(s: string): unknown };
  stderr: { write(s: string): unknown };
  env: Record<string, string | undefined>;
  /** Ends `watch` (Ctrl-C in the real process). */
  signal?: AbortSignal;
  now?: () => number;
}

export async function run(argv: readonly string[], io: Io): Promise<number> {
  let parsed;
  try {
    parsed = parse(argv, io.env);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr.write(`device: ${e.message}\n\n${USAGE}\n`);
      return 2;
    }
    throw e;
  }
  const { globals, command } = parsed;
  if (command.name === 'help') {
    io.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const env: cmd.Env = {
    globals,
    store: new TokenStore(configDir(io.env)),
    env: io.env,
    now: io.now ?? Date.now,
    signal: io.signal ?? new AbortController().signal,
    print: (text, json) => io.stdout.write(globals.json ? `${JSON.stringify(json)}\n` : `${text}\n`),
    notice: (text) => io.stderr.write(`${text}\n`),
  };
  try {
    switch (command.name) {
      case 'signin':
        await cmd.signin(env, command);
        break;
      case 'login':
        await cmd.login(env, command);
        break;
      case 'signout':
        await cmd.signout(env);
        break;
      case 'balance':
        await cmd.balance(env);
        break;
      case 'spend':
        await cmd.spend(env, command);
        break;
      case 'tools':
        await cmd.tools(env);
        break;
      case 'history':
        await cmd.history(env, command);
        break;
      case 'grant':
        await cmd.grant(env, command);
        break;
      case 'watch':
        await cmd.watchCmd(env);
        break;
    }
    return 0;
  } catch (e) {
    const err =
      e instanceof CliError ? e : new CliError(e instanceof Error ? e.message : String(e), 'internal');
    const line = globals.json
      ? JSON.stringify({ ...err.details, error: err.code, message: err.message })
      : `device: ${err.message.replace(/\s*\n\s*/g, ' ')}`;
    io.stderr.write(`${line}\n`);
    return 1;
  }
}
