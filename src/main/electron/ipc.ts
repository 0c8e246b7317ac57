/**
 * The ipcMain side of the IPC contract (`packages/contract/src/ipc.ts`): one handler per invoke channel.
 * Every call is checked twice before it reaches the core: the sender must be the main frame of
 * our window showing our own page, and the arguments must pass the channel's zod schema.
 */
import { ipcMain, type IpcMainInvokeEvent, type WebFrameMain } from 'electron';
import { INVOKE_CHANNELS, type CutlineApi } from '@cutline/contract/ipc';
import { invokeValidated, InvalidInvocationError } from '../core/bridge';
import type { Logger } from '../core/logger';

/** `scheme://host` of a URL, also for non-special schemes such as `app:` (whose WHATWG origin is "null"). */
export function originOf(raw: string): string | null {
  try {
    const url = new URL(raw);
    return url.host ? `${url.protocol}//${url.host}` : null;
  } catch {
    return null;
  }
}

/** The sender is the top frame of the app window, on the app's origin. */
export function isTrustedSender(frame: WebFrameMain | null | undefined, appMainFrame: WebFrameMain | null | undefined, appOrigin: string): boolean {
  if (!frame || !appMainFrame) return false;
  if (frame !== appMainFrame || frame.parent !== null) return false;
  return originOf(frame.url) === appOrigin;
}

export class UntrustedSenderError extends Error {
  override readonly name = 'UntrustedSenderError';
}

/** Registers every handler; returns a function that removes them. */
export function registerIpcHandlers(
  api: CutlineApi,
  isTrusted: (event: IpcMainInvokeEvent) => boolean,
  logger: Logger,
): () => void {
  const channels: string[] = [];
  for (const [method, { channel }] of Object.entries(INVOKE_CHANNELS)) {
    channels.push(channel);
    ipcMain.handle(channel, async (event, ...args: unknown[]) => {
      if (!isTrusted(event)) {
        logger.warn('ipc call refused: untrusted sender', { channel });
        throw new UntrustedSenderError(`${channel}: sender not allowed`);
      }
      try {
        return await invokeValidated(api, method, args);
      } catch (error) {
        if (error instanceof InvalidInvocationError) logger.warn('ipc call refused: invalid arguments', { channel });
        throw error;
      }
    });
  }
  return () => channels.forEach((channel) => ipcMain.removeHandler(channel));
}
