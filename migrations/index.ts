import type { MigrationObject } from '@mikro-orm/core';

import { Migration20261204000000Core } from './Migration20261204000000Core.ts';
import { Migration20261204100000EvidenceFiles } from './Migration20261204100000EvidenceFiles.ts';
import { Migration20261204200000PeerReview } from './Migration20261204200000PeerReview.ts';
import { Migration20261204300000PortfolioAndCycle } from './Migration20261204300000PortfolioAndCycle.ts';
import { Migration20261204400000SignIn } from './Migration20261204400000SignIn.ts';
import { Migration20261205000000CoverageCount } from './Migration20261205000000CoverageCount.ts';

/**
 * Every migration in order. Listing them here, not discovering them by glob,
 * keeps the set identical whether Waymark runs from source or from a package.
 * Never edit a migration once released: add a new one.
 */
export const MIGRATIONS: MigrationObject[] = [
  { name: 'Migration20261204000000Core', class: Migration20261204000000Core },
  { name: 'Migration20261204100000EvidenceFiles', class: Migration20261204100000EvidenceFiles },
  { name: 'Migration20261204200000PeerReview', class: Migration20261204200000PeerReview },
  { name: 'Migration20261204300000PortfolioAndCycle', class: Migration20261204300000PortfolioAndCycle },
  { name: 'Migration20261204400000SignIn', class: Migration20261204400000SignIn },
  { name: 'Migration20261205000000CoverageCount', class: Migration20261205000000CoverageCount },
];
