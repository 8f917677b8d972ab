import { CliError } from './cli-error';
import { parseKeys } from './index-keys';

describe('--keys', () => {
  it('reads field:direction pairs in order, dotted fields and the special kinds included', () => {
    expect(parseKeys('status:1, created_at:-1')).toEqual([
      { field: 'status', value: 1 },
      { field: 'created_at', value: -1 },
    ]);
    expect(parseKeys('address.city:1,location:2dsphere,body:text,user_id:hashed')).toEqual([
      { field: 'address.city', value: 1 },
      { field: 'location', value: '2dsphere' },
      { field: 'body', value: 'text' },
      { field: 'user_id', value: 'hashed' },
    ]);
  });

  it('names what is wrong: a missing field or direction, an unknown direction, an empty pair', () => {
    expect(() => parseKeys('status')).toThrow(new CliError('--keys: "status" must be field:direction, e.g. created_at:-1'));
    expect(() => parseKeys(':1')).toThrow('--keys: ":1" must be field:direction');
    expect(() => parseKeys('status:2')).toThrow('the direction of status must be 1, -1, text, 2dsphere, 2d or hashed (got "2")');
    expect(() => parseKeys('status:')).toThrow('(got "")');
    expect(() => parseKeys('status:1,,a:1')).toThrow('--keys must be field:direction pairs');
    expect(() => parseKeys('')).toThrow('--keys must be field:direction pairs');
  });
});
