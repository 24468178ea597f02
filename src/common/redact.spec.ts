import { canonicalJson, maskNationalId, redact } from './redact';

describe('redact', () => {
  it('removes secrets and masks citizen IDs at any depth', () => {
    expect(
      redact({
        username: 'a',
        password: 'p',
        nested: { token: 't', nationalId: '010012345689' },
        list: [{ Password: 'x' }],
      }),
    ).toEqual({
      username: 'a',
      password: '[redacted]',
      nested: { token: '[redacted]', nationalId: '0100******89' },
      list: [{ Password: '[redacted]' }],
    });
  });

  it("drops the web admin's CSRF token from a form body", () => {
    expect(redact({ _csrf: 'secret-token', amount: '1000' })).toEqual({
      _csrf: '[redacted]',
      amount: '1000',
    });
  });

  it('masks a 9-digit CMND too', () => {
    expect(maskNationalId('123456789')).toBe('12*****89');
  });
});

describe('canonicalJson', () => {
  it('is the same whatever the key order', () => {
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: 3 }] })).toBe(canonicalJson({ a: [{ c: 3, d: 2 }], b: 1 }));
    expect(canonicalJson({ a: undefined, b: null })).toBe('{"b":null}');
  });
});
