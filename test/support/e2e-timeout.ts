// Jest 30 reads `testTimeout` from the global config only: a project's own is ignored, so the e2e
// project sets its time limit here, for every test and hook of its files.
jest.setTimeout(60_000);
