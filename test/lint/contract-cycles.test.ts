/**
 * The contract has no import circle, type-only imports included: each module can be read (and
 * bundled alone, as the preload does with the channel map) without the ones that build on it.
 * Imports are read with TypeScript's own pre-processor; the walk is a depth-first search.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const CONTRACT = resolve('packages/contract/src');

function modules(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? modules(join(dir, e.name)) : /\.tsx?$/.test(e.name) && !e.name.endsWith('.d.ts') ? [join(dir, e.name)] : [],
  );
}

/** The modules of `within` that `file` imports (relative specifiers and `@cutline/contract/…`). */
function importsOf(file: string, within: string): string[] {
  const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  return importedFiles.flatMap(({ fileName }) => {
    const base = fileName.startsWith('.') ? resolve(dirname(file), fileName) : fileName.startsWith('@cutline/contract/') ? join(within, fileName.slice('@cutline/contract/'.length)) : null;
    if (!base) return [];
    const found = [base, `${base}.ts`, `${base}.tsx`, join(base, 'index.ts')].find((p) => p.startsWith(within) && existsSync(p) && /\.tsx?$/.test(p));
    return found ? [found] : [];
  });
}

/** Every import circle among the modules under `dir`, each as the chain of files that closes it. */
function importCycles(dir: string): string[][] {
  const graph = new Map(modules(dir).map((f) => [f, importsOf(f, dir)]));
  const cycles: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (f: string) => {
    state.set(f, 'open');
    path.push(f);
    for (const next of graph.get(f) ?? []) {
      if (state.get(next) === 'open') cycles.push([...path.slice(path.indexOf(next)), next].map((p) => relative(dir, p)));
      else if (!state.has(next)) visit(next);
    }
    path.pop();
    state.set(f, 'done');
  };
  for (const f of graph.keys()) if (!state.has(f)) visit(f);
  return cycles;
}

describe('packages/contract', () => {
  it('has no import circle', () => {
    expect(importCycles(CONTRACT)).toEqual([]);
  });

  it('the check finds a circle when there is one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cutline-cycles-'));
    try {
      writeFileSync(join(dir, 'a.ts'), "import type { B } from './b';\nexport type A = B[];\n");
      writeFileSync(join(dir, 'b.ts'), "import { c } from './c';\nexport type B = typeof c;\n");
      writeFileSync(join(dir, 'c.ts'), "import type { A } from './a';\nexport const c: A | null = null;\n");
      expect(importCycles(dir)).toEqual([['a.ts', 'b.ts', 'c.ts', 'a.ts']]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
