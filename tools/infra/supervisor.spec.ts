import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManagedProcess } from './process';
import type { RestartPolicy } from './restart-policy';
import type { SupervisedProcess, SupervisionEvent } from './supervised-process';
import { describeSupervisionEvent } from './supervision-report';
import { Supervisor, type StopTier } from './supervisor';

// Real child processes: tiny node scripts that crash, run, or note that they were stopped.
const CRASH_AFTER = `console.log('up, pid ' + process.pid); setTimeout(() => { console.log('failing now'); process.exit(3); }, Number(process.argv[2]));`;
// The SIGTERM handler is in place before "up" is printed: a stop that follows "up" is always noted.
const RUN_UNTIL_STOPPED = `
const [, , orderFile, name] = process.argv;
process.on('SIGTERM', () => { require('fs').appendFileSync(orderFile, name + '\\n'); process.exit(0); });
setInterval(() => undefined, 1000);
console.log('up');`;

const fast: RestartPolicy = { initialDelayMs: 20, maxDelayMs: 80, jitterRatio: 0.2, maxCrashes: 4, crashWindowMs: 10_000 };
/** A restart spawns node, which the starter below lets take up to 30 s to come up on a loaded two-core machine. */
const RESTART_WAIT_MS = 30_000;
// A test waits for up to four of them.
jest.setTimeout(5 * RESTART_WAIT_MS);

