import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/**
 * The number of elements an application's live evidence covers, kept beside
 * the evidence so that the quality group can sort thousands of applications by
 * coverage without counting every mapping of every application.
 */
export const ApplicationCoverageSchema = defineEntity({
  name: 'ApplicationCoverage',
  tableName: 'application_coverage',
  properties: {
    applicationId: p.uuid().primary(),
    withEvidence: p.integer(),
  },
});

export type ApplicationCoverage = InferEntity<typeof ApplicationCoverageSchema>;
