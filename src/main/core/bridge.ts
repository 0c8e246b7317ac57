/**
 * How a host (Electron's ipcMain, the browser host's WebSocket bridge) connects a renderer to the
 * core. A request reaches the core only through `invokeValidated`: the method must be one of
 * `INVOKE_CHANNELS` and its arguments must pass that channel's zod schema, or the call is refused.
 * Events go out through `forwardEvents`, on the channels of `EVENT_CHANNELS`.
 */
import { EVENT_CHANNELS, INVOKE_CHANNELS, type CutlineApi, type EventMethod, type InvokeMethod } from '@cutline/contract/ipc';

export class InvalidInvocationError extends Error {
  override readonly name = 'InvalidInvocationError';
}

export function isInvokeMethod(method: unknown): method is InvokeMethod {
  return typeof method === 'string' && Object.hasOwn(INVOKE_CHANNELS, method);
}

/** Validates `args` for `method` and calls it; throws `InvalidInvocationError` if either is bad. */
export async function invokeValidated(api: CutlineApi, method: unknown, args: unknown): Promise<unknown> {
  if (!isInvokeMethod(method)) throw new InvalidInvocationError(`unknown method ${JSON.stringify(String(method)).slice(0, 80)}`);
  const parsed = INVOKE_CHANNELS[method].args.safeParse(args);
  if (!parsed.success) throw new InvalidInvocationError(`invalid arguments for ${method}`);
  const fn = api[method] as (...a: unknown[]) => Promise<unknown>;
  return fn(...(parsed.data as unknown[]));
}

/** Forwards every core event to a host's send function (webContents.send, a WebSocket). */
export function forwardEvents(api: CutlineApi, send: (channel: string, payload: unknown) => void): () => void {
  const offs = (Object.keys(EVENT_CHANNELS) as EventMethod[]).map((method) => {
    const { channel } = EVENT_CHANNELS[method];
    const subscribe = api[method] as (cb: (payload: unknown) => void) => () => void;
    return subscribe((payload) => send(channel, payload));
  });
  return () => offs.forEach((off) => off());
}
