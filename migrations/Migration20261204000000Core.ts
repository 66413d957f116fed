import { Migration } from '@mikro-orm/migrations';

/** Libraries, people and tokens, applications with their history, evidence and self-assessments. */
export class Migration20261204000000Core extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "library" ("id" uuid not null, "name" text not null, "created_at" timestamptz not null, primary key ("id"))`);
    this.addSql(`alter table "library" add constraint "library_name_unique" unique ("name")`);
    this.addSql(`create table "person" ("id" uuid not null, "email" text not null, "name" text not null, "roles" text[] not null, "library_id" uuid null, "created_at" timestamptz not null, primary key ("id"))`);
    this.addSql(`alter table "person" add constraint "person_email_unique" unique ("email")`);
    this.addSql(`create table "application" ("id" uuid not null, "library_id" uuid not null, "standard_id" text not null, "standard_version" text not null, "cycle" text not null, "state" text not null, "snapshot" jsonb not null, "machine_version" int not null, "mentor_id" uuid null, "version" int not null default 1, "created_at" timestamptz not null, "updated_at" timestamptz not null, "state_changed_at" timestamptz not null, primary key ("id"))`);
    this.addSql(`create index "application_library_id_index" on "application" ("library_id")`);
    this.addSql(`create index "application_state_index" on "application" ("state")`);
    this.addSql(`create index "application_mentor_id_index" on "application" ("mentor_id")`);
    this.addSql(`alter table "application" add constraint "application_cycle_check" check ("cycle" in (\'initial\', \'annual_review\', \'reassessment\'))`);
    this.addSql(`create table "evidence" ("id" uuid not null, "application_id" uuid not null, "kind" text not null, "title" text not null, "body" text null, "url" text null, "author_id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "deleted_at" timestamptz null, primary key ("id"))`);
    this.addSql(`create index "evidence_application_id_index" on "evidence" ("application_id")`);
    this.addSql(`alter table "evidence" add constraint "evidence_kind_check" check ("kind" in (\'note\', \'link\'))`);
    this.addSql(`create table "evidence_element" ("id" uuid not null, "evidence_id" uuid not null, "element_code" text not null, "note" text not null default \'\', primary key ("id"))`);
    this.addSql(`alter table "evidence_element" add constraint "evidence_element_evidence_id_element_code_unique" unique ("evidence_id", "element_code")`);
    this.addSql(`create table "application_event" ("id" uuid not null, "application_id" uuid not null, "sequence" int not null, "type" text not null, "kind" text not null, "payload" jsonb not null, "actor_id" uuid null, "from_state" text null, "to_state" text null, "created_at" timestamptz not null, primary key ("id"))`);
    this.addSql(`alter table "application_event" add constraint "application_event_application_id_sequence_unique" unique ("application_id", "sequence")`);
    this.addSql(`alter table "application_event" add constraint "application_event_kind_check" check ("kind" in (\'machine\', \'record\'))`);
    this.addSql(`create table "api_token" ("id" uuid not null, "person_id" uuid not null, "token_hash" text not null, "created_at" timestamptz not null, "revoked_at" timestamptz null, primary key ("id"))`);
    this.addSql(`create index "api_token_person_id_index" on "api_token" ("person_id")`);
    this.addSql(`alter table "api_token" add constraint "api_token_token_hash_unique" unique ("token_hash")`);
    this.addSql(`create table "self_assessment" ("id" uuid not null, "application_id" uuid not null, "element_code" text not null, "rating" text not null, "statement" text not null default \'\', "author_id" uuid not null, "updated_at" timestamptz not null, primary key ("id"))`);
    this.addSql(`alter table "self_assessment" add constraint "self_assessment_application_id_element_code_unique" unique ("application_id", "element_code")`);
    this.addSql(`alter table "person" add constraint "person_library_id_foreign" foreign key ("library_id") references "library" ("id") on delete set null`);
    this.addSql(`alter table "application" add constraint "application_library_id_foreign" foreign key ("library_id") references "library" ("id")`);
    this.addSql(`alter table "application" add constraint "application_mentor_id_foreign" foreign key ("mentor_id") references "person" ("id") on delete set null`);
    this.addSql(`alter table "evidence" add constraint "evidence_application_id_foreign" foreign key ("application_id") references "application" ("id")`);
    this.addSql(`alter table "evidence" add constraint "evidence_author_id_foreign" foreign key ("author_id") references "person" ("id")`);
    this.addSql(`alter table "evidence_element" add constraint "evidence_element_evidence_id_foreign" foreign key ("evidence_id") references "evidence" ("id") on delete cascade`);
    this.addSql(`alter table "application_event" add constraint "application_event_application_id_foreign" foreign key ("application_id") references "application" ("id")`);
    this.addSql(`alter table "application_event" add constraint "application_event_actor_id_foreign" foreign key ("actor_id") references "person" ("id") on delete set null`);
    this.addSql(`alter table "api_token" add constraint "api_token_person_id_foreign" foreign key ("person_id") references "person" ("id")`);
    this.addSql(`alter table "self_assessment" add constraint "self_assessment_application_id_foreign" foreign key ("application_id") references "application" ("id")`);
    this.addSql(`alter table "self_assessment" add constraint "self_assessment_author_id_foreign" foreign key ("author_id") references "person" ("id")`);
  }

  override async down(): Promise<void> {
    for (const table of ['self_assessment', 'evidence_element', 'evidence', 'application_event', 'application', 'api_token', 'person', 'library']) {
      this.addSql(`drop table if exists "${table}" cascade`);
    }
  }
}
