import { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';

import { AppError } from '../errors.ts';
import type { AppEnv } from './env.ts';
import { validationHook } from './problem.ts';

/** Creates a sub-app whose schema failures all become 422 problems. */
export function createRouter(): OpenAPIHono<AppEnv> {
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook as never });
}

/** Limits a JSON body to `maxBytes`; placed after the access checks so that a stranger learns nothing from a 413. */
export function limitJsonBody(maxBytes: number) {
  return bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw new AppError('payload_too_large', `The request body is larger than ${maxBytes} bytes (JSON_MAX_BYTES). Send a smaller body.`);
    },
  });
}
