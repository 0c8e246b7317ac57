#!/usr/bin/env node
/**
 * `npm run server` and `npm run device`: run the credit service (or the device CLI) from built
 * JavaScript, building it first when the build is stale. Plain JavaScript on purpose: nothing
 * is compiled at start unless a source changed.
 *
 *   node scripts/run-built.mjs server|device [args…]
 *
 * The build is one esbuild bundle per entry in out/node/: the workspace packages it imports
 * (`@cutline/contract`, …: TypeScript sources) are bundled in, every other package stays
 * external (resolved from the root node_modules, where npm hoists the workspaces' dependencies).
 * It is split so that modules imported on demand load only when imported: the PostgreSQL store
 * and its driver only for a postgres:// database. Stale
 * means: no bundle yet, or a file the last build read (its esbuild metafile's inputs, kept
 * beside the bundle) is newer than the bundle or gone. The bundle is written to a temporary
 * name and renamed, so two processes starting together never run a half-written file.
 * tsx stays for development (`npm run server:dev`, `npm run device:dev`).
 */
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const ENTRIES = { server: 'packages/service/src/main.ts', device: 'packages/device-cli/src/device.ts' };
/** Workspace packages export TypeScript sources: bundled. Every other package stays external. */
const WORKSPACE = '@cutline/';

const name = process.argv[2];
if (!Object.hasOwn(ENTRIES, name)) {
  process.stderr.write(`usage: node scripts/run-built.mjs ${Object.keys(ENTRIES).join('|')} [args…]\n`);
  process.exit(2);
}
const outFile = join(ROOT, 'out', 'node', `${name}.mjs`);
const inputsFile = `${outFile}.inputs.json`;

function mtime(path) {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return null;
  }
}

function stale() {
  const built = mtime(outFile);
  if (built === null || !existsSync(inputsFile)) return true;
  let inputs;
  try {
    inputs = JSON.parse(readFileSync(inputsFile, 'utf8'));
  } catch {
    return true;
  }
  for (const f of [...inputs, 'scripts/run-built.mjs']) {
    const m = mtime(join(ROOT, f));
    if (m === null || m > built) return true;
  }
  return false;
}

/** `packages: 'external'` would also leave `@cutline/*` out, and Node cannot run their .ts sources. */
const externalPackages = {
  name: 'external-packages',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith(WORKSPACE) ? undefined : { path: args.path, external: true }));
  },
};

async function build() {
  const { build: esbuild } = await import('esbuild');
  // Code splitting: what start-up loads only on demand (`await import(…)`: the PostgreSQL store
  // and its driver, the web pages) goes into chunks loaded when imported: pg not at all on SQLite.
  const r = await esbuild({
    absWorkingDir: ROOT,
    entryPoints: { [name]: ENTRIES[name] },
    outdir: join(ROOT, 'out', 'node'),
    entryNames: '[name]',
    chunkNames: 'chunks/[name]-[hash]',
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    plugins: [externalPackages],
    sourcemap: 'inline',
    metafile: true,
    write: false,
    logLevel: 'warning',
  });
  const entry = r.outputFiles.find((f) => f.path === outFile);
  if (!entry) throw new Error(`esbuild wrote no ${outFile}`);
  // Chunks first (content-hashed names: a name never changes its contents), the entry last, each
  // written to a temporary name and renamed, so a process starting meanwhile never reads half a file.
  for (const f of [...r.outputFiles.filter((f) => f !== entry), entry]) {
    mkdirSync(dirname(f.path), { recursive: true });
    const tmp = `${f.path}.${process.pid}.tmp`;
    writeFileSync(tmp, f.contents);
    if (f === entry) {
      writeFileSync(`${inputsFile}.${process.pid}.tmp`, JSON.stringify(Object.keys(r.metafile.inputs)));
      renameSync(`${inputsFile}.${process.pid}.tmp`, inputsFile);
    }
    renameSync(tmp, f.path);
  }
}

if (stale()) await build();
// The program sees the arguments as if it had been started directly: [node, its file, …args].
process.argv.splice(1, 2, outFile);
process.setSourceMapsEnabled(true);
await import(pathToFileURL(outFile).href);