let dir: string;
let scripts: { crash: string; run: string };
let orderFile: string;
let supervisor: Supervisor | undefined;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ir-supervisor-spec-'));
  scripts = { crash: join(dir, 'crash.js'), run: join(dir, 'run.js') };
  writeFileSync(scripts.crash, CRASH_AFTER);
  writeFileSync(scripts.run, RUN_UNTIL_STOPPED);
  orderFile = join(dir, 'stopped-in-order.txt');
});
afterEach(async () => {
  await supervisor?.stop();
  supervisor = undefined;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A start function that spawns `script` and counts its starts; ready once the script says "up". */
function starter(name: string, script: string, args: string[]) {
  const spawned: ManagedProcess[] = [];
  const start = async (): Promise<ManagedProcess> => {
    const logFile = join(dir, `${name}.log`);
    const child = ManagedProcess.spawn({ name, command: process.execPath, args: [script, ...args], logFile });
    spawned.push(child);
    const starts = () => readFileSync(logFile, 'utf8').split('=== ').length - 1;
    const ups = () => readFileSync(logFile, 'utf8').split('\nup').length - 1;
    // Up to 30 s: node starts slowly on a loaded two-core machine, and a script not yet up misses its SIGTERM.
    for (let i = 0; i < 1500 && ups() < starts() && !child.exited; i++) await sleep(20);
    return child;
  };
  return { start, spawned };
}

function recordEvents(process: SupervisedProcess): SupervisionEvent[] {
  const events: SupervisionEvent[] = [];
  process.onEvent((event) => events.push(event));
  return events;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const alive = (pid: number | undefined): boolean => {
  try {
    return pid !== undefined && process.kill(pid, 0);
  } catch {
    return false;
  }
};

describe('Supervisor', () => {
  it('restarts a process that keeps dying with growing, jittered waits, then gives it up and says so', async () => {
    // Every crash within the window however slowly node comes up again: each restart may take RESTART_WAIT_MS.
    const policy = { ...fast, crashWindowMs: fast.maxCrashes * RESTART_WAIT_MS };
    supervisor = new Supervisor({ policy });
    const loop = starter('crash-loop', scripts.crash, ['40']);
    const supervised = await supervisor.add('crash-loop', 'services', loop.start);
    const events = recordEvents(supervised);

    const gaveUp = await supervised.next('gave-up', policy.crashWindowMs);
    await sleep(300);

    expect(supervised.state).toBe('given-up');
    expect(loop.spawned).toHaveLength(fast.maxCrashes);
    expect(new Set(loop.spawned.map((c) => c.pid)).size).toBe(fast.maxCrashes);
    const crashes = events.filter((e) => e.kind === 'crashed');
    expect(crashes.map((e) => e.crashesInWindow)).toEqual([1, 2, 3]);
    // 20, 40, 80 ms, each within 20% either way (the last one capped at 80).
    const waits = crashes.map((e) => e.restartInMs);
    expect(waits[0]).toBeGreaterThanOrEqual(16);
    expect(waits[0]).toBeLessThanOrEqual(24);
    expect(waits[1]).toBeGreaterThanOrEqual(32);
    expect(waits[1]).toBeLessThanOrEqual(48);
    expect(waits[2]).toBeGreaterThanOrEqual(64);
    expect(waits[2]).toBeLessThanOrEqual(80);
    expect(events.filter((e) => e.kind === 'restarted').map((e) => e.restarts)).toEqual([1, 2, 3]);
    expect(gaveUp).toMatchObject({ name: 'crash-loop', reason: 'crash-loop exited with code 3', crashesInWindow: 4 });
    expect(gaveUp.logTail).toContain('failing now');

    const told = describeSupervisionEvent(gaveUp);
    expect(told).toMatch(/crash-loop crashed 4 times within 120 s: GIVING UP on it/);
    expect(told).toContain(`last lines of ${join(dir, 'crash-loop.log')}`);
    expect(describeSupervisionEvent(crashes[0])).toMatch(/^crash-loop exited with code 3; restarting it in \d+ ms \(crash 1 within/);
  });

  it('brings back a process killed with SIGKILL, and leaves the others alone', async () => {
    supervisor = new Supervisor({ policy: fast });
    const a = await supervisor.add('a', 'services', starter('a', scripts.run, [orderFile, 'a']).start);
    const b = await supervisor.add('b', 'services', starter('b', scripts.run, [orderFile, 'b']).start);
    const events = recordEvents(a);
    const [oldA, oldB] = [a.current.pid, b.current.pid];

    process.kill(oldA!, 'SIGKILL');
    const restarted = await a.next('restarted', RESTART_WAIT_MS);

    expect(events[0]).toMatchObject({ kind: 'crashed', reason: 'a was killed by SIGKILL', crashesInWindow: 1 });
    expect(restarted.pid).not.toBe(oldA);
    expect(alive(restarted.pid)).toBe(true);
    expect(a.state).toBe('running');
    expect(b.current.pid).toBe(oldB);
    expect(b.restarts).toBe(0);
  });

  it('forgets crashes older than the window: a process that dies now and then is never given up', async () => {
    supervisor = new Supervisor({ policy: { ...fast, maxCrashes: 2, crashWindowMs: 150 } });
    const rare = starter('rare', scripts.crash, ['250']);
    const supervised = await supervisor.add('rare', 'services', rare.start);
    const events = recordEvents(supervised);

    while (events.filter((e) => e.kind === 'restarted').length < 3) await supervised.next('restarted', RESTART_WAIT_MS);

    expect(events.some((e) => e.kind === 'gave-up')).toBe(false);
    expect(events.filter((e) => e.kind === 'crashed').map((e) => e.crashesInWindow)).toEqual([1, 1, 1]);
  });

  it('counts a restart that fails to come up as a crash, so it is given up too', async () => {
    supervisor = new Supervisor({ policy: fast });
    const first = starter('flaky', scripts.run, [orderFile, 'flaky']);
    let attempts = 0;
    const supervised = await supervisor.add('flaky', 'services', async () => {
      if (attempts++ === 0) return first.start();
      throw new Error('flaky: no HTTP 200 from /health/ready after 60000 ms\n--- last lines ---\n...');
    });
    const events = recordEvents(supervised);

    process.kill(supervised.current.pid!, 'SIGKILL');
    const gaveUp = await supervised.next('gave-up', 5000);

    expect(attempts).toBe(fast.maxCrashes);
    expect(gaveUp.reason).toBe('flaky could not start again: flaky: no HTTP 200 from /health/ready after 60000 ms');
    expect(events.filter((e) => e.kind === 'restarted')).toHaveLength(0);
  });

  it('stops the edge first and the infrastructure last, and restarts nothing while stopping', async () => {
    writeFileSync(orderFile, '');
    supervisor = new Supervisor({ policy: { ...fast, initialDelayMs: 0 } });
    const tiers: [string, StopTier][] = [
      ['nats', 'infrastructure'],
      ['registry', 'services'],
      ['auth', 'services'],
      ['gateway', 'edge'],
    ];
    const members = [];
    for (const [name, tier] of tiers) members.push(await supervisor.add(name, tier, starter(name, scripts.run, [orderFile, name]).start));
    const events = members.flatMap(recordEvents);
    const pids = members.map((m) => m.current.pid);

    const stopped = supervisor.stop();
    // A service that dies on its own during the shutdown is not brought back.
    process.kill(members[1].current.pid!, 'SIGKILL');
    await stopped;
    await sleep(100);

    const order = readFileSync(orderFile, 'utf8').trim().split('\n');
    expect(order[0]).toBe('gateway');
    expect(order.at(-1)).toBe('nats');
    expect(order.slice(1, -1)).toEqual(['auth']);
    expect(events).toEqual([]);
    expect(pids.some(alive)).toBe(false);
    expect(members.map((m) => m.state)).toEqual(['stopped', 'stopped', 'stopped', 'stopped']);
  });

  it('cancels a restart that is waiting out its backoff when stopped', async () => {
    supervisor = new Supervisor({ policy: { ...fast, initialDelayMs: 500, maxDelayMs: 500, jitterRatio: 0 } });
    const waiting = starter('waiting', scripts.run, [orderFile, 'waiting']);
    const supervised = await supervisor.add('waiting', 'services', waiting.start);

    process.kill(supervised.current.pid!, 'SIGKILL');
    await supervised.next('crashed', 2000);
    await supervisor.stop();
    await sleep(800);

    expect(waiting.spawned).toHaveLength(1);
    expect(supervised.state).toBe('stopped');
  });

  it('cuts short a restart that is still starting when stopped', async () => {
    supervisor = new Supervisor({ policy: fast });
    const first = starter('slow', scripts.run, [orderFile, 'slow']);
    let restartBegan = false;
    const supervised = await supervisor.add('slow', 'services', async (signal) => {
      if (first.spawned.length === 0) return first.start();
      restartBegan = true;
      // A restart that is never ready; only the shutdown's abort ends it.
      return new Promise<ManagedProcess>((_, reject) => signal.addEventListener('abort', () => reject(new Error('aborted'))));
    });
    process.kill(supervised.current.pid!, 'SIGKILL');
    for (let i = 0; i < 100 && !restartBegan; i++) await sleep(20);
    expect(restartBegan).toBe(true);

    const began = Date.now();
    await supervisor.stop();

    expect(Date.now() - began).toBeLessThan(1000);
    expect(supervised.state).toBe('stopped');
  });
});
