/**
 * The core's side of the browser host's WebSocket bridge. Only pages served by this host may
 * connect (the Origin header must be the host's own origin). Every request goes through
 * `invokeValidated` — the same method/argument validation Electron's ipcMain applies — and every
 * core event is sent to every connected page, as Electron sends them to its window.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { EVENT_CHANNELS, type CutlineApi, type EventMethod } from '@cutline/contract/ipc';
import { forwardEvents, invokeValidated, InvalidInvocationError } from '../main/core/bridge';
import type { Logger } from '../main/core/logger';
import { BRIDGE_PATH, ClientMessageSchema, type ServerMessage } from './bridge-protocol';

const CHANNEL_TO_EVENT = new Map(
  (Object.keys(EVENT_CHANNELS) as EventMethod[]).map((name) => [EVENT_CHANNELS[name].channel as string, name]),
);

export interface BridgeServer {
  /** Handles an HTTP upgrade; returns false when the request is not for the bridge. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  /** Tells every connected page to open a URL in a new tab. */
  openInPages(url: string): number;
  readonly clientCount: number;
  close(): Promise<void>;
}

export function createBridgeServer(options: {
  api: CutlineApi;
  allowedOrigins: () => string[];
  logger: Logger;
  onFirstClient?: () => void;
}): BridgeServer {
  const { api, logger } = options;
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  let everConnected = false;

  const send = (ws: WebSocket, message: ServerMessage) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
  };
  const broadcast = (message: ServerMessage) => {
    for (const ws of wss.clients) send(ws, message);
  };
  const stopForwarding = forwardEvents(api, (channel, payload) => {
    const name = CHANNEL_TO_EVENT.get(channel);
    if (name) broadcast({ type: 'event', name, payload });
  });

  wss.on('connection', (ws) => {
    ws.on('message', (data) => {
      let raw: unknown;
      try {
        raw = JSON.parse(String(data));
      } catch {
        raw = null;
      }
      const message = ClientMessageSchema.safeParse(raw);
      if (!message.success) {
        logger.warn('bridge message refused: malformed');
        return;
      }
      const { id, method, args } = message.data;
      invokeValidated(api, method, args).then(
        (value) => send(ws, { type: 'result', id, ok: true, value: value ?? null }),
        (error: unknown) => {
          if (error instanceof InvalidInvocationError) logger.warn('bridge call refused', { method, reason: error.message });
          else logger.error('bridge call failed', { method });
          send(ws, { type: 'result', id, ok: false, error: error instanceof InvalidInvocationError ? error.message : 'internal error' });
        },
      );
    });
    if (!everConnected) {
      everConnected = true;
      options.onFirstClient?.();
    }
  });

  return {
    handleUpgrade(request, socket, head) {
      const path = new URL(request.url ?? '/', 'http://host').pathname;
      if (path !== BRIDGE_PATH) return false;
      const origin = request.headers.origin;
      if (!origin || !options.allowedOrigins().includes(origin)) {
        logger.warn('bridge connection refused: foreign origin', { origin: origin ?? null });
        socket.write('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
        socket.destroy();
        return true;
      }
      wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
      return true;
    },
    openInPages(url) {
      broadcast({ type: 'open', url });
      return wss.clients.size;
    },
    get clientCount() {
      return wss.clients.size;
    },
    close() {
      stopForwarding();
      for (const ws of wss.clients) ws.terminate();
      return new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
