/**
 * The documentation points only at things that exist: every relative Markdown link of README.md
 * and docs/*.md reaches a file of the repository (and its heading, when it names one), every
 * backticked path that starts at the repository root names a file or folder that is there, and
 * no file of the repository cites documents that live outside it.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = process.cwd();
/** Tracked files plus new ones not ignored: what a clone of this branch would hold. */
const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8' })
  .split('\n')
  .filter(Boolean);
const fileSet = new Set(files);
const topLevel = new Set(files.map((f) => f.split('/')[0]));
const docs = files.filter((f) => f === 'README.md' || /^docs\/[^/]+\.md$/.test(f));

const exists = (path: string) => fileSet.has(path) || files.some((f) => f.startsWith(`${path}/`));

/** A path with `*` (one segment) or an optional `(x)` suffix part: does any file match it? */
function matches(pattern: string): boolean {
  if (!/[*(]/.test(pattern)) return exists(pattern.replace(/\/$/, ''));
  const source = pattern
    .replace(/\/$/, '')
    .split(/(\*|\([^)]*\))/)
    .map((part) => (part === '*' ? '[^/]*' : part.startsWith('(') ? `(?:${escape(part.slice(1, -1))})?` : escape(part)))
    .join('');
  const re = new RegExp(`^${source}(?:/.*)?$`);
  return files.some((f) => re.test(f));
}
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (line.startsWith('```')) fenced = !fenced;
    const m = !fenced && /^#{1,6}\s+(.*)$/.exec(line);
    if (!m) continue;
    const base = m[1]
      .trim()
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

/** The text outside fenced code blocks (links and paths there are prose). */
const prose = (markdown: string) => markdown.replace(/^```[\s\S]*?^```/gm, '');

describe('README.md and docs/*.md', () => {
  it('has the documents the README points to', () => {
    expect(docs).toEqual(
      expect.arrayContaining(['README.md', 'docs/api.md', 'docs/architecture.md', 'docs/benchmarks.md', 'docs/operations.md', 'docs/product.md', 'docs/testing.md']),
    );
  });

  for (const doc of docs) {
    const text = readFileSync(join(root, doc), 'utf8');

    it(`${doc}: every relative link reaches a file and heading of the repository`, () => {
      const broken: string[] = [];
      for (const [, target] of prose(text).matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:, cutline: …
        const [path, hash] = target.split('#');
        const file = path === '' ? doc : normalize(join(dirname(doc), path));
        if (relative(root, join(root, file)).startsWith('..') || !exists(file)) {
          broken.push(`${target}: no such file`);
          continue;
        }
        if (hash && file.endsWith('.md') && !anchors(readFileSync(join(root, file), 'utf8')).has(hash)) {
          broken.push(`${target}: no heading #${hash} in ${file}`);
        }
      }
      expect(broken).toEqual([]);
    });

    it(`${doc}: every backticked repository path exists`, () => {
      const missing: string[] = [];
      for (const [, code] of prose(text).matchAll(/`([^`\n]+)`/g)) {
        const path = code.trim();
        // A path from the repository root: no spaces or URL scheme, and it starts with a
        // top-level entry of the repository (`out/…` and other build output are not in it).
        if (!/^[\w.@-]+(\/[\w.*()@-]*)+$/.test(path) || !topLevel.has(path.split('/')[0])) continue;
        if (!matches(path)) missing.push(path);
      }
      expect(missing).toEqual([]);
    });
  }
});

describe('the repository stands on its own', () => {
  // Built from parts so that this file does not match what it looks for.
  const outside = new RegExp(['DESIGN', 'PRODUCT', 'API'].map((n) => `${n}\\.md`).concat(['\\.\\./shared']).join('|'));
  const oldLayout = new RegExp(`src/(${['server', 'shared'].join('|')})/`);
  const texts = files.filter((f) => !f.startsWith('node_modules/') && f !== 'package-lock.json' && /\.(ts|tsx|js|mjs|cjs|md|json|ya?ml|sh|html|css)$|^\.ci\//.test(f));

  /** Every line of the repository's text files that `pattern` matches, as `file:line: text`. */
  const linesMatching = (pattern: RegExp) =>
    texts.flatMap((f) =>
      readFileSync(join(root, f), 'utf8')
        .split('\n')
        .flatMap((line, i) => (pattern.test(line) ? [`${f}:${i + 1}: ${line.trim()}`] : [])),
    );

  it('cites no document outside the repository (the project documents are under docs/)', () => {
    expect(linesMatching(outside)).toEqual([]);
  });

  it('names no path of the layout before the packages (src/server, src/shared)', () => {
    expect(linesMatching(oldLayout)).toEqual([]);
  });
});
