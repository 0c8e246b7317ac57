/**
 * Messages on the browser host's WebSocket between the page's `window.cutline` (the bridge
 * client) and the core. Requests are validated here and then again per method by
 * `invokeValidated` (the same zod schemas Electron's ipcMain uses).
 */
import { z } from 'zod';
import type { EventMethod } from '@cutline/contract/ipc';

export const BRIDGE_PATH = '/__cutline/bridge';
export const BRIDGE_SCRIPT_PATH = '/__cutline/bridge.js';

export const ClientMessageSchema = z.strictObject({
  type: z.literal('invoke'),
  id: z.number().int().nonnegative(),
  method: z.string().max(64),
  args: z.array(z.unknown()).max(4),
});

export type ServerMessage =
  | { type: 'result'; id: number; ok: true; value: unknown }
  | { type: 'result'; id: number; ok: false; error: string }
  | { type: 'event'; name: EventMethod; payload: unknown }
  /** The host opened a URL "in the system browser": the page opens it in a new tab. */
  | { type: 'open'; url: string };
