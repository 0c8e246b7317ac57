/**
 * The IPC channel map: every `CutlineApi` method, whether it is a request (`invoke`, answered
 * once) or a subscription (`event`, pushed main → renderer), and its channel name. Plain data
 * and one small function, no schemas: the sandboxed preload and the browser host's page script
 * import this module, so it must stay free of zod (the argument schemas are main-side, in
 * `ipc.ts`, keyed by the same methods).
 *
 * `createCutlineClient<CutlineApi>(invoke, on)` builds a `CutlineApi` from the map for any
 * transport: the preload (ipcRenderer), the browser host's bridge client (a WebSocket) and the
 * core's facade (direct calls) are all built with it, so none of them lists the methods by hand.
 *
 * This module imports nothing: `ipc.ts` imports it and proves, at compile time, that the map and
 * the `CutlineApi` interface agree (every method in both, arities, promise and subscription
 * shapes), so the contract has no import circle.
 */

/** What a channel is: a request with its argument count, or a subscription. */
export type ChannelSpec = { kind: 'invoke'; channel: string; arity: 0 | 1 } | { kind: 'event'; channel: string };

export const CHANNELS = {
  getState: { kind: 'invoke', channel: 'cutline:getState', arity: 0 },
  signIn: { kind: 'invoke', channel: 'cutline:signIn', arity: 0 },
  cancelSignIn: { kind: 'invoke', channel: 'cutline:cancelSignIn', arity: 0 },
  signOut: { kind: 'invoke', channel: 'cutline:signOut', arity: 0 },
  getBalance: { kind: 'invoke', channel: 'cutline:getBalance', arity: 0 },
  listTools: { kind: 'invoke', channel: 'cutline:listTools', arity: 0 },
  getLedger: { kind: 'invoke', channel: 'cutline:getLedger', arity: 1 },
  getProjectUsage: { kind: 'invoke', channel: 'cutline:getProjectUsage', arity: 1 },
  quote: { kind: 'invoke', channel: 'cutline:quote', arity: 1 },
  hold: { kind: 'invoke', channel: 'cutline:hold', arity: 1 },
  capture: { kind: 'invoke', channel: 'cutline:capture', arity: 1 },
  release: { kind: 'invoke', channel: 'cutline:release', arity: 1 },
  listOpenCharges: { kind: 'invoke', channel: 'cutline:listOpenCharges', arity: 0 },
  acknowledgeCharge: { kind: 'invoke', channel: 'cutline:acknowledgeCharge', arity: 1 },
  requestMoreCredits: { kind: 'invoke', channel: 'cutline:requestMoreCredits', arity: 1 },
  openWeb: { kind: 'invoke', channel: 'cutline:openWeb', arity: 1 },
  retryNow: { kind: 'invoke', channel: 'cutline:retryNow', arity: 0 },
  setAlertSettings: { kind: 'invoke', channel: 'cutline:setAlertSettings', arity: 1 },
  loadProjects: { kind: 'invoke', channel: 'cutline:loadProjects', arity: 0 },
  saveProjects: { kind: 'invoke', channel: 'cutline:saveProjects', arity: 1 },
  getPrefs: { kind: 'invoke', channel: 'cutline:getPrefs', arity: 0 },
  setPrefs: { kind: 'invoke', channel: 'cutline:setPrefs', arity: 1 },
  listMedia: { kind: 'invoke', channel: 'cutline:listMedia', arity: 0 },
  importMedia: { kind: 'invoke', channel: 'cutline:importMedia', arity: 1 },
  removeMedia: { kind: 'invoke', channel: 'cutline:removeMedia', arity: 1 },
  pickMediaFiles: { kind: 'invoke', channel: 'cutline:pickMediaFiles', arity: 0 },
  setWindowTitle: { kind: 'invoke', channel: 'cutline:setWindowTitle', arity: 1 },
  onState: { kind: 'event', channel: 'cutline:state' },
  onBalance: { kind: 'event', channel: 'cutline:balance' },
  onLedgerEntries: { kind: 'event', channel: 'cutline:ledgerEntries' },
  onNotice: { kind: 'event', channel: 'cutline:notice' },
  onChargeSettled: { kind: 'event', channel: 'cutline:chargeSettled' },
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
} as const satisfies Record<string, ChannelSpec>;

type Map_ = typeof CHANNELS;
export type ChannelMap = Map_;
export type ChannelMethod = keyof Map_;
export type InvokeMethod = { [M in ChannelMethod]: Map_[M]['kind'] extends 'invoke' ? M : never }[ChannelMethod];
export type EventMethod = { [M in ChannelMethod]: Map_[M]['kind'] extends 'event' ? M : never }[ChannelMethod];

export const INVOKE_METHODS = (Object.keys(CHANNELS) as ChannelMethod[]).filter((m): m is InvokeMethod => CHANNELS[m].kind === 'invoke');
export const EVENT_METHODS = (Object.keys(CHANNELS) as ChannelMethod[]).filter((m): m is EventMethod => CHANNELS[m].kind === 'event');

export type Invoke = (method: InvokeMethod, channel: string, args: unknown[]) => Promise<unknown>;
export type Subscribe = (method: EventMethod, channel: string, listener: (payload: unknown) => void) => () => void;

/**
 * An `Api` (the contract's `CutlineApi`) whose requests go to `invoke` (with exactly the
 * interface's arguments) and whose subscriptions go to `on`. `Api` must have exactly the map's
 * methods; `ipc.ts` proves that `CutlineApi` does, with the right shapes.
 */
export function createCutlineClient<Api extends Record<ChannelMethod, unknown>>(invoke: Invoke, on: Subscribe): Api {
  const api: Record<string, unknown> = {};
  for (const method of INVOKE_METHODS) {
    const { channel, arity } = CHANNELS[method];
    api[method] = (...args: unknown[]) => invoke(method, channel, args.slice(0, arity));
  }
  for (const method of EVENT_METHODS) {
    const { channel } = CHANNELS[method];
    api[method] = (listener: (payload: unknown) => void) => on(method, channel, listener);
  }
  return api as unknown as Api;
}
