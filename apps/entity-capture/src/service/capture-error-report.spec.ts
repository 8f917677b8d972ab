import { MongoClient } from 'mongodb';
import { createServer } from 'node:net';
import { SourceWithoutChanges } from '../source/source-selection';
import { captureErrorOf, SourceNotRegistered } from './capture-error-report';

describe('captureErrorOf: the reason an entity shows, never the driver text', () => {
  it('a server nobody listens on is source_unreachable (the driver error of a real connect)', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as { port: number }).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const client = new MongoClient(`mongodb://127.0.0.1:${port}/?directConnection=true`, { serverSelectionTimeoutMS: 300 });
    const error = await client.connect().then(
      () => undefined,
      (caught: unknown) => caught,
    );
    await client.close();
    const report = captureErrorOf(error);
    expect(report.reason).toBe('source_unreachable');
    expect(report.message).not.toContain(String(port));
  });

  it('names the source without changes, the unregistered source, and anything else', () => {
    expect(captureErrorOf(new SourceWithoutChanges()).reason).toBe('no_change_history');
    expect(captureErrorOf(new SourceNotRegistered('d'.repeat(24))).reason).toBe('source_not_registered');
    const other = captureErrorOf(new Error('secret driver text'));
    expect(other).toEqual({ reason: 'capture_failed', message: expect.not.stringContaining('secret') });
  });
});
