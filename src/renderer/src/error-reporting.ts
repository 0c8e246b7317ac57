/**
 * The window's uncaught errors — `error` events (React 19 reports render errors there too) and
 * unhandled promise rejections — handed to main, which sends them, scrubbed, only when the user
 * agreed to crash reports. The renderer never talks to the service itself.
 */
import type { RendererError } from '@cutline/contract/crash-reports';
import type { CutlineApi } from '@cutline/contract/ipc';

const cut = (s: string, n: number) => (s.length > n ? s.slice(0, n) : s);

/** What an `error` or `unhandledrejection` event carries, as main's schema takes it. */
export function describeUncaught(event: 'error' | 'unhandledrejection', thrown: unknown, fallbackMessage = ''): RendererError {
  const error = thrown instanceof Error ? thrown : null;
  const message = error ? error.message : typeof thrown === 'string' ? thrown : fallbackMessage || String(thrown);
  return {
    event,
    name: cut(error?.name ?? (typeof thrown === 'string' ? 'Error' : typeof thrown), 200),
    message: cut(message, 4000),
    stack: error?.stack ? cut(error.stack, 32_000) : null,
  };
}

/** Listens on `target` (the window) and forwards; returns the unsubscribe. */
export function forwardUncaughtErrors(api: Pick<CutlineApi, 'reportRendererError'>, target: Pick<Window, 'addEventListener' | 'removeEventListener'> = window): () => void {
  const send = (report: RendererError) => {
    // reporting must never become an error of its own
    api.reportRendererError(report).catch(() => {});
  };
  const onError = (e: ErrorEvent) => send(describeUncaught('error', e.error, e.message));
  const onRejection = (e: PromiseRejectionEvent) => send(describeUncaught('unhandledrejection', e.reason));
  target.addEventListener('error', onError);
  target.addEventListener('unhandledrejection', onRejection);
  return () => {
    target.removeEventListener('error', onError);
    target.removeEventListener('unhandledrejection', onRejection);
  };
}
