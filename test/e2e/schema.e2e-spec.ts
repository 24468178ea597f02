import { DataSource } from 'typeorm';
import { MIGRATIONS, openDatabase } from '../../src/database/data-source';
import { createTestDatabase, DB_LABEL, TestDatabase } from '../support/database';

// The schema comes only from migrations; the entities must describe exactly that schema, or the ORM and the
// database drift apart. TypeORM's schema builder lists the SQL it would run to make the database match the
// entities: after the migrations it must have nothing to do.
describe(`entities and migrations agree (${DB_LABEL})`, () => {
  let db: TestDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase();
    dataSource = await openDatabase(db.config);
  });
  afterAll(async () => {
    await dataSource.destroy();
    await db.drop();
  });

  it('the migrated schema needs no change to match the entities', async () => {
    const pending = await dataSource.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((q) => q.query)).toEqual([]);
  });

  it('applies no migration twice', async () => {
    expect(await dataSource.showMigrations()).toBe(false);
    expect(await dataSource.runMigrations()).toEqual([]);
  });

  it('can roll the whole schema back and forth', async () => {
    // Every migration's down() runs, newest first, down to an empty history; then every up() again.
    for (let i = 0; i < MIGRATIONS.length; i++) await dataSource.undoLastMigration({ transaction: 'each' });
    expect(await dataSource.query('SELECT id FROM migrations')).toEqual([]);
    expect(await dataSource.runMigrations({ transaction: 'each' })).toHaveLength(MIGRATIONS.length);
    const pending = await dataSource.driver.createSchemaBuilder().log();
    expect(pending.upQueries).toHaveLength(0);
  });
});
