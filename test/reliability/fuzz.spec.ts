import fc from 'fast-check';
import type { Response } from 'supertest';
import { bearer, startTestApp, TestApp } from '../support/app';
import { DB_LABEL } from '../support/database';
import { chainHead, rowCounts } from './harness';

/**
 * Fuzz: invalid requests generated from the OpenAPI document (/api/docs-json) against every write route —
 * wrong types, missing and extra fields, bad amounts and dates, unknown and malformed ids, oversized and
 * deeply nested bodies, invalid UTF-8, names in NFD with a forbidden character, malformed JSON, bodies that
 * are not objects, bad uploads. Each one must be answered with a 4xx and the error body
 * `{ statusCode, error, message: [..] }`, never a 5xx; afterwards every table's row count and the hash
 * chain's head are what they were. fast-check with a fixed seed: the same requests on every run.
 */

const SEED = 20261202;
const REQUESTS = 1200;
const UNKNOWN_ID = 987654321;

interface Schema {
  type?: string;
  $ref?: string;
  oneOf?: Schema[];
  enum?: unknown[];
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  example?: unknown;
  format?: string;
  maxLength?: number;
}

interface Operation {
  method: 'post' | 'put' | 'patch' | 'delete';
  path: string;
  pathParams: string[];
  /** JSON body schema (resolved), or null for routes without one. */
  body: Schema | null;
  /** multipart upload routes (imports, bank statements) */
  upload: boolean;
}

interface FuzzRequest {
  kind: string;
  op: Operation;
  path: string;
  /** A JSON value to send, or raw bytes with their content type. */
  json?: unknown;
  raw?: { contentType: string; bytes: Buffer };
  upload?: { field: string; name: string; bytes: Buffer } | null;
}

const isAmount = (s: Schema) => Array.isArray(s.oneOf) && s.oneOf.some((o) => o.type === 'integer');
const isDateField = (name: string) => /(date|On|^from|^to$|through|cutoff|validFrom|validTo)$/.test(name);
const isNameField = (name: string) => /(name|description|reason|note|purpose|address)$/i.test(name);

