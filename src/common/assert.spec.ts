import { assert, AssertionError, present } from './assert';

describe('assert', () => {
  it('passes a true condition and throws an AssertionError naming a false one', () => {
    expect(() => assert(1 + 1 === 2, 'arithmetic')).not.toThrow();
    expect(() => assert(false, 'the entry has lines')).toThrow(new AssertionError('the entry has lines'));
  });

  it('present() returns the value, and throws for null and undefined but not for 0 or ""', () => {
    expect(present(0, 'zero')).toBe(0);
    expect(present('', 'empty')).toBe('');
    expect(() => present(undefined, 'fund code of entry 7')).toThrow('fund code of entry 7 is missing');
    expect(() => present(null, 'x')).toThrow(AssertionError);
  });
});
