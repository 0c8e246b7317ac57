/** Which renderer the browser host serves, from `CUTLINE_RENDERER` (`vite`, the default, or `built`). */
import { resolve } from 'node:path';
import type { RendererSource } from './host';

export function rendererFromEnv(env: Record<string, string | undefined>, fallback: 'vite' | 'built' = 'vite'): RendererSource {
  const mode = env.CUTLINE_RENDERER ?? fallback;
  if (mode === 'built') return { mode: 'built', dir: resolve('out/renderer') };
  if (mode === 'vite') return { mode: 'vite' };
  throw new Error(`CUTLINE_RENDERER must be "vite" or "built", not ${JSON.stringify(mode)}`);
}
