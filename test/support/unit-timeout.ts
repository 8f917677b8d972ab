// Jest 30 reads `testTimeout` from the global config only (see e2e-timeout.ts). Many unit specs start a
// private nats-server, a Nest application or a FerretDB in a hook; under CI's load (two workers beside
// those servers) a start took longer than Jest's 5 s default, so the unit project allows 20 s. A file
// that needs more sets its own.
jest.setTimeout(20_000);
