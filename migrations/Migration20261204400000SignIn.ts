import { Migration } from '@mikro-orm/migrations';

/** Sign-in for the pages: password hashes, browser sessions and the failed sign-ins that slow down guessing. */
export class Migration20261204400000SignIn extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "sign_in_failure" ("key" text not null, "failures" int not null, "window_started_at" timestamptz not null, "last_failure_at" timestamptz not null, primary key ("key"))`);
    this.addSql(`create table "web_session" ("id" text not null, "person_id" uuid not null, "csrf_token" text not null, "created_at" timestamptz not null, "expires_at" timestamptz not null, "last_seen_at" timestamptz not null, primary key ("id"))`);
    this.addSql(`create index "web_session_person_id_index" on "web_session" ("person_id")`);
    this.addSql(`create index "web_session_expires_at_index" on "web_session" ("expires_at")`);
    this.addSql(`alter table "person" add "password_hash" text null`);
    this.addSql(`alter table "web_session" add constraint "web_session_person_id_foreign" foreign key ("person_id") references "person" ("id")`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "sign_in_failure" cascade`);
    this.addSql(`drop table if exists "web_session" cascade`);
    this.addSql(`alter table "person" drop column "password_hash"`);
  }
}
