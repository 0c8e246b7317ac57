/**
 * Crash reports in Electron: native crashes of the main and renderer processes as minidumps
 * (Chromium's crashpad, `crashReporter`), posted by crashpad itself to the service's
 * `POST /v1/crash-reports` — uploads on only while the user's choice is on — and the main
 * process's uncaught JavaScript errors handed to the core, which sends them (scrubbed) only with
 * consent. The renderer's come over IPC (`reportRendererError`).
 */
import type { CrashReporter } from 'electron';
import type { Logger } from '../core/logger';

export interface NativeCrashReporting {
  /** The user's choice changed: crashpad uploads, or keeps minidumps on disk only. */
  setUploads(enabled: boolean): void;
}

/** Starts crashpad (call before `ready`, so every process is covered from its first moment). */
export function startNativeCrashReporter(
  crashReporter: Pick<CrashReporter, 'start' | 'setUploadToServer'>,
  options: { submitURL: string; enabled: boolean; version: string },
): NativeCrashReporting {
  crashReporter.start({
    submitURL: options.submitURL,
    uploadToServer: options.enabled,
    productName: 'Cutline',
    // our reports only: no OS crash dialog or system reporter on top
    ignoreSystemCrashHandler: true,
    // at most one upload an hour (crashpad's own limit; the service limits per client too)
    rateLimit: true,
    // gzip, which the service's endpoint takes
    compress: true,
    // nothing of the user's: the app's version only (crashpad adds product, version, platform, process type)
    globalExtra: { _companyName: 'Cutline', cutline_version: options.version },
  });
  return { setUploads: (enabled) => crashReporter.setUploadToServer(enabled) };
}

type ProcessEvents = Pick<NodeJS.Process, 'on'>;

/**
 * The main process's uncaught errors: logged (name only) and handed to `report`. With a handler
 * Electron shows no error dialog; the app keeps running, as it would after that dialog.
 */
export function catchMainProcessErrors(
  proc: ProcessEvents,
  report: (event: 'uncaughtException' | 'unhandledRejection', thrown: unknown) => Promise<unknown>,
  logger: Logger,
): void {
  const handle = (event: 'uncaughtException' | 'unhandledRejection') => (thrown: unknown) => {
    logger.error(`main process: ${event}`, { name: thrown instanceof Error ? thrown.name : typeof thrown });
    report(event, thrown).catch(() => {});
  };
  proc.on('uncaughtException', handle('uncaughtException'));
  proc.on('unhandledRejection', handle('unhandledRejection'));
}
