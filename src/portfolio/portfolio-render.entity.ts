import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

import { ApplicationSchema } from '../applications/application.entity.ts';
import { SubmissionSchema } from '../applications/submission.entity.ts';
import { PersonSchema } from '../people/person.entity.ts';

export const RENDER_KINDS = ['draft', 'submitted'] as const;
export type RenderKind = (typeof RENDER_KINDS)[number];
export const RENDER_STATUSES = ['queued', 'rendering', 'ready', 'failed'] as const;
export type RenderStatus = (typeof RENDER_STATUSES)[number];

/**
 * One render of an application's evidence portfolio. A `submitted` render is
 * made once from the submission record and never changes; drafts may be pruned.
 * The PDF itself is content in the store, named by `sha256`.
 */
export const PortfolioRenderSchema = defineEntity({
  name: 'PortfolioRender',
  tableName: 'portfolio_render',
  properties: {
    id: p.uuid().primary(),
    application: () => p.manyToOne(ApplicationSchema).mapToPk().index(),
    kind: p.enum(RENDER_KINDS),
    submission: () => p.manyToOne(SubmissionSchema).mapToPk().nullable().unique(),
    status: p.enum(RENDER_STATUSES),
    progress: p.integer().default(0),
    reason: p.text().nullable(),
    includeAppendices: p.boolean().default(false),
    sha256: p.text().nullable(),
    size: p.bigint('number').nullable(),
    pages: p.integer().nullable(),
    attempts: p.integer().default(0),
    requestedBy: () => p.manyToOne(PersonSchema).mapToPk().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    startedAt: p.datetime().nullable(),
    finishedAt: p.datetime().nullable(),
  },
});

export type PortfolioRender = InferEntity<typeof PortfolioRenderSchema>;
