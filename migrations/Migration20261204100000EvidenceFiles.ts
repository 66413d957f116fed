import { Migration } from '@mikro-orm/migrations';

/**
 * Evidence files and revisions: file fields and the evidence-matrix columns on
 * evidence, content stored once per SHA-256, an immutable revision per change
 * (existing items get revision 1), and the record of each submission.
 */
export class Migration20261204100000EvidenceFiles extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "content_blob" ("sha256" text not null, "size" bigint not null, "media_type" text not null, "bytes" bytea not null, "created_at" timestamptz not null, primary key ("sha256"))`);
    this.addSql(`create table "evidence_revision" ("id" uuid not null, "evidence_id" uuid not null, "number" int not null, "title" text not null, "body" text null, "url" text null, "file_name" text null, "sha256" text null, "size" bigint null, "media_type" text null, "reference" text null, "owner" text null, "evidence_date" text null, "evidence_type" text null, "elements" jsonb not null, "deleted" boolean not null default false, "author_id" uuid not null, "created_at" timestamptz not null, primary key ("id"))`);
    this.addSql(`alter table "evidence_revision" add constraint "evidence_revision_evidence_id_number_unique" unique ("evidence_id", "number")`);
    this.addSql(`create table "submission" ("id" uuid not null, "application_id" uuid not null, "event_sequence" int not null, "submitted_at" timestamptz not null, "record" jsonb not null, primary key ("id"))`);
    this.addSql(`create index "submission_application_id_index" on "submission" ("application_id")`);
    this.addSql(`alter table "submission" add constraint "submission_application_id_event_sequence_unique" unique ("application_id", "event_sequence")`);
    this.addSql(`alter table "evidence" drop constraint "evidence_kind_check"`);
    this.addSql(`alter table "evidence" add "file_name" text null, add "sha256" text null, add "size" bigint null, add "media_type" text null, add "reference" text null, add "owner" text null, add "evidence_date" text null, add "evidence_type" text null, add "revision" int not null default 1`);
    this.addSql(`insert into "evidence_revision" ("id", "evidence_id", "number", "title", "body", "url", "elements", "deleted", "author_id", "created_at")
      select gen_random_uuid(), e."id", 1, e."title", e."body", e."url",
             coalesce((select jsonb_agg(jsonb_build_object('code', m."element_code", 'note', m."note") order by m."element_code")
                         from "evidence_element" m where m."evidence_id" = e."id"), '[]'::jsonb),
             e."deleted_at" is not null, e."author_id", e."updated_at"
        from "evidence" e`);
    this.addSql(`alter table "evidence" add constraint "evidence_kind_check" check ("kind" in ('note', 'link', 'file'))`);
    this.addSql(`alter table "evidence_revision" add constraint "evidence_revision_evidence_id_foreign" foreign key ("evidence_id") references "evidence" ("id")`);
    this.addSql(`alter table "evidence_revision" add constraint "evidence_revision_author_id_foreign" foreign key ("author_id") references "person" ("id")`);
    this.addSql(`alter table "submission" add constraint "submission_application_id_foreign" foreign key ("application_id") references "application" ("id")`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "content_blob" cascade`);
    this.addSql(`drop table if exists "evidence_revision" cascade`);
    this.addSql(`drop table if exists "submission" cascade`);
    this.addSql(`alter table "evidence" drop constraint "evidence_kind_check"`);
    this.addSql(`alter table "evidence" drop column "file_name", drop column "sha256", drop column "size", drop column "media_type", drop column "reference", drop column "owner", drop column "evidence_date", drop column "evidence_type", drop column "revision"`);
    this.addSql(`alter table "evidence" add constraint "evidence_kind_check" check ("kind" in ('note', 'link'))`);
  }
}
