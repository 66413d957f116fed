import { Migration } from '@mikro-orm/migrations';

/** The covered-element count per application, for sorting the dashboard by coverage, filled from the evidence already stored. */
export class Migration20261205000000CoverageCount extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "application_coverage" ("application_id" uuid not null, "with_evidence" int not null, primary key ("application_id"))`);
    this.addSql(`insert into "application_coverage" ("application_id", "with_evidence")
      select e."application_id", count(distinct ee."element_code")
        from "evidence" e join "evidence_element" ee on ee."evidence_id" = e."id"
       where e."deleted_at" is null
       group by e."application_id"`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "application_coverage" cascade`);
  }
}
