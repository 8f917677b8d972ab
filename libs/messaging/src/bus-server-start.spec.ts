// The order startBusServer starts a service in, against a real, private nats-server:
// streams, then the app's start-up hooks, then the bus handlers.
import { defineRpc } from '@ir/contracts';
import { Controller, Injectable, Module, type OnApplicationBootstrap } from '@nestjs/common';
import { z } from 'zod';
import { RpcHandler } from './handler-options';
import type { NatsBus } from './nats-bus';
import { client, connectBus, gate, sleep, startPrivateNats, startService, testStream, type PrivateNats } from './testing/bus-harness';

jest.setTimeout(20_000);

const Ready = defineRpc('test.rpc.start.ready', z.object({}), z.object({ hookDone: z.boolean() }));
const StartStream = testStream('TEST_START', 'test.start');

/** What the hook saw and when it finished, shared with the handler and the test. */
const seen = { hookDone: false, streamAtHook: false, answered: [] as boolean[] };
const hookMayFinish = gate();

@Injectable()
class SlowStart implements OnApplicationBootstrap {
  static bus: NatsBus;
  async onApplicationBootstrap(): Promise<void> {
    seen.streamAtHook = await SlowStart.bus.jsm.streams.info(StartStream.name).then(
      () => true,
      () => false,
    );
    await hookMayFinish.promise;
    seen.hookDone = true;
  }
}

@Controller()
class StartController {
  @RpcHandler(Ready)
  ready() {
    seen.answered.push(seen.hookDone);
    return { hookDone: seen.hookDone };
  }
}

@Module({ providers: [SlowStart] })
class SlowStartModule {}

describe('startBusServer', () => {
  let nats: PrivateNats;
  let caller: NatsBus;

  beforeAll(async () => {
    nats = await startPrivateNats();
    caller = await connectBus(nats, 'start-caller');
    SlowStart.bus = caller;
  });

  afterAll(async () => {
    await caller?.drain();
    await nats?.stop();
  });

  it('provisions the streams before the start-up hooks, and answers no request before they finished', async () => {
    const starting = startService(nats, {
      service: 'starting',
      controllers: [StartController],
      imports: [SlowStartModule],
      streams: [StartStream],
    });
    try {
      // Asked all along while the hook waits: not one is answered (no responders, or a timeout).
      const early: Promise<unknown>[] = [];
      for (let i = 0; i < 10; i++) {
        early.push(
          client(caller, 200)
            .request(Ready, {})
            .catch(() => 'unanswered'),
        );
        await sleep(50);
      }
      expect(await Promise.all(early)).toEqual(Array(10).fill('unanswered'));
      expect(seen.answered).toEqual([]);
    } finally {
      hookMayFinish.open();
    }
    const service = await starting;
    try {
      expect(seen.streamAtHook).toBe(true);
      await expect(client(caller).request(Ready, {})).resolves.toEqual({ hookDone: true });
      expect(seen.answered).toEqual([true]);
    } finally {
      await service.close();
    }
  });
});
