/**
 * The IPC channel map: every `CutlineApi` method, whether it is a request (`invoke`, answered
 * once) or a subscription (`event`, pushed main → renderer), and its channel name. Plain data
 * and one small function, no schemas: the sandboxed preload and the browser host's page script
 * import this module, so it must stay free of zod (the argument schemas are main-side, in
 * `ipc.ts`, keyed by the same methods).
 *
 * `createCutlineClient(invoke, on)` builds a `CutlineApi` from the map for any transport: the
 * preload (ipcRenderer), the browser host's bridge client (a WebSocket) and the core's facade
 * (direct calls) are all built with it, so none of them lists the methods by hand.
 */
import type { CutlineApi } from './ipc';

export const CHANNELS = {
  getState: { kind: 'invoke', channel: 'cutline:getState', arity: 0 },
  signIn: { kind: 'invoke', channel: 'cutline:signIn', arity: 0 },
  signOut: { kind: 'invoke', channel: 'cutline:signOut', arity: 0 },
  getBalance: { kind: 'invoke', channel: 'cutline:getBalance', arity: 0 },
  listTools: { kind: 'invoke', channel: 'cutline:listTools', arity: 0 },
  getLedger: { kind: 'invoke', channel: 'cutline:getLedger', arity: 1 },
  quote: { kind: 'invoke', channel: 'cutline:quote', arity: 1 },
  hold: { kind: 'invoke', channel: 'cutline:hold', arity: 1 },
  capture: { kind: 'invoke', channel: 'cutline:capture', arity: 1 },
  release: { kind: 'invoke', channel: 'cutline:release', arity: 1 },
  openWeb: { kind: 'invoke', channel: 'cutline:openWeb', arity: 1 },
  retryNow: { kind: 'invoke', channel: 'cutline:retryNow', arity: 0 },
  setAlertSettings: { kind: 'invoke', channel: 'cutline:setAlertSettings', arity: 1 },
  loadProjects: { kind: 'invoke', channel: 'cutline:loadProjects', arity: 0 },
  saveProjects: { kind: 'invoke', channel: 'cutline:saveProjects', arity: 1 },
  getPrefs: { kind: 'invoke', channel: 'cutline:getPrefs', arity: 0 },
  setPrefs: { kind: 'invoke', channel: 'cutline:setPrefs', arity: 1 },
  listMedia: { kind: 'invoke', channel: 'cutline:listMedia', arity: 0 },
  importMedia: { kind: 'invoke', channel: 'cutline:importMedia', arity: 1 },
  pickMediaFiles: { kind: 'invoke', channel: 'cutline:pickMediaFiles', arity: 0 },
  setWindowTitle: { kind: 'invoke', channel: 'cutline:setWindowTitle', arity: 1 },
  onState: { kind: 'event', channel: 'cutline:state' },
  onBalance: { kind: 'event', channel: 'cutline:balance' },
  onLedgerEntry: { kind: 'event', channel: 'cutline:ledgerEntry' },
  onNotice: { kind: 'event', channel: 'cutline:notice' },
  onMenuCommand: { kind: 'event', channel: 'cutline:menuCommand' },
  // the app's own updates and crash reports
  getUpdateStatus: { kind: 'invoke', channel: 'cutline:getUpdateStatus', arity: 0 },
  checkForUpdates: { kind: 'invoke', channel: 'cutline:checkForUpdates', arity: 0 },
  restartToUpdate: { kind: 'invoke', channel: 'cutline:restartToUpdate', arity: 0 },
  deferUpdate: { kind: 'invoke', channel: 'cutline:deferUpdate', arity: 0 },
  onUpdateStatus: { kind: 'event', channel: 'cutline:updateStatus' },
  getCrashReporting: { kind: 'invoke', channel: 'cutline:getCrashReporting', arity: 0 },
  setCrashReporting: { kind: 'invoke', channel: 'cutline:setCrashReporting', arity: 1 },
  reportRendererError: { kind: 'invoke', channel: 'cutline:reportRendererError', arity: 1 },
} as const satisfies Record<keyof CutlineApi, { kind: 'invoke'; channel: string; arity: 0 | 1 } | { kind: 'event'; channel: string }>;

type Map_ = typeof CHANNELS;
export type ChannelMethod = keyof Map_;
export type InvokeMethod = { [M in ChannelMethod]: Map_[M]['kind'] extends 'invoke' ? M : never }[ChannelMethod];
export type EventMethod = { [M in ChannelMethod]: Map_[M]['kind'] extends 'event' ? M : never }[ChannelMethod];
/** What a subscription delivers. */
export type EventPayload<M extends EventMethod> = Parameters<Parameters<CutlineApi[M]>[0]>[0];

// ---- compile-time proof that the map and the interface agree, both ways ----------------------
type Is<T extends true> = T;
/** Every method of the interface is in the map, and nothing else is (the `satisfies` above). */
type _MapCoversApi = Is<Exclude<keyof CutlineApi, ChannelMethod> extends never ? true : false>;
/** Each request's declared arity is its parameter count in the interface, and it returns a promise. */
type _InvokeShapes = Is<
  { [M in InvokeMethod]: Parameters<CutlineApi[M]>['length'] extends Map_[M]['arity'] ? (ReturnType<CutlineApi[M]> extends Promise<unknown> ? true : false) : false }[InvokeMethod] extends true ? true : false
>;
/** Each subscription takes one callback and returns an unsubscribe. */
type _EventShapes = Is<
  { [M in EventMethod]: Parameters<CutlineApi[M]>['length'] extends 1 ? (ReturnType<CutlineApi[M]> extends () => void ? (Parameters<CutlineApi[M]>[0] extends (payload: EventPayload<M>) => void ? true : false) : false) : false }[EventMethod] extends true ? true : false
>;

export const INVOKE_METHODS = (Object.keys(CHANNELS) as ChannelMethod[]).filter((m): m is InvokeMethod => CHANNELS[m].kind === 'invoke');
export const EVENT_METHODS = (Object.keys(CHANNELS) as ChannelMethod[]).filter((m): m is EventMethod => CHANNELS[m].kind === 'event');

export type Invoke = (method: InvokeMethod, channel: string, args: unknown[]) => Promise<unknown>;
export type Subscribe = (method: EventMethod, channel: string, listener: (payload: unknown) => void) => () => void;

/**
 * A `CutlineApi` whose requests go to `invoke` (with exactly the interface's arguments) and whose
 * subscriptions go to `on`.
 */
export function createCutlineClient(invoke: Invoke, on: Subscribe): CutlineApi {
  const api: Record<string, unknown> = {};
  for (const method of INVOKE_METHODS) {
    const { channel, arity } = CHANNELS[method];
    api[method] = (...args: unknown[]) => invoke(method, channel, args.slice(0, arity));
  }
  for (const method of EVENT_METHODS) {
    const { channel } = CHANNELS[method];
    api[method] = (listener: (payload: unknown) => void) => on(method, channel, listener);
  }
  return api as unknown as CutlineApi;
}
