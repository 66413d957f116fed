import { Migration } from '@mikro-orm/migrations';

/** Portfolio renders, and the links of the cycle: the application a review follows, its due date, and copied evidence's source. */
export class Migration20261204300000PortfolioAndCycle extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "portfolio_render" ("id" uuid not null, "application_id" uuid not null, "kind" text not null, "submission_id" uuid null, "status" text not null, "progress" int not null default 0, "reason" text null, "include_appendices" boolean not null default false, "sha256" text null, "size" bigint null, "pages" int null, "attempts" int not null default 0, "requested_by_id" uuid null, "created_at" timestamptz not null, "started_at" timestamptz null, "finished_at" timestamptz null, primary key ("id"))`);
    this.addSql(`create index "portfolio_render_application_id_index" on "portfolio_render" ("application_id")`);
    this.addSql(`alter table "portfolio_render" add constraint "portfolio_render_submission_id_unique" unique ("submission_id")`);
    this.addSql(`alter table "application" add "previous_application_id" uuid null, add "due_on" text null, add "cycle_started_on" text null, add "review_number" int null`);
    this.addSql(`alter table "evidence" add "source_evidence_id" uuid null, add "source_revision" int null`);
    this.addSql(`alter table "portfolio_render" add constraint "portfolio_render_application_id_foreign" foreign key ("application_id") references "application" ("id")`);
    this.addSql(`alter table "portfolio_render" add constraint "portfolio_render_submission_id_foreign" foreign key ("submission_id") references "submission" ("id") on delete set null`);
    this.addSql(`alter table "portfolio_render" add constraint "portfolio_render_requested_by_id_foreign" foreign key ("requested_by_id") references "person" ("id") on delete set null`);
    this.addSql(`alter table "portfolio_render" add constraint "portfolio_render_kind_check" check ("kind" in ('draft', 'submitted'))`);
    this.addSql(`alter table "portfolio_render" add constraint "portfolio_render_status_check" check ("status" in ('queued', 'rendering', 'ready', 'failed'))`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "portfolio_render" cascade`);
    this.addSql(`alter table "application" drop column "previous_application_id", drop column "due_on", drop column "cycle_started_on", drop column "review_number"`);
    this.addSql(`alter table "evidence" drop column "source_evidence_id", drop column "source_revision"`);
  }
}
