import type {
  OpenAPIObject,
  OperationObject,
  ParameterObject,
  ReferenceObject,
  RequestBodyObject,
  SchemaObject,
} from '@nestjs/swagger';
import type { RouteAccess } from './route-access';

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
// Lines stay well under the 160 characters the docs check allows, so Prettier never needs to touch this file.
const WRAP_AT = 110;

type Schema = SchemaObject | ReferenceObject;

/**
 * docs/api.md from the OpenAPI document: every route grouped by its first path segment, with who may call it, its
 * parameters, body and answers, then every schema. Lists, not tables, so no line grows with the longest cell.
 * The output depends on nothing but its inputs: `test/e2e/docs.e2e-spec.ts` compares it with the file.
 */
export function renderApiMarkdown(document: OpenAPIObject, access: ReadonlyMap<string, RouteAccess>): string {
  const out: string[] = [
    '# API reference',
    '',
    '<!-- Generated from the OpenAPI document by `npm run docs:api`; do not edit by hand. -->',
    '',
    ...wrap(document.info.description ?? '', ''),
    '',
    'The same document, typed and browsable, is served at `/api/docs` (JSON at `/api/docs-json`). Every route needs',
    '`Authorization: Bearer <token>` from `POST /api/auth/login` unless it says "anyone".',
    '',
    '"Who" names the roles the route admits; the service may refuse more (the preparer of a payout never approves it,',
    'and approving needs an approver or admin), and a user limited to a fund reaches only that fund and those below it.',
  ];

  const groups = new Map<string, { method: string; path: string; operation: OperationObject }[]>();
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      const operation = item[method];
      if (!operation) continue;
      const group = operation.tags?.[0] ?? path.split('/').filter(Boolean)[1] ?? path;
      groups.set(group, [...(groups.get(group) ?? []), { method, path, operation }]);
    }
  }

  for (const group of [...groups.keys()].sort()) {
    out.push('', `## ${group}`);
    const routes = groups.get(group) ?? [];
    routes.sort(
      (a, b) =>
        a.path.localeCompare(b.path) ||
        METHODS.indexOf(a.method as never) - METHODS.indexOf(b.method as never),
    );
    for (const { method, path, operation } of routes) {
      out.push('', `### \`${method.toUpperCase()} ${path}\``, '');
      for (const text of [operation.summary, operation.description]) {
        if (text) out.push(...wrap(text, ''), '');
      }
      const facts = [
        `Who: ${who(operation, access)}.`,
        requestBody(operation.requestBody),
        responses(operation),
      ];
      out.push(...wrap(facts.filter(Boolean).join(' '), ''));
      out.push(...parameters(operation));
    }
  }

  const schemas = document.components?.schemas ?? {};
  const names = Object.keys(schemas)
    .filter((name) => Object.keys((schemas[name] as SchemaObject).properties ?? {}).length > 0)
    .sort();
  if (names.length > 0) out.push('', '## Schemas');
  for (const name of names) {
    const schema = schemas[name] as SchemaObject;
    out.push('', `### ${name}`, '');
    if (schema.description) out.push(...wrap(schema.description, ''), '');
    for (const [field, property] of Object.entries(schema.properties ?? {})) {
      const required = schema.required?.includes(field) ? 'required' : 'optional';
      out.push(...wrap(`- \`${field}\` (${required}, ${describe(property)})${note(property)}`, '  '));
    }
  }
  return out.join('\n') + '\n';
}

function who(operation: OperationObject, access: ReadonlyMap<string, RouteAccess>): string {
  const rule = operation.operationId ? access.get(operation.operationId) : undefined;
  if (rule?.kind === 'public' || (!rule && !operation.security)) return 'anyone, no token needed';
  if (!rule || rule.kind === 'signed-in') return 'any signed-in user';
  return rule.roles.join(', ');
}

