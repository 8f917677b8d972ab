import { PollPace } from './poll-pace';

describe('PollPace', () => {
  it('waits its full idle time until something happens', () => {
    const pace = new PollPace(100, 800);
    expect([pace.next(0, undefined), pace.next(0, undefined)]).toEqual([800, 800]);
  });

  it('after changes, polls within the settle window, then backs off doubling to the idle time', () => {
    const pace = new PollPace(100, 800);
    expect(pace.next(5, undefined)).toBe(100);
    expect([1, 2, 3, 4, 5].map(() => pace.next(0, undefined))).toEqual([100, 200, 400, 800, 800]);
  });

  it('polls when a change held back settles (at once after a full batch), never later than the idle time', () => {
    const pace = new PollPace(100, 800);
    expect(pace.next(0, 30)).toBe(30);
    expect(pace.next(3, 70)).toBe(70);
    expect(pace.next(1_000, 0)).toBe(0);
    expect(pace.next(0, 5_000)).toBe(800);
    expect(pace.next(0, undefined)).toBe(100);
  });

  it('without a settle window (change streams) follows changes at once, and backs off from a floor when idle', () => {
    const pace = new PollPace(0, 200);
    expect(pace.next(3, undefined)).toBe(0);
    expect([1, 2, 3, 4].map(() => pace.next(0, undefined))).toEqual([0, 25, 50, 100]);
  });
});
