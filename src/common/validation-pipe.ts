import { ArgumentMetadata, ValidationPipe } from '@nestjs/common';

/**
 * The global ValidationPipe, except that route parameters reach their own pipes as the text that was sent.
 * With `transform: true` Nest turns a `number` parameter into `+value` before ParseIdPipe sees it, so
 * `/api/contributions/%201`, `/0x1` and `/1e0` would all name contribution 1: a malformed id must be a 400.
 */
export class ApiValidationPipe extends ValidationPipe {
  protected override transformPrimitive(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type === 'param') return value;
    return super.transformPrimitive(value, metadata);
  }
}
