import { ApplicationEventSchema } from '../applications/application-event.entity.ts';
import { ApplicationSchema } from '../applications/application.entity.ts';
import { SubmissionSchema } from '../applications/submission.entity.ts';
import { ApplicationCoverageSchema } from '../evidence/application-coverage.entity.ts';
import { ContentBlobSchema } from '../evidence/content-blob.entity.ts';
import { EvidenceRevisionSchema } from '../evidence/evidence-revision.entity.ts';
import { EvidenceElementSchema } from '../evidence/evidence-element.entity.ts';
import { EvidenceSchema } from '../evidence/evidence.entity.ts';
import { SelfAssessmentSchema } from '../evidence/self-assessment.entity.ts';
import { LibrarySchema } from '../libraries/library.entity.ts';
import { SignInFailureSchema } from '../pages/sign-in-failure.entity.ts';
import { WebSessionSchema } from '../pages/web-session.entity.ts';
import { ApiTokenSchema } from '../people/api-token.entity.ts';
import { PortfolioRenderSchema } from '../portfolio/portfolio-render.entity.ts';
import { ElementReviewSchema } from '../review/element-review.entity.ts';
import { MentorProfileSchema } from '../review/mentor-profile.entity.ts';
import { NotificationSchema } from '../review/notification.entity.ts';
import { ReviewCommentSchema } from '../review/review-comment.entity.ts';
import { ReviewRoundSchema } from '../review/review-round.entity.ts';
import { PersonSchema } from '../people/person.entity.ts';

/** Every entity, in one list, so that the ORM and the migration generator see the same schema. */
export const ENTITIES = [
  LibrarySchema,
  PersonSchema,
  ApiTokenSchema,
  ApplicationSchema,
  ApplicationEventSchema,
  EvidenceSchema,
  EvidenceElementSchema,
  ApplicationCoverageSchema,
  SelfAssessmentSchema,
  EvidenceRevisionSchema,
  ContentBlobSchema,
  SubmissionSchema,
  MentorProfileSchema,
  ReviewRoundSchema,
  ElementReviewSchema,
  ReviewCommentSchema,
  NotificationSchema,
  PortfolioRenderSchema,
  WebSessionSchema,
  SignInFailureSchema,
];
