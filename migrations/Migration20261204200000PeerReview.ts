import { Migration } from '@mikro-orm/migrations';

/** Peer review: mentor profiles, review rounds with per-element verdicts, comment threads and notifications. */
export class Migration20261204200000PeerReview extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "mentor_profile" ("person_id" uuid not null, "capacity" int not null, "standards" text[] not null, "conflicts" text[] not null, "updated_at" timestamptz not null, primary key ("person_id"))`);
    this.addSql(`create table "notification" ("id" uuid not null, "person_id" uuid not null, "application_id" uuid null, "kind" text not null, "message" text not null, "key" text not null, "created_at" timestamptz not null, "read_at" timestamptz null, primary key ("id"))`);
    this.addSql(`create index "notification_person_id_index" on "notification" ("person_id")`);
    this.addSql(`alter table "notification" add constraint "notification_key_unique" unique ("key")`);
    this.addSql(`create table "review_comment" ("id" uuid not null, "application_id" uuid not null, "element_code" text not null, "parent" uuid null, "author_id" uuid not null, "body" text not null, "created_at" timestamptz not null, "resolved_at" timestamptz null, "resolved_by_id" uuid null, primary key ("id"))`);
    this.addSql(`create index "review_comment_application_id_element_code_index" on "review_comment" ("application_id", "element_code")`);
    this.addSql(`create table "review_round" ("id" uuid not null, "application_id" uuid not null, "number" int not null, "mentor_id" uuid not null, "opened_at" timestamptz not null, "due_at" timestamptz not null, "decision" text null, "decided_at" timestamptz null, "decided_by_id" uuid null, "decision_comment" text null, "reviewed" jsonb null, "overdue_recorded_at" timestamptz null, "week_reminder_at" timestamptz null, "day_reminder_at" timestamptz null, primary key ("id"))`);
    this.addSql(`create index "review_round_due_at_index" on "review_round" ("due_at")`);
    this.addSql(`alter table "review_round" add constraint "review_round_application_id_number_unique" unique ("application_id", "number")`);
    this.addSql(`create table "element_review" ("id" uuid not null, "round_id" uuid not null, "element_code" text not null, "verdict" text not null, "comment" text not null default '', "suggested_rating" text null, "updated_at" timestamptz not null, primary key ("id"))`);
    this.addSql(`alter table "element_review" add constraint "element_review_round_id_element_code_unique" unique ("round_id", "element_code")`);
    this.addSql(`alter table "mentor_profile" add constraint "mentor_profile_person_id_foreign" foreign key ("person_id") references "person" ("id") on update cascade on delete cascade`);
    this.addSql(`alter table "notification" add constraint "notification_person_id_foreign" foreign key ("person_id") references "person" ("id")`);
    this.addSql(`alter table "notification" add constraint "notification_application_id_foreign" foreign key ("application_id") references "application" ("id") on delete set null`);
    this.addSql(`alter table "review_comment" add constraint "review_comment_application_id_foreign" foreign key ("application_id") references "application" ("id")`);
    this.addSql(`alter table "review_comment" add constraint "review_comment_author_id_foreign" foreign key ("author_id") references "person" ("id")`);
    this.addSql(`alter table "review_comment" add constraint "review_comment_resolved_by_id_foreign" foreign key ("resolved_by_id") references "person" ("id") on delete set null`);
    this.addSql(`alter table "review_round" add constraint "review_round_application_id_foreign" foreign key ("application_id") references "application" ("id")`);
    this.addSql(`alter table "review_round" add constraint "review_round_mentor_id_foreign" foreign key ("mentor_id") references "person" ("id")`);
    this.addSql(`alter table "review_round" add constraint "review_round_decided_by_id_foreign" foreign key ("decided_by_id") references "person" ("id") on delete set null`);
    this.addSql(`alter table "review_round" add constraint "review_round_decision_check" check ("decision" in ('changes_requested', 'approved', 'released', 'reassigned', 'withdrawn'))`);
    this.addSql(`alter table "element_review" add constraint "element_review_round_id_foreign" foreign key ("round_id") references "review_round" ("id")`);
    this.addSql(`alter table "element_review" add constraint "element_review_verdict_check" check ("verdict" in ('ok', 'needs_work', 'not_reviewed'))`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "element_review" drop constraint "element_review_round_id_foreign"`);
    this.addSql(`drop table if exists "mentor_profile" cascade`);
    this.addSql(`drop table if exists "notification" cascade`);
    this.addSql(`drop table if exists "review_comment" cascade`);
    this.addSql(`drop table if exists "review_round" cascade`);
    this.addSql(`drop table if exists "element_review" cascade`);
  }
}