describe(`fuzz: generated invalid requests on every write route (${DB_LABEL})`, () => {
  let t: TestApp;
  let ops: Operation[];
  const tokens: Record<string, string> = {};
  const tokenFor = new Map<Operation, string>();
  const known: Record<string, unknown> = {};
  let schemas: Record<string, Schema> = {};
  const resolveRef = (s: Schema): Schema => (s.$ref ? schemas[s.$ref.split('/').pop() as string] : s);

  beforeAll(async () => {
    t = await startTestApp();
    tokens.admin = t.adminToken;
    tokens.accountant = await t.newUser('accountant');
    tokens.approver = await t.newUser('approver');
    await t.newFund('FZ');
    await t.newFund('FZ2', 'commune', 'FZ');
    const admin = bearer(t.adminToken);
    const donor = await t.http
      .post('/api/donors')
      .set(admin)
      .send({ name: 'Công ty Apatit', kind: 'enterprise' });
    const beneficiary = await t.http
      .post('/api/beneficiaries')
      .set(admin)
      .send({ fullName: 'Nguyễn Văn An', category: 'war_invalid', commune: 'Tả Van' });
    await t.http
      .post('/api/contributions')
      .set(admin)
      .send({
        fundCode: 'FZ',
        donorId: donor.body.id,
        date: '2024-06-01',
        amount: 50_000_000,
        method: 'bank',
      })
      .expect(201);
    Object.assign(known, {
      fundCode: 'FZ',
      fromFund: 'FZ',
      toFund: 'FZ2',
      into: 'FZ2',
      parentCode: 'FZ',
      donorId: (donor.body as { id: number }).id,
      beneficiaryId: (beneficiary.body as { id: number }).id,
      intoId: (donor.body as { id: number }).id,
      account: '112',
      year: 2024,
    });

    const doc = (await t.http.get('/api/docs-json').expect(200)).body as {
      paths: Record<
        string,
        Record<
          string,
          {
            parameters?: { in: string; name: string }[];
            requestBody?: { content?: Record<string, { schema: Schema }> };
          }
        >
      >;
      components: { schemas: Record<string, Schema> };
    };
    schemas = doc.components.schemas;
    ops = [];
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        if (!['post', 'put', 'patch', 'delete'].includes(method) || !path.startsWith('/api/')) continue;
        const pathParams = (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name);
        const content = (op.requestBody?.content ?? {}) as Record<string, { schema: Schema }>;
        const upload = 'multipart/form-data' in content;
        const json = content['application/json']?.schema;
        // A route with nothing to get wrong (logout) is no write route to fuzz.
        if (!json && !upload && pathParams.length === 0) continue;
        ops.push({
          method: method as Operation['method'],
          path,
          pathParams,
          body: json ? resolveRef(json) : null,
          upload,
        });
      }
    }
    // The token that passes each route's role check (probing with an unknown id, so nothing can be written).
    for (const op of ops) {
      for (const role of ['admin', 'accountant', 'approver']) {
        const res = await send(
          { kind: 'probe', op, path: fillPath(op, () => String(UNKNOWN_ID)), json: {} },
          tokens[role],
        );
        if (res.status !== 403) {
          tokenFor.set(op, tokens[role]);
          break;
        }
      }
      if (!tokenFor.has(op)) tokenFor.set(op, t.adminToken);
    }
  }, 60_000);

  afterAll(() => t.close(), 60_000);

  function fillPath(op: Operation, value: (param: string) => string): string {
    return op.path.replace(/\{(\w+)\}/g, (_m, name: string) => encodeURIComponent(value(name)));
  }

  /** A plausible value for a field: known ids and codes, example values, first enum member. */
  function plausible(name: string, schema: Schema, depth = 0): unknown {
    const s = resolveRef(schema);
    if (name in known) return known[name];
    if (name === 'lines')
      return [
        { account: '112', debit: '1000' },
        { account: '5118', credit: '1000' },
      ];
    if (s.enum) return s.enum[0];
    if (isAmount(s)) return '1000';
    if (isDateField(name)) return '2024-06-15';
    if (s.type === 'array') return depth > 2 ? [] : [plausible(name, s.items ?? {}, depth + 1)];
    if (s.type === 'object' || s.properties) {
      const out: Record<string, unknown> = {};
      for (const [key, prop] of Object.entries(s.properties ?? {}))
        out[key] = plausible(key, prop, depth + 1);
      return out;
    }
    if (s.example !== undefined) return s.example;
    if (s.type === 'number' || s.type === 'integer') return 1;
    if (s.type === 'boolean') return false;
    return 'Kiểm thử';
  }

  async function send(req: FuzzRequest, token: string): Promise<Response> {
    const { op } = req;
    let call = t.http[op.method](req.path).set(bearer(token));
    if (req.upload !== undefined) {
      if (req.upload) call = call.attach(req.upload.field, req.upload.bytes, req.upload.name);
      else call = call.field('nothing', 'here');
      return call;
    }
    // The bytes as they are: without the identity serializer supertest would send a Buffer as JSON.
    if (req.raw)
      return call
        .set('Content-Type', req.raw.contentType)
        .serialize((bytes: unknown) => bytes as string)
        .send(req.raw.bytes);
    return call.send(req.json as object);
  }

  it(`answers ${REQUESTS} generated invalid requests with a 4xx and a message array, and writes nothing`, async () => {
    const base = (op: Operation): Record<string, unknown> =>
      op.body ? (plausible('', op.body) as Record<string, unknown>) : {};
    const pathWith = (op: Operation, id: string = String(UNKNOWN_ID)) =>
      fillPath(op, (name) => (name === 'code' ? (id === String(UNKNOWN_ID) ? 'FZ' : id) : id));
    const fields = (op: Operation) => Object.entries(op.body?.properties ?? {});

    const wrongValues = (schema: Schema): unknown[] => {
      const s = resolveRef(schema);
      if (isAmount(s)) return [true, {}, [1], 'mười nghìn'];
      if (s.type === 'string') return [42, true, {}, ['a'], 1.5];
      if (s.type === 'number' || s.type === 'integer') return ['abc', true, {}, [], '1e3'];
      if (s.type === 'boolean') return ['yes', 2, {}];
      if (s.type === 'array') return ['x', 7, { a: 1 }];
      return [42, 'x', []];
    };
    const BAD_AMOUNTS = [
      -1,
      '-5000',
      0.5,
      '1.5',
      '1e6',
      1e21,
      '',
      '   ',
      '1000000000000001',
      '10000000000000000000',
      '１２３',
      '0x10',
      '1,000',
      '12 000 đ',
      NaN,
    ];
    const BAD_DATES = [
      '2024-02-30',
      '2024-13-01',
      '0000-01-01',
      '9999-12-31',
      '24-06-01',
      '2024/06/01',
      '20240601',
      'hôm qua',
      '',
      '2024-06-1',
      20240601,
    ];
    const BAD_IDS = ['0', '-1', 'abc', '1.5', '1e3', '99999999999999999999', String(UNKNOWN_ID), ' 1', '%00'];

    type Gen = (op: Operation) => fc.Arbitrary<FuzzRequest>;
    const withBody = (kind: string, op: Operation, json: unknown, path = pathWith(op)): FuzzRequest => ({
      kind,
      op,
      path,
      json,
    });

    const generators: Record<string, Gen> = {
      'extra field': (op) =>
        fc
          .tuple(
            fc
              .stringMatching(/^[a-z][a-zA-Z0-9_]{0,20}$/)
              .filter(
                (k) => !(k in (op.body?.properties ?? {})) && !['constructor', 'prototype'].includes(k),
              ),
            fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null), fc.object({ maxDepth: 1 })),
          )
          .map(([key, value]) => withBody('extra field', op, { ...base(op), [key]: value })),
      'missing field': (op) =>
        fc.constantFrom(...(op.body?.required?.length ? op.body.required : ['-'])).map((field) => {
          const body = base(op);
          delete body[field];
          // A body without a required field, or (nothing required) no body at all on an unknown id or fund.
          return field === '-'
            ? withBody(
                'missing field',
                op,
                {},
                fillPath(op, (name) => (name === 'code' ? 'NOPE' : String(UNKNOWN_ID))),
              )
            : withBody('missing field', op, body);
        }),
      'wrong type': (op) =>
        fields(op).length === 0
          ? fc.constant(withBody('wrong type', op, [], pathWith(op)))
          : fc
              .constantFrom(...fields(op))
              .chain(([name, schema]) => fc.constantFrom(...wrongValues(schema)).map((v) => ({ name, v })))
              .map(({ name, v }) => withBody('wrong type', op, { ...base(op), [name]: v })),
      'bad amount': (op) => {
        const amounts = fields(op).filter(([, s]) => isAmount(resolveRef(s)));
        if (op.body?.properties?.lines)
          return fc.constantFrom(...BAD_AMOUNTS).map((v) =>
            withBody('bad amount', op, {
              ...base(op),
              lines: [
                { account: '112', debit: v },
                { account: '5118', credit: v },
              ],
            }),
          );
        if (amounts.length === 0) return generators['wrong type'](op);
        return fc
          .tuple(fc.constantFrom(...amounts), fc.constantFrom(...BAD_AMOUNTS))
          .map(([[name], v]) => withBody('bad amount', op, { ...base(op), [name]: v }));
      },
      'bad date': (op) => {
        const dates = fields(op).filter(([name, s]) => isDateField(name) && resolveRef(s).type === 'string');
        if (dates.length === 0) return generators['extra field'](op);
        return (
          fc
            .tuple(fc.constantFrom(...dates), fc.constantFrom(...BAD_DATES))
            // Year 0 and 9999 are out of bounds for the date of a posting; as a filter or a validity end they may
            // be fine, so other date fields get only malformed ones.
            .map(([[name], v]) =>
              withBody('bad date', op, {
                ...base(op),
                [name]: name === 'date' || /^[0-9]{4}-/.test(String(v)) === false ? v : '2024-02-30',
              }),
            )
        );
      },
      'unknown or malformed id': (op) => {
        const idFields = fields(op).filter(([name]) => /Id$/.test(name));
        if (op.pathParams.length > 0)
          return fc
            .constantFrom(...BAD_IDS)
            .map((id) =>
              withBody(
                'unknown or malformed id',
                op,
                base(op),
                pathWith(op, id === String(UNKNOWN_ID) && op.pathParams[0] === 'code' ? 'NOPE' : id),
              ),
            );
        if (idFields.length > 0)
          return fc
            .tuple(fc.constantFrom(...idFields), fc.constantFrom(UNKNOWN_ID, 0, -3, 2 ** 53))
            .map(([[name], v]) => withBody('unknown or malformed id', op, { ...base(op), [name]: v }));
        return fc.constantFrom('NOPE-FUND', 'zz', '').map((code) =>
          withBody('unknown or malformed id', op, {
            ...base(op),
            ...(op.body?.properties?.fundCode ? { fundCode: code } : { nope: code }),
          }),
        );
      },
      oversized: (op) =>
        fc.constantFrom(200_000, 20_000, 2_000).chain((size) =>
          fc.constant(null).map(() => {
            const strings = fields(op).filter(([, s]) => resolveRef(s).type === 'string');
            const name = strings.length > 0 ? strings[size % strings.length][0] : 'filler';
            // 200 kB is over the body limit (413); the smaller ones over every field's length limit, or unknown.
            const body: Record<string, unknown> = { ...base(op), [name]: 'Đ'.repeat(size), extraPadding: 1 };
            if (size === 2_000 && op.body?.properties?.lines)
              body.lines = Array.from({ length: 5_000 }, (_, i) => ({
                account: '112',
                debit: String(i + 1),
              }));
            return withBody('oversized', op, body);
          }),
        ),
      'deeply nested': (op) =>
        fc.constantFrom(12, 50, 3_000, 20_000).map((depth) => {
          // Written as text: the client's own JSON encoder would overflow its stack on the deepest ones.
          const open: string[] = [];
          const close: string[] = [];
          for (let i = 0; i < depth; i++) {
            open.push(i % 2 ? '[' : '{"a":');
            close.unshift(i % 2 ? ']' : '}');
          }
          const first = fields(op)[0]?.[0] ?? 'nested';
          const [before, after] = JSON.stringify({ ...base(op), [first]: '@@DEEP@@' }).split('"@@DEEP@@"');
          return {
            kind: 'deeply nested',
            op,
            path: pathWith(op),
            raw: {
              contentType: 'application/json',
              bytes: Buffer.from(`${before}${open.join('')}"đáy"${close.join('')}${after}`),
            },
          };
        }),
      'invalid UTF-8': (op) =>
        fc
          .constantFrom(
            Buffer.from([0xc3, 0x28]),
            Buffer.from([0xff, 0xfe]),
            Buffer.from([0xe2, 0x82]),
            Buffer.from([0xed, 0xa0, 0x80]),
            Buffer.from([0xc0, 0xaf]),
          )
          .map((bad) => {
            const strings = fields(op).filter(
              ([name, s]) => resolveRef(s).type === 'string' && !isDateField(name) && !(name in known),
            );
            const name = strings[0]?.[0] ?? 'text';
            const json = JSON.stringify({ ...base(op), [name]: '@@BAD@@' });
            const [before, after] = json.split('@@BAD@@');
            return {
              kind: 'invalid UTF-8',
              op,
              path: pathWith(op),
              raw: {
                contentType: 'application/json; charset=utf-8',
                bytes: Buffer.concat([Buffer.from(`${before}Nguy`), bad, Buffer.from(`n${after}`)]),
              },
            };
          }),
      'NFD name with a forbidden character': (op) =>
        fc.constantFrom('\u200b', '\u0000', '\u202e', '\u0007', '\ufeff').map((bad) => {
          const names = fields(op).filter(
            ([name, s]) => isNameField(name) && resolveRef(s).type === 'string',
          );
          const name = names[0]?.[0] ?? 'name';
          const nfd = `Nguyễn${bad}Văn Bình`.normalize('NFD');
          return withBody('NFD name with a forbidden character', op, {
            ...base(op),
            [name]: nfd,
            ...(names.length ? {} : { extra: 1 }),
          });
        }),
      'malformed JSON': (op) =>
        fc
          .constantFrom(
            '{"a":',
            '{"fundCode": "FZ",}',
            "{'a': 1}",
            '{"a": 01}',
            '{"a": NaN}',
            '{"a": "x"}}',
            '\u0000{}',
          )
          .map((text) => ({
            kind: 'malformed JSON',
            op,
            path: pathWith(op),
            raw: { contentType: 'application/json', bytes: Buffer.from(text) },
          })),
      'not an object': (op) =>
        fc.constantFrom('[]', '"text"', '42', 'null', 'true', '[{"a":1}]').map((text) => ({
          kind: 'not an object',
          op,
          path: pathWith(op),
          raw: { contentType: 'application/json', bytes: Buffer.from(text) },
        })),
    };
    const uploadGenerators: Record<string, Gen> = {
      'bad upload': (op) =>
        fc
          .constantFrom<FuzzRequest['upload']>(
            null,
            { field: 'file', name: 'empty.csv', bytes: Buffer.alloc(0) },
            { field: 'file', name: 'header-only.csv', bytes: Buffer.from('fund_code,date,donor_name\n') },
            { field: 'file', name: 'junk.xlsx', bytes: Buffer.from('PK\u0003\u0004 not really a zip') },
            { field: 'file', name: 'binary.csv', bytes: Buffer.from([0, 1, 2, 0xff, 0xfe, 10, 13]) },
            { field: 'wrong', name: 'a.csv', bytes: Buffer.from('a,b\n1,2\n') },
            {
              field: 'file',
              name: 'bad-utf8.csv',
              bytes: Buffer.concat([
                Buffer.from('fund_code,date,donor_name,donor_kind,amount,method\nFZ,2024-06-01,Nguy'),
                Buffer.from([0xc3, 0x28]),
                Buffer.from('n,individual,1000,bank\n'),
              ]),
            },
            {
              field: 'file',
              name: 'bad-rows.csv',
              bytes: Buffer.from(
                'fund_code,date,donor_name,donor_kind,amount,method\nFZ,2024-02-30,A,individual,-5,bank\nNOPE,2024-06-01,B,alien,1e6,gold\n',
              ),
            },
          )
          .map((upload) => ({ kind: 'bad upload', op, path: fillPath(op, () => 'FZ'), upload })),
      'unknown or malformed id': (op) =>
        fc.constantFrom('NOPE', '', 'a b').map((code) => ({
          kind: 'unknown or malformed id',
          op,
          path: op.pathParams.length ? fillPath(op, () => code || 'x') : op.path,
          upload: op.pathParams.length
            ? { field: 'file', name: 'a.csv', bytes: Buffer.from('date,amount\n2024-06-01,1000\n') }
            : null,
        })),
    };

    const kinds = Object.keys(generators);
    const arbitrary = fc.constantFrom(...ops).chain((op) => {
      if (op.upload) return fc.oneof(...Object.values(uploadGenerators).map((g) => g(op)));
      if (!op.body) return generators['unknown or malformed id'](op);
      return fc.constantFrom(...kinds).chain((kind) => generators[kind](op));
    });
    const requests = fc.sample(arbitrary, { seed: SEED, numRuns: REQUESTS });

    const before = {
      counts: await rowCounts(t.dataSource.manager),
      head: await chainHead(t.dataSource.manager),
    };
    const failures: string[] = [];
    const byKind = new Map<string, number>();
    const routes = new Set<string>();
    const statuses = new Map<number, number>();
    for (const req of requests) {
      const res = await send(req, tokenFor.get(req.op) ?? t.adminToken);
      byKind.set(req.kind, (byKind.get(req.kind) ?? 0) + 1);
      routes.add(`${req.op.method.toUpperCase()} ${req.op.path}`);
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      const body = res.body as { statusCode?: unknown; message?: unknown };
      const ok =
        res.status >= 400 &&
        res.status < 500 &&
        body?.statusCode === res.status &&
        Array.isArray(body.message) &&
        body.message.length > 0 &&
        body.message.every((m) => typeof m === 'string' && m.trim() !== '');
      if (!ok) {
        const sent = req.raw
          ? req.raw.bytes.toString('latin1')
          : req.upload !== undefined
            ? `upload ${req.upload?.name ?? 'none'}`
            : JSON.stringify(req.json);
        failures.push(
          `${req.kind}: ${req.op.method.toUpperCase()} ${req.path} ${sent.slice(0, 160)} → ${res.status} ${res.text.slice(0, 200)}`,
        );
      }
    }
    console.log(
      `fuzz (${DB_LABEL}): ${requests.length} requests on ${routes.size} write routes; ` +
        `${[...byKind].map(([k, n]) => `${k} ${n}`).join(', ')}; statuses ${[...statuses]
          .sort()
          .map(([s, n]) => `${s}×${n}`)
          .join(' ')}`,
    );
    expect(failures.slice(0, 40)).toEqual([]);
    expect(requests.length).toBeGreaterThanOrEqual(1000);
    expect(routes.size).toBe(ops.length);
    expect({
      counts: await rowCounts(t.dataSource.manager),
      head: await chainHead(t.dataSource.manager),
    }).toEqual(before);
    const verify = await t.http.get('/api/audit/verify').set(bearer(t.adminToken)).expect(200);
    expect(verify.body).toMatchObject({ ok: true, problems: [] });
  }, 170_000);
});
