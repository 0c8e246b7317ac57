// ESLint (flat config): the recommended JavaScript and typescript-eslint rules, plus the import
// boundaries of docs/architecture.md § Dependency rules, so an arrow the picture forbids fails
// `npm run lint` (and so `npm test`) instead of relying on review.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const SERVICE = ['@cutline/service', '@cutline/service/*'];
const CLI = ['@cutline/device-cli', '@cutline/device-cli/*'];
const ELECTRON = { name: 'electron', message: 'Only src/main/electron and src/preload may import electron.' };

/** A `no-restricted-imports` rule from named packages and path patterns, each with its reason. */
const restrict = (paths, patterns) => ['error', { paths, patterns }];
const group = (group, message, extra = {}) => ({ group, message, ...extra });

/**
 * SQL text outside storage and the service: a string or template starting with a statement
 * keyword. The HTTP layer reaches data only through service functions.
 */
const SQL = {
  selector: 'Literal[value=/^\\s*(SELECT|INSERT|UPDATE|DELETE|WITH)\\s/i], TemplateElement[value.raw=/^\\s*(SELECT|INSERT|UPDATE|DELETE|WITH)\\s/i]',
  message: 'No SQL in the HTTP layer: put the query in a service module.',
};

/**
 * The imports of a service folder: never electron or a client, plus the folder's own arrows (a
 * later block replaces an earlier one's rule for the same files, so each repeats the common part).
 */
const serviceImports = (...groups) => restrict([ELECTRON], [group(CLI, 'The service does not depend on a client.'), ...groups]);

/** A sibling folder of `packages/service/src/<layer>` as imported from one or two folders down. */
const up = (folder) => [`../${folder}/*`, `../../${folder}/*`];

/** The HTTP layer reaches storage only through service functions (types excepted). */
const NO_DB = group(up('db'), 'The HTTP layer goes through the service, never storage.', { allowTypeImports: true });

/**
 * No `ctx.db` (nor `{ db } = ctx`) in the HTTP layer: a route opens no transaction and reads no
 * row; it calls a service function, which returns what the route or page shows.
 */
const CTX_DB_MESSAGE = 'No database access in the HTTP layer: call a service function (it opens the transaction and returns a view).';
const NO_CTX_DB = [
  { selector: "MemberExpression[property.name='db']", message: CTX_DB_MESSAGE },
  { selector: "ObjectPattern > Property[key.name='db']", message: CTX_DB_MESSAGE },
];

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', '**/node_modules/**', 'test-results/**', 'playwright-report/**', '.cutline/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // `_`-prefixed parameters are deliberate (a callback's position); unused imports/locals are not
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // nothing imports electron outside its adapters
      'no-restricted-imports': restrict([ELECTRON], []),
    },
  },
  {
    // tests and benchmarks read untyped JSON bodies; Playwright fixtures take `{}` when they use no fixture
    files: ['test/**', 'bench/**', 'packages/*/test/**', 'packages/*/bench/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off', 'no-empty-pattern': 'off' },
  },
  {
    // plain-JavaScript Node scripts (scripts/run-built.mjs runs before anything is compiled)
    files: ['scripts/**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
  {
    files: ['src/main/electron/**', 'src/preload/**', 'test/main/electron/**', 'test/e2e/electron/**'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    // the preload is sandboxed and tiny: the zod-free channel map only (types are erased)
    files: ['src/preload/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': restrict(
        [{ name: 'zod', message: 'The preload must stay free of zod: schemas are checked in main.' }],
        [group(['@cutline/contract/*', '!@cutline/contract/ipc-channels'], 'The preload imports only the channel map (ipc-channels).', { allowTypeImports: true })],
      ),
    },
  },
  {
    // renderer ↛ main, the service, the CLI, electron, Node
    files: ['src/renderer/**'],
    rules: {
      'no-restricted-imports': restrict(
        [ELECTRON],
        [
          group(['**/main/**', '**/preload/**', '**/devhost/**'], 'The renderer knows the app only as window.cutline (CutlineApi).'),
          group([...SERVICE, ...CLI], 'The renderer never talks to the service.'),
          group(['node:*'], 'The renderer runs in a sandboxed page: no Node modules.'),
        ],
      ),
    },
  },
  {
    // core ↛ electron, the service, the adapters
    files: ['src/main/core/**', 'src/devhost/**'],
    rules: {
      'no-restricted-imports': restrict(
        [ELECTRON],
        [
          group(['**/electron/**', '!**/electron-runtime'], 'The core is Electron-free: adapters live in src/main/electron.'),
          group([...SERVICE, ...CLI], 'The desktop app talks to the service over HTTP only (its package is not in the app).'),
        ],
      ),
    },
  },
  {
    // the contract imports nothing of either program
    files: ['packages/contract/src/**'],
    rules: {
      'no-restricted-imports': restrict([ELECTRON], [group([...SERVICE, ...CLI, '**/src/main/**', '**/src/renderer/**'], 'The contract depends on no program.')]),
    },
  },
  {
    files: ['packages/device-cli/src/**'],
    rules: {
      'no-restricted-imports': restrict([ELECTRON], [group(SERVICE, 'The device CLI is a client: it talks to the service over HTTP.')]),
    },
  },
  {
    files: ['packages/service/src/**'],
    rules: {
      'no-restricted-imports': serviceImports(),
    },
  },
  {
    // the service ↛ the HTTP layer: it answers with values and ServiceErrors, never replies
    files: ['packages/service/src/service/**'],
    rules: {
      'no-restricted-imports': serviceImports(group([...up('http'), ...up('web')], 'The service knows nothing of HTTP: routes call it, not the other way round.')),
    },
  },
  {
    // db ↛ service (the migrations one folder deeper too)
    files: ['packages/service/src/db/**'],
    rules: {
      'no-restricted-imports': serviceImports(group([...up('service'), ...up('http'), ...up('web')], 'Storage is below the service: shared types live in clock.ts / events.ts.')),
    },
  },
  {
    // the ledger rules are pure: no storage, no service, no I/O
    files: ['packages/service/src/ledger/**'],
    rules: {
      'no-restricted-imports': serviceImports(group([...up('db'), ...up('service'), ...up('http'), ...up('web'), 'node:*'], 'The ledger rules are pure.')),
    },
  },
  {
    // http and web ↛ storage, SQL and transactions: data comes from service functions
    files: ['packages/service/src/http/**', 'packages/service/src/web/**'],
    rules: {
      'no-restricted-imports': serviceImports(NO_DB),
      'no-restricted-syntax': ['error', SQL, ...NO_CTX_DB],
    },
  },
  {
    // http ↛ web: the pages are a plugin built on the HTTP layer (its html templates, error shape), not the reverse
    files: ['packages/service/src/http/**'],
    rules: {
      'no-restricted-imports': serviceImports(NO_DB, group(up('web'), 'The HTTP layer does not import the web pages: what both need lives in http/.')),
    },
  },
);