function parameters(operation: OperationObject): string[] {
  const list = (operation.parameters ?? []).filter((p): p is ParameterObject => !('$ref' in p));
  if (list.length === 0) return [];
  const out = [''];
  for (const p of list) {
    const type = p.schema ? describe(p.schema) : 'value';
    const facts = [p.in === 'path' ? 'path' : `${p.in}, ${p.required ? 'required' : 'optional'}`];
    if (type !== 'value') facts.push(type);
    const text = [p.description, p.schema ? note(p.schema).replace(/^: /, '') : '']
      .filter(Boolean)
      .join('; ');
    out.push(...wrap(`- \`${p.name}\` (${facts.join(', ')})${text ? `: ${text}` : ''}`, '  '));
  }
  return out;
}

function requestBody(body: RequestBodyObject | ReferenceObject | undefined): string {
  if (!body) return '';
  if ('$ref' in body) return `Body: ${refName(body.$ref)}.`;
  const kinds = Object.entries(body.content).map(
    ([type, media]) => `\`${type}\`${media.schema ? ` ${describe(media.schema)}` : ''}`,
  );
  return `Body: ${kinds.join(' or ')}.`;
}

function responses(operation: OperationObject): string {
  const answers = Object.entries(operation.responses).map(([status, response]) => {
    const description = !response ? '' : '$ref' in response ? refName(response.$ref) : response.description;
    return description ? `${status} (${description.replace(/\.$/, '')})` : status;
  });
  return answers.length > 0 ? `Answers: ${answers.join(', ')}.` : '';
}

/** The type of a schema in words: `string`, `integer or string`, `array of [JournalLineDto](#journallinedto)`. */
function describe(schema: Schema): string {
  if ('$ref' in schema) {
    const name = refName(schema.$ref);
    return name === 'Object' ? 'value' : `[${name}](#${name.toLowerCase()})`;
  }
  if (schema.oneOf) return schema.oneOf.map(describe).join(' or ');
  if (schema.anyOf) return schema.anyOf.map(describe).join(' or ');
  if (schema.allOf) return schema.allOf.map(describe).join(' and ');
  if (schema.type === 'array' && schema.items) return `array of ${describe(schema.items)}`;
  return schema.format ? `${schema.type ?? 'value'}, ${schema.format}` : (schema.type ?? 'value');
}

/** Constraints, choices, default and example of a schema, as a `: …` suffix (empty when there are none). */
function note(schema: Schema): string {
  if ('$ref' in schema) return '';
  const parts: string[] = [];
  if (schema.description) parts.push(schema.description);
  if (schema.enum) parts.push(`one of ${schema.enum.map((v) => `\`${String(v)}\``).join(', ')}`);
  if (schema.pattern) parts.push(`pattern \`${schema.pattern}\``);
  for (const variant of [...(schema.oneOf ?? []), ...(schema.anyOf ?? [])]) {
    if (!('$ref' in variant) && variant.pattern) parts.push(`pattern \`${variant.pattern}\``);
  }
  if (schema.minimum !== undefined) parts.push(`at least ${schema.minimum}`);
  if (schema.maximum !== undefined) parts.push(`at most ${schema.maximum}`);
  if (schema.minLength !== undefined) parts.push(`at least ${schema.minLength} characters`);
  if (schema.maxLength !== undefined) parts.push(`at most ${schema.maxLength} characters`);
  if (schema.maxItems !== undefined) parts.push(`at most ${schema.maxItems} items`);
  if (schema.default !== undefined) parts.push(`default \`${JSON.stringify(schema.default)}\``);
  if (schema.example !== undefined) parts.push(`example \`${JSON.stringify(schema.example)}\``);
  return parts.length > 0 ? `: ${parts.join('; ')}` : '';
}

function refName(ref: string): string {
  return ref.slice(ref.lastIndexOf('/') + 1);
}

/** Wraps text at spaces into lines of at most WRAP_AT characters; continuation lines start with `indent`. */
function wrap(text: string, indent: string): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const candidate = line ? `${line} ${word}` : lines.length > 0 ? `${indent}${word}` : word;
    // A continuation line must not start like a list item or a heading, or Markdown would read it as one.
    if (line && candidate.length > WRAP_AT && !/^([-*+#>]|\d+[.)])/.test(word)) {
      lines.push(line);
      line = `${indent}${word}`;
    } else {
      line = candidate;
    }
  }
  if (line) lines.push(line);
  return lines;
}
