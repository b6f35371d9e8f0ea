// The layers, enforced (run by `npm test` before the suites, and by `npm run lint`):
//
//   domain/  ←  contracts/  ←  formats/, db/  ←  services/  ←  activities/, workflows/  ←  server/  ←  web/, scripts/, bench/, test/
//
// Each folder imports only from the folders to its left (and npm packages). Exceptions, each named:
// workflow code imports activities as types only (proxyActivities needs their signatures); the
// console imports domain/ and contracts/ only; entry points (server/worker.ts, server/runtime.ts) wire
// activities into a worker. No file imports another in a cycle, type-only imports included
// (eslint/no-import-cycle.js). Workflow code must
// be deterministic: no Node built-ins, no database, no floating promises.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import noImportCycle from './eslint/no-import-cycle.js';

/** `no-restricted-imports` refusing imports of the given top-level folders (relative paths climbing to the root). */
function refuse(folders, message) {
  return {
    'no-restricted-imports': [
      'error',
      {
        patterns: folders.map((f) => ({ regex: `^(\\.\\./)+${f}(/|$)`, message: `${message}(不得导入 ${f}/)` })),
      },
    ],
  };
}

const LAYER_ABOVE = {
  domain: ['contracts', 'formats', 'imports', 'db', 'services', 'activities', 'workflows', 'server', 'web', 'scripts', 'bench', 'test'],
  contracts: ['formats', 'imports', 'db', 'services', 'activities', 'workflows', 'server', 'web', 'scripts', 'bench', 'test'],
  formats: ['db', 'services', 'activities', 'workflows', 'server', 'web', 'scripts', 'bench', 'test'],
  imports: ['db', 'services', 'activities', 'workflows', 'server', 'web', 'scripts', 'bench', 'test'],
  db: ['formats', 'imports', 'services', 'activities', 'workflows', 'server', 'web', 'scripts', 'bench', 'test'],
  services: ['activities', 'workflows', 'server', 'web', 'scripts', 'bench', 'test'],
  activities: ['workflows', 'server', 'web', 'scripts', 'bench', 'test'],
  server: ['web', 'scripts', 'bench', 'test'],
};

const NODE_BUILTINS = ['fs', 'path', 'os', 'crypto', 'child_process', 'net', 'http', 'https', 'stream', 'worker_threads', 'url', 'util', 'zlib', 'events', 'buffer', 'timers', 'process'];

export default tseslint.config(
  { ignores: ['node_modules/**', '.tools/**', '.data/**', 'dist/**', 'web/dist/**', 'test-artifacts/**', 'db/migrations/**'] },
  {
    files: ['**/*.ts', '**/*.tsx'],
    extends: [js.configs.recommended, ...tseslint.configs.recommended],
    plugins: { local: { rules: { 'no-import-cycle': noImportCycle } } },
    rules: {
      'local/no-import-cycle': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true }],
      '@typescript-eslint/no-explicit-any': 'off',
      'no-empty': ['error', { allowEmptyCatch: true }],
      // Control characters are matched on purpose: files and cells are checked and neutralised for them.
      'no-control-regex': 'off',
    },
  },
  ...Object.entries(LAYER_ABOVE).map(([folder, above]) => ({
    files: [`${folder}/**/*.ts`],
    rules: refuse(above, `${folder}/ 是下层模块`),
  })),
  {
    // The API never runs worker code: it starts or signals workflows, or calls services. The process
    // entry points that build a worker are the exception.
    files: ['server/**/*.ts'],
    ignores: ['server/worker.ts', 'server/runtime.ts'],
    rules: refuse(['activities', 'web', 'scripts', 'bench', 'test'], 'server/ 不运行 activity 代码'),
  },
  {
    files: ['web/**/*.ts', 'web/**/*.tsx'],
    rules: refuse(['formats', 'imports', 'db', 'services', 'activities', 'workflows', 'server', 'scripts', 'bench', 'test'], 'web/ 只依赖 domain/ 与 contracts/'),
  },
  {
    // Deterministic workflow code (STYLE.md 6): the sandbox would refuse these at run time; the linter refuses them before.
    files: ['workflows/**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      'no-restricted-imports': [
        'error',
        {
          paths: NODE_BUILTINS.flatMap((m) => [m, `node:${m}`]).map((name) => ({ name, message: '工作流代码须确定性执行:不得使用 Node 内置模块' })),
          patterns: [
            ...['db', 'services', 'server', 'formats', 'imports', 'web', 'scripts', 'bench', 'test'].map((f) => ({ regex: `^(\\.\\./)+${f}(/|$)`, message: `工作流代码不得导入 ${f}/` })),
            { regex: '^(\\.\\./)+activities(/|$)', allowTypeImports: true, message: '工作流只能以 import type 引用 activity' },
          ],
        },
      ],
    },
  },
);
