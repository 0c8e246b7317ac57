/**
 * `shell.openExternal`, guarded: only URLs on the allowlist (the core builds them: the sign-in page
 * and handoff links on the configured origins) ever reach the OS. Everything else is refused and
 * logged — this is the last line behind the core's own check.
 */
import { shell } from 'electron';
import { describeUrlSafely, type Logger } from '../core/logger';
import { externalUrlProblem, type AllowedOrigins } from '../core/url-allowlist';

export class ExternalUrlRefusedError extends Error {
  override readonly name = 'ExternalUrlRefusedError';
}

export function createExternalOpener(origins: () => AllowedOrigins, logger: Logger): (url: string) => Promise<void> {
  return async (url: string) => {
    const problem = externalUrlProblem(url, origins());
    if (problem) {
      logger.warn('openExternal refused', { url: describeUrlSafely(url), reason: problem });
      throw new ExternalUrlRefusedError(`URL not allowed: ${problem}`);
    }
    await shell.openExternal(url, { activate: true });
  };
}
