import { z } from 'zod';
import { ConfigError, env, loadConfig, parseDuration } from './config';

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['30s', 30_000],
    ['10m', 600_000],
    ['24h', 86_400_000],
    ['7d', 604_800_000],
  ])('reads %s as %d ms', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(['', '10', 'ten minutes', '1.5h', '-5s', '10M'])('refuses %p', (text) => expect(parseDuration(text)).toBeUndefined());
});

describe('loadConfig', () => {
  const Schema = z.object({
    PORT: env.port(8216),
    ACCESS_TOKEN_TIMEOUT: env.duration('10m'),
    BODY_LIMIT: env.bytes('1mb'),
    MONGODB_URI: env.mongoUri(),
  });

  it('applies defaults and converts units', () => {
    const config = loadConfig(Schema, { MONGODB_URI: 'mongodb://localhost:27017/' });
    expect(config).toEqual({ PORT: 8216, ACCESS_TOKEN_TIMEOUT: 600_000, BODY_LIMIT: 1_048_576, MONGODB_URI: 'mongodb://localhost:27017/' });
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig(Schema, { MONGODB_URI: 'mongodb://h/', PORT: '' }).PORT).toBe(8216);
  });

  it('names every wrong or missing variable with its value and the rule', () => {
    let error: unknown;
    try {
      loadConfig(Schema, { PORT: 'eighty', ACCESS_TOKEN_TIMEOUT: '10 minutes', BODY_LIMIT: 'big' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toContain('PORT="eighty": expected a port number');
    expect(problems).toContain('ACCESS_TOKEN_TIMEOUT="10 minutes": expected a positive duration');
    expect(problems).toContain('BODY_LIMIT="big": expected a size');
    expect(problems).toContain('MONGODB_URI: is required');
    expect((error as ConfigError).problems).toHaveLength(4);
  });

  it('shows a refused connection string without its password', () => {
    expect(() => loadConfig(Schema, { MONGODB_URI: 'mongodb://admin:s3cret@host/db with space' })).toThrow(
      'MONGODB_URI="mongodb://admin:****@host/db with space"',
    );
  });

  it('refuses a connection string of another scheme', () => {
    expect(() => loadConfig(Schema, { MONGODB_URI: 'postgres://localhost/db' })).toThrow(
      /MONGODB_URI="postgres:\/\/localhost\/db": expected a MongoDB connection string/,
    );
  });
});

describe('flags', () => {
  const Flags = z.object({ TRIM: env.flag(false), KEEP: env.flag(true) });

  it('read true and false, and default when unset', () => {
    expect(loadConfig(Flags, {})).toEqual({ TRIM: false, KEEP: true });
    expect(loadConfig(Flags, { TRIM: 'true', KEEP: 'false' })).toEqual({ TRIM: true, KEEP: false });
  });

  it('refuse anything else instead of taking the default', () => {
    expect(() => loadConfig(Flags, { TRIM: 'yes' })).toThrow('TRIM="yes": expected true or false');
  });
});

describe('NATS variables', () => {
  const Schema = z.object({ NATS_URL: env.natsUrls(), NATS_STREAM_REPLICAS: env.streamReplicas() });

  it('defaults to one local server and one copy of each stream', () => {
    expect(loadConfig(Schema, {})).toEqual({ NATS_URL: ['nats://127.0.0.1:4222'], NATS_STREAM_REPLICAS: 1 });
  });

  it('reads every server of a cluster from a comma-separated NATS_URL', () => {
    const config = loadConfig(Schema, { NATS_URL: 'nats://n1:4222, nats://n2:4222,tls://n3:4222', NATS_STREAM_REPLICAS: '3' });
    expect(config).toEqual({ NATS_URL: ['nats://n1:4222', 'nats://n2:4222', 'tls://n3:4222'], NATS_STREAM_REPLICAS: 3 });
  });

  it.each(['nats://n1:4222,', 'nats://n1:4222,http://n2:4222', 'n1:4222', 'nats://n1:4222 nats://n2:4222'])(
    'refuses NATS_URL=%p',
    (url) => {
      expect(() => loadConfig(Schema, { NATS_URL: url })).toThrow(
        `NATS_URL="${url}": expected nats://host:port, or several separated by commas`,
      );
    },
  );

  it.each(['0', '6', '2.5', 'three'])('refuses NATS_STREAM_REPLICAS=%p', (replicas) => {
    expect(() => loadConfig(Schema, { NATS_STREAM_REPLICAS: replicas })).toThrow(
      new RegExp(`NATS_STREAM_REPLICAS="${replicas}": expected a whole number from 1 to 5`),
    );
  });
});
