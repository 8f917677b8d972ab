// The project's dependency rules, checked by `npm run lint:deps` (dependency-cruiser) in `make test`.
// Paths are relative to the repository root. The storage rules are about the services' code (apps, libs):
// specs (`*.spec.ts`), tests, tools and benchmarks may reach into storage to set up and check what was
// stored. The other rules hold for specs too, but for index-core-pure (a spec of the core may run mongosh).
//
// The rules, exactly:
//
//   own-data-mongoose    Outside specs, only `*.repository.ts`, `*.model.ts` and libs/platform (which opens
//                        the connection and holds the storage helpers) import mongoose, type-only imports
//                        included; and libs/bootstrap/src/backend-app.module.ts, which hands that connection
//                        to Nest and closes it. Services call repositories.
//   own-data-mongodb     Outside specs, the driver (`mongodb`, `bson`) is imported only by those same files
//                        and by the code that works on *target* databases: libs/target-pool and the
//                        TARGET_CODE below. A new file of target code is added there by name, on purpose.
//   index-core-pure      libs/index-core (but its specs) imports only libs/index-core: no node built-in, no
//                        npm package (none is needed; should a pure one ever be, list it in PURE_PACKAGES).
//   entity-core-pure     libs/entity-core (but its specs), the entity caches' pure core, imports only itself and
//                        libs/contracts (the shapes it works on) and the contracts' zod.
//   apps-apart           apps/<a> never imports apps/<b>: services meet on the bus, through libs/contracts.
//   libs-below-apps      libs never import apps.
//   cli-standalone       packages/cli is published on its own: it imports only itself and its npm packages (the
//                        API's types come from its generated client, not from libs/contracts).
//   console-types-only   apps/console (the web console, run in the browser) imports from the rest of the repository
//                        only types of libs/contracts: no value of a lib, so no server code reaches its bundle.
//   no-circular          No import cycle in apps and libs, not even through a type-only import. In tests, tools
//                        and benchmarks (no-circular-at-run-time) a cycle is refused when all its imports are of
//                        values; one through a type-only import is erased when compiled.

/** Code that works on target databases through libs/target-pool, and so may use the driver's types. */
const TARGET_CODE = [
  '^libs/target-pool/',
  '^apps/comparator/src/targets/',
  '^apps/comparator/src/compare/',
  '^apps/sync-executor/src/import/',
  '^apps/sync-executor/src/syncs/step-runner[.]ts$',
  '^apps/sync-executor/src/syncs/create-indexes-command[.]ts$',
  // The entity caches' capture reads source databases (their oplog, change streams, scans).
  '^apps/entity-capture/src/source/',
];

/** The only files besides target code that may hold mongoose or the driver for the services' own data. */
const OWN_DATA_CODE = [
  '[.]repository[.]ts$',
  '[.]model[.]ts$',
  '^libs/platform/',
  '^libs/bootstrap/src/(backend-app[.]module|service-storage)[.]ts$',
];

/** npm packages that libs/index-core may import: pure (no I/O). None so far. */
const PURE_PACKAGES = [];

const SPECS = '[.](e2e-)?spec[.]ts$';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'own-data-mongoose',
      comment: 'Only repositories, models and libs/platform touch mongoose: services call repositories (see the rules at the top).',
      severity: 'error',
      from: { path: '^(apps|libs)/', pathNot: [SPECS, ...OWN_DATA_CODE] },
      to: { path: '(^|/)node_modules/mongoose/' },
    },
    {
      name: 'own-data-mongodb',
      comment:
        "The driver is for repositories, models, libs/platform and target code (TARGET_CODE in .dependency-cruiser.cjs); a service's own data goes through its repositories.",
      severity: 'error',
      from: { path: '^(apps|libs)/', pathNot: [SPECS, ...OWN_DATA_CODE, ...TARGET_CODE] },
      to: { path: '(^|/)node_modules/(mongodb|bson)/' },
    },
    {
      name: 'index-core-pure',
      comment: 'libs/index-core is the pure domain core: it imports nothing but itself (no I/O, no packages).',
      severity: 'error',
      from: { path: '^libs/index-core/', pathNot: SPECS },
      to: { pathNot: ['^libs/index-core/', ...PURE_PACKAGES.map((name) => `(^|/)node_modules/${name}/`)] },
    },
    {
      name: 'entity-core-pure',
      comment: "libs/entity-core is the entity caches' pure core: it imports only itself and libs/contracts (no I/O).",
      severity: 'error',
      from: { path: '^libs/entity-core/', pathNot: SPECS },
      to: { pathNot: ['^libs/entity-core/', '^libs/contracts/', '(^|/)node_modules/zod/'] },
    },
    {
      name: 'apps-apart',
      comment: 'An app never imports another app: services meet on the bus, through libs/contracts.',
      severity: 'error',
      from: { path: '^apps/([^/]+)/' },
      to: { path: '^apps/', pathNot: '^apps/$1/' },
    },
    {
      name: 'libs-below-apps',
      comment: 'Libraries never import an app.',
      severity: 'error',
      from: { path: '^libs/' },
      to: { path: '^apps/' },
    },
    {
      name: 'cli-standalone',
      comment:
        'The CLI is its own npm package: it imports only packages/cli and npm packages (its API types are generated from the OpenAPI document).',
      severity: 'error',
      from: { path: '^packages/cli/' },
      to: { path: '^(apps|libs|tools|test|bench)/' },
    },
    {
      name: 'console-types-only',
      comment: 'The web console runs in the browser: of the rest of the repository it imports only types of libs/contracts.',
      severity: 'error',
      from: { path: '^apps/console/' },
      to: { path: '^libs/', pathNot: '^libs/contracts/' },
    },
    {
      name: 'console-contracts-as-types',
      comment: 'The web console imports libs/contracts with `import type` only: its zod schemas stay out of the bundle.',
      severity: 'error',
      from: { path: '^apps/console/' },
      to: { path: '^libs/contracts/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'no-circular',
      comment: 'Import cycles make load order matter and hide layering mistakes.',
      severity: 'error',
      from: { path: '^(apps|libs)/' },
      to: { circular: true },
    },
    {
      name: 'no-circular-at-run-time',
      comment: 'Test and tool code may refer to types in a circle (erased when compiled), never import values in one.',
      severity: 'error',
      from: { pathNot: '^(apps|libs)/' },
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
  ],
  options: {
    // The proofs of the rules are deliberate violations; they are checked by tools/deps/dependency-rules.spec.ts.
    exclude: { path: ['^dist/', '^tools/deps/fixtures/', '^packages/cli/dist/'] },
    doNotFollow: { path: '(^|/)node_modules/' },
    // Type-only imports count: a service must not even name mongoose's types.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
