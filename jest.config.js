// Two projects: `unit` (specs next to the code, may start a private nats-server
// or use the test MongoDB) and `e2e` (test/, drives the five services as
// separate processes through the gateway).
const swc = [
  '@swc/jest',
  {
    swcrc: false,
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
      keepClassNames: true,
    },
  },
];
const moduleNameMapper = {
  '^@ir/contracts$': '<rootDir>/libs/contracts/src',
  '^@ir/messaging$': '<rootDir>/libs/messaging/src',
  '^@ir/platform$': '<rootDir>/libs/platform/src',
  '^@ir/target-pool$': '<rootDir>/libs/target-pool/src',
  '^@ir/index-core$': '<rootDir>/libs/index-core/src',
  '^@ir/entity-core$': '<rootDir>/libs/entity-core/src',
  '^@ir/bootstrap$': '<rootDir>/libs/bootstrap/src',
  '^@ir/testing$': '<rootDir>/test/support',
};
const common = { transform: { '^.+\\.ts$': swc }, moduleNameMapper, testEnvironment: 'node', rootDir: __dirname };

module.exports = {
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/{apps,libs,tools,packages}/**/*.spec.ts'],
      globalSetup: '<rootDir>/test/support/unit-global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
      setupFilesAfterEnv: ['<rootDir>/test/support/unit-timeout.ts'],
    },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/support/e2e-global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
      setupFilesAfterEnv: ['<rootDir>/test/support/e2e-timeout.ts'],
    },
  ],
};
