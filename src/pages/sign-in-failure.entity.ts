import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/** Failed sign-ins counted per email and per client address, so that guessing is slowed down on every instance. */
export const SignInFailureSchema = defineEntity({
  name: 'SignInFailure',
  tableName: 'sign_in_failure',
  properties: {
    key: p.text().primary(),
    failures: p.integer(),
    windowStartedAt: p.datetime(),
    lastFailureAt: p.datetime(),
  },
});

export type SignInFailure = InferEntity<typeof SignInFailureSchema>;
