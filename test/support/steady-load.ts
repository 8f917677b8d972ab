// A light, steady load on a few routes, each answer kept with its time, so a fault test can tell
// what every route answered while a service was down and after it came back.

/** One route under load, and the backend services its answers depend on. */
export interface Probe {
  readonly name: string;
  readonly needs: readonly string[];
  /** Sends one request; resolves with its status and JSON body (status 0 when the connection failed). */
  send(): Promise<{ status: number; body: Record<string, unknown> }>;
}

export interface Answer {
  readonly probe: string;
  readonly sentAt: number;
  readonly answeredAt: number;
  /** 0: no HTTP answer at all (connection refused or reset). */
  readonly status: number;
  readonly error?: string;
  readonly message?: string;
  /** `details.service` of an error answer: the service it names. */
  readonly service?: string;
}

/**
 * Each probe sends a request every `intervalMs`, whether or not its earlier ones have been answered
 * (an open loop, as independent clients would): a request stuck with a dying instance until its bus
 * time-out does not hold back the next ones, which meet the outage and the recovery as they come.
 */
export class SteadyLoad {
  readonly answers: Answer[] = [];
  private running = true;
  private readonly loops: Promise<void>[];

  constructor(
    readonly probes: readonly Probe[],
    private readonly intervalMs = 200,
  ) {
    this.loops = probes.map((probe) => this.loop(probe));
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }

  /** Answers (so far) to requests sent within [from, to). */
  between(from: number, to: number): Answer[] {
    return this.answers.filter((a) => a.sentAt >= from && a.sentAt < to);
  }

  /** Resolves once every probe in `probes` has had a 2xx answer to a request sent after `since`. */
  async allAnswering(probes: readonly string[], since: number, timeoutMs: number): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const firstOk = probes.map((name) => this.answers.find((a) => a.probe === name && a.sentAt >= since && a.status < 300)?.answeredAt);
      if (firstOk.every((t) => t !== undefined)) return Math.max(...(firstOk as number[]));
      if (Date.now() > deadline) {
        const last = probes.map((name) => this.answers.filter((a) => a.probe === name).at(-1));
        throw new Error(`not every probe answered 2xx within ${timeoutMs} ms; last answers: ${JSON.stringify(last)}`);
      }
      await sleep(50);
    }
  }

  private async loop(probe: Probe): Promise<void> {
    const inFlight = new Set<Promise<void>>();
    while (this.running) {
      const request = this.send(probe);
      inFlight.add(request);
      void request.finally(() => inFlight.delete(request));
      await sleep(this.intervalMs);
    }
    await Promise.all(inFlight);
  }

  private async send(probe: Probe): Promise<void> {
    const sentAt = Date.now();
    const { status, body } = await probe.send().catch(() => ({ status: 0, body: {} as Record<string, unknown> }));
    const details = body.details as { service?: unknown } | undefined;
    this.answers.push({
      probe: probe.name,
      sentAt,
      answeredAt: Date.now(),
      status,
      ...(status >= 300 ? { error: String(body.error), message: String(body.message) } : {}),
      ...(typeof details?.service === 'string' ? { service: details.service } : {}),
    });
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
