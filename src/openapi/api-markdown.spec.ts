import type { OpenAPIObject } from '@nestjs/swagger';
import { renderApiMarkdown } from './api-markdown';
import type { RouteAccess } from './route-access';

const document: OpenAPIObject = {
  openapi: '3.0.0',
  info: { title: 'test', version: '1', description: 'Amounts are whole đồng.' },
  paths: {
    '/api/things/{id}/pay': {
      post: {
        operationId: 'ThingsController_pay',
        tags: ['things'],
        parameters: [
          { name: 'id', in: 'path', required: true, schema: { type: 'number' } },
          {
            name: 'format',
            in: 'query',
            required: false,
            schema: { type: 'string', enum: ['json', 'pdf'], default: 'json' },
          },
        ],
        requestBody: {
          required: true,
          content: { 'application/json': { schema: { $ref: '#/components/schemas/PayDto' } } },
        },
        responses: { '200': { description: 'The payout, paid' } },
        security: [{ bearer: [] }],
      },
    },
    '/api/health': {
      get: { operationId: 'HealthController_health', responses: { '200': { description: '' } } },
    },
    '/api/things': {
      get: {
        operationId: 'ThingsController_list',
        tags: ['things'],
        responses: { '200': { description: '' } },
        security: [{ bearer: [] }],
      },
    },
  },
  components: {
    schemas: {
      PayDto: {
        type: 'object',
        required: ['date', 'amount'],
        properties: {
          date: { type: 'string', example: '2023-07-05' },
          amount: { oneOf: [{ type: 'integer' }, { type: 'string', pattern: '^[0-9]+$' }] },
          note: { type: 'string', maxLength: 500, description: 'x '.repeat(120) + '- 1. # not a list item' },
        },
      },
      Object: { type: 'object', properties: {} },
    },
  },
};

const access = new Map<string, RouteAccess>([
  ['ThingsController_pay', { kind: 'roles', roles: ['accountant', 'admin'] }],
  ['HealthController_health', { kind: 'public' }],
  ['ThingsController_list', { kind: 'signed-in' }],
]);

describe('renderApiMarkdown', () => {
  const markdown = renderApiMarkdown(document, access);
  const lines = markdown.split('\n');

  it('says who may call each route, from the guard metadata', () => {
    expect(markdown).toContain('### `POST /api/things/{id}/pay`\n\nWho: accountant, admin.');
    expect(markdown).toContain('### `GET /api/health`\n\nWho: anyone, no token needed.');
    expect(markdown).toContain('### `GET /api/things`\n\nWho: any signed-in user.');
  });

  it('lists parameters, the body schema and the answers', () => {
    expect(markdown).toContain(
      'Body: `application/json` [PayDto](#paydto). Answers: 200 (The payout, paid).',
    );
    expect(markdown).toContain('- `id` (path, number)');
    expect(markdown).toContain(
      '- `format` (query, optional, string): one of `json`, `pdf`; default `"json"`',
    );
    expect(markdown).toContain('- `amount` (required, integer or string): pattern `^[0-9]+$`');
    expect(markdown).toContain('- `date` (required, string): example `"2023-07-05"`');
  });

  it('groups routes by tag, sorted, and leaves empty schemas out', () => {
    expect(lines.filter((line) => line.startsWith('## '))).toEqual(['## health', '## things', '## Schemas']);
    expect(markdown).not.toContain('### Object');
  });

  it('wraps long text without making a continuation line look like a list item or a heading', () => {
    expect(lines.every((line) => line.length <= 160)).toBe(true);
    const note = lines.findIndex((line) => line.startsWith('- `note`'));
    const continuation = lines.slice(note + 1).filter((line) => line.startsWith('  '));
    expect(continuation.length).toBeGreaterThan(0);
    expect(continuation.every((line) => !/^\s+([-*+#>]|\d+[.)])\s/.test(line))).toBe(true);
  });

  it('gives the same text for the same document', () => {
    expect(renderApiMarkdown(document, access)).toBe(markdown);
  });
});
