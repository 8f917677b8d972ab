/** Settings the e2e system runs with, so tests can reason about limits and lifetimes. */
export const E2E_SERVICE_ENV: Record<string, string> = {
  AUTH_RATE_LIMIT: '5/10s',
  // The suites register users freely; test/projects.e2e-spec.ts runs a system of its own with the default (invite).
  AUTH_REGISTRATION: 'open',
  ACCESS_TOKEN_TIMEOUT: '10m',
  REFRESH_TOKEN_TIMEOUT: '24h',
  BODY_LIMIT: '1mb',
  // Short, so the tests of unreachable and silent targets finish quickly.
  TARGET_CONNECT_TIMEOUT: '2s',
  // Registry changes re-compare their database quickly, so tests can wait for drift events.
  DRIFT_CHANGE_DEBOUNCE: '1s',
  DRIFT_SCAN_POLL: '500ms',
};

/**
 * The shared e2e system's administrator, registered first by the global setup: it creates a project
 * for each test user (loggedInUser), as a system administrator does for a team.
 */
export const E2E_ADMIN = { username: 'e2e_admin', email: 'e2e-admin@example.test', password: 'Xq7-shared-suite-passphrase' };
