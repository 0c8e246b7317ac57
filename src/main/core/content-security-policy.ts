/**
 * The renderer's Content-Security-Policy, for both hosts. Production: scripts only from the app
 * itself, no eval, no inline script, no plugins, no frames, no forms, nothing fetched from
 * anywhere but the app (the renderer talks to the world through `window.cutline` only).
 * `dev` relaxes scripts for Vite's dev server (inline React-refresh preamble, HMR socket).
 */
export interface CspOptions {
  dev?: boolean;
  /** Extra connect-src sources (the browser host's bridge socket, the dev server's HMR). */
  connect?: string[];
  /** Extra img-src/media-src sources (Electron's dev server page loading app://cutline/media/…). */
  media?: string[];
}

export function contentSecurityPolicy({ dev = false, connect = [], media = [] }: CspOptions = {}): string {
  const directives: Record<string, string[]> = {
    'default-src': ["'none'"],
    'script-src': dev ? ["'self'", "'unsafe-inline'"] : ["'self'"],
    'style-src': ["'self'", "'unsafe-inline'"],
    'img-src': ["'self'", 'data:', 'blob:', ...media],
    'media-src': ["'self'", 'data:', 'blob:', ...media],
    'font-src': ["'self'", 'data:'],
    'connect-src': ["'self'", ...connect],
    'worker-src': ["'self'", 'blob:'],
    'object-src': ["'none'"],
    'frame-src': ["'none'"],
    'base-uri': ["'none'"],
    'form-action': ["'none'"],
    'frame-ancestors': ["'none'"],
  };
  return Object.entries(directives)
    .map(([name, values]) => `${name} ${values.join(' ')}`)
    .join('; ');
}
