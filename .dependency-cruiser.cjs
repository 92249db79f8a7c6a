/**
 * The layering of src/, checked by `npm run lint` (docs/architecture.md explains each floor).
 * Floors, bottom up: kernel → db, adapters → http → web → modules → backoffice → app.ts, config, cli.
 */
const mod = '^src/modules/([^/]+)/';

module.exports = {
  forbidden: [
    { name: 'no-cycles', severity: 'error', comment: 'Import cycles make load order and ownership unclear.', from: { path: '^src/' }, to: { circular: true } },
    {
      name: 'kernel-imports-nothing',
      severity: 'error',
      comment: 'The kernel is the ground floor: it imports nothing else of the app.',
      from: { path: '^src/kernel/' },
      to: { path: '^src/', pathNot: '^src/kernel/' },
    },
    {
      name: 'adapters-import-only-kernel',
      severity: 'error',
      comment: 'Ports and their adapters know the outside world and the kernel, nothing of the app.',
      from: { path: '^src/adapters/' },
      to: { path: '^src/', pathNot: ['^src/kernel/', '^src/adapters/'] },
    },
    {
      name: 'db-imports-only-kernel-and-tables',
      severity: 'error',
      comment: 'The database layer composes the modules\' table types and nothing else of them.',
      from: { path: '^src/db/' },
      to: { path: '^src/', pathNot: ['^src/kernel/', '^src/db/', '^src/adapters/', '^src/modules/[^/]+/[^/]+\\.tables\\.ts$'] },
    },
    {
      name: 'http-below-web-and-modules',
      severity: 'error',
      comment: 'The HTTP edge serves every module; it knows none of them, nor pages.',
      from: { path: '^src/http/' },
      to: { path: ['^src/modules/', '^src/web/', '^src/backoffice/', '^src/app\\.ts$'] },
    },
    {
      name: 'web-imports-no-module',
      severity: 'error',
      comment: 'Layout, tokens and the forms kit are shared by modules, so they import none.',
      from: { path: '^src/web/' },
      to: { path: ['^src/modules/', '^src/backoffice/', '^src/app\\.ts$'] },
    },
    {
      name: 'modules-through-their-index',
      severity: 'error',
      comment: 'A module reaches another only through its public index.ts, never its repository, tables or pages.',
      from: { path: mod },
      to: { path: '^src/modules/([^/]+)/', pathNot: ['^src/modules/$1/', '^src/modules/[^/]+/index\\.tsx?$'] },
    },
    {
      name: 'outside-modules-through-their-index',
      severity: 'error',
      comment: 'app.ts, the back office and the commands use a module through its index.ts only.',
      from: { path: '^src/', pathNot: ['^src/modules/', '^src/db/', '^src/config\\.ts$'] },
      to: { path: '^src/modules/[^/]+/', pathNot: '^src/modules/[^/]+/index\\.tsx?$' },
    },
    {
      name: 'config-composes-module-settings',
      severity: 'error',
      comment: 'config.ts reads each module\'s settings through its <module>.settings.ts, nothing else of it.',
      from: { path: '^src/config\\.ts$' },
      to: { path: '^src/modules/', pathNot: '^src/modules/[^/]+/[^/]+\\.settings\\.ts$' },
    },
    {
      name: 'settings-import-only-kernel',
      severity: 'error',
      comment: 'A settings reader is parsed before anything is built: it may use the kernel only.',
      from: { path: '\\.settings\\.ts$' },
      to: { path: '^src/', pathNot: ['^src/kernel/', '^src/http/(ip-ranges|rate-limit-rules)\\.ts$'] },
    },
    {
      name: 'modules-use-the-back-office-face',
      severity: 'error',
      comment: 'Modules contribute to the back office through its index.ts, not its internals.',
      from: { path: '^src/modules/' },
      to: { path: '^src/backoffice/', pathNot: '^src/backoffice/index\\.ts$' },
    },
    {
      name: 'nothing-imports-the-composition',
      severity: 'error',
      comment: 'app.ts and main.ts compose everything; nothing below them may import them.',
      from: { path: '^src/', pathNot: ['^src/main\\.ts$', '^src/cli/', '^src/runtime\\.ts$'] },
      to: { path: ['^src/app\\.ts$', '^src/main\\.ts$'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['\\.test\\.tsx?$'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'], extensions: ['.ts', '.tsx', '.js'] },
  },
};
