import { Writable } from 'node:stream';
import pino from 'pino';
import { createRootLogger, JsonLogger } from './logger';
import { runWithRequestContext } from './request-context';

function capture(): { lines: () => Record<string, unknown>[]; logger: pino.Logger } {
  const chunks: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  const logger = createRootLogger('test-service', 'debug', sink);
  return {
    logger,
    lines: () =>
      chunks
        .join('')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

describe('JSON logs', () => {
  it('writes one JSON object per line with service, level, message and the correlation id', () => {
    const { logger, lines } = capture();
    runWithRequestContext({ correlationId: 'req-7' }, () => new JsonLogger(logger).log('hello', 'Ctx'));
    expect(lines()[0]).toMatchObject({ service: 'test-service', level: 'info', message: 'hello', context: 'Ctx', correlation_id: 'req-7' });
  });

  it('redacts connection-string passwords in messages and fields, and secret fields by name', () => {
    const { logger, lines } = capture();
    const json = new JsonLogger(logger);
    json.warn('cannot reach mongodb://root:hunter2@db:27017/x', 'Ctx');
    json.log(
      { message: 'connecting', uri: 'mongodb://root:hunter2@db/x', password: 'hunter2', target: { uris: ['mongodb://a:hunter2@h/'] } },
      'Ctx',
    );
    const text = JSON.stringify(lines());
    expect(text).not.toContain('hunter2');
    expect(lines()[0].message).toBe('cannot reach mongodb://root:****@db:27017/x');
    expect(lines()[1]).toMatchObject({ uri: 'mongodb://root:****@db/x', password: '****', target: { uris: ['mongodb://a:****@h/'] } });
  });

  it('logs an error with its stack as a field, not as free text', () => {
    const { logger, lines } = capture();
    new JsonLogger(logger).error('failed', 'Error: boom\n    at x (y.ts:1:1)', 'Ctx');
    expect(lines()[0]).toMatchObject({ level: 'error', message: 'failed', context: 'Ctx' });
    expect(String(lines()[0].stack)).toContain('boom');
  });
});
