import { guardBody, MAX_BODY_DEPTH } from './body-guard';

function nested(levels: number): unknown {
  let body: unknown = { username: 'admin' };
  for (let i = 0; i < levels; i++) body = { a: body };
  return body;
}

describe('guardBody', () => {
  it(`refuses bodies nested deeper than ${MAX_BODY_DEPTH} levels, 3,000 deep included, without recursion`, () => {
    expect(guardBody(nested(MAX_BODY_DEPTH - 1)).problems).toEqual([]);
    for (const levels of [MAX_BODY_DEPTH, 3000, 100_000]) {
      expect(guardBody(nested(levels)).problems).toEqual([
        `body must not be nested deeper than ${MAX_BODY_DEPTH} levels`,
      ]);
    }
  });

  it('drops __proto__, constructor and prototype keys at every level', () => {
    const body = JSON.parse(
      '{"name":"A","__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":1}},' +
        '"lines":[{"prototype":1,"memo":"x"}]}',
    ) as Record<string, unknown>;
    const { value, problems } = guardBody(body);
    expect(problems).toEqual([]);
    expect(JSON.stringify(value)).toBe('{"name":"A","lines":[{"memo":"x"}]}');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it.each([
    ['a zero-width space', 'Nguyễn\u200bVăn\u200bBình'],
    ['only zero-width spaces', '\u200b\u200b\u200b'],
    ['NUL', 'Nguyễn\u0000Văn'],
    ['a bidi override', 'Nguyễn \u202eníB'],
    ['a bidi isolate', 'Nguyễn \u2067Văn'],
    ['a byte-order mark', '\ufeffNguyễn'],
    ['a C1 control', 'Nguyễn\u0085Văn'],
    ['a soft hyphen', 'Ngu\u00adyễn'],
    ['a line break in a name', 'Nguyễn\nVăn'],
  ])('refuses %s, naming the field', (_label, name) => {
    expect(guardBody({ members: [{ name }] }).problems).toEqual([
      'members[0].name must not contain control, zero-width or bidi-override characters',
    ]);
  });

  it('lets free text span lines, and puts every string in NFC', () => {
    const nfd = 'Nguyễn Văn Bình'.normalize('NFD');
    const { value, problems } = guardBody({ fullName: nfd, description: 'Dòng 1\nDòng 2\tcuối' });
    expect(problems).toEqual([]);
    expect(value).toEqual({
      fullName: 'Nguyễn Văn Bình'.normalize('NFC'),
      description: 'Dòng 1\nDòng 2\tcuối',
    });
    expect((value as { fullName: string }).fullName).not.toBe(nfd);
  });
});
