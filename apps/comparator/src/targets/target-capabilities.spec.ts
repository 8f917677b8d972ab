import { changedServer } from './target-capabilities';

describe('changedServer: what the comparator tells the registry after probing a target', () => {
  const ferret = { kind: 'ferretdb', version: null, mongodbVersion: '7.0.42', line: 1 } as const;
  const recorded = { kind: 'ferretdb', version: null, mongodb_version: '7.0.42' } as const;

  it('nothing when the registry already records what the probe saw', () => {
    expect(changedServer(recorded, ferret)).toBeUndefined();
  });

  it('the server seen when the registry records another version (an upgrade since the connection test)', () => {
    expect(changedServer({ ...recorded, mongodb_version: '6.0.0' }, ferret)).toEqual(recorded);
  });

  it('the server seen when the registry records another kind or own version', () => {
    expect(changedServer({ ...recorded, kind: 'mongodb' }, ferret)).toEqual(recorded);
    expect(changedServer(recorded, { ...ferret, version: 'v1.24.0' })).toEqual({ ...recorded, version: 'v1.24.0' });
  });

  it('the server seen when the registry has none yet (a database registered before servers were recorded)', () => {
    expect(changedServer(null, { kind: 'mongodb', version: '8.0.4', mongodbVersion: '8.0.4' })).toEqual({
      kind: 'mongodb',
      version: '8.0.4',
      mongodb_version: '8.0.4',
    });
  });

  it('nothing on a guess: when the registry was not asked what it records', () => {
    expect(changedServer(undefined, ferret)).toBeUndefined();
  });
});
